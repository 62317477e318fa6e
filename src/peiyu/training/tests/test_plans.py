"""Teachers and training plans: filed only under an active listing for the occupation and level (TRN-2),
the online share capped where the profile sets it (TRN-4), teachers below 中级 reported (TRN-1), the
refund process published (TRN-10), commitments by certificate type (TRN-12), prohibited claims refused
(TRN-9); every filing stored as a Decision with the policy version; scoped reads."""

from __future__ import annotations

import pytest

from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.identifiers import id_with_check
from peiyu.core.models import Decision
from peiyu.institutions.models import Listing
from peiyu.training.models import TrainingPlan
from peiyu.training.selectors import scope as selectors
from peiyu.training.services import plans as svc

from .conftest import AI, ELECTRICIAN

pytestmark = pytest.mark.django_db


def teacher(
    world, inst_key="inst_sy", admin="sy_inst_admin", *, name="王老师", level="intermediate", serial=1
):
    return svc.teacher_add(
        actor=getattr(world, admin),
        institution=world.orgs[inst_key],
        data={
            "name": name,
            "id_number": id_with_check(f"21010219800101{serial:03d}"),
            "title_level": level,
            "title": "高级工程师",
        },
    )


def plan_data(world, **over):
    data = {
        "title": "人工智能工程技术人员（初级）培训班",
        "occupation_code": AI[0],
        "level": "初级",
        "hours_theory": 60,
        "hours_practice": 40,
        "hours_online": 30,
        "hours_offline": 70,
        "fee": "3800",
        "makeup_fee": "500",
        "exam_fee": "300",
        "refund_terms": "开班前申请全额退费；开班后按未学课时比例退费。",
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
        "evaluation_institution": world.evaluator.pk,
        "exam_plan": "结业后两周内由评价机构组织理论知识考试和专业能力考核。",
        "commitment": True,
    }
    data.update(over)
    return data


_serials = iter(range(100, 999))


def sy_plan(training, **over):
    t = teacher(training, serial=next(_serials))
    data = plan_data(training, **{"teachers": [t.pk], **over})
    return svc.plan_create(actor=training.sy_inst_admin, institution=training.orgs["inst_sy"], data=data)


def fz_plan(training, online: int, **over):
    t = teacher(training, "inst_fz", "fz_inst_admin", serial=7)
    data = plan_data(
        training,
        title="电工（五级）补贴性培训",
        occupation_code=ELECTRICIAN[0],
        programme="subsidised",
        level="五级",
        hours_theory=40,
        hours_practice=60,
        hours_online=online,
        hours_offline=100 - online,
        evaluation_institution="",
        exam_plan="",
        region="350102",
        teachers=[t.pk],
        **over,
    )
    return svc.plan_create(actor=training.fz_inst_admin, institution=training.orgs["inst_fz"], data=data)


def test_a_plan_under_an_active_listing_is_filed_with_its_checks_and_policy(training):
    plan = svc.plan_file(actor=training.sy_inst_admin, plan=sy_plan(training))
    assert plan.status == TrainingPlan.Status.FILED and plan.filed_at
    decision = plan.decision
    assert decision.outcome == "filed" and decision.policy_version
    # the most specific DTE profile for Shenyang (Liaoning's, inheriting the national one)
    assert decision.policy_name == "liaoning-dte-batch2" and "national-dte" in decision.policy_chain
    assert {"TRN-1", "TRN-2", "TRN-4", "TRN-9", "TRN-10", "TRN-12"} <= set(decision.rules)


def test_online_share_above_the_fujian_cap_is_refused_and_the_refusal_kept(training):
    plan = fz_plan(training, online=41)
    with pytest.raises(RuleViolation) as exc:
        svc.plan_file(actor=training.fz_inst_admin, plan=plan)
    assert exc.value.rule == "TRN-4" and "40%" in exc.value.message
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.DRAFT
    assert plan.decision.outcome == "refused" and plan.decision.policy_name == "fujian-training"
    check = next(c for c in plan.decision.checks if c["rule"] == "TRN-4")
    assert check["facts"]["max_ratio"] == "0.40" and check["facts"]["hours_online"] == 41


def test_online_share_at_the_cap_is_filed(training):
    plan = svc.plan_file(actor=training.fz_inst_admin, plan=fz_plan(training, online=40))
    assert plan.status == TrainingPlan.Status.FILED


