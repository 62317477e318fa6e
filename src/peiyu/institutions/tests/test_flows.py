"""The directory's state machines (institutions.flows): every table is registered; every allowed move
writes the status, a TransitionLog row and the one audit action `<name>.<to-status>`; a sample of
forbidden moves is refused (InvalidTransition) and writes nothing; the services create and close rows
through the tables; `allowed_actions` offers each actor the verbs of its role and scope only."""

from __future__ import annotations

import datetime as dt

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import InvalidInput, InvalidTransition
from peiyu.core.models import TransitionLog
from peiyu.core.workflow import Workflow
from peiyu.institutions import flows
from peiyu.institutions.models import (
    Application,
    Call,
    ChangeRequest,
    Expert,
    Listing,
    ListingPeriod,
    Objection,
    Panel,
    PanelMember,
    PublicNotice,
    Renewal,
)
from peiyu.institutions.selectors.actions import (
    application_allowed_actions,
    change_request_allowed_actions,
    listing_allowed_actions,
    objection_allowed_actions,
    panel_allowed_actions,
    panel_member_allowed_actions,
    public_notice_allowed_actions,
    renewal_allowed_actions,
)
from peiyu.institutions.services import changes, renewals, review
from peiyu.institutions.services import listings as listing_services

from . import factories as f

pytestmark = pytest.mark.usefixtures("today_in_call")

TABLES = {
    "application": flows.APPLICATION_FLOW,
    "listing": flows.LISTING_FLOW,
    "renewal": flows.RENEWAL_FLOW,
    "change_request": flows.CHANGE_REQUEST_FLOW,
    "public_notice": flows.PUBLIC_NOTICE_FLOW,
    "objection": flows.OBJECTION_FLOW,
    "panel": flows.PANEL_FLOW,
    "panel_member": flows.PANEL_MEMBER_FLOW,
    "call": flows.CALL_FLOW,
}


def test_every_table_is_in_the_registry_under_its_name():
    for name, flow in TABLES.items():
        assert flow.name == name
        assert Workflow.registry[name] is flow
    # every stateful model of the app has its table
    stateful = {
        m
        for m in (
            Application,
            Listing,
            Renewal,
            ChangeRequest,
            PublicNotice,
            Objection,
            Panel,
            PanelMember,
            Call,
        )
        if any(fld.name == "status" for fld in m._meta.get_fields())
    }
    assert stateful == {flow.model for flow in TABLES.values()}
    assert not any(fld.name == "status" for fld in ListingPeriod._meta.get_fields())


# --- one row of every model ------------------------------------------------------------------------------


def _listing(world, org_key: str = "inst_sy") -> Listing:
    org = world.orgs[org_key]
    start = dt.date(2023, 6, 1)
    listing = Listing.objects.create(
        number=f"ML-F{org.pk:06d}",
        programme="dte",
        institution=org,
        institution_name=org.name,
        kind="training",
        occupation_code=f.AI,
        occupation_name="人工智能工程技术人员",
        levels=["初级"],
        region_id=org.region_id,
        recommender=org.recommended_by,
        valid_from=start,
        valid_until=dt.date(2026, 5, 31),
        policy_name="liaoning-dte-batch2",
        policy_version=1,
    )
    ListingPeriod.objects.create(listing=listing, number=1, valid_from=start, valid_until=listing.valid_until)
    return listing


@pytest.fixture
def rows(directory, ln_call):
    """One row of each stateful model, built the quick way (the walks set the status they start from)."""
    actor = directory.sy_official
    app = f.submitted(directory.sy_inst_admin, ln_call)
    listing = _listing(directory)
    renewal = Renewal.objects.create(listing=listing, created_by=directory.sy_inst_admin)
    change = ChangeRequest.objects.create(
        listing=listing, type="basic", after={"address": "新地址"}, reason="搬迁", created_by=actor
    )
    notice = PublicNotice.objects.create(
        number="GS-F000001",
        title="公示",
        call=ln_call,
        publisher=directory.orgs["ln"],
        starts_on=dt.date(2023, 6, 5),
        ends_on=dt.date(2023, 6, 12),
        working_days=5,
        published_by=directory.ln_official,
    )
    objection = Objection.objects.create(
        tracking_no="YY-F000001",
        notice=notice,
        application=app,
        name="甲",
        contact="13800000000",
        text="异议内容足够长",
    )
    panel = Panel.objects.create(
        call=ln_call,
        step="province_expert_review",
        owner=directory.orgs["ln"],
        size=1,
        seed="s",
        algorithm="x",
        created_by=directory.ln_official,
    )
    expert = Expert.objects.create(name="专家", employer_name="某大学", pool_owner=directory.orgs["ln"])
    member = PanelMember.objects.create(panel=panel, expert=expert, position=1)
    return {
        "application": app,
        "listing": listing,
        "renewal": renewal,
        "change_request": change,
        "public_notice": notice,
        "objection": objection,
        "panel": panel,
        "panel_member": member,
        "call": ln_call,
    }


