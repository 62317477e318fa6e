"""Every refusal of the directory cites the rule that refuses (issue 12): the fourth social organisation of
a Chengdu trade is refused filing under SEL-6 as a stored outcome it sees on its application and to-do
list; holding an application for an open objection and deciding the objection are stored decisions citing
the notice's rule (SEL-7; Chengdu's notice SEL-10); a credit code failing its check names SEL-1 in the
form, the page and the API; Chengdu's checks cite the Chengdu measures (001), never the Liaoning call
(004); an expired entry's refused change cites DIR-1."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from peiyu.core.errors import Conflict, InvalidInput, RuleViolation
from peiyu.core.identifiers import uscc_with_check, validate_uscc
from peiyu.core.models import Decision
from peiyu.institutions.models import Application, Listing, ReviewAction
from peiyu.institutions.rules.forms import validate_form
from peiyu.institutions.services import applications as apps
from peiyu.institutions.services import changes, notices
from peiyu.institutions.todos import institution_todos

from . import factories as f
from .test_notices import (
    AFTER_END,
    CST,
    PUBLISH_DAY,
    at_notice_cd,
    at_notice_ln,
    chengdu_call,
    objection,
    reload,
    travel,
)

S = Application.Status
pytestmark = pytest.mark.usefixtures("today_in_call")

GOOD = uscc_with_check("91210102MA0Y00001")
WRONG_CHECK = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")


@pytest.fixture
def cd_call(directory, time_machine):
    travel(time_machine, dt.datetime(2026, 9, 15, 10, 0, tzinfo=CST))
    return chengdu_call(directory)


def _decisions(app, kind: str):
    return Decision.objects.filter(
        subject_type="institutions.application", subject_id=str(app.pk), kind=kind
    ).order_by("pk")


# --- the fourth social organisation of a Chengdu trade (SEL-6) ------------------------------------------------


@pytest.fixture
def fourth_refused(directory, cd_call, time_machine):
    socials = [at_notice_cd(directory, cd_call, f"cd_social{i}") for i in range(1, 5)]
    travel(time_machine, PUBLISH_DAY)
    notices.notice_publish(actor=directory.cdc_official, applications=socials)
    travel(time_machine, AFTER_END)
    call_command("tick")
    for app in socials[:3]:
        notices.application_file(actor=directory.cd_official, application=app)
    with pytest.raises(RuleViolation) as exc:
        notices.application_file(actor=directory.cd_official, application=socials[3])
    assert exc.value.code == "quota_exhausted" and exc.value.rules == ["SEL-6"]
    return reload(socials[3])


def test_the_fourth_social_organisation_is_refused_filing_as_a_stored_decision(fourth_refused):
    app = fourth_refused
    assert app.status == S.REJECTED and app.filing_code is None and app.step == "filing_decision"
    assert "不予备案" in app.reject_reason and "社评组织已满" in app.reject_reason
    assert "上限 3" in app.reject_reason and "SEL-6" in app.reject_reason
    decision = _decisions(app, "filing").get()
    assert decision.outcome == "refused" and decision.policy_name == "chengdu-skill"
    assert decision.rules == ["SEL-10", "SEL-6"]
    failed = [c for c in decision.checks if not c["ok"]]
    assert [(c["rule"], c["source"]) for c in failed] == [("SEL-6", "001 第八条")]
    assert failed[0]["facts"]["taken"] == 3 and failed[0]["facts"]["limit"] == 3
    action = ReviewAction.objects.get(application=app, outcome=ReviewAction.Outcome.REJECT)
    assert action.step == "filing_decision" and action.decision_id == decision.pk
    assert not Listing.objects.filter(application=app).exists()


def test_the_refused_organisation_sees_reason_and_rule_on_its_application_and_to_do_list(
    directory, fourth_refused, login_as
):
    admin = directory.users["cd_social4_admin"]
    page = login_as(admin).get(f"/directory/applications/{fourth_refused.pk}/").content.decode()
    assert "不通过" in page and "社评组织已满" in page and "SEL-6" in page
    assert "审核中" not in page
    items = [t for t in institution_todos(admin) if t.url.endswith(f"/{fourth_refused.pk}/")]
    assert len(items) == 1
    assert items[0].rule == "SEL-6" and "社评组织已满" in items[0].detail and "未通过" in items[0].title
    home = login_as(admin).get("/home/").content.decode()
    assert "社评组织已满" in home and "SEL-6" in home
    api = login_as(admin).get(f"/api/v1/directory/applications/{fourth_refused.pk}").json()
    assert api["status"] == "rejected"
    refusal = [a for a in api["actions"] if a["outcome"] == "reject"]
    assert refusal and "社评组织已满" in refusal[-1]["comment"] and "SEL-6" in refusal[-1]["comment"]


def test_another_institution_does_not_see_the_refusal(directory, fourth_refused, login_as):
    other = directory.users["cd_social1_admin"]
    assert not [t for t in institution_todos(other) if t.url.endswith(f"/{fourth_refused.pk}/")]
    assert login_as(other).get(f"/directory/applications/{fourth_refused.pk}/").status_code == 404


# --- objections: held and decided are stored decisions citing the notice's rule -------------------------------


@pytest.fixture
def ln_notice(directory, ln_call, time_machine):
    app = at_notice_ln(directory.sy_inst_admin, ln_call)
    travel(time_machine, PUBLISH_DAY)
    return notices.notice_publish(actor=directory.cg_official, applications=[app]), app


def test_holding_an_application_for_an_open_objection_is_a_stored_decision_citing_sel7(
    directory, ln_notice, time_machine
):
    notice, app = ln_notice
    obj = objection(notice, app)
    travel(time_machine, AFTER_END)
    notices.notices_end_due(AFTER_END.date())
    assert reload(app).status == S.HELD
    held = _decisions(app, "notice_result").get(outcome="held")
    assert held.rules == ["SEL-7"] and held.policy_name == "liaoning-dte-batch2"
    check = held.checks[0]
    assert not check["ok"] and check["facts"]["objections"] == [obj.tracking_no]
    assert check["source"].startswith("000 第七条") and obj.tracking_no in check["message"]
    action = ReviewAction.objects.get(application=app, outcome=ReviewAction.Outcome.HOLD)
    assert action.decision_id == held.pk and action.actor is None
    # the next tick does not hold it twice
    notices.notices_end_due(AFTER_END.date())
    assert _decisions(app, "notice_result").filter(outcome="held").count() == 1


def test_dismissing_an_objection_is_a_stored_decision_citing_sel7(directory, ln_notice, time_machine):
    notice, app = ln_notice
    obj = objection(notice, app)
    notices.objection_resolve(
        actor=directory.cg_official, objection=obj, upheld=False, resolution="经核查，培训规模属实"
    )
    decided = _decisions(app, "objection").get()
    assert (decided.outcome, decided.rules) == ("dismissed", ["SEL-7"])
    assert decided.checks[0]["ok"] and decided.checks[0]["facts"]["objection"] == obj.tracking_no
    assert "异议不成立" in decided.checks[0]["message"] and "培训规模属实" in decided.checks[0]["message"]
    assert reload(app).status == S.IN_NOTICE  # it goes on when the notice ends


def test_a_held_application_goes_on_when_its_objection_is_dismissed(directory, ln_notice, time_machine):
    notice, app = ln_notice
    obj = objection(notice, app)
    travel(time_machine, AFTER_END)
    notices.notices_end_due(AFTER_END.date())
    notices.objection_resolve(actor=directory.cg_official, objection=obj, upheld=False, resolution="不成立")
    assert reload(app).status == S.APPROVED
    outcomes = [
        d.outcome
        for d in Decision.objects.filter(
            subject_type="institutions.application",
            subject_id=str(app.pk),
            kind__in=["notice_result", "objection"],
        ).order_by("pk")
    ]
    assert outcomes == ["held", "dismissed", "no_objection"]


def test_chengdu_objection_decisions_cite_chengdu_articles(directory, cd_call, time_machine):
    app = at_notice_cd(directory, cd_call, "cd_social1")
    notice = notices.notice_publish(actor=directory.cdc_official, applications=[app])
    obj = objection(notice, app)
    travel(time_machine, dt.datetime(2026, 10, 31, 9, 0, tzinfo=CST))  # long after its 5 working days
    notices.notices_end_due(dt.date(2026, 10, 31))
    held = _decisions(app, "notice_result").get(outcome="held")
    assert held.rules == ["SEL-10"] and held.checks[0]["source"] == "001 第七条"
    notices.objection_resolve(actor=directory.cdc_official, objection=obj, upheld=True, resolution="场地不符")
    decided = _decisions(app, "objection").get()
    assert decided.rules == ["SEL-10"] and decided.checks[0]["source"] == "001 第七条"


# --- a credit code's check character names SEL-1 -------------------------------------------------------------


def test_a_credit_code_failing_its_check_character_names_sel1():
    with pytest.raises(InvalidInput) as exc:
        validate_uscc(WRONG_CHECK)
    assert exc.value.rules == ["SEL-1"] and "校验位错误" in exc.value.message
    assert exc.value.fields["uscc"][0].endswith("（SEL-1）")
    with pytest.raises(InvalidInput) as empty:  # a missing code is a required field, not the rule's check
        validate_uscc("")
    assert empty.value.rules == [] and "SEL-1" not in empty.value.fields["uscc"][0]


def test_the_application_form_names_sel1_for_a_wrong_credit_code(directory, ln_call, login_as):
    with pytest.raises(InvalidInput) as exc:
        validate_form("dte_training", {"uscc": WRONG_CHECK}, levels=["初级"], partial=True)
    assert exc.value.rules == ["SEL-1"] and "SEL-1" in exc.value.fields["uscc"][0]
    app = apps.application_create(
        actor=directory.sy_inst_admin, call=ln_call, kind="training", occupation_code=f.AI, levels=["初级"]
    )
    client = login_as(directory.sy_inst_admin)
    api = client.patch(
        f"/api/v1/directory/applications/{app.pk}",
        {"form": {"uscc": WRONG_CHECK}},
        content_type="application/json",
    )
    assert api.status_code == 400
    body = api.json()
    assert body["rules"] == ["SEL-1"] and "SEL-1" in body["fields"]["uscc"][0]
    page = client.post(f"/directory/applications/{app.pk}/edit/", {"uscc": WRONG_CHECK})
    text = page.content.decode()
    assert "校验位错误" in text and "SEL-1" in text and WRONG_CHECK in text  # nothing typed is lost


# --- Chengdu's checks cite the Chengdu measures ------------------------------------------------------------------


def test_chengdu_eligibility_checks_cite_seed_001_not_the_liaoning_call(directory, cd_call):
    app = at_notice_cd(directory, cd_call, "cd_social1")
    checks = reload(app).eligibility.checks
    assert checks and all(c["source"].startswith("001") for c in checks), [
        (c["rule"], c["source"]) for c in checks
    ]
    assert not any("004" in c["source"] or "000" in c["source"] for c in checks)
    assert "DIR-3" not in {c["rule"] for c in checks}  # no reapply ban in Chengdu's profile


def test_every_article_a_chengdu_check_can_cite_is_in_seed_001():
    from peiyu.core.sources import citations
    from peiyu.institutions.rules.sources import ARTICLES, article

    for check, by_programme in ARTICLES.items():
        if "skill" in by_programme:
            assert article(check, "skill").startswith("001 "), check
            assert citations(article(check, "skill")), check  # readable as the document and article
    assert article("expert_review", "skill") == "001 第七条"  # the city's technical review


def test_liaoning_checks_keep_the_dte_sources(directory, ln_call):
    app = f.submitted(directory.sy_inst_admin, ln_call)
    by_rule = {c["rule"]: c["source"] for c in reload(app).eligibility.checks}
    assert by_rule["SEL-5"] == "000 第七条（二）" and by_rule["DIR-3"] == "000 第九条"
    assert by_rule["SEL-4"].startswith("004")


# --- an expired entry (DIR-1) ----------------------------------------------------------------------------------


def test_a_change_to_an_expired_entry_is_refused_citing_dir1(directory):
    from .test_listings import chengdu_listing

    listing = chengdu_listing(directory)
    Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.EXPIRED)
    with pytest.raises(Conflict) as exc:
        changes.change_submit(
            actor=directory.cd_social1_admin,
            listing=Listing.objects.get(pk=listing.pk),
            type="basic",
            after={"address": "成都市武侯区科华北路1号"},
            reason="经登记机关核准迁址",
        )
    assert exc.value.rules == ["DIR-1"] and exc.value.code == "listing_not_changeable"
