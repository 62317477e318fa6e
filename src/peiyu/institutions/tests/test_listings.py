"""Catalog entries (DIR-1…6, journey 6): validity, forfeiture and the reapply ban, renewal windows
(Liaoning DTE: 3 months' lead; Chengdu: the 3 months before expiry and 2 months' grace), the results
report pre-filled from platform data, industry/district consent, changes of basic data and of scope,
termination with pending work kept visible, suspension; through the services, the pages and the API;
and another city's official sees none of it (404)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from peiyu.core import tick
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.models import Decision, TransitionLog
from peiyu.core.registry import extensions, register_extension, unregister_extension
from peiyu.institutions.models import (
    Application,
    Attachment,
    ChangeRequest,
    Listing,
    ListingPeriod,
    ListingVolume,
    Renewal,
    Termination,
)
from peiyu.institutions.rules import listings as lr
from peiyu.institutions.selectors import listings as listing_reads
from peiyu.institutions.selectors.scope import listing_get_for, listings_visible_to
from peiyu.institutions.selectors.terminations import PENDING_POINT
from peiyu.institutions.services import changes, expiry, renewals, terminations
from peiyu.institutions.services import listings as svc

from . import factories as f

CST = dt.timezone(dt.timedelta(hours=8))
AI_NAME = "人工智能工程技术人员"
ELECTRICIAN = "6-31-01-03"
S = Listing.Status


@pytest.fixture(autouse=True)
def _before_everything(time_machine):
    """The personas' role assignments start when they are made: make them before any day a test visits."""
    time_machine.move_to(dt.datetime(2024, 1, 1, 9, 0, tzinfo=CST), tick=False)


def travel(time_machine, day: str, hour: int = 10) -> dt.date:
    d = dt.date.fromisoformat(day)
    time_machine.move_to(dt.datetime(d.year, d.month, d.day, hour, 0, tzinfo=CST), tick=False)
    return d


_serial = iter(range(1, 10_000))


def make_listing(
    world,
    *,
    org_key: str = "inst_sy",
    valid_from: str = "2024-01-10",
    programme: str = "dte",
    policy: str = "liaoning-dte-batch2",
    kind: str = "training",
    occupation: str = f.AI,
    occupation_name: str = AI_NAME,
    levels: tuple[str, ...] = ("初级", "中级"),
    institution_type: str = "general",
    periods: int = 1,
) -> Listing:
    """A listing built the quick way (ORM): `periods` consecutive 3-year periods from `valid_from`."""
    org = world.orgs[org_key]
    start = dt.date.fromisoformat(valid_from)
    bounds = []
    for _ in range(periods):
        end = lr.validity_end(start, 3)
        bounds.append((start, end))
        start = end + dt.timedelta(days=1)
    listing = Listing(
        number=f"ML-T{next(_serial):06d}",
        programme=programme,
        institution=org,
        institution_name=org.name,
        kind=kind,
        institution_type=institution_type,
        occupation_code=occupation,
        occupation_name=occupation_name,
        levels=list(levels),
        region_id=org.region_id,
        recommender=org.recommended_by,
        valid_from=bounds[0][0],
        valid_until=bounds[-1][1],
        period=periods,
        policy_name=policy,
        policy_version=1,
    )
    listing.search_text = svc.search_text(listing)
    listing.save()
    for number, (a, b) in enumerate(bounds, start=1):
        ListingPeriod.objects.create(listing=listing, number=number, valid_from=a, valid_until=b)
    return listing


def chengdu_listing(world, org_key: str = "cd_social1", valid_from: str = "2024-04-01") -> Listing:
    return make_listing(
        world,
        org_key=org_key,
        valid_from=valid_from,
        programme="skill",
        policy="chengdu-skill",
        kind="evaluation",
        occupation=ELECTRICIAN,
        occupation_name="电工",
        levels=("四级", "三级"),
        institution_type="social_organisation",
    )


def volume(listing: Listing, year: int, persons: int) -> None:
    ListingVolume.objects.create(
        listing=listing, year=year, persons=persons, source=ListingVolume.Source.DECLARED
    )


def admin_of(world, listing: Listing):
    """The institution administrator of the listing's institution (personas: `<org key>_admin`)."""
    return next(u for u in world.users.values() if u.primary_org_id == listing.institution_id)


def submitted_renewal(world, listing: Listing, *, consent: bool = True) -> Renewal:
    admin = admin_of(world, listing)
    renewal = renewals.renewal_start(actor=admin, listing=listing)
    if consent and listing.programme == "dte":
        renewals.renewal_consent(actor=world.ia_official, renewal=renewal)
    return renewals.renewal_submit(actor=admin, renewal=renewal, summary="三年来培训人工智能工程技术人员")


def expire_due(day: dt.date) -> int:
    return expiry.listings_expire_due(day)


# --- DIR-1: validity ------------------------------------------------------------------------------------


def test_listing_is_valid_three_years_from_listing_day(directory, time_machine):
    travel(time_machine, "2024-09-10")
    call = f.liaoning_call(directory)
    inst = directory.orgs["inst_sy"]
    app = Application.objects.create(
        number="SQ-TEST-1",
        call=call,
        institution=inst,
        kind="training",
        occupation_code=f.AI,
        occupation_name=AI_NAME,
        levels=["初级", "中级"],
        region_id=inst.region_id,
        form={
            "address": "沈阳市和平区南京北街1号",
            "contact_name": "张联系",
            "contact_phone": "024-22900001",
        },
        status=Application.Status.APPROVED,
        created_by=directory.sy_inst_admin,
    )
    listing = svc.listing_create_from(app, actor=directory.cg_official)
    assert listing.valid_from == dt.date(2024, 9, 10)
    assert listing.valid_until == dt.date(2027, 9, 9)  # three years: the day before the anniversary
    assert listing.is_valid_on(dt.date(2027, 9, 9))
    assert not listing.is_valid_on(dt.date(2027, 9, 10))
    assert listing.recommender == directory.orgs["ia"]  # inst_sy was recommended by the industry authority
    assert listing.search_text.startswith("|初级|中级| ")
    period = ListingPeriod.objects.get(listing=listing)
    assert (period.number, period.valid_from, period.valid_until) == (
        1,
        listing.valid_from,
        listing.valid_until,
    )
    decision = Decision.objects.get(subject_type="institutions.listing", subject_id=str(listing.pk))
    assert decision.rules == ["DIR-1"] and decision.policy_name == "liaoning-dte-batch2"
    assert decision.policy_version is not None