def _set(flow: Workflow, row, status: str) -> None:
    type(row).objects.filter(pk=row.pk).update(**{flow.field: status})
    row.refresh_from_db()


def _logs(row) -> int:
    return TransitionLog.objects.filter(subject_type=row._meta.label_lower, subject_id=str(row.pk)).count()


def _events(row) -> int:
    return AuditEvent.objects.filter(
        object_id=str(row.pk), object_type__icontains=row._meta.model_name
    ).count()


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_allowed_move_writes_status_log_and_audit(rows, directory, name):
    flow, row = TABLES[name], rows[name]
    moves = [(src, to) for src, targets in flow.transitions.items() for to in sorted(targets)]
    assert moves
    for src, to in moves:
        _set(flow, row, src)
        flow.transition(row, to, actor=directory.sy_official, reason=f"{src}→{to}")
        row.refresh_from_db()
        assert getattr(row, flow.field) == to
        log = TransitionLog.objects.filter(
            subject_type=row._meta.label_lower, subject_id=str(row.pk), reason=f"{src}→{to}"
        ).get()
        assert (log.from_status, log.to_status, log.actor_id) == (src, to, directory.sy_official.pk)
        event = AuditEvent.objects.filter(object_id=str(row.pk), reason=f"{src}→{to}").get()
        assert event.action == f"{name}.{to}"
        assert event.before[flow.field] == src and event.after[flow.field] == to


@pytest.mark.parametrize("name", sorted(TABLES))
def test_forbidden_moves_are_refused_and_write_nothing(rows, directory, name):
    flow, row = TABLES[name], rows[name]
    statuses = [value for value, _label in type(row)._meta.get_field(flow.field).flatchoices]
    forbidden = [(src, to) for src in statuses for to in statuses if to not in flow.allowed(src)]
    # a sample: every move out of a final status, and every refused move out of the first status
    sample = [(s, t) for s, t in forbidden if s not in flow.transitions][:6]
    sample += [(s, t) for s, t in forbidden if s == statuses[0]]
    assert sample
    for src, to in sample:
        _set(flow, row, src)
        logs, events = _logs(row), _events(row)
        with pytest.raises(InvalidTransition):
            flow.transition(row, to, actor=directory.sy_official, reason="forbidden")
        row.refresh_from_db()
        assert getattr(row, flow.field) == src
        assert (_logs(row), _events(row)) == (logs, events)


def test_bulk_move_checks_every_row_first(rows, directory):
    listing = rows["listing"]
    other = Renewal.objects.create(listing=listing, created_by=directory.sy_inst_admin, status="approved")
    with pytest.raises(InvalidTransition):
        flows.RENEWAL_FLOW.transition_many([rows["renewal"], other], "rejected", actor=None)
    assert Renewal.objects.get(pk=rows["renewal"].pk).status == "draft"
    assert not TransitionLog.objects.filter(
        subject_type="institutions.renewal", to_status="rejected"
    ).exists()


# --- through the services --------------------------------------------------------------------------------


def test_services_log_creation_and_each_move_under_one_name(directory, ln_call):
    app = f.submitted(directory.sy_inst_admin, ln_call)
    assert AuditEvent.objects.filter(action="application.created", object_id=str(app.pk)).exists()
    first = TransitionLog.objects.filter(subject_type="institutions.application", subject_id=str(app.pk))
    assert list(first.order_by("id").values_list("from_status", "to_status")) == [
        ("", "draft"),
        ("draft", "in_review"),
    ]
    assert AuditEvent.objects.filter(action="application.in_review", object_id=str(app.pk)).exists()
    review.application_return(actor=directory.sy_official, application=app, comment="请补充材料")
    assert AuditEvent.objects.filter(action="application.returned", object_id=str(app.pk)).exists()


def test_leaving_the_catalog_closes_open_renewals_and_changes_through_their_tables(directory):
    listing = _listing(directory)
    renewal = renewals.renewal_start(actor=directory.sy_inst_admin, listing=listing)
    change = changes.change_submit(
        actor=directory.sy_inst_admin,
        listing=listing,
        type="basic",
        after={"address": "新地址1号"},
        reason="搬迁",
    )
    assert AuditEvent.objects.filter(action="renewal.created", object_id=str(renewal.pk)).exists()
    assert AuditEvent.objects.filter(action="change_request.created", object_id=str(change.pk)).exists()
    listing_services.listing_remove(actor=directory.ln_official, listing=listing, reason="严重违规")
    renewal.refresh_from_db()
    change.refresh_from_db()
    assert (renewal.status, change.status) == ("rejected", "rejected")
    for row, name in ((renewal, "renewal"), (change, "change_request")):
        assert AuditEvent.objects.filter(action=f"{name}.rejected", object_id=str(row.pk)).exists()
        assert TransitionLog.objects.filter(
            subject_type=row._meta.label_lower, subject_id=str(row.pk), to_status="rejected"
        ).exists()
    assert AuditEvent.objects.filter(action="listing.removed", object_id=str(listing.pk)).exists()


