"""The facts a registration states (EVL-8), cleaned the same way from the candidate's form, the API and
an employer's spreadsheet row; the commitment text (告知承诺书, 000 Art. 11(3)) and its SM3 digest; the
eligibility checks of a registration (the standard's conditions or the chosen Art. 23 route, the
commitment, and for DTE the training certificate)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from peiyu.core.checks import Check
from peiyu.core.cleaning import clean_date, clean_text, collect, raise_collected
from peiyu.core.crypto import sm3_hex
from peiyu.core.identifiers import mask_id_number

from ..models import Registration
from ..rules import registrations as rr
from ..rules.conditions import EDUCATION, TITLES, conditions_check, level_rank
from ..selectors.registrations import alternatives_for
from .conditions import bridging_levels

YES = {True, "true", "on", "1", "yes", "是", "y", "Y", "TRUE", "True"}
FACT_TEXTS = {"degree_major": 100, "competition": 200, "competition_document": 100}

COMMITMENT = """职业技能等级认定报名告知承诺书

本人{name}（身份证号码{id_number}）报名参加{institution}组织的{occupation}{level}职业技能等级认定（批次{session}）。
本人已知悉该职业（工种）该等级的申报条件，郑重承诺：
一、本人所填报的学历、工作年限、已取得的证书、职称及其他申报信息真实、准确、完整；
二、本人符合所申报等级的申报条件，未以任何形式破格或越级报考；
三、本人遵守考场纪律和考生守则，不委托他人代考，不携带违规物品，不以任何方式作弊；
四、如有虚假承诺或违纪违规行为，本人自愿承担取消考试资格、成绩或证书无效及相应法律责任，并记入诚信记录。"""


def clean_facts(data: Mapping[str, Any], *, programme: str, today: dt.date) -> dict[str, Any]:
    """The stated facts, errors per field in Chinese (nothing typed is lost: the caller keeps `data`)."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    education = str(data.get("education") or "").strip()
    if education:
        if education not in EDUCATION:
            errors["education"] = ["请从列表中选择学历"]
        out["education"] = education
    out["related_major"] = data.get("related_major") in YES
    out["apprenticeship"] = data.get("apprenticeship") in YES
    years = str(data.get("years_in_trade") or "").strip()
    if years:
        try:
            value = round(float(years), 1)
            if not 0 <= value <= 60:
                raise ValueError
            out["years_in_trade"] = value
        except ValueError:
            errors["years_in_trade"] = ["请填写0至60之间的年数（可含一位小数）"]
    lower = str(data.get("lower_level") or "").strip()
    if lower:
        if not level_rank(programme, lower):
            errors["lower_level"] = ["请从列表中选择已取得的等级"]
        out["lower_level"] = lower
        since = collect(errors, "lower_level_on", clean_date, data.get("lower_level_on"), label="取证日期")
        if since is not None:
            if since > today:
                errors.setdefault("lower_level_on", []).append("取证日期不能晚于今天")
            out["lower_level_on"] = since.isoformat()
    title = str(data.get("title") or "").strip()
    if title:
        if title not in TITLES:
            errors["title"] = ["请从列表中选择职称"]
        out["title"] = title
    for key, cap in FACT_TEXTS.items():
        text = collect(errors, key, clean_text, data.get(key), max_length=cap)
        if text:
            out[key] = text
    raise_collected(errors, "申报信息有误", code="invalid_facts")
    return out


def commitment_text(registration: Registration) -> str:
    s = registration.session
    return COMMITMENT.format(
        name=registration.person.name,
        id_number=mask_id_number(registration.person.id_number),
        institution=s.institution.name,
        occupation=s.occupation_name,
        level=s.level,
        session=s.number,
    )


def commitment_digest(text: str) -> str:
    return sm3_hex(text.encode("utf-8"))


def evaluation_facts(registration: Registration) -> dict[str, Any]:
    """The stated facts plus what the platform knows: a linked training certificate (DTE)."""
    return dict(registration.facts or {}) | {
        "training_certificate": bool(registration.training_certificate_number)
    }


def conditions_result(registration: Registration, on: dt.date) -> Check:
    s = registration.session
    alternatives = alternatives_for(s.programme, s.occupation_code, s.level)
    return conditions_check(
        alternatives, evaluation_facts(registration), programme=s.programme, level=s.level, on=on
    )


def route_result(registration: Registration) -> Check | None:
    if registration.route == rr.STANDARD:
        return None
    s = registration.session
    return rr.route_check(
        registration.route, registration.facts or {}, programme=s.programme, level=s.level,
        justification=registration.route_justification, bridging_levels=bridging_levels(),
    )  # fmt: skip


def eligibility_checks(registration: Registration, on: dt.date) -> list[Check]:
    """What review reads: EVL-8 (the conditions or the route), the commitment, and for DTE the
    training certificate (003 §4(4))."""
    checks = [
        rr.eligibility(conditions_result(registration, on), route_result(registration)),
        rr.commitment_check(signed=registration.commitment_signed_at is not None),
    ]
    if registration.session.programme == "dte" and not registration.training_certificate_number:
        checks.append(Check("EVL-8", False, "数字技术工程师考生须持有培训合格证书并由培训机构推送", {}, "003 四（四）",
                            blocking=True))  # fmt: skip
    return checks
