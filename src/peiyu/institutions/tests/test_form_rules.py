"""The application forms' validation (SEL-12): every value cleaned as everywhere else (peiyu.core.cleaning)
— names with any middle dot, landline or mobile contact numbers, the common date forms, control
characters refused — and the forms still importable from rules.forms."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from peiyu.core.errors import InvalidInput
from peiyu.core.identifiers import uscc_with_check
from peiyu.institutions.rules.forms import DTE_TRAINING, FORMS, form_key_for, validate_form

from .factories import dte_form

LEVELS = ["初级", "中级", "高级"]
ORG = SimpleNamespace(name="沈阳智算科技有限公司", uscc=uscc_with_check("91210102MA0XXXXX0"))


def _form(**over):
    return dte_form(ORG) | {"occupation": "人工智能工程技术人员", "levels": ["初级", "中级"]} | over


def test_the_factory_form_is_valid_and_the_registry_finds_every_spec():
    assert set(FORMS) == {"dte_training", "dte_evaluation", "chengdu_evaluation"}
    assert form_key_for("dte", "training") == "dte_training" and FORMS["dte_training"] is DTE_TRAINING
    clean = validate_form("dte_training", _form(), levels=LEVELS)
    assert clean["legal_rep_name"] == "王法人"


def test_names_phones_and_dates_are_cleaned_as_everywhere_else():
    clean = validate_form(
        "dte_training",
        _form(
            legal_rep_name="阿卜杜拉•买买提",
            contact_phone="+86 138-0013-8000",
            lead_phone="(024)22900001",
            founded_on="2015年3月1日",
        ),
        levels=LEVELS,
    )
    assert clean["legal_rep_name"] == "阿卜杜拉·买买提"
    assert clean["contact_phone"] == "13800138000" and clean["lead_phone"] == "02422900001"
    assert clean["founded_on"] == "2015-03-01"


def test_bad_values_are_named_per_field():
    with pytest.raises(InvalidInput) as exc:
        validate_form(
            "dte_training",
            _form(
                legal_rep_name="王法人1",
                contact_phone="12345",
                founded_on="2015-02-30",
                address="沈阳\x00市",
                profile_text="字" * 801,
            ),
            levels=LEVELS,
        )
    fields = exc.value.fields
    assert fields["legal_rep_name"] == [
        "法定代表人姓名：姓名含有不允许的字符“1”，只能使用汉字、字母、间隔号“·”和空格"
    ]
    assert fields["contact_phone"][0].startswith("申报联系人电话：电话号码格式不正确")
    assert fields["founded_on"] == ["单位成立时间：请填写有效日期（年-月-日）"]
    assert fields["address"] == ["单位地址：含有不可见的控制字符"]
    assert fields["profile_text"] == ["单位基本情况（基本情况、行业地位、单位优势）：不能超过800个字"]


def test_a_teacher_table_row_checks_the_name_and_phone_too():
    form = _form()
    form["teachers"] = [dict(form["teachers"][0], name="赵·", phone="024-1")]
    with pytest.raises(InvalidInput) as exc:
        validate_form("dte_training", form, levels=LEVELS)
    assert set(exc.value.fields) == {"teachers.1.name", "teachers.1.phone"}
