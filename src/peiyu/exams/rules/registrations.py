"""Rules of registration (EVL-8, EVL-5, ACT-6): pure checks over plain values, each a `Check` citing its
rule and the seed's article.

- the registration window: the session in its registration status, from its opening day to its
  closing day (EVL-5), and its capacity;
- the routes of 001 Art. 23: besides the standard's conditions only the listed exceptions — the
  bridging scheme for professional-technical talents (Art. 23(1)), exemption from the theory exam with a
  degree in a related major (Art. 23(1)), 正高级 directly to 高级技师 (Art. 23(1)), the competition rules
  approved by the city HRSS (Art. 23(2)) — each chosen by someone with a written justification; "不得以
  任何形式破格晋升或越级报考" otherwise;
- the commitment (告知承诺, 000 Art. 11(3));
- an employer-type institution evaluates only its own workforce (ACT-6, 001 Art. 2);
- DTE: the training certificate of the occupation and level, forwarded by the training institution
  (003 §4(4))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from peiyu.core.checks import Check

from .conditions import TITLES, level_rank

RULE = "EVL-8"
STANDARD = "standard"
BRIDGING = "bridging"
THEORY_EXEMPT_DEGREE = "theory_exempt_degree"
SENIOR_TITLE = "senior_title"
COMPETITION = "competition"
ROUTE_SOURCES = {
    BRIDGING: "001 第二十三条（一）",
    THEORY_EXEMPT_DEGREE: "001 第二十三条（一）",
    SENIOR_TITLE: "001 第二十三条（一）",
    COMPETITION: "001 第二十三条（二）",
}
WORKFORCE = ("employee", "dispatched", "outsourced", "intern", "affiliated")


def window_check(*, status: str, opens_on: dt.date, closes_on: dt.date, today: dt.date) -> Check:
    """EVL-5: registration only while the session is in its registration step, opening day to closing
    day inclusive."""
    facts = {"status": status, "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()}
    if status != "registration":
        return Check("EVL-5", False, "该考核批次当前不在报名阶段", facts, "001 第十九条", blocking=True)
    if today < opens_on:
        return Check("EVL-5", False, f"报名自{opens_on:%Y-%m-%d}开始", facts, "001 第十九条", blocking=True)
    if today > closes_on:
        return Check(
            "EVL-5", False, f"报名已于{closes_on:%Y-%m-%d}截止", facts, "001 第十九条", blocking=True
        )
    return Check("EVL-5", True, f"报名时间内（截止{closes_on:%Y-%m-%d}）", facts, "001 第十九条")


def capacity_check(*, capacity: int, taken: int, adding: int = 1) -> Check:
    """EVL-5: no more registrations than the session's planned number (0: no number set)."""
    facts = {"capacity": capacity, "taken": taken, "adding": adding}
    if capacity and taken + adding > capacity:
        left = max(capacity - taken, 0)
        return Check(
            "EVL-5", False, f"本批次计划{capacity}人，剩余名额{left}个", facts, "001 第十九条", blocking=True
        )
    return Check("EVL-5", True, "名额充足", facts, "001 第十九条")


def commitment_check(*, signed: bool) -> Check:
    """EVL-8: the candidate signs the commitment (告知承诺制, 000 Art. 11(3))."""
    if signed:
        return Check(RULE, True, "已签署告知承诺书", {"signed": True}, "000 第十一条（三）")
    return Check(RULE, False, "尚未签署告知承诺书", {"signed": False}, "000 第十一条（三）", blocking=True)