def test_one_table_dispatches_review_and_status_verbs(directory, ln_call):
    app = f.submitted(directory.sy_inst_admin, ln_call)
    with pytest.raises(InvalidInput) as exc:
        review.application_act(actor=directory.sy_official, application=app, action="approve-all")
    assert "操作" in exc.value.message
    review.application_act(actor=directory.sy_official, application=app, action="return", comment="补充")
    assert Application.objects.get(pk=app.pk).status == "returned"
    listing = _listing(directory)
    with pytest.raises(InvalidInput):
        listing_services.listing_status_change(
            actor=directory.ln_official, listing=listing, action="delete", reason="x"
        )
    listing_services.listing_status_change(
        actor=directory.ln_official, listing=listing, action="suspend", reason="整改"
    )
    assert Listing.objects.get(pk=listing.pk).status == "suspended"


# --- allowed_actions ------------------------------------------------------------------------------------


def test_official_sees_the_review_actions_and_the_institution_does_not(directory, ln_call, login_as):
    app = f.submitted(directory.sy_inst_admin, ln_call)
    official = application_allowed_actions(directory.sy_official, app)
    assert {"pass", "return", "reject"} <= set(official)
    assert "submit" not in official and "withdraw" not in official
    assert application_allowed_actions(directory.sy_inst_admin, app) == ["withdraw"]
    assert application_allowed_actions(directory.dl_official, app) == []  # another city
    body = login_as(directory.sy_official).get(f"/api/v1/directory/applications/{app.pk}").json()
    assert body["allowed_actions"] == official
    page = login_as(directory.sy_official).get(f"/directory/applications/{app.pk}/")
    assert 'value="pass"' in page.content.decode()
    page = login_as(directory.sy_inst_admin).get(f"/directory/applications/{app.pk}/")
    assert 'value="pass"' not in page.content.decode()

    review.application_return(actor=directory.sy_official, application=app, comment="请补充材料")
    app.refresh_from_db()
    assert set(application_allowed_actions(directory.sy_inst_admin, app)) == {"submit", "withdraw"}
    assert application_allowed_actions(directory.sy_official, app) == []
    body = login_as(directory.sy_inst_admin).get(f"/api/v1/directory/applications/{app.pk}").json()
    assert set(body["allowed_actions"]) == {"submit", "withdraw"}


def test_listing_actions_follow_role_scope_and_status(directory, login_as):
    listing = _listing(directory)
    assert set(listing_allowed_actions(directory.ln_official, listing)) == {"suspend", "remove"}
    assert listing_allowed_actions(directory.sy_inst_admin, listing) == ["terminate"]
    assert listing_allowed_actions(directory.hb_official, listing) == []  # another province
    body = login_as(directory.sy_inst_admin).get(f"/api/v1/directory/listings/{listing.pk}").json()
    assert body["allowed_actions"] == ["terminate"]
    listing_services.listing_suspend(actor=directory.ln_official, listing=listing, reason="整改")
    listing.refresh_from_db()
    assert set(listing_allowed_actions(directory.ln_official, listing)) == {"reinstate", "remove"}
    body = login_as(directory.ln_official).get(f"/api/v1/directory/listings/{listing.pk}").json()
    assert set(body["allowed_actions"]) == {"reinstate", "remove"}


def test_renewal_and_change_actions(directory):
    listing = _listing(directory)
    renewal = Renewal.objects.create(listing=listing, created_by=directory.sy_inst_admin)
    assert renewal_allowed_actions(directory.sy_inst_admin, renewal) == ["submit"]
    assert renewal_allowed_actions(directory.ln_official, renewal) == []
    Renewal.objects.filter(pk=renewal.pk).update(status="submitted")
    renewal.refresh_from_db()
    assert renewal_allowed_actions(directory.sy_inst_admin, renewal) == []
    assert set(renewal_allowed_actions(directory.ln_official, renewal)) == {"approve", "reject"}
    change = ChangeRequest.objects.create(
        listing=listing,
        type="basic",
        after={"address": "新"},
        reason="搬迁",
        created_by=directory.sy_inst_admin,
    )
    assert change_request_allowed_actions(directory.sy_inst_admin, change) == []
    assert set(change_request_allowed_actions(directory.ln_official, change)) == {"apply", "reject"}


def test_notice_objection_and_panel_actions(rows, directory):
    notice, objection = rows["public_notice"], rows["objection"]
    assert public_notice_allowed_actions(None, notice, on=dt.date(2023, 6, 6)) == ["object"]
    assert public_notice_allowed_actions(None, notice, on=dt.date(2023, 6, 13)) == []
    assert objection_allowed_actions(directory.sy_inst_admin, objection) == []
    panel, member = rows["panel"], rows["panel_member"]
    assert panel_allowed_actions(directory.ln_official, panel) == ["close"]
    assert panel_allowed_actions(directory.sy_inst_admin, panel) == []
    assert panel_member_allowed_actions(directory.ln_official, member, panel) == ["decline"]
    assert panel_member_allowed_actions(directory.sy_inst_admin, member, panel) == []
