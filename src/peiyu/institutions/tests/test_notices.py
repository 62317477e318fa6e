"""Public notice and objections (SEL-7, SEL-10; 000 Art. 7(4)-(5), 001 Art. 7), the Chengdu filing
after the notice (SEL-6, SEL-10), and the public pages of notices and calls (journeys 1, 4, 5).

Applications reach the notice step through the services (create, submit), then jump the review steps
in between (expert review needs a closed panel, tested with the panels) by setting their position."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import Client

from peiyu.core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from peiyu.core.models import Decision
from peiyu.institutions.demo.support import chengdu_form  # one valid Chengdu form for demo and tests
from peiyu.institutions.models import Application, Call, Listing, Objection, PublicNotice, ReviewAction
from peiyu.institutions.rules.forms import REQUIRED_ATTACHMENTS
from peiyu.institutions.services import applications as apps
from peiyu.institutions.services import notices

from . import factories as f

CST = dt.timezone(dt.timedelta(hours=8))
S = Application.Status
PUBLISH_DAY = dt.datetime(2026, 9, 30, 10, 0, tzinfo=CST)  # National Day week follows
NOTICE_END = dt.date(
    2026, 10, 13
)  # 5th working day after 09-30: 10-08, 10-09, 10-10 (adjusted), 10-12, 10-13
AFTER_END = dt.datetime(2026, 10, 14, 9, 0, tzinfo=CST)
ELECTRICIAN = "6-31-01-03"
GOOD_TEXT = "该机构申报材料中的培训规模与实际情况不符，请核查。"

# the world (users and their roles) is created in the Liaoning call's time; tests only travel forward
pytestmark = pytest.mark.usefixtures("today_in_call")


def travel(time_machine, when: dt.datetime) -> None:
    time_machine.move_to(when, tick=False)


# --- builders ------------------------------------------------------------------------------------------


def at_notice_ln(actor, call, **kw) -> Application:
    """A Liaoning application submitted through the services, moved on to the notice step (4th)."""
    app = f.submitted(actor, call, **kw)
    Application.objects.filter(pk=app.pk).update(step_index=3, step="notice")
    return Application.objects.get(pk=app.pk)


def chengdu_call(world, *, days: int | None = 5) -> Call:
    return Call.objects.create(
        code="cd-skill-2026",
        title="成都市2026年职业技能等级评价机构备案",
        programme="skill",
        policy_name="chengdu-skill",
        issuer=world.orgs["cd"],
        region_id="510100",
        kinds=["evaluation"],
        occupation_codes=[ELECTRICIAN],
        levels=["五级", "四级", "三级"],
        opens_on=dt.date(2026, 9, 1),
        deadline=dt.date(2026, 10, 31),
        status=Call.Status.PUBLISHED,
        publicity_working_days=days,
    )


def at_notice_cd(world, call, key: str, institution_type: str = "social_organisation") -> Application:
    """A Chengdu application (district → technical review → notice → filing) moved on to the notice step."""
    actor = world.users[f"{key}_admin"]
    app = apps.application_create(
        actor=actor,
        call=call,
        kind="evaluation",
        occupation_code=ELECTRICIAN,
        levels=["四级", "三级"],
        institution_type=institution_type,
        form=chengdu_form(actor.primary_org, institution_type),
    )
    for purpose in REQUIRED_ATTACHMENTS["chengdu_evaluation"]:
        apps.attachment_add(
            actor=actor, application=app, purpose=purpose, uploaded=f.upload(f"{purpose}.pdf")
        )
    apps.application_submit(actor=actor, application=app, commitment_confirmed=True, signatory="刘法人")
    Application.objects.filter(pk=app.pk).update(step_index=2, step="notice")
    return Application.objects.get(pk=app.pk)


@pytest.fixture
def ln_app(directory, ln_call):
    return at_notice_ln(directory.sy_inst_admin, ln_call)


@pytest.fixture
def ln_notice(directory, ln_app, time_machine):
    travel(time_machine, PUBLISH_DAY)
    return notices.notice_publish(actor=directory.cg_official, applications=[ln_app])


@pytest.fixture
def cd_call(directory, time_machine):
    travel(time_machine, dt.datetime(2026, 9, 15, 10, 0, tzinfo=CST))
    return chengdu_call(directory)


def objection(notice, app, contact="13800001111", **kw) -> Objection:
    return notices.objection_submit(
        notice=notice,
        application_id=app.pk,
        name=kw.get("name", "张三"),
        contact=contact,
        text=kw.get("text", GOOD_TEXT),
    )


def reload(app) -> Application:
    return Application.objects.get(pk=app.pk)


# --- publishing ------------------------------------------------------------------------------------------


def test_notice_end_date_counts_prc_working_days(ln_notice, ln_app):
    assert ln_notice.starts_on == dt.date(2026, 9, 30)
    assert ln_notice.ends_on == NOTICE_END
    assert ln_notice.working_days == 5
    app = reload(ln_app)
    assert app.status == S.IN_NOTICE and app.notice_id == ln_notice.pk
    decision = Decision.objects.get(pk=ln_notice.decision_id)
    assert decision.rules == ["SEL-7"] and decision.policy_name == "liaoning-dte-batch2"
    assert decision.checks[0]["facts"]["ends_on"] == "2026-10-13"
    assert ReviewAction.objects.filter(
        application=app, step="notice", outcome=ReviewAction.Outcome.NOTICE
    ).exists()


def _publish_on_the_page(client, app) -> PublicNotice:
    page = client.get("/directory/notices/publish/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2026-09-30 至 2026-10-13（5个工作日" in text and app.number in text
    response = client.post("/directory/notices/publish/", {"applications": [app.pk], "title": ""})
    notice = PublicNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/notices/{notice.number}/"
    assert reload(app).status == S.IN_NOTICE
    return notice


def test_publish_page_shows_the_end_date_before_publishing(directory, cd_call, time_machine, login_as):
    app = at_notice_cd(directory, cd_call, "cd_social1")
    travel(time_machine, PUBLISH_DAY)
    notice = _publish_on_the_page(login_as(directory.cdc_official), app)
    assert notice.publisher == directory.orgs["cdc"] and notice.ends_on == NOTICE_END


def test_the_queue_and_the_application_lead_to_the_publish_page_with_its_period(
    directory, ln_app, time_machine, login_as
):
    """Publishing starts where the period and end date are shown: the review queue and the application
    link the publish page; the queue itself has no publishing form."""
    travel(time_machine, PUBLISH_DAY)
    client = login_as(directory.cg_official)
    queue = client.get("/directory/review/").content.decode()
    assert ln_app.institution.name in queue and 'href="/directory/notices/publish/"' in queue
    assert 'action="/directory/notices/publish/"' not in queue and 'name="applications"' not in queue
    detail = client.get(f"/directory/applications/{ln_app.pk}/").content.decode()
    assert f'href="/directory/notices/publish/#call-{ln_app.call_id}"' in detail
    publish = client.get("/directory/notices/publish/").content.decode()
    section = publish[publish.index(f'id="call-{ln_app.call_id}"') :]
    assert "2026-09-30 至 2026-10-13（5个工作日" in section and ln_app.number in section
    assert not PublicNotice.objects.exists()


def test_coordination_group_publishes_on_the_page(directory, ln_app, time_machine, login_as):
    travel(time_machine, PUBLISH_DAY)
    _publish_on_the_page(login_as(directory.cg_official), ln_app)


def test_chengdu_notice_needs_days_from_the_call(directory, time_machine):
    travel(time_machine, dt.datetime(2026, 9, 15, 10, 0, tzinfo=CST))
    call = chengdu_call(directory, days=None)
    app = at_notice_cd(directory, call, "cd_social1")
    with pytest.raises(RuleViolation) as exc:
        notices.notice_publish(actor=directory.cdc_official, applications=[app])
    assert exc.value.code == "publicity_days_missing" and exc.value.rule == "SEL-10"
    assert "公示" in exc.value.message and "申报通知" in exc.value.message
    assert reload(app).status == S.IN_REVIEW and not PublicNotice.objects.exists()
    # once the call sets the days, the same applications are published
    Call.objects.filter(pk=call.pk).update(publicity_working_days=7)
    notice = notices.notice_publish(actor=directory.cdc_official, applications=[reload(app)])
    assert notice.working_days == 7 and reload(app).status == S.IN_NOTICE


def test_chengdu_publish_page_explains_missing_days(directory, time_machine, login_as):
    travel(time_machine, dt.datetime(2026, 9, 15, 10, 0, tzinfo=CST))
    call = chengdu_call(directory, days=None)
    at_notice_cd(directory, call, "cd_social1")
    text = login_as(directory.cdc_official).get("/directory/notices/publish/").content.decode()
    assert "未规定公示期" in text and "SEL-10" in text


def test_another_city_official_cannot_publish(directory, ln_app, time_machine, login_as):
    travel(time_machine, PUBLISH_DAY)
    # a city official of another city does not even see the application
    with pytest.raises(PermissionDenied):
        notices.notice_publish(actor=directory.dl_official, applications=[ln_app])
    response = login_as(directory.dl_official).post(
        "/directory/notices/publish/", {"applications": [ln_app.pk]}
    )
    assert response.status_code == 404
    api = login_as(directory.dl_official).post(
        "/api/v1/directory/notices", {"applications": [ln_app.pk]}, content_type="application/json"
    )
    assert api.status_code == 404
    # the city that recommended it sees it, but the notice step is the coordination group's
    with pytest.raises(PermissionDenied):
        notices.notice_publish(actor=directory.sy_official, applications=[ln_app])
    response = login_as(directory.sy_official).post(
        "/directory/notices/publish/", {"applications": [ln_app.pk]}
    )
    assert response.status_code == 403
    assert reload(ln_app).status == S.IN_REVIEW and not PublicNotice.objects.exists()


def test_chengdu_notice_is_not_published_by_another_city(directory, cd_call, login_as):
    app = at_notice_cd(directory, cd_call, "cd_social1")
    assert (
        login_as(directory.sy_official)
        .post("/directory/notices/publish/", {"applications": [app.pk]})
        .status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        notices.notice_publish(
            actor=directory.cd_official, applications=[app]
        )  # the city files; the centre publishes
    assert (
        login_as(directory.sy_official).get("/directory/notices/publish/").content.decode().count(app.number)
        == 0
    )


def test_publishing_twice_is_refused(directory, ln_notice, ln_app):
    with pytest.raises(InvalidTransition) as exc:  # in notice, the application has no open step
        notices.notice_publish(actor=directory.cg_official, applications=[reload(ln_app)])
    assert exc.value.status == 409 and PublicNotice.objects.count() == 1


# --- objections -------------------------------------------------------------------------------------------


def test_anyone_can_object_during_notice_and_gets_tracking_number(ln_notice, ln_app):
    client = Client()  # no account
    response = client.post(
        f"/notices/{ln_notice.number}/objections/",
        {"application": ln_app.pk, "name": "李四", "contact": "13800001111", "text": GOOD_TEXT},
    )
    assert response.status_code == 200
    obj = Objection.objects.get()
    assert re.fullmatch(r"YY\d{14}", obj.tracking_no)
    assert obj.tracking_no in response.content.decode()
    assert (
        obj.status == Objection.Status.OPEN
        and obj.application_id == ln_app.pk
        and obj.notice_id == ln_notice.pk
    )
    # the API answers the same way
    api = client.post(
        f"/api/v1/directory/notices/{ln_notice.number}/objections",
        {"application": ln_app.pk, "name": "王五", "contact": "ww@example.cn", "text": GOOD_TEXT},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["tracking_no"].startswith("YY")
    assert Objection.objects.count() == 2


def test_objection_on_the_last_day_is_accepted(ln_notice, ln_app, time_machine):
    travel(time_machine, dt.datetime(2026, 10, 13, 23, 0, tzinfo=CST))
    assert objection(ln_notice, ln_app).status == Objection.Status.OPEN


def test_objection_after_notice_end_is_refused(ln_notice, ln_app, time_machine):
    travel(time_machine, AFTER_END)  # before the tick has even run
    with pytest.raises(Conflict) as exc:
        objection(ln_notice, ln_app)
    assert exc.value.code == "notice_closed" and exc.value.rule == "SEL-7"
    response = Client().post(
        f"/notices/{ln_notice.number}/objections/",
        {"application": ln_app.pk, "name": "李四", "contact": "13800001111", "text": GOOD_TEXT},
    )
    assert response.status_code == 409 and "公示期已结束" in response.content.decode()
    page = Client().get(f"/notices/{ln_notice.number}/").content.decode()
    assert 'name="text"' not in page and "公示期已结束" in page
    assert not Objection.objects.exists()


def test_objection_must_name_an_institution_of_the_notice(directory, ln_call, time_machine):
    listed = at_notice_ln(directory.sy_inst_admin, ln_call)
    other = at_notice_ln(directory.dl_inst_admin, ln_call)  # at the step, but not in this notice
    travel(time_machine, PUBLISH_DAY)
    notice = notices.notice_publish(actor=directory.cg_official, applications=[listed])
    for wrong in (other.pk, "abc", ""):
        with pytest.raises(InvalidInput) as exc:
            notices.objection_submit(
                notice=notice, application_id=wrong, name="张三", contact="13800001111", text=GOOD_TEXT
            )
        assert "application" in exc.value.fields
    assert not Objection.objects.exists()


def test_open_objection_holds_the_application_at_notice_end(ln_notice, ln_app, time_machine):
    objection(ln_notice, ln_app)
    travel(time_machine, dt.datetime(2026, 10, 13, 23, 59, tzinfo=CST))
    assert notices.notices_end_due(dt.date(2026, 10, 13)) == 0  # the last day still belongs to the notice
    travel(time_machine, AFTER_END)
    call_command("tick")
    assert reload(ln_app).status == S.HELD
    assert PublicNotice.objects.get().status == PublicNotice.Status.ENDED
    assert not Listing.objects.exists()
    call_command("tick")  # idempotent
    assert reload(ln_app).status == S.HELD


def test_dismissed_objection_releases_to_catalog(directory, ln_notice, ln_app, time_machine):
    first = objection(ln_notice, ln_app)
    second = objection(ln_notice, ln_app, contact="lisi@example.cn", name="李四")
    travel(time_machine, AFTER_END)
    notices.notices_end_due(AFTER_END.date())
    assert reload(ln_app).status == S.HELD
    notices.objection_resolve(
        actor=directory.cg_official, objection=first, upheld=False, resolution="经核查，培训规模属实"
    )
    assert reload(ln_app).status == S.HELD  # another objection is still open
    notices.objection_resolve(
        actor=directory.cg_official, objection=second, upheld=False, resolution="经核查，异议不成立"
    )
    app = reload(ln_app)
    assert app.status == S.APPROVED
    listing = Listing.objects.get(application=app)
    assert listing.status == Listing.Status.ACTIVE and listing.valid_from == AFTER_END.date()
    with pytest.raises(Conflict):
        notices.objection_resolve(
            actor=directory.cg_official, objection=first, upheld=True, resolution="再次处理"
        )


def test_dismissed_during_notice_goes_on_at_the_end(directory, ln_notice, ln_app, time_machine):
    obj = objection(ln_notice, ln_app)
    notices.objection_resolve(
        actor=directory.cg_official, objection=obj, upheld=False, resolution="异议不成立"
    )
    assert reload(ln_app).status == S.IN_NOTICE
    travel(time_machine, AFTER_END)
    notices.notices_end_due(AFTER_END.date())
    assert reload(ln_app).status == S.APPROVED


def test_upheld_objection_rejects(directory, ln_notice, ln_app, time_machine):
    obj = objection(ln_notice, ln_app)
    travel(time_machine, AFTER_END)
    notices.notices_end_due(AFTER_END.date())
    notices.objection_resolve(
        actor=directory.cg_official, objection=obj, upheld=True, resolution="经核查，培训规模不实"
    )
    app = reload(ln_app)
    assert app.status == S.REJECTED and app.reject_reason == "经核查，培训规模不实"
    assert not Listing.objects.exists()
    assert Decision.objects.filter(
        subject_id=str(app.pk), kind="objection", outcome="upheld", rules=["SEL-7"]
    ).exists()
    found = notices.objection_lookup(tracking_no=obj.tracking_no, contact="13800001111")
    assert found.status == Objection.Status.UPHELD and found.resolution == "经核查，培训规模不实"


def test_objection_is_resolved_only_by_the_publishing_body(directory, ln_notice, ln_app, login_as):
    obj = objection(ln_notice, ln_app)
    for user in (directory.sy_official, directory.dl_official, directory.ln_official):
        with pytest.raises(NotFound):
            notices.objection_resolve(actor=user, objection=obj, upheld=True, resolution="越权处理")
        client = login_as(user)
        assert (
            client.post(
                f"/directory/objections/{obj.pk}/resolve/", {"outcome": "upheld", "resolution": "x"}
            ).status_code
            == 404
        )
        assert obj.tracking_no not in client.get("/directory/objections/").content.decode()
        api = client.post(
            f"/api/v1/directory/objections/{obj.pk}/resolve",
            {"upheld": True, "resolution": "x"},
            content_type="application/json",
        )
        assert api.status_code == 404
    assert Objection.objects.get().status == Objection.Status.OPEN


def _resolve_on_the_page(client, obj: Objection) -> None:
    page = client.get("/directory/objections/").content.decode()
    assert obj.tracking_no in page and "138****1111" in page and "13800001111" not in page
    client.post(f"/directory/objections/{obj.pk}/resolve/", {"outcome": "dismissed", "resolution": ""})
    assert Objection.objects.get().status == Objection.Status.OPEN  # a resolution text is required
    response = client.post(
        f"/directory/objections/{obj.pk}/resolve/", {"outcome": "dismissed", "resolution": "异议不成立"}
    )
    assert response.status_code == 302
    assert Objection.objects.get().status == Objection.Status.DISMISSED


def test_official_resolves_objection_on_the_page(directory, cd_call, login_as):
    app = at_notice_cd(directory, cd_call, "cd_social1")
    notice = notices.notice_publish(actor=directory.cdc_official, applications=[app])
    _resolve_on_the_page(login_as(directory.cdc_official), objection(notice, app))
    # the city (it files later) and another city's official do not decide objections
    obj = Objection.objects.get()
    for user in (directory.cd_official, directory.sy_official):
        assert obj.tracking_no not in login_as(user).get("/directory/objections/?status=all").content.decode()


def test_coordination_group_resolves_objection_on_the_page(directory, ln_notice, ln_app, login_as):
    _resolve_on_the_page(login_as(directory.cg_official), objection(ln_notice, ln_app))


def test_tracking_lookup_needs_matching_contact(ln_notice, ln_app, directory):
    obj = objection(ln_notice, ln_app, contact="ZhangSan@Example.cn")
    with pytest.raises(NotFound):
        notices.objection_lookup(tracking_no=obj.tracking_no, contact="13800001111")
    with pytest.raises(NotFound):
        notices.objection_lookup(tracking_no="YY20260930000000", contact="ZhangSan@Example.cn")
    with pytest.raises(NotFound):
        notices.objection_lookup(tracking_no=obj.tracking_no, contact="")
    assert (
        notices.objection_lookup(
            tracking_no=f" {obj.tracking_no.lower()} ", contact="zhangsan@example.cn "
        ).pk
        == obj.pk
    )
    # the page: POST (the contact never sits in an address), status and resolution only
    client = Client()
    wrong = client.post("/objections/track/", {"tracking_no": obj.tracking_no, "contact": "13800001111"})
    assert wrong.status_code == 404 and "联系方式不一致" in wrong.content.decode()
    notices.objection_resolve(
        actor=directory.cg_official, objection=obj, upheld=False, resolution="经核查异议不成立"
    )
    right = client.post(
        "/objections/track/", {"tracking_no": obj.tracking_no, "contact": "ZhangSan@Example.cn"}
    )
    text = right.content.decode()
    assert right.status_code == 200 and "异议不成立" in text and "经核查异议不成立" in text
    assert GOOD_TEXT not in text and "沈阳智算" not in text
    api = client.get(
        "/api/v1/directory/objections/track",
        {"tracking_no": obj.tracking_no, "contact": "zhangsan@example.cn"},
    )
    assert api.status_code == 200 and api.json() == {
        "tracking_no": obj.tracking_no,
        "status": "dismissed",
        "status_label": "异议不成立",
        "resolution": "经核查异议不成立",
    }
    assert (
        client.get(
            "/api/v1/directory/objections/track", {"tracking_no": obj.tracking_no, "contact": "x"}
        ).status_code
        == 404
    )


# --- the end of the notice ----------------------------------------------------------------------------------


def test_notice_without_objection_lists_the_institution_with_three_year_validity(
    ln_notice, ln_app, time_machine
):
    travel(time_machine, dt.datetime(2026, 10, 13, 18, 0, tzinfo=CST))
    call_command("tick")
    assert reload(ln_app).status == S.IN_NOTICE  # not before the last day has passed
    travel(time_machine, AFTER_END)
    call_command("tick")
    app = reload(ln_app)
    assert app.status == S.APPROVED
    listing = Listing.objects.get(application=app)
    assert listing.status == Listing.Status.ACTIVE
    assert (listing.valid_from, listing.valid_until) == (dt.date(2026, 10, 14), dt.date(2029, 10, 13))
    assert listing.institution_id == app.institution_id and listing.occupation_code == app.occupation_code
    assert Decision.objects.filter(
        subject_id=str(app.pk), kind="notice_result", outcome="no_objection"
    ).exists()
    call_command("tick")
    assert Listing.objects.count() == 1


def test_a_failing_notice_does_not_stop_the_others(directory, ln_call, time_machine, monkeypatch):
    a = at_notice_ln(directory.sy_inst_admin, ln_call)
    b = at_notice_ln(directory.dl_inst_admin, ln_call)
    travel(time_machine, PUBLISH_DAY)
    first = notices.notice_publish(actor=directory.cg_official, applications=[a])
    notices.notice_publish(actor=directory.cg_official, applications=[b])
    real = notices._after_notice

    def boom(app, actor, reason):
        if app.pk == a.pk:
            raise RuntimeError("listing could not be created")
        return real(app, actor, reason)

    monkeypatch.setattr(notices, "_after_notice", boom)
    travel(time_machine, AFTER_END)
    notices.notices_end_due(AFTER_END.date())
    assert reload(b).status == S.APPROVED
    assert (
        reload(a).status == S.IN_NOTICE
        and PublicNotice.objects.get(pk=first.pk).status == PublicNotice.Status.OPEN
    )
    monkeypatch.setattr(notices, "_after_notice", real)
    notices.notices_end_due(AFTER_END.date())  # retried at the next tick
    assert reload(a).status == S.APPROVED


# --- Chengdu filing (SEL-6, SEL-10) --------------------------------------------------------------------------


def test_chengdu_filing_gives_filing_code_and_fourth_social_org_is_refused(
    directory, cd_call, time_machine, login_as
):
    socials = [at_notice_cd(directory, cd_call, f"cd_social{i}") for i in range(1, 5)]
    employer = at_notice_cd(directory, cd_call, "cd_employer", "employer")
    travel(time_machine, PUBLISH_DAY)
    notice = notices.notice_publish(actor=directory.cdc_official, applications=[*socials, employer])
    assert notice.ends_on == NOTICE_END and notice.publisher == directory.orgs["cdc"]
    travel(time_machine, AFTER_END)
    call_command("tick")
    for app in [*socials, employer]:
        app = reload(app)
        assert (app.status, app.step) == (S.IN_REVIEW, "filing_decision")
    # the district and the centre do not file; the city does
    with pytest.raises(PermissionDenied):
        notices.application_file(actor=directory.cdc_official, application=socials[0])
    codes = []
    for app in socials[:3]:
        notices.application_file(actor=directory.cd_official, application=app)
        app = reload(app)
        assert app.status == S.APPROVED
        codes.append(app.filing_code)
    assert codes == ["S510100000001", "S510100000002", "S510100000003"]
    with pytest.raises(RuleViolation) as exc:
        notices.application_file(actor=directory.cd_official, application=socials[3])
    assert exc.value.rule == "SEL-6" and exc.value.code == "quota_exhausted"
    assert "社评组织" in exc.value.message and "上限 3" in exc.value.message
    # the refusal is stored, not left 审核中 (issue 12): test_refusals_cite_rules follows it to the applicant
    assert reload(socials[3]).status == S.REJECTED and reload(socials[3]).filing_code is None
    # an employer is not counted
    notices.application_file(actor=directory.cd_official, application=employer)
    employer = reload(employer)
    assert employer.status == S.APPROVED and employer.filing_code == "Y510100000001"
    listing = Listing.objects.get(application=employer)
    assert listing.filing_code == "Y510100000001" and listing.catalog_region_id == "510100"
    # the filing receipt is there for the city
    receipt = login_as(directory.cd_official).get(
        f"/directory/applications/{socials[0].pk}/filing-receipt.pdf"
    )
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")


def test_chengdu_objection_is_resolved_by_the_capacity_centre(directory, cd_call, time_machine):
    app = at_notice_cd(directory, cd_call, "cd_social1")
    notice = notices.notice_publish(actor=directory.cdc_official, applications=[app])
    obj = objection(notice, app)
    with pytest.raises(NotFound):
        notices.objection_resolve(actor=directory.cd_official, objection=obj, upheld=True, resolution="x")
    notices.objection_resolve(
        actor=directory.cdc_official, objection=obj, upheld=True, resolution="评价场地不符合要求"
    )
    app = reload(app)
    assert app.status == S.REJECTED
    assert Decision.objects.filter(subject_id=str(app.pk), kind="objection", rules=["SEL-10"]).exists()


# --- public pages ---------------------------------------------------------------------------------------------


def test_public_notice_pages_are_open_to_anyone(ln_notice, ln_app):
    client = Client()
    listing = client.get("/notices/")
    assert listing.status_code == 200 and ln_notice.number in listing.content.decode()
    page = client.get(f"/notices/{ln_notice.number}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "公示期：" not in text  # the label once, as the heading of the period (dt), not again in it
    period = re.search(r'<dd id="notice-period">(.*?)</dd>', text).group(1)
    assert re.sub(r"<[^>]+>", "", period) == "2026-09-30 至 2026-10-13（5个工作日，自发布次日起算）"
    assert text.count(">公示期</dt>") == 1
    cell = re.sub(r"<[^>]+>|\s+", " ", listing.content.decode())
    assert "2026-09-30 至 2026-10-13 5个工作日" in " ".join(cell.split())
    assert "公示期：" not in listing.content.decode() and "自发布次日起算" not in listing.content.decode()
    assert "沈阳智算科技有限公司" in text and "人工智能工程技术人员" in text and "培训机构" in text
    assert "初级、中级" in text and "公示中" in text
    assert 'name="text"' in text and "csrfmiddlewaretoken" in text
    assert client.get("/notices/GS-NONE/").status_code == 404
    assert client.get("/objections/track/").status_code == 200


def test_objection_form_errors_in_chinese_and_keeps_input(ln_notice, ln_app):
    response = Client().post(
        f"/notices/{ln_notice.number}/objections/",
        {"application": ln_app.pk, "name": "赵六", "contact": "", "text": "太短"},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "请填写联系方式" in text and "不少于10字" in text
    assert 'value="赵六"' in text and ">太短</textarea>" in text
    assert f'value="{ln_app.pk}" selected' in text
    bad_contact = Client().post(
        f"/notices/{ln_notice.number}/objections/",
        {"application": ln_app.pk, "name": "赵六", "contact": "随便", "text": GOOD_TEXT},
    )
    assert bad_contact.status_code == 400 and "请填写有效的电话号码或电子邮箱" in bad_contact.content.decode()
    assert not Objection.objects.exists()


def test_objection_form_needs_csrf(ln_notice, ln_app):
    client = Client(enforce_csrf_checks=True)
    data = {"application": ln_app.pk, "name": "赵六", "contact": "13800002222", "text": GOOD_TEXT}
    assert client.post(f"/notices/{ln_notice.number}/objections/", data).status_code == 403
    page = client.get(f"/notices/{ln_notice.number}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert (
        client.post(
            f"/notices/{ln_notice.number}/objections/", {**data, "csrfmiddlewaretoken": token}
        ).status_code
        == 200
    )
    assert Objection.objects.count() == 1


def test_public_call_pages_show_the_call(directory, ln_call):
    client = Client()
    listing = client.get("/calls/")
    assert listing.status_code == 200 and ln_call.title in listing.content.decode()
    page = client.get(f"/calls/{ln_call.code}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "在线申报" in text and f'href="/directory/applications/new/?call={ln_call.code}"' in text
    assert "人工智能工程技术人员" in text and "数字化管理师" in text
    assert "培训机构、评价机构" in text and "初级、中级、高级" in text
    assert "2023-06-15" in text and "2018-12-31" in text and "5个工作日" in text
    assert "默认 2；沈阳市 5；大连市 5" in text and "默认 1；沈阳市 2；大连市 2" in text
    excluded = text[text.index('id="excluded"') :]
    assert "评价机构" in excluded and "大数据工程技术人员" in excluded and "区块链工程技术人员" in excluded
    assert "申报范围" in text  # the call's text
    assert client.get("/calls/no-such-call/").status_code == 404


def test_closed_or_unpublished_call(directory, ln_call, time_machine):
    travel(time_machine, dt.datetime(2023, 7, 1, 10, 0, tzinfo=CST))
    text = Client().get(f"/calls/{ln_call.code}/").content.decode()
    assert "已截止" in text and "在线申报" not in text
    Call.objects.filter(pk=ln_call.pk).update(status=Call.Status.DRAFT)
    assert Client().get(f"/calls/{ln_call.code}/").status_code == 404
    assert Client().get("/api/v1/directory/calls/" + ln_call.code).status_code == 404


def test_chengdu_call_page_names_trades_and_the_social_org_quota(directory, cd_call):
    Call.objects.filter(pk=cd_call.pk).update(quota_table={})
    text = Client().get(f"/calls/{cd_call.code}/").content.decode()
    assert "电工（6-31-01-03）" in text and "五级、四级、三级" in text
    assert "同一工种社评组织数量（全市）" in text and "默认 3" in text


# --- API --------------------------------------------------------------------------------------------------------


def test_public_api_calls_and_notices(directory, ln_notice, ln_app):
    client = Client()
    calls = client.get("/api/v1/directory/calls")
    assert calls.status_code == 200 and calls.json()["items"][0]["code"] == "liaoning-dte-batch2"
    assert calls.json()["count"] == len(calls.json()["items"])
    detail = client.get("/api/v1/directory/calls/liaoning-dte-batch2").json()
    training = next(q for q in detail["quotas"] if q["name"] == "quota_training")
    assert training["default"] == 2 and training["override_names"] == {"210100": "沈阳市", "210200": "大连市"}
    assert {o["name"] for o in detail["excluded_occupations"]["evaluation"]} >= {"大数据工程技术人员"}
    assert detail["publicity_working_days"] == 5 and detail["founded_on_or_before"] == "2018-12-31"
    notices_out = client.get("/api/v1/directory/notices").json()["items"]
    assert notices_out[0]["number"] == ln_notice.number and notices_out[0]["ends_on"] == "2026-10-13"
    one = client.get(f"/api/v1/directory/notices/{ln_notice.number}").json()
    assert one["accepts_objections"] is True and one["entries"][0]["institution"] == "沈阳智算科技有限公司"
    assert client.get("/api/v1/directory/notices/GS-NONE").status_code == 404
    bad = client.post(
        f"/api/v1/directory/notices/{ln_notice.number}/objections",
        {"application": ln_app.pk, "name": "", "contact": "", "text": ""},
        content_type="application/json",
    )
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"name", "contact", "text"}


def _api_publish_and_resolve(client, app) -> None:
    response = client.post(
        "/api/v1/directory/notices",
        {"applications": [app.pk], "title": "测试公示"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "测试公示" and body["ends_on"] == "2026-10-13" and body["working_days"] == 5
    notice = PublicNotice.objects.get(number=body["number"])
    obj = objection(notice, app)
    listed = client.get("/api/v1/directory/objections", {"status": "open"})
    assert [o["tracking_no"] for o in listed.json()["items"]] == [obj.tracking_no]
    assert listed.json()["items"][0]["contact_masked"] == "138****1111" and listed.json()["count"] == 1
    resolved = client.post(
        f"/api/v1/directory/objections/{obj.pk}/resolve",
        {"upheld": False, "resolution": "不成立"},
        content_type="application/json",
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "dismissed"


def test_api_publish_and_resolve(directory, cd_call, time_machine, login_as):
    app = at_notice_cd(directory, cd_call, "cd_social1")
    travel(time_machine, PUBLISH_DAY)
    anonymous = Client().post(
        "/api/v1/directory/notices", {"applications": [app.pk]}, content_type="application/json"
    )
    assert anonymous.status_code == 401
    _api_publish_and_resolve(login_as(directory.cdc_official), app)


def test_api_coordination_group_publishes_and_resolves(directory, ln_app, time_machine, login_as):
    travel(time_machine, PUBLISH_DAY)
    _api_publish_and_resolve(login_as(directory.cg_official), ln_app)


def test_public_lists_do_not_grow_queries_with_rows(
    directory, ln_call, time_machine, django_assert_max_num_queries
):
    apps_ = [
        at_notice_ln(directory.sy_inst_admin, ln_call, occupation=code)
        for code in ("2-02-38-01", "2-02-38-02", "2-02-38-04")
    ]
    travel(time_machine, PUBLISH_DAY)
    for app in apps_:
        notices.notice_publish(actor=directory.cg_official, applications=[app])
    client = Client()
    with django_assert_max_num_queries(6):
        assert client.get("/notices/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/directory/notices").status_code == 200
    number = PublicNotice.objects.first().number
    with django_assert_max_num_queries(6):
        assert client.get(f"/notices/{number}/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/calls/").status_code == 200
