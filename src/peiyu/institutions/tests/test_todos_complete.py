"""To-do lists complete (JOURNEYS: every waiting item on someone's list with its deadline): a new
objection on the resolving official's list (SEL-7), a renewal waiting for the industry authority's
consent on that authority's list (DIR-2) until it consents or a consent letter is on file, an expert's
item opening the scoring page itself (SEL-8); nobody else gets these items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from peiyu.institutions.services import notices, renewals
from peiyu.institutions.todos import expert_todos, official_todos

from . import factories as f
from .test_listings import make_listing, travel, volume
from .test_notices import PUBLISH_DAY, at_notice_ln

CST = dt.timezone(dt.timedelta(hours=8))


def _titles(items, kind):
    return [i for i in items if i.kind == kind]


@pytest.mark.usefixtures("today_in_call")
def test_a_new_objection_is_on_the_resolving_officials_list_with_the_notice_end(
    directory, ln_call, time_machine
):
    app = at_notice_ln(directory.sy_inst_admin, ln_call)
    time_machine.move_to(PUBLISH_DAY, tick=False)
    notice = notices.notice_publish(actor=directory.cg_official, applications=[app])
    assert not _titles(official_todos(directory.cg_official), "objection")
    obj = notices.objection_submit(
        notice=notice, application_id=app.pk, name="张三", contact="13800001111", text="培训规模与实际不符。"
    )
    items = _titles(official_todos(directory.cg_official), "objection")
    assert len(items) == 1
    item = items[0]
    assert obj.tracking_no in item.title and item.rule == "SEL-7"
    assert item.deadline == notice.ends_on and not item.overdue
    assert item.url.startswith(reverse("directory:objection_list"))
    # the city official who recommended it does not resolve objections; another city sees nothing
    assert not _titles(official_todos(directory.sy_official), "objection")
    assert not _titles(official_todos(directory.dl_official), "objection")
    notices.objection_resolve(
        actor=directory.cg_official, objection=obj, upheld=False, resolution="经核查不属实"
    )
    assert not _titles(official_todos(directory.cg_official), "objection")


@pytest.fixture
def _early(time_machine):
    time_machine.move_to(dt.datetime(2024, 1, 1, 9, 0, tzinfo=CST), tick=False)


@pytest.mark.usefixtures("_early")
def test_a_renewal_awaiting_consent_is_on_the_industry_authoritys_list(directory, time_machine, login_as):
    listing = make_listing(directory, valid_from="2024-01-10")
    volume(listing, 2024, 500)
    travel(time_machine, "2026-06-01")
    renewal = renewals.renewal_start(actor=directory.sy_inst_admin, listing=listing)
    items = _titles(official_todos(directory.ia_official), "renewal_consent")
    assert len(items) == 1 and items[0].rule == "DIR-2" and items[0].deadline is not None
    assert listing.institution_name in items[0].title
    # only the authority that recommended the institution
    assert not _titles(official_todos(directory.ia2_official), "renewal_consent")
    assert not _titles(official_todos(directory.sy_official), "renewal_consent")
    page = login_as(directory.ia_official).get(items[0].url.split("#")[0]).content.decode()
    assert "同意该机构延续" in page
    renewals.renewal_consent(actor=directory.ia_official, renewal=renewal)
    assert not _titles(official_todos(directory.ia_official), "renewal_consent")


@pytest.mark.usefixtures("_early")
def test_a_consent_letter_on_file_takes_the_item_off_the_list(directory, time_machine):
    listing = make_listing(directory, valid_from="2024-01-10")
    travel(time_machine, "2026-06-01")
    renewal = renewals.renewal_start(actor=directory.sy_inst_admin, listing=listing)
    renewals.renewal_attach(
        actor=directory.sy_inst_admin, renewal=renewal, purpose="industry_consent", uploaded=f.upload()
    )
    assert not _titles(official_todos(directory.ia_official), "renewal_consent")


def test_an_experts_item_opens_the_scoring_page(world, policies, login_as):
    from .test_panels import Journey, on_panel

    journey = Journey(world)
    journey.pool(3)
    journey.draw(size=2, apps=[journey.app_dl], seed="other")  # panel and member ids no longer coincide
    panel = journey.draw(size=1, apps=[journey.app_sy], seed="todo")
    member = on_panel(panel)[0]
    assert member.pk != panel.pk
    expert = member.expert.user
    items = [i for i in expert_todos(expert) if i.url.endswith(f"#app-{journey.app_sy.pk}")]
    assert len(items) == 1 and items[0].rule == "SEL-8"
    assert items[0].url == reverse("directory:panel_score", args=[panel.pk]) + f"#app-{journey.app_sy.pk}"
    page = login_as(expert).get(items[0].url.split("#")[0])
    assert page.status_code == 200 and f'id="app-{journey.app_sy.pk}"' in page.content.decode()
    assert expert_todos(world.sy_official) == []


@pytest.mark.usefixtures("_early")
def test_the_renewal_page_says_consent_is_given_when_its_check_passes(directory, time_machine, login_as):
    """A consent letter uploaded instead of the authority's consent on the platform: the DIR-2 check
    passes and the page says so (it used to say 尚无 while the check passed)."""
    listing = make_listing(directory, valid_from="2024-01-10")
    volume(listing, 2024, 500)
    travel(time_machine, "2026-06-01")
    renewal = renewals.renewal_start(actor=directory.sy_inst_admin, listing=listing)
    url = reverse("directory:listing_detail", args=[listing.pk])
    before = login_as(directory.sy_inst_admin).get(url).content.decode()
    assert "尚无" in before
    renewals.renewal_attach(
        actor=directory.sy_inst_admin,
        renewal=renewal,
        purpose="industry_consent",
        uploaded=f.upload("同意函.pdf"),
    )
    page = login_as(directory.sy_inst_admin).get(url).content.decode()
    assert "已上传同意函" in page and "同意函.pdf" in page
    submitted = renewals.renewal_submit(actor=directory.sy_inst_admin, renewal=renewal, summary="成效")
    assert submitted.status == "submitted"