def test_without_a_cap_in_the_profile_any_online_share_passes_and_says_why(training):
    plan = svc.plan_file(
        actor=training.sy_inst_admin, plan=sy_plan(training, hours_online=80, hours_offline=20)
    )
    check = next(c for c in plan.decision.checks if c["rule"] == "TRN-4")
    assert check["ok"] and check["facts"]["max_ratio"] is None and "未设定" in check["message"]


@pytest.mark.parametrize(
    ("status", "rule"), [(Listing.Status.SUSPENDED, "SUP-7"), (Listing.Status.EXPIRED, "DIR-1")]
)
def test_a_suspended_or_expired_listing_cannot_file_plans(training, status, rule):
    plan = sy_plan(training)
    Listing.objects.filter(pk=training.listings["sy_ai"].pk).update(status=status)
    with pytest.raises(RuleViolation) as exc:
        svc.plan_file(actor=training.sy_inst_admin, plan=plan)
    assert exc.value.rule == rule  # the rule that refuses (issue 12: not the filing rule TRN-2)


def test_a_level_the_listing_lacks_is_refused(training):
    with pytest.raises(RuleViolation) as exc:
        svc.plan_file(actor=training.sy_inst_admin, plan=sy_plan(training, level="高级"))
    assert exc.value.rule == "TRN-2" and "高级" in exc.value.message


def test_an_occupation_without_a_listing_cannot_even_be_drafted(training):
    with pytest.raises(RuleViolation) as exc:
        sy_plan(training, occupation_code="2-02-38-03")
    assert exc.value.rule == "TRN-2" and "occupation_code" in exc.value.fields


def test_teachers_below_intermediate_are_reported_but_do_not_refuse(training):
    junior = teacher(training, name="李助教", level="junior", serial=2)
    plan = sy_plan(training)
    plan.teachers.add(junior)
    plan = svc.plan_file(actor=training.sy_inst_admin, plan=plan)
    check = next(c for c in plan.decision.checks if c["rule"] == "TRN-1")
    assert not check["ok"] and not check["blocking"] and check["facts"]["below_intermediate"] == ["李助教"]


def test_a_plan_without_teachers_or_refund_process_is_refused(training):
    plan = svc.plan_create(
        actor=training.sy_inst_admin,
        institution=training.orgs["inst_sy"],
        data=plan_data(training, refund_terms=""),
    )
    with pytest.raises(RuleViolation) as exc:
        svc.plan_file(actor=training.sy_inst_admin, plan=plan)
    assert set(exc.value.rule.split("/")) == {"TRN-1", "TRN-10"}


def test_a_dte_plan_needs_the_exam_plan_agreed_with_an_evaluation_institution(training):
    with pytest.raises(RuleViolation) as exc:
        svc.plan_file(actor=training.sy_inst_admin, plan=sy_plan(training, evaluation_institution=""))
    assert exc.value.rule == "TRN-2"


def test_a_certificate_project_needs_the_commitment(training):
    with pytest.raises(RuleViolation) as exc:
        svc.plan_file(actor=training.sy_inst_admin, plan=sy_plan(training, commitment=False))
    assert exc.value.rule == "TRN-12"


def test_an_industry_led_project_names_its_supervising_industry_authority(training):
    with pytest.raises(RuleViolation) as exc:
        svc.plan_file(actor=training.sy_inst_admin, plan=sy_plan(training, cert_type="industry"))
    assert exc.value.rule == "TRN-12"
    plan = svc.plan_file(
        actor=training.sy_inst_admin,
        plan=sy_plan(training, cert_type="industry", supervising_authority=training.orgs["ia"].pk),
    )
    assert plan in selectors.plans_visible_to(training.ia_official)
    assert plan not in selectors.plans_visible_to(training.ia2_official)


def test_a_prohibited_claim_in_the_plan_is_refused_with_trn9(training):
    with pytest.raises(RuleViolation) as exc:
        svc.plan_file(actor=training.sy_inst_admin, plan=sy_plan(training, description="本班包过，不过退费"))
    assert "TRN-9" in exc.value.rule