def route_check(
    route: str,
    facts: Mapping[str, Any],
    *,
    programme: str,
    level: str,
    justification: str,
    bridging_levels: Mapping[str, str],
) -> Check:
    """EVL-8: whether the chosen Art. 23 route applies to the facts, with a written justification.
    The routes are the skill-level evaluation's (001); DTE has none (003 §4(4))."""
    source = ROUTE_SOURCES.get(route, "001 第二十三条")
    data: dict[str, Any] = {"route": route, "level": level, "programme": programme}
    if route not in ROUTE_SOURCES:
        return Check(RULE, False, "不是第二十三条所列的申报路径，不得破格或越级报考", data, "001 第二十三条")
    if programme != "skill":
        return Check(
            RULE,
            False,
            "数字技术工程师按国家职业标准申报条件和培训合格证书申报，不适用该路径",
            data,
            "003 四（四）",
        )
    if not (justification or "").strip():
        return Check(RULE, False, "选择该申报路径须填写依据说明", data, source)
    title = str(facts.get("title") or "")
    data["title"] = title
    if route == COMPETITION:
        document = str(facts.get("competition_document") or "").strip()
        award = str(facts.get("competition") or "").strip()
        data |= {"competition": award, "competition_document": document}
        if not (document and award):
            return Check(RULE, False, "须填写经市人社部门批准的竞赛文件文号及获奖情况", data, source)
        return Check(RULE, True, f"按竞赛文件（{document}）报名条件执行：{award}", data, source)
    if route == SENIOR_TITLE:
        if title != "正高级":
            return Check(RULE, False, "须具有正高级职称", data, source)
        if level_rank(programme, level) != level_rank("skill", "一级"):
            return Check(RULE, False, "正高级职称只可直接申报高级技师（一级）", data, source)
        return Check(RULE, True, "正高级职称不受年限限制，直接申报高级技师（一级）", data, source)
    if TITLES.get(title, 0) < TITLES["初级"]:
        return Check(RULE, False, "该路径适用于取得专业技术职称的专业技术人才，未填写职称", data, source)
    highest = bridging_levels.get(title, "")
    data["highest_level"] = highest
    if not highest or level_rank(programme, level) > level_rank(programme, highest):
        return Check(RULE, False, f"{title}职称按贯通方案最高可申报{highest or '—'}", data, source)
    if route == THEORY_EXEMPT_DEGREE:
        if not (facts.get("related_major") and str(facts.get("education") or "")):
            return Check(RULE, False, "免考理论知识须具有所申报职业相关专业毕业证书", data, source)
        return Check(
            RULE, True, f"{title}职称且具有相关专业毕业证书：按贯通方案申报，免于理论知识考试", data, source
        )
    return Check(RULE, True, f"{title}职称按贯通方案可申报{highest}及以下", data, source)


def eligibility(conditions: Check, route: Check | None) -> Check:
    """The registration's EVL-8 outcome: a route chosen and holding decides; otherwise the standard's
    conditions. A registration meeting no condition and no route is refused (no other leapfrogging)."""
    if route is not None:
        return Check(RULE, route.ok, route.message, {"route": route.facts, "conditions": conditions.facts},
                     route.source, blocking=not route.ok)  # fmt: skip
    if conditions.ok:
        return conditions
    return Check(RULE, False, conditions.message, conditions.facts, conditions.source, blocking=True)


def workforce_check(*, employer_type: str, own_session: bool, workforce: str) -> Check:
    """ACT-6: an employer-type evaluation institution registers only into its own sessions, and only
    its own workforce (employees, dispatched, outsourced, interns, staff of affiliated enterprises)."""
    facts = {"employer_type": employer_type, "own_session": own_session, "workforce": workforce}
    if employer_type != "employer":
        return Check(
            "ACT-6", False, "只有用人单位类评价机构可集体报名本单位职工", facts, "001 第二条", blocking=True
        )
    if not own_session:
        return Check("ACT-6", False, "用人单位只能报名本单位的考核批次", facts, "001 第二条", blocking=True)
    if workforce not in WORKFORCE:
        return Check("ACT-6", False, "用人单位只能评价本单位用工人员（职工、劳务派遣、劳务外包、实习人员、隶属企业在岗职工）",
                     facts, "001 第二条", blocking=True)  # fmt: skip
    return Check("ACT-6", True, "本单位用工人员", facts, "001 第二条")


def certificate_check(
    *,
    status: str,
    holder_matches: bool,
    occupation_matches: bool,
    level_matches: bool,
    class_completed: bool,
    institution_matches: bool,
) -> Check:
    """EVL-8 (003 §4(4)): a DTE candidate holds a valid training certificate of the session's occupation
    and level, from a completed class of the training institution that forwards her."""
    facts = {
        "status": status,
        "holder": holder_matches,
        "occupation": occupation_matches,
        "level": level_matches,
        "class_completed": class_completed,
        "institution": institution_matches,
    }
    problems = []
    if status != "valid":
        problems.append("培训合格证书已撤销")
    if not holder_matches:
        problems.append("证书持有人不是该考生")
    if not institution_matches:
        problems.append("证书不是本培训机构颁发的")
    if not occupation_matches:
        problems.append("证书的职业与考核批次不一致")
    if not level_matches:
        problems.append("证书的等级与考核批次不一致")
    if not class_completed:
        problems.append("证书所在培训班尚未结业")
    if problems:
        return Check(RULE, False, "；".join(problems), facts, "003 四（四）", blocking=True)
    return Check(RULE, True, "持有本职业本等级有效的培训合格证书", facts, "003 四（四）")
