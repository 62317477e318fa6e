"""Input cleaning (peiyu.core.cleaning): every kind of value, the three ways to call a cleaner and the
adapters for API schemas and page forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from peiyu.core import cleaning as c
from peiyu.core import cleaning_adapters as adapters
from peiyu.core.errors import InvalidInput


@pytest.mark.parametrize(
    "text", ["a\x00b", "a\x01b", "a\x1bb", "a\x7fb", "a\x85b\x9f", "a\ud800b", "a\u202eb", "a\u2066b"]
)
def test_control_characters_are_refused_in_every_kind_of_text(text):
    for multiline in (False, True):
        with pytest.raises(InvalidInput) as exc:
            c.clean_text(text, multiline=multiline, label="标题", field="title")
        assert exc.value.fields == {"title": ["标题含有不可见的控制字符"]}
    assert c.checked(c.clean_reason, text)[1] == "原因含有不可见的控制字符"
    assert c.checked(c.person_name, "王" + text)[1] == "姓名含有不可见的控制字符"
    assert c.checked(c.clean_date, "2026-03-01" + text)[1] == "含有不可见的控制字符"
    assert c.has_control_characters(text)


def test_single_line_text_joins_lines_multi_line_keeps_them():
    assert c.clean_text("  第一行\r\n\t第二行  ") == "第一行 第二行"
    assert (
        c.clean_text("  第一行\r\n第二行\r第三行\u2028第四行 ", multiline=True)
        == "第一行\n第二行\n第三行\n第四行"
    )
    assert c.clean_text("制表\t符", multiline=True) == "制表\t符"
    assert c.clean_text(None) == "" and c.clean_text(2026) == "2026"


def test_length_caps_refuse_never_cut_and_required_names_the_field():
    assert c.clean_text("字" * 10, max_length=10) == "字" * 10
    with pytest.raises(InvalidInput) as exc:
        c.clean_text("字" * 11, max_length=10, label="班级名称", field="title")
    assert exc.value.message == "班级名称过长" and exc.value.fields == {"title": ["不能超过10个字"]}
    assert c.checked(c.clean_text, " ", required=True, label="班级名称") == (None, "请填写班级名称")
    assert c.clean_text(" ", required=False) == ""


def test_reasons_are_required_capped_at_2000_and_kept_in_full():
    assert c.REASON_MAX == 2000
    assert c.clean_reason(" 场地调整\n另择日期 ", label="取消原因") == "场地调整\n另择日期"
    with pytest.raises(InvalidInput) as exc:
        c.clean_reason("", label="退训原因")
    assert exc.value.message == "请填写退训原因" and exc.value.fields == {"reason": ["请填写退训原因"]}
    assert c.clean_reason("因" * 2000) == "因" * 2000
    with pytest.raises(InvalidInput) as exc:
        c.clean_reason("因" * 2001, label="取消原因")
    assert exc.value.message == "取消原因过长" and exc.value.fields == {"reason": ["不能超过2000个字"]}
    assert c.checked(c.clean_reason, "太短", min_length=5, label="理由") == (None, "理由不少于5个字")


@pytest.mark.parametrize(
    "written",
    [
        dt.date(2026, 3, 1),
        dt.datetime(2026, 3, 1, 9, 30),
        "2026-03-01",
        "2026-3-1",
        "2026/3/1",
        "2026.03.01",
        "2026年3月1日",
        "2026 年 3 月 1 日",
        "20260301",
        "２０２６－０３－０１",
        "2026-03-01 00:00:00",
    ],
)
def test_dates_in_the_forms_people_and_spreadsheets_write(written):
    assert c.clean_date(written) == dt.date(2026, 3, 1)


def test_bad_or_missing_dates():
    assert c.checked(c.clean_date, "2026-13-01", label="开班日期") == (None, "请填写开班日期（年-月-日）")
    assert c.checked(c.clean_date, "", label="开班日期") == (None, "请填写开班日期（年-月-日）")
    assert c.checked(c.clean_date, "明天") == (None, "请填写有效日期（年-月-日）")
    assert c.clean_date("", required=False) is None
    assert c.checked(c.clean_date, "46082")[1] is not None  # a number is not a date unless asked for
    assert c.clean_date("46082", excel_serial=True) == dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("12.5", Decimal("12.50")),
        ("1,234.50", Decimal("1234.50")),
        ("¥ 800", Decimal("800.00")),
        ("800元", Decimal("800.00")),
        (3, Decimal("3.00")),
        (Decimal("0.1"), Decimal("0.10")),
        (1000.25, Decimal("1000.25")),
        ("", Decimal("0.00")),
        (None, Decimal("0.00")),
    ],
)
def test_money_has_two_places(written, expected):
    value = c.clean_money(written)
    assert value == expected and value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("abc", "培训费应为金额"),
        ("NaN", "培训费应为金额"),
        (True, "培训费应为金额"),
        ("-1", "培训费应为不超过两位小数的非负金额"),
        ("1.234", "培训费应为不超过两位小数的非负金额"),
        ("100000000", "培训费应为不超过两位小数的非负金额"),
    ],
)
def test_bad_money_is_refused_not_rounded(written, message):
    assert c.checked(c.clean_money, written, label="培训费") == (None, message)
    assert c.checked(c.clean_money, "", label="培训费", required=True) == (None, "请填写培训费")
    assert c.clean_money("500", maximum=Decimal("1000")) == Decimal("500.00")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("王芳", "王芳"),
        ("欧阳娜娜", "欧阳娜娜"),
        (" 王  芳 ", "王 芳"),
        ("阿卜杜拉·买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉•买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉‧买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉・买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉 . 买买提", "阿卜杜拉·买买提"),
        ("John  Smith", "John Smith"),
        ("李〇", "李〇"),
        ("王" * 30, "王" * 30),
    ],
)
def test_real_names_pass_and_are_normalised(written, expected):
    assert c.person_name(written) == expected


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("", "请填写姓名"),
        ("王", "姓名应为2至30个字符，当前为1个"),
        ("王" * 31, "姓名应为2至30个字符，当前为31个"),
        ("王芳2", "姓名含有不允许的字符“2”，只能使用汉字、字母、间隔号“·”和空格"),
        ("王芳(学员)", "姓名含有不允许的字符“()”，只能使用汉字、字母、间隔号“·”和空格"),
        ("·王芳", "姓名不能以间隔号“·”开头或结尾"),
        ("王芳·", "姓名不能以间隔号“·”开头或结尾"),
        ("阿卜杜拉··买买提", "姓名中的间隔号“·”不能连用"),
    ],
)
def test_bad_names_are_refused(written, message):
    assert c.checked(c.person_name, written) == (None, message)


def test_an_optional_name_may_be_empty():
    assert c.person_name(" ", required=False) == ""


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("８６１３８００１３８０００", "13800138000"),
        ("'13800138000", "13800138000"),
        ("", ""),
    ],
)
def test_mobile_numbers(written, expected):
    assert c.mobile_phone(written) == expected
    assert c.phone(written) == expected


@pytest.mark.parametrize("written", ["12800138000", "1380013800", "024-88888888", "138001380001", "abc"])
def test_bad_mobile_numbers(written):
    assert c.checked(c.mobile_phone, written) == (None, c.MOBILE_MESSAGE)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("024-22900001", "024-22900001"),
        ("(010)87654321", "01087654321"),
        ("0755 8888 8888", "075588888888"),
        ("024-22900001转123", "024-22900001转123"),
        ("400-810-8888", "400-810-8888"),
        ("+86 24 22900001", "02422900001"),
    ],
)
def test_landlines_are_contact_numbers(written, expected):
    assert c.phone(written) == expected


@pytest.mark.parametrize("written", ["024-1", "12345678", "22900001", "0000-22900001", "电话"])
def test_bad_contact_numbers(written):
    assert c.checked(c.phone, written) == (None, c.PHONE_MESSAGE)
    assert c.checked(c.phone, "", required=True) == (None, "请填写电话号码")


def test_collect_gathers_every_field_then_refuses_once():
    errors: dict[str, list[str]] = {}
    data = {"name": "王", "phone": "123", "title": "好", "starts_on": "2026-03-01"}
    assert c.collect(errors, "name", c.person_name, data["name"]) is None
    assert c.collect(errors, "phone", c.mobile_phone, data["phone"]) is None
    assert c.collect(errors, "title", c.clean_text, data["title"], required=True) == "好"
    assert c.clean_dates(data, {"starts_on": "开始日期", "ends_on": "结束日期"}, errors) == {
        "starts_on": dt.date(2026, 3, 1)
    }
    assert c.clean_texts({"a": "x" * 3, "b": " y "}, {"a": 2, "b": 5}, errors) == {"a": "x" * 3, "b": "y"}
    assert errors == {
        "name": ["姓名应为2至30个字符，当前为1个"],
        "phone": [c.MOBILE_MESSAGE],
        "ends_on": ["请填写结束日期（年-月-日）"],
        "a": ["不能超过2个字"],
    }
    with pytest.raises(InvalidInput) as exc:
        c.raise_collected(errors, "学员信息有误")
    assert exc.value.message == "学员信息有误" and exc.value.fields == errors
    c.raise_collected({"name": []}, "无误")  # nothing collected: no refusal


def test_api_types_refuse_with_the_cleaners_chinese_message():
    class PersonIn(BaseModel):
        name: adapters.PersonNameStr
        phone: adapters.MobilePhoneStr = ""
        nickname: adapters.OptionalPersonNameStr = ""
        reason: adapters.ReasonStr = "无"
        title: adapters.api_str(c.clean_text, max_length=5) = ""

    ok = PersonIn(name="阿卜杜拉•买买提", phone="+86 138-0013-8000", title=" 标题 ")
    assert (ok.name, ok.phone, ok.title) == ("阿卜杜拉·买买提", "13800138000", "标题")
    with pytest.raises(ValidationError) as exc:
        PersonIn(name="王芳2", phone="12800138000", title="太长的标题文字", reason=" ")
    messages = {e["loc"][0]: e["msg"] for e in exc.value.errors()}
    assert messages == {
        "name": "姓名含有不允许的字符“2”，只能使用汉字、字母、间隔号“·”和空格",
        "phone": c.MOBILE_MESSAGE,
        "title": "不能超过5个字",
        "reason": "请填写原因",
    }


def test_django_form_field_and_validator(settings):
    from django import forms
    from django.core.exceptions import ValidationError as DjangoValidationError

    class PersonForm(forms.Form):
        name = adapters.form_field(c.person_name)
        phone = adapters.form_field(c.phone, required=False)

    form = PersonForm({"name": "阿卜杜拉 . 买买提", "phone": "024-22900001"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"name": "阿卜杜拉·买买提", "phone": "024-22900001"}
    form = PersonForm({"name": "王\x00芳", "phone": "024-1"})
    assert not form.is_valid()
    assert form.errors == {"name": ["姓名含有不可见的控制字符"], "phone": [c.PHONE_MESSAGE]}
    assert PersonForm({"name": "王芳", "phone": ""}).is_valid()
    validate = adapters.django_validator(c.mobile_phone)
    validate("13800138000")
    with pytest.raises(DjangoValidationError) as exc:
        validate("12800138000")
    assert exc.value.messages == [c.MOBILE_MESSAGE]
