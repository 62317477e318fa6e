"""The demo accounts grouped by the journeys of JOURNEYS.md, for `peiyu demo` to print and for the
demo-only accounts page. The base accounts (demo.data) are listed here; every app's demo section adds
the accounts its journeys use from its hooks (`core.registry.register_demo_accounts`), so a journey a
new section brings shows its accounts without a change here."""

from __future__ import annotations

from dataclasses import dataclass

from peiyu.accounts.models import RoleAssignment, User
from peiyu.core.registry import DemoLogin, demo_accounts

from .data import ACCOUNTS

# the journeys of JOURNEYS.md (numbers as there); 0 gathers the platform's administrators
JOURNEYS: dict[int, str] = {
    1: "机构申报（辽宁第二批）",
    2: "市级审核推荐",
    3: "省级专家评审",
    4: "公示与异议",
    5: "成都备案",
    6: "延续或放弃",
    7: "开班培训（福建）",
    8: "学员",
    9: "证书核验（无需登录）",
    10: "监督检查",
    11: "统计看板",
    12: "机构注册与账户管理",
    13: "考生参加考核（成都）",
    14: "证书流转（湖北）",
    0: "平台管理（三员分立）",
}

# journeys of the base accounts of demo.data (by username)
BASE_JOURNEYS: dict[str, tuple[int, ...]] = {
    "sysadmin": (0,),
    "secadmin": (0, 12),
    "auditor": (0,),
    "cg_official": (4,),
    "ln_official": (3, 4, 12),
    "sy_official": (2, 6, 12),
    "dl_official": (2,),
    "hb_official": (11, 14),
    "cd_official": (5, 10),
    "cdc_official": (5,),
    "wuhou_official": (5, 10),
    "fj_official": (7, 11),
    "fz_official": (7,),
    "wh_official": (14,),
    "ln_miit_official": (6,),
    "inst_sy_admin": (1, 6),
    "inst_cd_admin": (5,),
    "inst_fz_admin": (7,),
    "inst_wh_admin": (14,),
    "online_platform": (7,),
    "expert_li": (3,),
    "trainee_zhang": (7, 8),
}

PUBLIC_JOURNEYS = frozenset({9})  # anyone, no account


@dataclass(frozen=True)
class AccountRow:
    username: str
    full_name: str
    role: str
    does: str


@dataclass(frozen=True)
class JourneyAccounts:
    number: int
    title: str
    public: bool
    accounts: list[AccountRow]


def logins() -> list[DemoLogin]:
    """The base accounts, then each section's, in registration order (a username listed twice is kept
    once per journey)."""
    base = [DemoLogin(a.username, BASE_JOURNEYS.get(a.username, ()), a.journey) for a in ACCOUNTS]
    return base + [login for _section, login in demo_accounts()]


def by_journey() -> list[JourneyAccounts]:
    """Every journey with the accounts it needs (those that exist in the database), in journey order
    with the administrators last; a journey a section names that JOURNEYS does not know is listed by its
    number."""
    rows = logins()
    users = {
        u.username: u for u in User.objects.filter(username__in={r.username for r in rows}, is_active=True)
    }
    roles: dict[str, str] = {}
    for a in RoleAssignment.objects.current().filter(user__in=users.values()).select_related("user", "role"):
        roles.setdefault(a.user.username, a.role.display_name)
    grouped: dict[int, list[AccountRow]] = {n: [] for n in JOURNEYS}
    for login in rows:
        user = users.get(login.username)
        if user is None:
            continue
        for n in login.journeys:
            bucket = grouped.setdefault(n, [])
            if all(a.username != login.username for a in bucket):
                bucket.append(
                    AccountRow(login.username, user.full_name, roles.get(login.username, ""), login.does)
                )
    order = sorted(grouped, key=lambda n: (n == 0, n))
    return [
        JourneyAccounts(n, JOURNEYS.get(n, f"旅程 {n}"), n in PUBLIC_JOURNEYS, grouped[n])
        for n in order
        if grouped[n] or n in PUBLIC_JOURNEYS
    ]
