"""Demo entries listed in earlier rounds (journey 6): due for renewal, forfeited, expired, terminated,
suspended; `listing_on_record` also serves training's demo."""

from __future__ import annotations

import datetime as dt

from peiyu.accounts.models import Org, User
from peiyu.audit.services import audit_record

from ..models import Listing, ListingPeriod, ListingVolume
from ..rules.listings import validity_end
from ..services import expiry, terminations
from ..services import listings as lst
from .support import AI, CLOUD, IOT, LATHE, VR


def listing_on_record(
    org: Org,
    *,
    kind: str,
    occupation: tuple[str, str],
    valid_from: dt.date,
    policy: str,
    programme: str = "dte",
    itype: str = "general",
    volumes: dict[int, int] | None = None,
) -> Listing:
    from peiyu.core.numbering import reference_number

    until = validity_end(valid_from, 3)
    listing = Listing(
        number=reference_number("ML", Listing),
        programme=programme,
        institution=org,
        institution_name=org.name,
        kind=kind,
        institution_type=itype,
        occupation_code=occupation[0],
        occupation_name=occupation[1],
        levels=["初级", "中级"] if programme == "dte" else ["四级", "三级"],
        region_id=org.region_id,  # type: ignore[misc]  # demo institutions have a region
        catalog_region_id=org.region_id[:2] + "0000" if programme == "dte" else org.region_id[:4] + "00",  # type: ignore[index]
        recommender=org.recommended_by,
        valid_from=valid_from,
        valid_until=until,
        policy_name=policy,
        policy_version=1,
    )
    listing.search_text = lst.search_text(listing)
    listing.save()
    ListingPeriod.objects.create(listing=listing, number=1, valid_from=valid_from, valid_until=until)
    for year, persons in (volumes or {}).items():
        ListingVolume.objects.create(
            listing=listing, year=year, persons=persons, source=ListingVolume.Source.DECLARED
        )
    # listed in an earlier round, before the platform kept the file: recorded as demo history
    audit_record(None, "demo.listing_created", listing, after={"valid_until": until.isoformat()})
    return listing


def historic_listings(orgs: dict[str, Org], users: dict[str, User], today: dt.date) -> None:
    """Entries listed in earlier rounds: due for renewal, forfeited, expired, terminated, suspended."""
    start = validity_end(today, -3) + dt.timedelta(days=1)  # three years ago
    # journey 6: due for renewal in about three months, results pre-filled from declared volumes
    listing_on_record(
        orgs["inst_sy_ai"],
        kind="training",
        occupation=(CLOUD, "云计算工程技术人员"),
        valid_from=start + dt.timedelta(days=100),
        policy="liaoning-dte-batch2",
        volumes={start.year + 1: 420, start.year + 2: 610, start.year + 3: 380},
    )
    # trained nobody in its first period: forfeited at expiry with the 3-year ban (DIR-3)
    listing_on_record(
        orgs["inst_dl_data"],
        kind="training",
        occupation=(VR, "虚拟现实工程技术人员"),
        valid_from=start - dt.timedelta(days=60),
        policy="liaoning-dte-batch2",
    )
    # Chengdu entry past expiry, still within the 2-month grace (DIR-4): expired, not yet abandoned
    listing_on_record(
        orgs["inst_cd_employer"],
        kind="evaluation",
        occupation=(LATHE, "车工"),
        valid_from=start - dt.timedelta(days=20),
        policy="chengdu-skill",
        programme="skill",
        itype="employer",
    )
    terminated = listing_on_record(
        orgs["sy_vr"],
        kind="training",
        occupation=(IOT, "物联网工程技术人员"),
        valid_from=today - dt.timedelta(days=400),
        policy="liaoning-dte-batch2",
    )
    terminations.listing_terminate(
        actor=users["sy_vr_admin"],
        listing=terminated,
        reason="机构业务调整，不再开展该职业培训。",
        handling_plan="在训学员转入沈阳云帆信息技术有限公司继续完成培训。",
    )
    suspended = listing_on_record(
        orgs["sy_iiot"],
        kind="training",
        occupation=(AI, "人工智能工程技术人员"),
        valid_from=today - dt.timedelta(days=200),
        policy="liaoning-dte-batch2",
    )
    lst.listing_suspend(
        actor=users["ln_official"], listing=suspended, reason="专项检查发现考勤记录不全，限期整改期间暂停。"
    )
    expiry.listings_expire_due(today)
