"""The catalog's test listings: Shenyang (210102) and Dalian (210202) institutions with listings in
every status, on a fixed day (shared by test_catalog and test_catalog_cache)."""

from __future__ import annotations

import datetime as dt

from peiyu.institutions.models import Listing
from peiyu.institutions.selectors.catalog import listing_search_text

TODAY = dt.date(2026, 3, 2)
AI = ("2-02-38-01", "人工智能工程技术人员")
IOT = ("2-02-38-02", "物联网工程技术人员")
BIGDATA = ("2-02-38-03", "大数据工程技术人员")
API = "/api/v1/catalog/listings"


NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def make(world, number, *, inst="inst_sy", region=None, occupation=AI, kind="evaluation", **extra) -> Listing:
    org = world.orgs[inst]
    fields = {
        "programme": "dte",
        "levels": ["初级", "中级"],
        "status": Listing.Status.ACTIVE,
        "valid_from": TODAY - dt.timedelta(days=100),
        "valid_until": TODAY + dt.timedelta(days=900),
        **extra,
    }
    listing = Listing(
        number=number,
        institution=org,
        institution_name=org.name,
        kind=kind,
        occupation_code=occupation[0],
        occupation_name=occupation[1],
        region_id=region or org.region_id,
        **fields,
    )
    listing.search_text = listing_search_text(listing)
    listing.save()
    return listing


def catalog_listings(world) -> dict[str, Listing]:
    """Shenyang (210102) and Dalian (210202) institutions with listings in every status."""
    return {
        "sy_ai": make(world, "L2101020001", occupation=AI, filing_code="BA21010200000001"),
        "sy_iot": make(world, "L2101020002", occupation=IOT, kind="training", levels=["高级"]),
        "sy_expired": make(
            world,
            "L2101020003",
            occupation=BIGDATA,
            status=Listing.Status.EXPIRED,
            valid_from=dt.date(2022, 1, 1),
            valid_until=dt.date(2024, 12, 31),
            status_reason="有效期届满，未申请延续",
        ),
        "dl_ai": make(world, "L2102020001", inst="inst_dl", occupation=AI, kind="training"),
        "dl_suspended": make(
            world, "L2102020002", inst="inst_dl", occupation=IOT, status=Listing.Status.SUSPENDED
        ),
        "dl_forfeited": make(
            world,
            "L2102020003",
            inst="inst_dl",
            occupation=BIGDATA,
            status=Listing.Status.FORFEITED,
            valid_from=dt.date(2022, 1, 1),
            valid_until=dt.date(2024, 12, 31),
            reapply_banned_until=dt.date(2027, 12, 31),
            status_reason="第一个有效期内未开展培训评价活动，视为主动放弃",
        ),
        "dl_removed": make(
            world,
            "L2102020004",
            inst="inst_dl",
            occupation=BIGDATA,
            kind="training",
            status=Listing.Status.REMOVED,
        ),
        "sy_skill": make(
            world,
            "L5101070001",
            region="510107",
            occupation=("6-31-01-03", "电工"),
            programme="skill",
            levels=["五级", "四级"],
            kind="evaluation",
            status=Listing.Status.TERMINATED,
        ),
    }