def test_hours_must_add_up_and_bad_fields_are_named_in_chinese(training):
    with pytest.raises(InvalidInput) as exc:
        sy_plan(training, hours_online=10, hours_offline=10, fee="abc", starts_on="2026-13-01", title="")
    assert {"hours_online", "fee", "starts_on", "title"} <= exc.value.fields.keys()
    assert TrainingPlan.objects.count() == 0


def test_only_the_institution_files_its_own_plan(training):
    plan = sy_plan(training)
    with pytest.raises(NotFound):
        svc.plan_file(actor=training.dl_inst_admin, plan=plan)
    with pytest.raises(PermissionDenied):
        svc.plan_file(actor=training.sy_official, plan=plan)


def test_province_and_city_query_filed_plans_another_city_gets_404(training):
    plan = sy_plan(training)
    with pytest.raises(NotFound):
        selectors.plan_get_for(training.sy_official, plan.pk)  # a draft is the institution's own
    svc.plan_file(actor=training.sy_inst_admin, plan=plan)
    assert selectors.plan_get_for(training.sy_official, plan.pk) == plan
    assert selectors.plan_get_for(training.ln_official, plan.pk) == plan
    assert selectors.plan_get_for(training.sy_inst_admin, plan.pk) == plan
    for outsider in (
        training.dl_official,
        training.hb_official,
        training.dl_inst_admin,
        training.fz_official,
    ):
        with pytest.raises(NotFound):
            selectors.plan_get_for(outsider, plan.pk)


def test_a_filed_plan_is_not_edited_and_withdrawal_needs_a_reason(training):
    plan = svc.plan_file(actor=training.sy_inst_admin, plan=sy_plan(training))
    with pytest.raises(Conflict):
        svc.plan_update(actor=training.sy_inst_admin, plan=plan, data=plan_data(training))
    with pytest.raises(InvalidInput):
        svc.plan_withdraw(actor=training.sy_inst_admin, plan=plan, reason=" ")
    plan = svc.plan_withdraw(actor=training.sy_inst_admin, plan=plan, reason="场地调整")
    assert plan.status == TrainingPlan.Status.WITHDRAWN


def test_teacher_id_numbers_are_encrypted_and_registered_once(training):
    from django.db import connection

    t = teacher(training)
    with connection.cursor() as cur:
        cur.execute("SELECT id_number FROM training_teacher WHERE id = %s", [t.pk])
        stored = cur.fetchone()[0]
    assert t.id_number not in stored
    with pytest.raises(Conflict):
        teacher(training)
    with pytest.raises(InvalidInput) as exc:
        svc.teacher_add(
            actor=training.sy_inst_admin,
            institution=training.orgs["inst_sy"],
            data={"name": "", "id_number": "210102198001010000", "title_level": "x"},
        )
    assert {"name", "id_number", "title_level"} <= exc.value.fields.keys()


def test_every_filing_writes_audit_and_decision_rows(training):
    from peiyu.audit.models import AuditEvent

    plan = svc.plan_file(actor=training.sy_inst_admin, plan=sy_plan(training))
    assert AuditEvent.objects.filter(action="training_plan.filed").count() == 1
    assert Decision.objects.filter(subject_type="training.trainingplan", subject_id=str(plan.pk)).count() == 1


def test_teachers_not_of_the_institution_or_malformed_are_named(training):
    other = teacher(training, "inst_dl", "dl_inst_admin", serial=9)
    for picked in ([other.pk], ["abc"]):
        with pytest.raises(InvalidInput) as exc:
            sy_plan(training, teachers=picked)
        assert "teachers" in exc.value.fields
    assert TrainingPlan.objects.count() == 0


def test_a_plan_whose_training_has_already_started_is_not_filed(training):
    plan = fz_plan(training, online=20, starts_on="2026-03-01", ends_on="2026-05-30")
    with pytest.raises(RuleViolation) as exc:
        svc.plan_file(actor=training.fz_inst_admin, plan=plan)
    assert exc.value.rule == "TRN-2" and "开始前备案" in exc.value.message
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.DRAFT


def test_a_non_text_value_in_a_text_field_is_read_as_text_not_a_crash(training):
    data = plan_data(training, description=2026, refund_terms=12345)
    plan = svc.plan_create(actor=training.sy_inst_admin, institution=training.orgs["inst_sy"], data=data)
    assert plan.description == "2026" and plan.refund_terms == "12345"
