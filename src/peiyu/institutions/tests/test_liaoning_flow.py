"""Liaoning batch 2 (seed 004, SEL-1…6, SEL-9): an institution applies, the checks are stored with rule
ids, the city recommends under its quota, returns or rejects; other cities and steps are refused."""

from __future__ import annotations

import pytest

from peiyu.core.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.models import Decision
from peiyu.institutions.models import Application, ReviewAction
from peiyu.institutions.selectors.scope import application_get_for
from peiyu.institutions.services import applications as apps
from peiyu.institutions.services import review

from . import factories as f

pytestmark = pytest.mark.usefixtures("today_in_call")


def test_shipped_call_is_seed_004_as_written(ln_call):
    assert ln_call.deadline.isoformat() == "2023-06-15"
    assert len(ln_call.occupation_codes) == 10
    assert ln_call.levels == ["初级", "中级", "高级"]
    assert ln_call.quota_table["quota_training"]["overrides"] == {"210100": 5, "210200": 5}
    assert ln_call.quota_table["quota_evaluation"]["default"] == 1
    assert sorted(ln_call.excluded_occupations["evaluation"]) == ["2-02-38-03", "2-02-38-05", "2-02-38-08"]
    assert ln_call.founded_on_or_before.isoformat() == "2018-12-31"


def test_submission_stores_every_check_with_rule_and_policy(directory, ln_call):
    app = f.submitted(directory.sy_inst_admin, ln_call)
    assert app.status == Application.Status.IN_REVIEW
    assert app.step == "city_recommendation"
    d = Decision.objects.get(pk=app.eligibility_id)
    assert d.outcome == "passed"
    assert {"SEL-1", "SEL-2", "SEL-3", "SEL-4", "SEL-5", "SEL-6", "DIR-3", "EVL-9"} <= set(d.rules)
    assert d.policy_name == "liaoning-dte-batch2" and d.policy_chain.startswith("liaoning-dte-batch2@v")
    # the legal representative's ID number is not stored in clear
    assert "21010219800101123" not in str(Application.objects.get(pk=app.pk).form)


def test_founded_after_cutoff_is_flagged_and_needs_a_reason_to_pass(directory, ln_call):
    app = f.submitted(
        directory.sy_inst_admin, ln_call, form=f.dte_form(directory.orgs["inst_sy"], founded="2019-05-01")
    )
    assert app.checks_failed == ["SEL-3"]
    with pytest.raises(RuleViolation) as exc:
        review.application_pass(actor=directory.sy_official, application=app, recommendation_reason="推荐")
    assert exc.value.code == "checks_pending"
    with pytest.raises(InvalidInput):
        review.application_override(actor=directory.sy_official, application=app, rule="SEL-3", reason=" ")
    review.application_override(
        actor=directory.sy_official, application=app, rule="SEL-3", reason="2019年由2016年成立的事业单位改制"
    )
    review.application_pass(actor=directory.sy_official, application=app, recommendation_reason="行业骨干")
    app.refresh_from_db()
    assert app.step == "province_expert_review"
    override = Decision.objects.get(subject_id=str(app.pk), kind="eligibility_override")
    assert (
        override.override_reason
        and override.overridden_by == directory.sy_official
        and override.rules == ["SEL-3"]
    )


def test_excluded_occupation_for_evaluation_is_refused_with_rule(directory, ln_call):
    with pytest.raises(RuleViolation) as exc:
        f.submitted(directory.sy_inst_admin, ln_call, kind="evaluation", occupation=f.BIGDATA)
    assert "SEL-6" in exc.value.rule
    refused = Decision.objects.get(kind="eligibility", outcome="refused")
    assert any(c["rule"] == "SEL-6" and not c["ok"] for c in refused.checks)


def test_duplicate_through_second_channel_is_refused(directory, ln_call):
    f.submitted(directory.sy_inst_admin, ln_call)
    with pytest.raises(RuleViolation) as exc:
        f.submitted(directory.sy_inst_admin, ln_call)
    assert "SEL-5" in exc.value.rule


def test_training_and_evaluation_for_same_occupation_conflict(directory, ln_call):
    f.submitted(directory.sy_inst_admin, ln_call)
    with pytest.raises(RuleViolation) as exc:
        f.submitted(directory.sy_inst_admin, ln_call, kind="evaluation")
    assert "EVL-9" in exc.value.rule


