"""Rules of exam sites (EVL-1, EVL-9; seed 000 Art. 11(1), 18; seed 001 Art. 17(1), 24, 30(12))."""

from __future__ import annotations

from peiyu.core.checks import Check

SOURCE_EVL9 = "001 第二十四条；000 第十八条"


def check_site_usable(
    *, site_status: str, site_institution_id: int, institution_id: int, site_name: str = ""
) -> Check:
    """Only an accepted site of the institution itself may host its session: no unreported, returned,
    withdrawn or borrowed site (EVL-1, EVL-9)."""
    own = site_institution_id == institution_id
    accepted = site_status == "accepted"
    name = f"“{site_name}”" if site_name else "该站点"
    if not own:
        message = f"{name}不是本机构报送的考核站点，不得借用（EVL-9）"
    elif not accepted:
        message = f"{name}尚未经人社部门受理（或已撤销），不得使用未报备的站点（EVL-9）"
    else:
        message = f"{name}已报人社部门受理"
    return Check(
        "EVL-9",
        own and accepted,
        message,
        {"site_status": site_status, "own_site": own},
        source=SOURCE_EVL9,
        blocking=True,
    )