def test_search_text_matches_the_public_catalog_format(directory):
    from peiyu.institutions.selectors.catalog import listing_search_text

    listing = make_listing(directory, levels=("初级", "高级"))
    listing.filing_code = "S510100000001"
    assert svc.search_text(listing) == listing_search_text(listing)


# --- DIR-3: forfeiture ---------------------------------------------------------------------------------


def test_dte_listing_without_renewal_is_forfeited_at_expiry_with_three_year_ban(directory, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    volume(listing, 2024, 800)
    day = travel(time_machine, "2027-01-09")
    assert expire_due(day) == 0  # the last valid day
    day = travel(time_machine, "2027-01-10")
    assert expire_due(day) == 1
    listing.refresh_from_db()
    assert listing.status == S.FORFEITED
    assert listing.reapply_banned_until == dt.date(2030, 1, 9)  # valid_until + reapply_ban_years (3)
    assert "未在 2026-10-09 前提出延续申请" in listing.status_reason
    assert "2030-01-09 前不得再次申报该职业" in listing.status_reason
    decision = Decision.objects.get(subject_id=str(listing.pk), kind="forfeiture")
    assert (
        "DIR-3" in decision.rules
        and decision.policy_name == "liaoning-dte-batch2"
        and decision.policy_version
    )
    log = TransitionLog.objects.get(subject_type="institutions.listing", subject_id=str(listing.pk))
    assert (log.from_status, log.to_status, log.actor) == ("active", "forfeited", None)


def test_first_period_without_any_training_is_forfeited(directory, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    travel(time_machine, "2026-06-01")
    renewal = submitted_renewal(directory, listing)  # applied on time: the volume alone decides
    day = travel(time_machine, "2027-01-10")
    expire_due(day)
    listing.refresh_from_db()
    assert listing.status == S.FORFEITED
    assert "第1个有效期内共 0 人次" in listing.status_reason and "未开展培训或评价" in listing.status_reason
    assert listing.reapply_banned_until == dt.date(2030, 1, 9)
    check = Decision.objects.get(subject_id=str(listing.pk), kind="forfeiture").checks[0]
    assert check["rule"] == "DIR-3" and check["facts"]["total"] == 0
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.REJECTED  # closed, so no to-do waits on a forfeited entry


def test_second_period_average_below_200_is_forfeited(directory, time_machine):
    low = make_listing(directory, valid_from="2021-03-01", periods=2)
    high = make_listing(
        directory,
        valid_from="2021-03-01",
        periods=2,
        occupation=f.BIGDATA,
        occupation_name="大数据工程技术人员",
    )
    assert (low.valid_until, low.period) == (dt.date(2027, 2, 28), 2)
    for listing, per_year in ((low, 150), (high, 210)):
        volume(listing, 2021, 5000)  # first period: not part of the second period's average
        for year in (2024, 2025, 2026):
            volume(listing, year, per_year)
    travel(time_machine, "2026-10-01")
    for listing in (low, high):
        submitted_renewal(directory, listing)
    day = travel(time_machine, "2027-03-01")
    assert expire_due(day) == 2
    low.refresh_from_db()
    high.refresh_from_db()
    assert low.status == S.FORFEITED
    assert "第2个有效期年均 150.0 人次" in low.status_reason and "少于 200 人次" in low.status_reason
    assert low.reapply_banned_until == dt.date(2030, 2, 28)
    assert high.status == S.EXPIRED  # average 210: waits for the province's decision on its renewal
    assert high.status_reason == "有效期届满，延续申请审核中"


def test_check_volume_averages_over_the_period_length():
    first = lr.check_volume(period=1, volumes={2024: 0, 2025: 1}, years=3, min_annual_volume=200)
    assert first.ok
    second = lr.check_volume(
        period=2, volumes={2024: 200, 2025: 200, 2026: 199}, years=3, min_annual_volume=200
    )
    assert not second.ok and second.facts["average"] == 199.7
    assert lr.check_volume(period=3, volumes={2024: 600}, years=3, min_annual_volume=200).ok


# --- DIR-2: DTE renewal --------------------------------------------------------------------------------


def test_renewal_after_lead_deadline_is_refused(directory, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")  # valid until 2027-01-09
    volume(listing, 2024, 500)
    window = listing_reads.renewal_window_for(listing)
    assert (window.opens, window.closes, window.rule) == (None, dt.date(2026, 10, 9), "DIR-2")
    travel(time_machine, "2026-10-10")
    renewal = renewals.renewal_start(actor=directory.sy_inst_admin, listing=listing)
    renewals.renewal_consent(actor=directory.ia_official, renewal=renewal)
    with pytest.raises(RuleViolation) as exc:
        renewals.renewal_submit(actor=directory.sy_inst_admin, renewal=renewal, summary="成效")
    assert exc.value.rule == "DIR-2" and "2026-10-09" in exc.value.message
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.DRAFT
    refused = Decision.objects.get(pk=exc.value.details["decision"])
    assert refused.outcome == "refused" and refused.rules == ["DIR-2"]
    assert refused.policy_name == "liaoning-dte-batch2" and refused.policy_version
    # and the day before, on time
    travel(time_machine, "2026-10-09")
    assert (
        renewals.renewal_submit(actor=directory.sy_inst_admin, renewal=renewal, summary="成效").status
        == "submitted"
    )


def test_renewal_needs_industry_consent_for_dte(directory, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    volume(listing, 2024, 500)
    travel(time_machine, "2026-06-01")
    renewal = renewals.renewal_start(actor=directory.sy_inst_admin, listing=listing)
    with pytest.raises(RuleViolation) as exc:
        renewals.renewal_submit(actor=directory.sy_inst_admin, renewal=renewal, summary="成效")
    assert exc.value.rule == "DIR-2" and "缺少行业主管部门同意意见" in exc.value.message
    with pytest.raises(RuleViolation):  # another authority did not recommend this institution
        renewals.renewal_consent(actor=directory.ia2_official, renewal=renewal)
    with pytest.raises(RuleViolation):  # a city bureau is no industry authority
        renewals.renewal_consent(actor=directory.sy_official, renewal=renewal)
    renewals.renewal_consent(actor=directory.ia_official, renewal=renewal)
    renewal.refresh_from_db()
    assert renewal.consenting_authority == directory.orgs["ia"]
    assert (
        renewals.renewal_submit(actor=directory.sy_inst_admin, renewal=renewal, summary="成效").status
        == "submitted"
    )
    # an uploaded consent letter does as well
    other = make_listing(
        directory, valid_from="2024-01-10", occupation=f.BIGDATA, occupation_name="大数据工程技术人员"
    )
    volume(other, 2024, 500)
    draft = renewals.renewal_start(actor=directory.sy_inst_admin, listing=other)
    with pytest.raises(InvalidInput):
        renewals.renewal_attach(
            actor=directory.sy_inst_admin,
            renewal=draft,
            purpose="legal_person_certificate",
            uploaded=f.upload(),
        )
    renewals.renewal_attach(
        actor=directory.sy_inst_admin,
        renewal=draft,
        purpose="industry_consent",
        uploaded=f.upload("同意意见.pdf"),
    )
    assert (
        renewals.renewal_submit(actor=directory.sy_inst_admin, renewal=draft, summary="成效").status
        == "submitted"
    )


def test_renewal_report_is_prefilled_from_platform_data(directory, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    counted = {2024: 320, 2025: 410}

    def platform(lst, year):
        return counted.get(year, 0) if lst.pk == listing.pk else 0

    volume(listing, 2025, 999)  # the platform's figure wins over a declared one
    volume(listing, 2026, 50)  # no platform record that year: the declared figure is used
    register_extension(listing_reads.VOLUME_POINT, "test.platform", platform)
    try:
        travel(time_machine, "2026-09-01")
        renewal = renewals.renewal_start(actor=directory.sy_inst_admin, listing=listing)
        rows = [(r["year"], r["persons"], r["source"]) for r in renewal.report["rows"]]
        assert rows == [(2024, 320, "platform"), (2025, 410, "platform"), (2026, 50, "declared")]
        assert renewal.report["total"] == 780
        assert renewal.report["valid_until"] == "2027-01-09"
    finally:
        unregister_extension(listing_reads.VOLUME_POINT, "test.platform")
    assert platform not in extensions(listing_reads.VOLUME_POINT)


def test_approved_renewal_extends_three_years_and_adds_period(directory, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    volume(listing, 2024, 300)
    travel(time_machine, "2026-06-01")
    renewal = submitted_renewal(directory, listing)
    with pytest.raises(RuleViolation) as exc:  # training institutions: the province decides (DIR-2)
        renewals.renewal_decide(actor=directory.sy_official, renewal=renewal, approve=True)
    assert exc.value.rule == "DIR-2"
    with pytest.raises(InvalidInput):
        renewals.renewal_decide(actor=directory.ln_official, renewal=renewal, approve=False, comment=" ")
    renewals.renewal_decide(actor=directory.ln_official, renewal=renewal, approve=True, comment="成效良好")
    listing.refresh_from_db()
    assert (listing.valid_until, listing.period, listing.status) == (dt.date(2030, 1, 9), 2, S.ACTIVE)
    periods = list(listing.periods.values_list("number", "valid_from", "valid_until"))
    assert periods == [
        (1, dt.date(2024, 1, 10), dt.date(2027, 1, 9)),
        (2, dt.date(2027, 1, 10), dt.date(2030, 1, 9)),
    ]
    decision = Decision.objects.get(
        subject_type="institutions.renewal", subject_id=str(renewal.pk), kind="renewal_decision"
    )
    assert (
        decision.outcome == "approved"
        and {"DIR-2", "DIR-3"} <= set(decision.rules)
        and decision.policy_version
    )
    with pytest.raises(Conflict) as again:
        renewals.renewal_start(actor=directory.sy_inst_admin, listing=listing)
    assert again.value.code == "already_renewed"
    day = travel(time_machine, "2027-01-10")
    assert expire_due(day) == 0
    assert Listing.objects.get(pk=listing.pk).is_valid_on(dt.date(2029, 6, 1))


def test_approval_is_refused_when_the_first_period_had_no_training(directory, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    travel(time_machine, "2026-06-01")
    renewal = submitted_renewal(directory, listing)
    with pytest.raises(RuleViolation) as exc:
        renewals.renewal_decide(actor=directory.ln_official, renewal=renewal, approve=True)
    assert exc.value.rule == "DIR-3"


# --- DIR-4: Chengdu renewal ----------------------------------------------------------------------------


def test_chengdu_renewal_window_opens_three_months_before_and_grace_two_months_after(directory, time_machine):
    listing = chengdu_listing(directory, valid_from="2024-04-01")  # valid until 2027-03-31
    window = listing_reads.renewal_window_for(listing)
    assert (window.opens, window.closes, window.rule) == (dt.date(2027, 1, 1), dt.date(2027, 5, 31), "DIR-4")
    assert not lr.check_renewal_on_time(window=window, today=dt.date(2027, 6, 1)).ok
    admin = directory.cd_social1_admin
    travel(time_machine, "2026-12-31")
    renewal = renewals.renewal_start(actor=admin, listing=listing)
    with pytest.raises(RuleViolation) as exc:
        renewals.renewal_submit(actor=admin, renewal=renewal, summary="三年评价成效")
    assert exc.value.rule == "DIR-4" and "2027-01-01 起受理" in exc.value.message
    day = travel(time_machine, "2027-04-01")
    expire_due(day)
    assert Listing.objects.get(pk=listing.pk).status == S.EXPIRED
    travel(time_machine, "2027-05-31")  # the last day of the 2 months' grace
    renewals.renewal_submit(actor=admin, renewal=renewal, summary="三年评价成效")
    day = travel(time_machine, "2027-06-01")
    expire_due(day)
    assert Listing.objects.get(pk=listing.pk).status == S.EXPIRED  # a renewal is pending: not abandoned
    with pytest.raises(RuleViolation) as no_consent:  # the district agrees first (001 Art. 14)
        renewals.renewal_decide(actor=directory.cd_official, renewal=renewal, approve=True)
    assert no_consent.value.rule == "DIR-4"
    renewals.renewal_consent(actor=directory.wuhou_official, renewal=renewal)
    renewals.renewal_decide(actor=directory.cd_official, renewal=renewal, approve=True)
    listing.refresh_from_db()
    assert (listing.status, listing.valid_until, listing.period) == (S.ACTIVE, dt.date(2030, 3, 31), 2)


def test_chengdu_listing_without_renewal_two_months_after_expiry_is_abandoned(directory, time_machine):
    listing = chengdu_listing(directory, valid_from="2024-04-01")
    day = travel(time_machine, "2027-04-01")
    assert expire_due(day) == 1
    assert Listing.objects.get(pk=listing.pk).status == S.EXPIRED
    day = travel(time_machine, "2027-05-31")
    assert expire_due(day) == 0
    day = travel(time_machine, "2027-06-01")
    assert expire_due(day) == 1
    listing.refresh_from_db()
    assert listing.status == S.FORFEITED
    assert "视为自动放弃" in listing.status_reason
    assert listing.reapply_banned_until is None  # Chengdu sets no reapply ban
    decision = Decision.objects.get(subject_id=str(listing.pk), kind="forfeiture")
    assert decision.rules == ["DIR-4"] and decision.policy_name == "chengdu-skill" and decision.policy_version
    assert list(
        TransitionLog.objects.filter(
            subject_type="institutions.listing", subject_id=str(listing.pk)
        ).values_list("to_status", flat=True)
    ) == ["expired", "forfeited"]


def test_tick_is_idempotent(directory, time_machine):
    make_listing(directory, valid_from="2024-01-10")
    chengdu_listing(directory, valid_from="2024-01-10")
    now = dt.datetime(2027, 1, 10, 1, 0, tzinfo=CST)
    travel(time_machine, "2027-01-10", hour=1)
    first = tick.run(now)["institutions.listings"]
    logs = TransitionLog.objects.count()
    decisions = Decision.objects.count()
    assert first == 2
    assert tick.run(now)["institutions.listings"] == 0
    assert (TransitionLog.objects.count(), Decision.objects.count()) == (logs, decisions)


# --- DIR-5: changes ------------------------------------------------------------------------------------


def test_basic_change_goes_district_then_capacity_centre_in_chengdu(directory, time_machine):
    travel(time_machine, "2025-03-01")
    listing = chengdu_listing(directory)
    with pytest.raises(InvalidInput):
        changes.change_submit(
            actor=directory.cd_social1_admin,
            listing=listing,
            type="basic",
            after={"website": "x"},
            reason="更名",
        )
    change = changes.change_submit(
        actor=directory.cd_social1_admin,
        listing=listing,
        type="basic",
        after={"institution_name": "成都市数字技能评价研究院", "address": "成都市武侯区科华北路1号"},
        reason="经登记机关核准更名并迁址",
    )
    assert change.before["institution_name"] == "成都市数字技能评价服务中心"
    for wrong in (directory.cdc_official, directory.cd_official):  # the district reviews first
        with pytest.raises(RuleViolation):
            changes.change_review(actor=wrong, change=change, approve=True)
    changes.change_review(actor=directory.wuhou_official, change=change, approve=True, comment="材料齐全")
    change.refresh_from_db()
    listing.refresh_from_db()
    assert change.status == ChangeRequest.Status.REVIEWED
    assert listing.institution_name == "成都市数字技能评价服务中心"  # not yet: the centre updates the record
    with pytest.raises(RuleViolation):
        changes.change_review(actor=directory.wuhou_official, change=change, approve=True)
    changes.change_review(actor=directory.cdc_official, change=change, approve=True)
    change.refresh_from_db()
    listing.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPLIED
    assert listing.institution_name == "成都市数字技能评价研究院"
    assert listing.address == "成都市武侯区科华北路1号"
    assert "成都市数字技能评价研究院" in listing.search_text
    directory.orgs["cd_social1"].refresh_from_db()
    assert directory.orgs["cd_social1"].name == "成都市数字技能评价研究院"
    reviews = Decision.objects.filter(subject_type="institutions.change", subject_id=str(change.pk))
    assert sorted(d.outcome for d in reviews) == ["applied", "reviewed"]
    assert all(d.rules == ["DIR-5"] and d.policy_name == "chengdu-skill" for d in reviews)


def test_scope_change_levels(directory, time_machine):
    travel(time_machine, "2025-03-01")
    listing = make_listing(directory, levels=("初级", "中级"))
    admin = directory.sy_inst_admin
    for bad in (
        {"levels": ["五级"]},
        {"levels": []},
        {"levels": ["初级", "中级"]},
        {"levels": ["高级"], "sites": ["x"]},
    ):
        with pytest.raises(InvalidInput):
            changes.change_submit(actor=admin, listing=listing, type="scope", after=bad, reason="扩大范围")
    change = changes.change_submit(
        actor=admin,
        listing=listing,
        type="scope",
        after={"levels": ["高级", "初级", "中级"]},
        reason="具备高级培训能力",
    )
    assert change.after == {"levels": ["初级", "中级", "高级"]}  # in the profile's order
    with pytest.raises(RuleViolation):  # DTE training institutions: the province, not the city
        changes.change_review(actor=directory.sy_official, change=change, approve=True)
    changes.change_review(actor=directory.ln_official, change=change, approve=True, comment="同意")
    listing.refresh_from_db()
    assert listing.levels == ["初级", "中级", "高级"]
    assert listing.search_text.startswith("|初级|中级|高级|")


def test_rejected_change_needs_a_reason_and_changes_nothing(directory, time_machine):
    travel(time_machine, "2025-03-01")
    listing = make_listing(directory)
    change = changes.change_submit(
        actor=directory.sy_inst_admin,
        listing=listing,
        type="basic",
        after={"contact_phone": "024-1"},
        reason="换人",
    )
    with pytest.raises(InvalidInput):
        changes.change_review(actor=directory.ln_official, change=change, approve=False, comment="")
    changes.change_review(actor=directory.ln_official, change=change, approve=False, comment="号码无效")
    listing.refresh_from_db()
    assert listing.contact_phone == "" and ChangeRequest.objects.get(pk=change.pk).status == "rejected"


# --- DIR-6: termination; suspension --------------------------------------------------------------------


def test_termination_keeps_pending_work_visible(directory, time_machine, login_as):
    travel(time_machine, "2025-03-01")
    listing = make_listing(directory)

    def pending(lst):
        return [{"label": "在训学员", "count": 12, "url": ""}] if lst.pk == listing.pk else []

    register_extension(PENDING_POINT, "test.pending", pending)
    try:
        with pytest.raises(InvalidInput) as exc:
            terminations.listing_terminate(
                actor=directory.sy_inst_admin, listing=listing, reason="业务调整", handling_plan=""
            )
        assert "handling_plan" in exc.value.fields and exc.value.rule == "DIR-6"
        termination = terminations.listing_terminate(
            actor=directory.sy_inst_admin,
            listing=listing,
            reason="业务调整",
            handling_plan="在训学员转至沈阳某培训学校完成培训",
        )
        listing.refresh_from_db()
        assert listing.status == S.TERMINATED and not listing.is_valid_on()
        assert termination.pending == [{"label": "在训学员", "count": 12, "url": ""}]
        decision = Decision.objects.get(subject_id=str(listing.pk), kind="termination")
        assert decision.rules == ["DIR-6"] and decision.policy_version
        page = login_as(directory.sy_official).get(reverse("directory:listing_detail", args=[listing.pk]))
        text = page.content.decode()
        assert page.status_code == 200
        assert "在训学员" in text and "在训学员转至沈阳某培训学校完成培训" in text and "：12" in text
        body = login_as(directory.sy_inst_admin).get(f"/api/v1/directory/listings/{listing.pk}").json()
        assert (
            body["termination"]["pending"][0]["count"] == 12 and body["pending_now"][0]["label"] == "在训学员"
        )
    finally:
        unregister_extension(PENDING_POINT, "test.pending")
    with pytest.raises(Conflict):
        terminations.listing_terminate(
            actor=directory.sy_inst_admin, listing=listing, reason="再次", handling_plan=""
        )


def test_suspended_listing_is_not_valid(directory, time_machine):
    travel(time_machine, "2025-03-01")
    listing = make_listing(directory)
    assert listing.is_valid_on()
    with pytest.raises(InvalidInput):
        svc.listing_suspend(actor=directory.sy_official, listing=listing, reason=" ")
    with pytest.raises(PermissionDenied):
        svc.listing_suspend(actor=directory.sy_inst_admin, listing=listing, reason="自行暂停")
    with pytest.raises(NotFound):
        svc.listing_suspend(actor=directory.dl_official, listing=listing, reason="越权")
    svc.listing_suspend(actor=directory.sy_official, listing=listing, reason="限期整改期间暂停")
    listing.refresh_from_db()
    assert listing.status == S.SUSPENDED and not listing.is_valid_on()
    assert listing.status_reason == "限期整改期间暂停"
    svc.listing_reinstate(actor=directory.sy_official, listing=listing, reason="整改完成")
    listing.refresh_from_db()
    assert listing.is_valid_on()
    svc.listing_remove(actor=directory.ln_official, listing=listing, reason="拒不整改，退出目录")
    listing.refresh_from_db()
    assert listing.status == S.REMOVED and not listing.is_valid_on()


def test_industry_authority_sees_only_institutions_it_recommended(directory):
    mine = make_listing(directory)
    other = make_listing(directory, org_key="inst_dl")
    visible = set(listings_visible_to(directory.ia_official).values_list("pk", flat=True))
    assert mine.pk in visible and other.pk not in visible


# --- pages ---------------------------------------------------------------------------------------------


def test_list_page_is_scoped_and_filters_by_status_kind_occupation_and_expiry(
    directory, login_as, time_machine
):
    travel(time_machine, "2026-11-01")
    soon = make_listing(directory, valid_from="2024-01-10")  # 2027-01-09: 69 days away
    later = make_listing(
        directory, valid_from="2025-06-01", occupation=f.BIGDATA, occupation_name="大数据工程技术人员"
    )
    dalian = make_listing(directory, org_key="inst_dl")
    client = login_as(directory.sy_official)
    url = reverse("directory:listing_list")
    text = client.get(url).content.decode()
    assert soon.number in text and later.number in text and dalian.number not in text
    text = client.get(url, {"expiring": "90"}).content.decode()
    assert soon.number in text and later.number not in text
    text = client.get(url, {"occupation": "大数据"}).content.decode()
    assert later.number in text and soon.number not in text
    assert soon.number not in client.get(url, {"status": "forfeited"}).content.decode()
    assert soon.number in client.get(url, {"kind": "training", "programme": "dte"}).content.decode()
    bad = client.get(url, {"expiring": "soon"})
    assert bad.status_code == 400 and "到期天数" in bad.content.decode()


def test_detail_page_shows_volumes_with_source_window_report_and_history(directory, login_as, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    volume(listing, 2024, 800)
    travel(time_machine, "2026-11-01")
    page = login_as(directory.sy_inst_admin).get(reverse("directory:listing_detail", args=[listing.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "机构填报" in text and "800" in text
    assert "2026-10-09" in text and "DIR-2" in text and "已截止" in text
    assert "工作成效报告" in text
    day = travel(time_machine, "2027-01-10")
    expire_due(day)
    text = (
        login_as(directory.sy_official)
        .get(reverse("directory:listing_detail", args=[listing.pk]))
        .content.decode()
    )
    assert "视为主动放弃" in text and "2030-01-09 前不得再次申报" in text
    assert "有效 → 视为主动放弃" in text  # the status history


def test_institution_declares_volume_and_renews_through_the_pages(directory, login_as, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    travel(time_machine, "2026-06-01")
    inst = login_as(directory.sy_inst_admin)
    detail = reverse("directory:listing_detail", args=[listing.pk])
    r = inst.post(
        reverse("directory:listing_volume_declare", args=[listing.pk]), {"year": "2025", "persons": "260"}
    )
    assert r.status_code == 302 and r["Location"].startswith(detail)
    assert ListingVolume.objects.get(listing=listing, year=2025).persons == 260
    assert inst.post(reverse("directory:listing_renewal_start", args=[listing.pk])).status_code == 302
    renewal = Renewal.objects.get(listing=listing)
    assert renewal.report["rows"][1] == {"year": 2025, "persons": 260, "source": "declared"}
    upload = inst.post(
        reverse("directory:listing_renewal_attach", args=[listing.pk, renewal.pk]),
        {"purpose": "industry_consent", "file": f.upload("行业主管部门同意意见.pdf")},
    )
    assert upload.status_code == 302
    assert renewal.attachments.get().purpose == Attachment.Purpose.INDUSTRY_CONSENT
    r = inst.post(
        reverse("directory:listing_renewal_submit", args=[listing.pk, renewal.pk]),
        {"summary": "三年培训成效"},
    )
    assert r.status_code == 302
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SUBMITTED
    province = login_as(directory.ln_official)
    assert "同意延续" in province.get(detail).content.decode()
    r = province.post(
        reverse("directory:listing_renewal_decide", args=[listing.pk, renewal.pk]), {"decision": "approve"}
    )
    assert r.status_code == 302
    listing.refresh_from_db()
    assert listing.valid_until == dt.date(2030, 1, 9)
    assert "已延续" in province.get(detail).content.decode()


def test_industry_authority_consents_on_the_page(directory, login_as, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    travel(time_machine, "2026-06-01")
    renewal = renewals.renewal_start(actor=directory.sy_inst_admin, listing=listing)
    client = login_as(directory.ia_official)
    page = client.get(reverse("directory:listing_detail", args=[listing.pk])).content.decode()
    assert "同意该机构延续" in page
    # the state and the rule are two lines, not one run-on sentence
    state = re.search(r'<p id="renewal-consent">(.*?)</p>', page, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", state).strip() == "同意意见：尚无"
    rule = re.search(r'<p class="muted" id="renewal-consent-rule">(.*?)</p>', page, re.S).group(1)
    assert "须经行业主管（业务指导）部门同意" in rule and ">DIR-2</span>" in rule
    r = client.post(reverse("directory:listing_renewal_consent", args=[listing.pk, renewal.pk]))
    assert r.status_code == 302
    assert Renewal.objects.get(pk=renewal.pk).consenting_authority == directory.orgs["ia"]
    page = client.get(reverse("directory:listing_detail", args=[listing.pk])).content.decode()
    state = re.sub(r"<[^>]+>", "", re.search(r'<p id="renewal-consent">(.*?)</p>', page, re.S).group(1))
    assert state.startswith("同意意见：已同意") and directory.orgs["ia"].name in state


def test_domain_errors_are_shown_on_the_page_in_chinese_not_500(directory, login_as, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    travel(time_machine, "2026-06-01")
    inst = login_as(directory.sy_inst_admin)
    r = inst.post(
        reverse("directory:listing_volume_declare", args=[listing.pk]), {"year": "abc", "persons": "10"}
    )
    assert r.status_code == 400 and "年度须为整数" in r.content.decode()
    assert 'value="abc"' in r.content.decode()  # the input is kept
    r = inst.post(
        reverse("directory:listing_terminate", args=[listing.pk]), {"reason": "", "handling_plan": "方案"}
    )
    assert r.status_code == 400 and "请填写注销原因" in r.content.decode() and "方案" in r.content.decode()
    r = inst.post(
        reverse("directory:listing_status", args=[listing.pk]), {"action": "suspend", "reason": "自行暂停"}
    )
    assert r.status_code == 403 and "您没有执行此操作的权限" in r.content.decode()
    inst.post(reverse("directory:listing_renewal_start", args=[listing.pk]))
    renewal = Renewal.objects.get(listing=listing)
    r = inst.post(
        reverse("directory:listing_renewal_submit", args=[listing.pk, renewal.pk]), {"summary": "成效"}
    )
    assert r.status_code == 400 and "缺少行业主管部门同意意见" in r.content.decode()
    r = login_as(directory.sy_official).post(
        reverse("directory:listing_status", args=[listing.pk]), {"action": "suspend", "reason": ""}
    )
    assert r.status_code == 400 and "请填写理由" in r.content.decode()
    assert Listing.objects.get(pk=listing.pk).status == S.ACTIVE


def test_official_suspends_and_reinstates_on_the_page(directory, login_as, time_machine):
    travel(time_machine, "2025-03-01")
    listing = make_listing(directory)
    client = login_as(directory.sy_official)
    url = reverse("directory:listing_status", args=[listing.pk])
    assert client.post(url, {"action": "suspend", "reason": "限期整改"}).status_code == 302
    assert Listing.objects.get(pk=listing.pk).status == S.SUSPENDED
    text = client.get(reverse("directory:listing_detail", args=[listing.pk])).content.decode()
    assert "限期整改" in text and "恢复" in text
    assert client.post(url, {"action": "reinstate", "reason": "整改完成"}).status_code == 302
    assert Listing.objects.get(pk=listing.pk).status == S.ACTIVE


def test_change_request_through_the_pages(directory, login_as, time_machine):
    travel(time_machine, "2025-03-01")
    listing = chengdu_listing(directory)
    inst = login_as(directory.cd_social1_admin)
    r = inst.post(
        reverse("directory:listing_change_submit", args=[listing.pk]),
        {"type": "basic", "contact_name": "王新", "reason": "联系人变更"},
    )
    assert r.status_code == 302
    change = ChangeRequest.objects.get(listing=listing)
    district = login_as(directory.wuhou_official)
    assert (
        "区（市）县人社部门"
        in district.get(reverse("directory:listing_detail", args=[listing.pk])).content.decode()
    )
    r = district.post(
        reverse("directory:listing_change_review", args=[listing.pk, change.pk]), {"decision": "approve"}
    )
    assert r.status_code == 302
    r = login_as(directory.cdc_official).post(
        reverse("directory:listing_change_review", args=[listing.pk, change.pk]), {"decision": "approve"}
    )
    assert r.status_code == 302
    assert Listing.objects.get(pk=listing.pk).contact_name == "王新"


# --- API -----------------------------------------------------------------------------------------------


def _post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_api_renewal_flow_from_start_to_decision(directory, login_as, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    travel(time_machine, "2026-06-01")
    inst = login_as(directory.sy_inst_admin)
    base = "/api/v1/directory"
    r = _post(inst, f"{base}/listings/{listing.pk}/volumes", {"year": 2025, "persons": 240})
    assert r.status_code == 201 and r.json() == {"year": 2025, "persons": 240, "source": "declared"}
    assert (
        _post(inst, f"{base}/listings/{listing.pk}/volumes", {"year": 2031, "persons": 1}).status_code == 400
    )
    r = _post(inst, f"{base}/listings/{listing.pk}/renewals")
    assert r.status_code == 201
    renewal_id = r.json()["id"]
    assert r.json()["report"]["rows"][-1]["year"] == 2026
    r = _post(inst, f"{base}/renewals/{renewal_id}/submit", {"summary": "成效"})
    assert r.status_code == 400 and r.json()["rules"] == ["DIR-2"]
    assert _post(login_as(directory.ia_official), f"{base}/renewals/{renewal_id}/consent").status_code == 200
    r = _post(inst, f"{base}/renewals/{renewal_id}/submit", {"summary": "成效"})
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert r.json()["decisions"][-1]["outcome"] == "submitted"
    r = _post(
        login_as(directory.ln_official),
        f"{base}/renewals/{renewal_id}/decide",
        {"approve": True, "comment": ""},
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    detail = inst.get(f"{base}/listings/{listing.pk}").json()
    assert detail["valid_until"] == "2030-01-09" and [p["number"] for p in detail["periods"]] == [1, 2]
    assert detail["renewal_window"]["rule"] == "DIR-2"
    assert detail["renewals"][0]["decisions"][-1]["rules"]
    listed = inst.get(f"{base}/listings", {"expiring_within_days": 30}).json()
    assert listed == {"items": [], "count": 0}
    by_occupation = inst.get(f"{base}/listings", {"occupation": f.AI}).json()
    assert [row["id"] for row in by_occupation["items"]] == [listing.pk] and by_occupation["count"] == 1


def test_api_changes_termination_and_status(directory, login_as, time_machine):
    travel(time_machine, "2025-03-01")
    listing = make_listing(directory)
    base = "/api/v1/directory"
    inst = login_as(directory.sy_inst_admin)
    r = _post(
        inst,
        f"{base}/listings/{listing.pk}/changes",
        {"type": "scope", "after": {"levels": ["初级"]}, "reason": "收缩"},
    )
    assert r.status_code == 201 and r.json()["next_org_kind"] == "hrss_province"
    change_id = r.json()["id"]
    assert (
        _post(
            login_as(directory.sy_official), f"{base}/changes/{change_id}/review", {"approve": True}
        ).status_code
        == 400
    )
    r = _post(login_as(directory.ln_official), f"{base}/changes/{change_id}/review", {"approve": True})
    assert r.status_code == 200 and r.json()["status"] == "applied"
    official = login_as(directory.sy_official)
    r = _post(official, f"{base}/listings/{listing.pk}/status", {"action": "suspend", "reason": "整改"})
    assert r.status_code == 200 and r.json()["status"] == "suspended" and r.json()["valid_today"] is False
    assert (
        _post(
            inst, f"{base}/listings/{listing.pk}/status", {"action": "reinstate", "reason": "x"}
        ).status_code
        == 403
    )
    assert (
        _post(
            official, f"{base}/listings/{listing.pk}/status", {"action": "suspend", "reason": "再次"}
        ).status_code
        == 409
    )
    r = _post(inst, f"{base}/listings/{listing.pk}/terminate", {"reason": "业务调整"})
    assert r.status_code == 200 and r.json()["status"] == "terminated"
    assert Termination.objects.filter(listing=listing).exists()


def test_another_city_official_gets_404_on_listing_pages_and_api(directory, login_as, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    volume(listing, 2024, 400)
    travel(time_machine, "2026-06-01")
    renewal = submitted_renewal(directory, listing)
    change = changes.change_submit(
        actor=directory.sy_inst_admin,
        listing=listing,
        type="basic",
        after={"contact_name": "李"},
        reason="换人",
    )
    with pytest.raises(NotFound):
        listing_get_for(directory.dl_official, listing.pk)
    for user in (
        directory.dl_official,
        directory.dl_inst_admin,
        directory.cd_official,
        directory.ia2_official,
    ):
        client = login_as(user)
        assert listing.number not in client.get(reverse("directory:listing_list")).content.decode()
        assert client.get(reverse("directory:listing_detail", args=[listing.pk])).status_code == 404
        for name, args, data in [
            ("listing_volume_declare", [listing.pk], {"year": "2025", "persons": "1"}),
            ("listing_renewal_start", [listing.pk], {}),
            ("listing_renewal_consent", [listing.pk, renewal.pk], {}),
            ("listing_renewal_decide", [listing.pk, renewal.pk], {"decision": "approve"}),
            ("listing_change_review", [listing.pk, change.pk], {"decision": "approve"}),
            ("listing_terminate", [listing.pk], {"reason": "x"}),
            ("listing_status", [listing.pk], {"action": "suspend", "reason": "x"}),
        ]:
            assert client.post(reverse(f"directory:{name}", args=args), data).status_code == 404, name
        api = "/api/v1/directory"
        assert client.get(f"{api}/listings/{listing.pk}").status_code == 404
        assert all(row["id"] != listing.pk for row in client.get(f"{api}/listings").json()["items"])
        for url, body in [
            (f"{api}/listings/{listing.pk}/volumes", {"year": 2025, "persons": 1}),
            (f"{api}/listings/{listing.pk}/renewals", {}),
            (f"{api}/renewals/{renewal.pk}/submit", {"summary": "x"}),
            (f"{api}/renewals/{renewal.pk}/consent", {}),
            (f"{api}/renewals/{renewal.pk}/decide", {"approve": True}),
            (
                f"{api}/listings/{listing.pk}/changes",
                {"type": "basic", "after": {"address": "x"}, "reason": "x"},
            ),
            (f"{api}/changes/{change.pk}/review", {"approve": True}),
            (f"{api}/listings/{listing.pk}/terminate", {"reason": "x"}),
            (f"{api}/listings/{listing.pk}/status", {"action": "suspend", "reason": "x"}),
        ]:
            assert _post(client, url, body).status_code == 404, url
    assert (
        login_as(directory.sy_official)
        .get(reverse("directory:listing_detail", args=[listing.pk]))
        .status_code
        == 200
    )
    assert Listing.objects.get(pk=listing.pk).status == S.ACTIVE


# --- every decision is traceable ---------------------------------------------------------------------------


def test_every_decision_stores_rule_ids_and_policy_version(directory, time_machine):
    dte = make_listing(directory, valid_from="2024-01-10")
    volume(dte, 2024, 300)
    cd = chengdu_listing(directory, valid_from="2024-04-01")
    lapsed = make_listing(
        directory, valid_from="2024-01-10", occupation=f.BIGDATA, occupation_name="大数据工程技术人员"
    )
    travel(time_machine, "2026-06-01")
    renewal = renewals.renewal_start(actor=directory.sy_inst_admin, listing=dte)
    with pytest.raises(RuleViolation):
        renewals.renewal_submit(
            actor=directory.sy_inst_admin, renewal=renewal, summary="成效"
        )  # no consent: refused
    renewal = submitted_renewal(directory, dte)
    renewals.renewal_decide(actor=directory.ln_official, renewal=renewal, approve=True)
    change = changes.change_submit(
        actor=directory.cd_social1_admin,
        listing=cd,
        type="basic",
        after={"contact_name": "周"},
        reason="换人",
    )
    changes.change_review(actor=directory.wuhou_official, change=change, approve=False, comment="材料不全")
    travel(time_machine, "2026-07-01")
    terminations.listing_terminate(
        actor=directory.cd_social1_admin, listing=cd, reason="停止评价业务", handling_plan=""
    )
    day = travel(time_machine, "2027-01-10")
    expire_due(day)
    assert Listing.objects.get(pk=lapsed.pk).status == S.FORFEITED
    decisions = list(Decision.objects.filter(subject_type__startswith="institutions."))
    kinds = {d.kind for d in decisions}
    assert {"renewal_submission", "renewal_decision", "change_review", "termination", "forfeiture"} <= kinds
    for d in decisions:
        assert d.rules and all(r.split("-")[0] in {"DIR", "SEL"} for r in d.rules), d.kind
        assert d.policy_name and d.policy_version and d.policy_chain, d.kind


# --- query counts --------------------------------------------------------------------------------------


def _queries(client, url, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def test_list_and_detail_queries_do_not_grow_with_rows(directory, login_as, time_machine):
    travel(time_machine, "2025-03-01")
    listing = make_listing(directory)
    occupations = iter(["2-02-38-02", "2-02-38-04", "2-02-38-06", "2-02-38-07", "2-02-38-09", "2-02-38-10"])

    def grow(n: int) -> None:
        for _ in range(n):
            make_listing(directory, occupation=next(occupations), occupation_name="职业")
            Renewal.objects.create(
                listing=listing, status=Renewal.Status.REJECTED, created_by=directory.sy_inst_admin
            )
            ChangeRequest.objects.create(
                listing=listing,
                type="basic",
                after={"address": "x"},
                reason="r",
                created_by=directory.sy_inst_admin,
            )

    client = login_as(directory.sy_official)
    pages = [
        (reverse("directory:listing_list"), None),
        ("/api/v1/directory/listings", None),
        (reverse("directory:listing_detail", args=[listing.pk]), None),
        (f"/api/v1/directory/listings/{listing.pk}", None),
    ]
    grow(1)
    for url, params in pages:  # warm the per-process caches (policy, regions, session)
        _queries(client, url, params)
    few = [_queries(client, url, params) for url, params in pages]
    grow(3)
    assert [_queries(client, url, params) for url, params in pages] == few