def test_submission_after_deadline_is_refused(directory, ln_call, time_machine):
    import datetime as dt

    time_machine.move_to(
        dt.datetime(2023, 6, 16, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    )
    with pytest.raises(RuleViolation) as exc:
        f.submitted(directory.sy_inst_admin, ln_call)
    assert "截止" in exc.value.message


def test_missing_commitment_and_attachments_are_field_errors(directory, ln_call):
    user = directory.sy_inst_admin
    app = apps.application_create(
        actor=user,
        call=ln_call,
        kind="training",
        occupation_code=f.AI,
        levels=["初级"],
        form=f.dte_form(user.primary_org),
    )
    with pytest.raises(InvalidInput) as exc:
        apps.application_submit(actor=user, application=app, commitment_confirmed=False)
    assert {"commitment", "attachments"} <= set(exc.value.fields)
    app.refresh_from_db()
    assert app.status == Application.Status.DRAFT


def test_wrong_file_type_is_refused(directory, ln_call):
    user = directory.sy_inst_admin
    app = apps.application_create(
        actor=user, call=ln_call, kind="training", occupation_code=f.AI, levels=["初级"]
    )
    with pytest.raises(InvalidInput):
        apps.attachment_add(
            actor=user,
            application=app,
            purpose="credit_report",
            uploaded=f.upload("x.pdf", b"MZ\x90\x00 not a pdf"),
        )
    att = apps.attachment_add(actor=user, application=app, purpose="credit_report", uploaded=f.upload())
    import hashlib

    assert att.sha256 == hashlib.sha256(f.PDF).hexdigest()


def test_another_city_official_cannot_see_or_act(directory, ln_call):
    app = f.submitted(directory.sy_inst_admin, ln_call)
    with pytest.raises(NotFound):
        application_get_for(directory.dl_official, app.pk)
    with pytest.raises(PermissionDenied):
        review.application_pass(actor=directory.dl_official, application=app, recommendation_reason="x")
    with pytest.raises(PermissionDenied):
        review.application_pass(actor=directory.ln_official, application=app, recommendation_reason="x")
    assert application_get_for(directory.ln_official, app.pk) == app


def test_return_for_correction_then_resubmit_comes_back_to_same_step(directory, ln_call):
    app = f.submitted(directory.sy_inst_admin, ln_call)
    review.application_return(actor=directory.sy_official, application=app, comment="请补充师资名单")
    app.refresh_from_db()
    assert app.status == Application.Status.RETURNED and app.return_comment == "请补充师资名单"
    apps.application_update(actor=directory.sy_inst_admin, application=app, form={"team_text": "已补充"})
    apps.application_submit(
        actor=directory.sy_inst_admin, application=app, commitment_confirmed=True, signatory="王法人"
    )
    app.refresh_from_db()
    assert app.status == Application.Status.IN_REVIEW and app.step == "city_recommendation"
    assert list(app.actions.values_list("outcome", flat=True)) == ["pass", "return", "resubmit"]


def test_reject_needs_reason(directory, ln_call):
    app = f.submitted(directory.sy_inst_admin, ln_call)
    with pytest.raises(InvalidInput):
        review.application_reject(actor=directory.sy_official, application=app, reason="")
    review.application_reject(actor=directory.sy_official, application=app, reason="规模不足")
    app.refresh_from_db()
    assert app.status == Application.Status.REJECTED


def test_city_quota_for_evaluation_is_enforced(directory, ln_call):
    # Dalian may recommend 2 evaluation institutions per occupation (004 一（三）)
    for k in ("dl2", "dl3"):
        f.new_institution(directory, k, "210202", f"52210202MJ0Q0000{k[-1]}")
    users = [directory.dl_inst_admin, directory.dl2_admin, directory.dl3_admin]
    submitted = [
        f.submitted(u, ln_call, kind="evaluation", form=f.dte_form(u.primary_org, kind="evaluation"))
        for u in users
    ]
    review.application_pass(actor=directory.dl_official, application=submitted[0], recommendation_reason="好")
    review.application_pass(actor=directory.dl_official, application=submitted[1], recommendation_reason="好")
    with pytest.raises(RuleViolation) as exc:
        review.application_pass(
            actor=directory.dl_official, application=submitted[2], recommendation_reason="好"
        )
    assert exc.value.rule == "SEL-6" and exc.value.details["limit"] == 2
    status = review.quota_status(submitted[2], submitted[2].current_step)
    assert status["taken"] == 2 and status["remaining"] == 0
    assert ReviewAction.objects.filter(outcome="recommend").count() == 2
