"""The issuance pipeline's rules (CRT-3, SEC-2; seed 000 Art. 3 and 8, 001 Art. 6 and 17(5), 003 §4(4)),
pure: which steps a route goes through before anything is issued, whether a step kept its deadline,
whether a batch may go (back) to its reviewer. Each returns a `Check` citing its rule; the services run
them and store them in a Decision (or refuse with them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from peiyu.core.checks import Check

PROVINCE_CG = "province_cg"
INSTITUTION_CITY = "institution_city"
ROUTES = frozenset({PROVINCE_CG, INSTITUTION_CITY})
SOURCE = "000 第三条、第八条；003 四（四）"
SKILL_SOURCE = "001 第六条、第十七条（五）"

# the statuses a batch must have passed, in order, before it is issued (since its last return)
STEPS: dict[str, tuple[str, ...]] = {
    PROVINCE_CG: ("submitted", "confirmed", "forwarded", "approved"),
    INSTITUTION_CITY: (),
}
STEP_LABELS = {
    "submitted": "报送省级",
    "confirmed": "省级确认",
    "forwarded": "转报协调小组办公室",
    "approved": "协调小组办公室审核通过",
}


def check_route(route: str) -> Check:
    ok = route in ROUTES
    return Check(
        "CRT-3",
        ok,
        (
            "证书数据经省级确认后报协调小组办公室审核"
            if route == PROVINCE_CG
            else "备案评价机构颁发证书后报市级"
        )
        if ok
        else f"政策配置的证书流程“{route}”无法识别",
        {"route": route},
        SOURCE if route == PROVINCE_CG else SKILL_SOURCE,
    )


def check_steps_done(route: str, passed: Collection[str]) -> Check:
    """Nothing is issued from a batch that skipped a step of its route: `passed` are the statuses the
    batch went through since it was last returned."""
    missing = [s for s in STEPS.get(route, ()) if s not in passed]
    return Check(
        "CRT-3",
        not missing,
        "证书数据已完成全部审核环节"
        if not missing
        else "证书数据未经" + "、".join(STEP_LABELS[s] for s in missing) + "，不能发证",
        {"route": route, "missing": missing},
        SOURCE if route == PROVINCE_CG else SKILL_SOURCE,
    )


def check_on_time(step: str, due: dt.date | None, on: dt.date) -> Check:
    """A step done by its stored deadline; done late it is allowed but recorded as overdue."""
    late = due is not None and on > due
    days = (on - due).days if late and due is not None else 0
    return Check(
        "CRT-3",
        not late,
        f"{step}逾期{days}日（期限 {due:%Y-%m-%d}）"
        if late and due is not None
        else (f"{step}在期限 {due:%Y-%m-%d} 内" if due is not None else f"{step}无时限要求"),
        {"step": step, "due": due.isoformat() if due else None, "on": on.isoformat(), "days_late": days},
        SOURCE,
    )


def check_returns_settled(returned: int) -> Check:
    """A returned batch goes back only after every returned candidate is corrected or withdrawn."""
    return Check(
        "CRT-3",
        returned == 0,
        "退回的考生均已更正或撤回" if returned == 0 else f"尚有{returned}名被退回的考生未更正或撤回",
        {"returned": returned},
        SOURCE,
    )


def check_some_left(kept: int, returned: int) -> Check:
    """A partial return keeps at least one candidate; returning everyone is returning the batch."""
    return Check(
        "CRT-3",
        kept > 0,
        f"退回{returned}人，其余{kept}人继续办理"
        if kept > 0
        else "全部考生均被退回，请退回整批数据并说明原因",
        {"kept": kept, "returned": returned},
        SOURCE,
    )
