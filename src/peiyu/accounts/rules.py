"""Pure checks of the accounts app."""

from __future__ import annotations

from peiyu.core.checks import Check

SEPARATION_LABELS = {"system": "系统管理员", "security": "安全管理员", "audit": "审计管理员"}


def check_separation_of_duties(held: list[str], new: str) -> Check:
    """SEC-1 (MLPS level 3, 三员分立): system, security and audit administration are three people.
    A user may hold at most one of the three administrator roles."""
    held_admin = sorted({s for s in held if s})
    if not new or not held_admin:
        return Check("SEC-1", True, "三员分立：通过", {"held": held_admin, "new": new})
    names = "、".join(SEPARATION_LABELS.get(s, s) for s in held_admin)
    return Check(
        "SEC-1",
        False,
        f"该用户已担任{names}，不能再担任{SEPARATION_LABELS.get(new, new)}（三员分立）",
        {"held": held_admin, "new": new},
        "000 第十一条（六）；等级保护三级",
    )
