"""Invalidation of a certificate or its score (CRT-7; SUP-8 for Fujian), pure.

Seed 001 Art. 29: after the bureau's verification, the evaluation institution states the facts, and the
certificates or evaluation scores concerned are declared partly or wholly invalid — for lax eligibility
review, cheating under lax exam discipline, irregular grading, leaked questions, or other causes. Seed
002 §4 adds forged eligibility, forged papers and fabricated materials (results cancelled). The decision
comes after the institution's statement; if the institution lets its deadline pass without one, the
official may decide on the facts found (the deadline stored when the finding was opened)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from peiyu.core.checks import Check

RULES = ("CRT-7", "SUP-8")
SOURCE = "001 第二十九条；002 四"

# what each cause and scope means, shown on the finding's form (seed 001 Art. 29 (1)–(5); 002 §4)
CAUSE_MEANINGS = {
    "lax_eligibility": _("资格审核不严，参评人员不符合申报条件（001 第二十九条（一）；002 四）"),
    "cheating": _("考场纪律管理松散，参评人员有舞弊等行为（001 第二十九条（二））"),
    "irregular_grading": _("阅卷不规范、评分标准不统一（001 第二十九条（三））"),
    "leaked_questions": _("试题发生泄露（001 第二十九条（四））"),
    "forged_materials": _("伪造报名资格、伪造试卷或编造虚假资料（002 四）"),
    "other": _("其他应当认定证书或评价成绩无效的情形（001 第二十九条（五））"),
}
SCOPE_MEANINGS = {
    "certificate": _(
        "证书无效：宣布这张证书无效，核验时显示“已宣布无效”；证书所依据的评价成绩记录本身不作改动"
        "（例如证书不应颁发、以虚假材料取得证书）。"
    ),
    "score": _(
        "成绩无效：宣布证书所依据的评价（考核）成绩无效，参评人员视为未取得该成绩，以该成绩颁发的"
        "证书随之无效，核验时显示“已宣布无效（成绩无效）”；本人可重新参加评价。"
    ),
}


EVALUATED = "registration"  # a certificate made from an evaluation's result (Certificate.source_kind)


def scopes_for(source_kind: str) -> list[str]:
    """The scopes a finding on a certificate may take (CRT-7): the evaluation score only where the
    certificate rests on one (001 Art. 29: 参评人员……评价成绩) — a training certificate has none."""
    return ["certificate", "score"] if source_kind == EVALUATED else ["certificate"]


def check_statement_before_decision(*, stated: bool, statement_due: dt.date | None, today: dt.date) -> Check:
    """CRT-7: the institution first states the facts; without a statement, only once its deadline passed."""
    if stated:
        return Check("CRT-7", True, "评价机构已作出事实说明", {"stated": True}, SOURCE, blocking=True)
    overdue = statement_due is not None and today > statement_due
    due = statement_due.isoformat() if statement_due else ""
    if overdue:
        return Check(
            "CRT-7",
            True,
            f"评价机构未在期限（{due}）内作出事实说明，依查实情况认定",
            {"stated": False, "statement_due": due},
            SOURCE,
            blocking=True,
        )
    return Check(
        "CRT-7",
        False,
        f"须先由评价机构作出事实说明（期限 {due}），说明后或期限届满后方可认定无效",
        {"stated": False, "statement_due": due},
        SOURCE,
        blocking=True,
    )


def check_finding_basis(*, cause: str, finding: str) -> Check:
    """CRT-7: a finding names one of the causes and states what was verified."""
    ok = cause in CAUSE_MEANINGS and bool(finding.strip())
    return Check(
        "CRT-7",
        ok,
        "已写明无效情形和查实情况" if ok else "须选择无效情形并写明查实情况",
        {"cause": cause},
        SOURCE,
        blocking=True,
    )
