"""The score notice of a session (成绩公示, EVL-5; seed 001 Art. 19 and 21): the checks of publishing it,
of ending it and of making the passing list, an objection's outcome, and how a candidate appears on the
public notice. Pure: plain values in, a Check or text out. The period itself is counted the way every
public notice is (institutions' `period_end` and `period_text`, ADR 0008); the figures come from the
profile (`score_notice_working_days`, `notice_counts_publication_day`).

Re-marking after an accepted objection (ADR 0011): a re-marking that changes a candidate's result (合格 ↔
不合格) is a material change — the passing list may not be made from that notice; the session goes back
to grading and is noticed again for a full period. A changed score with the same result is corrected on
the notice in place (shown as 复核更正) and the notice runs on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from peiyu.core.checks import Check

RULE = "EVL-5"
SOURCE_NOTICE = "001 第十九条"
SOURCE_RESULT = "001 第二十一条"
SHOWN_MAX = 10  # names in a refusal message; the facts keep every one


def _listed(items: Sequence[str]) -> str:
    shown = "、".join(items[:SHOWN_MAX])
    return shown + (f" 等{len(items)}人" if len(items) > SHOWN_MAX else "")


def check_grading_complete(*, candidates: int, incomplete: Sequence[str]) -> Check:
    """Scores are released only when grading is done: every approved candidate has the score of each
    part her result needs, or is marked absent. `incomplete`: the tickets (or names) still missing one."""
    ok = candidates > 0 and not incomplete
    if candidates == 0:
        message = "本批次没有审核通过的考生，无成绩可公示"
    elif incomplete:
        message = f"尚有{len(incomplete)}名考生成绩未评定完毕（{_listed(incomplete)}），评分完成后方可公示"
    else:
        message = f"{candidates}名考生成绩均已评定"
    return Check(
        RULE,
        ok,
        message,
        {"candidates": candidates, "incomplete": list(incomplete)},
        SOURCE_NOTICE,
        blocking=True,
    )


def parts_missing(
    *,
    theory: object,
    practical: object,
    review: object,
    theory_exempt: bool,
    review_due: bool,
) -> list[str]:
    """The parts of one candidate not yet scored. The comprehensive review is due only where the session
    requires it and the candidate passed theory and practical (001 Art. 21: "两科目均合格的考生，还需进行
    综合评审")."""
    missing = []
    if not theory_exempt and theory is None:
        missing.append("理论知识")
    if practical is None:
        missing.append("技能操作")
    if review_due and review is None:
        missing.append("综合评审")
    return missing


def notice_published(*, days: int, period: str, facts: dict[str, object]) -> Check:
    return Check(RULE, True, f"成绩公示 {days} 个工作日：{period}", facts, SOURCE_NOTICE)


def check_notice_ended(*, today: dt.date, ends_on: dt.date, period: str) -> Check:
    """The passing list is made only after the notice's last day."""
    ok = today > ends_on
    message = (
        f"成绩公示期已满（{period}）"
        if ok
        else f"成绩公示期至 {ends_on:%Y-%m-%d} 止（{period}），期满后方可生成证书数据"
    )
    return Check(
        RULE,
        ok,
        message,
        {"today": today.isoformat(), "ends_on": ends_on.isoformat()},
        SOURCE_NOTICE,
        blocking=True,
    )


def check_objections_settled(*, open_numbers: Sequence[str]) -> Check:
    """No objection open or accepted and not yet re-marked."""
    ok = not open_numbers
    message = (
        "公示期内的异议均已处理"
        if ok
        else f"尚有未办结的成绩异议（{_listed(open_numbers)}），办结后方可生成证书数据"
    )
    return Check(RULE, ok, message, {"objections": list(open_numbers)}, SOURCE_NOTICE, blocking=True)


def check_no_material_change(*, changed: Sequence[str]) -> Check:
    """A re-marking changed a candidate's result during this notice: notice again before the list."""
    ok = not changed
    message = (
        "公示期内无改变合格结果的复核"
        if ok
        else f"复核改变了考生的合格结果（{_listed(changed)}），须退回评分并重新公示后方可生成证书数据"
    )
    return Check(RULE, ok, message, {"changed": list(changed)}, SOURCE_NOTICE, blocking=True)


def objection_decided(*, tracking_number: str, accepted: bool, reason: str) -> Check:
    verdict = "受理复核" if accepted else "不予支持"
    return Check(
        RULE,
        True,
        f"成绩异议 {tracking_number} {verdict}：{reason}",
        {"objection": tracking_number, "accepted": accepted, "reason": reason},
        SOURCE_NOTICE,
    )


def remark_recorded(
    *, part: str, before: str | None, after: str, result_before: str, result_after: str, note: str
) -> Check:
    changed = result_before != result_after
    message = f"复核{part}：{before if before is not None else '无'}分 → {after}分" + (
        f"，结果由{result_before or '未出'}改为{result_after}" if changed else ""
    )
    return Check(
        RULE,
        True,
        message,
        {
            "part": part,
            "before": before,
            "after": after,
            "result_before": result_before,
            "result_after": result_after,
            "material": changed,
            "note": note,
        },
        SOURCE_RESULT,
    )


def mask_ticket(ticket: str | None) -> str:
    """A ticket number on the public notice: the candidate recognises her own by its last four digits,
    nobody can read a whole number off the list (the ticket opens her exam pages with her ID number)."""
    ticket = ticket or ""
    if len(ticket) <= 4:
        return "*" * len(ticket)
    return "*" * min(len(ticket) - 4, 6) + ticket[-4:]
