"""Registration services (EVL-8): a candidate registers herself, states her facts, signs the commitment
and submits; refusals with their rule ids; the Art. 23 routes chosen by the institution or an official;
the review with reasons; ticket numbers; 403 and 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peiyu.audit.models import AuditEvent
from peiyu.core.crypto import sm3_hex
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.models import Decision, TransitionLog
from peiyu.exams.selectors import registrations as sel
from peiyu.exams.services import registration_facts as rf
from peiyu.exams.services import registrations as svc

from . import factories as f
from .registrations_support import GOOD_FACTS, candidate, open_session

pytestmark = pytest.mark.django_db
ME = {"name": "李晓红", "id_number": "510107199203040020"}


def _signed_up(world, session, facts=GOOD_FACTS, key="cand1", person=ME):
    user = candidate(world, key)
    reg = svc.registration_start(actor=user, session=session, person=person)
    reg = svc.registration_state_facts(actor=user, registration=reg, data=facts)
    reg = svc.registration_sign(actor=user, registration=reg, agreed=True)
    return user, reg


def test_a_candidate_registers_herself_signs_and_submits(exams):
    session = open_session(exams)
    user, reg = _signed_up(exams, session)
    assert reg.person.user_id == user.pk and reg.person.name == "李晓红" and reg.status == "draft"
    assert reg.commitment_digest == sm3_hex(rf.commitment_text(reg).encode())
    reg = svc.registration_submit(actor=user, registration=reg)
    assert reg.status == "submitted" and reg.submitted_at is not None
    assert reg.decision.outcome == "eligible" and "EVL-8" in reg.decision.rules
    assert any("符合四级申报条件第1条" in c["message"] for c in reg.decision.checks)
    moves = list(
        TransitionLog.objects.filter(subject_type="exams.registration", subject_id=str(reg.pk)).values_list(
            "to_status", flat=True
        )
    )
    assert moves == ["draft", "submitted"]
    assert AuditEvent.objects.filter(action="exam_registration.submitted").exists()


def test_a_registration_meeting_no_condition_and_no_route_is_refused_with_the_reasons(exams):
    session = open_session(exams)
    user, reg = _signed_up(exams, session, facts={"education": "高中", "years_in_trade": "2"})
    with pytest.raises(RuleViolation) as exc:
        svc.registration_submit(actor=user, registration=reg)
    assert exc.value.rules == ["EVL-8"] and "不符合四级的任何一条申报条件" in exc.value.message
    reg.refresh_from_db()
    assert reg.status == "draft"
    assert Decision.objects.get(subject_id=str(reg.pk), kind="registration_eligibility").outcome == "refused"


def test_submitting_without_the_commitment_is_refused_and_new_facts_need_a_new_signature(exams):
    session = open_session(exams)
    user, reg = _signed_up(exams, session)
    reg = svc.registration_state_facts(
        actor=user, registration=reg, data={**GOOD_FACTS, "years_in_trade": "7"}
    )
    assert reg.commitment_signed_at is None and reg.commitment_digest == ""
    with pytest.raises(RuleViolation) as exc:
        svc.registration_submit(actor=user, registration=reg)
    assert "尚未签署告知承诺书" in exc.value.message
    with pytest.raises(InvalidInput):
        svc.registration_sign(actor=user, registration=reg, agreed=False)


def test_bad_facts_are_refused_per_field_in_chinese(exams):
    session = open_session(exams)
    user = candidate(exams)
    reg = svc.registration_start(actor=user, session=session, person=ME)
    with pytest.raises(InvalidInput) as exc:
        svc.registration_state_facts(actor=user, registration=reg, data={"years_in_trade": "很多", "education": "幼儿园",
                                                                         "lower_level": "五级", "lower_level_on": "2030-01-01"})  # fmt: skip
    assert set(exc.value.fields) == {"years_in_trade", "education", "lower_level_on"}


def test_registration_is_refused_when_full_and_after_the_closing_day(exams, time_machine):
    session = open_session(exams, capacity=1)
    _signed_up(exams, session)
    other = candidate(exams, "cand2")
    with pytest.raises(RuleViolation) as full:
        svc.registration_start(
            actor=other, session=session, person={"name": "王芳", "id_number": "510107199001010042"}
        )
    assert full.value.rules == ["EVL-5"] and "剩余名额0个" in full.value.message
    roomy = open_session(exams)
    time_machine.move_to(
        dt.datetime.combine(roomy.registration_closes_on + dt.timedelta(days=1), dt.time(9), f.BEIJING)
    )
    with pytest.raises(RuleViolation) as late:
        svc.registration_start(
            actor=other, session=roomy, person={"name": "王芳", "id_number": "510107199001010042"}
        )
    assert "截止" in late.value.message and late.value.rules == ["EVL-5"]


def test_the_same_person_cannot_register_twice_for_a_session(exams):
    session = open_session(exams)
    user, _reg = _signed_up(exams, session)
    with pytest.raises(Conflict) as exc:
        svc.registration_start(actor=user, session=session)
    assert exc.value.code == "already_registered" and "不能重复报名" in exc.value.message


def test_dte_sessions_take_forwarded_candidates_only(exams):
    session = open_session(exams, listing_key="hb_ai", level="初级")
    with pytest.raises(Conflict) as exc:
        svc.registration_start(actor=candidate(exams), session=session, person=ME)
    assert exc.value.rules == ["EVL-8"]


def test_an_account_without_person_self_gets_403_and_another_candidate_404(exams):
    session = open_session(exams)
    _user, reg = _signed_up(exams, session)
    with pytest.raises(PermissionDenied):
        svc.registration_start(actor=exams.users["cd_exam_admin"], session=session)
    other = candidate(exams, "cand2")
    with pytest.raises(NotFound):
        svc.registration_sign(actor=other, registration=reg, agreed=True)


# --- routes ------------------------------------------------------------------------------------------


def test_the_institution_chooses_a_route_with_a_justification_and_it_is_recorded(exams):
    session = open_session(exams, level="二级")
    user, reg = _signed_up(
        exams, session, facts={"education": "本科", "related_major": "yes", "title": "中级"}
    )
    admin = exams.users["cd_exam_admin"]
    reg = svc.registration_choose_route(actor=admin, registration=reg, route="theory_exempt_degree",
                                        justification="中级工程师，电气工程本科，按贯通方案申报并免考理论")  # fmt: skip
    assert reg.route == "theory_exempt_degree" and reg.theory_exempt and reg.route_chosen_by == admin
    assert (
        reg.route_decision.rules == ["EVL-8"]
        and reg.route_decision.checks[0]["source"] == "001 第二十三条（一）"
    )
    reg = svc.registration_submit(actor=user, registration=reg)
    assert reg.status == "submitted"


def test_a_route_that_does_not_apply_is_refused_and_changes_nothing(exams):
    session = open_session(exams, level="一级")
    _user, reg = _signed_up(exams, session, facts={"title": "副高级"})
    with pytest.raises(RuleViolation) as exc:
        svc.registration_choose_route(actor=exams.users["cd_official"], registration=reg, route="senior_title",
                                      justification="副高级职称")  # fmt: skip
    assert exc.value.rules == ["EVL-8"] and "正高级" in exc.value.message
    reg.refresh_from_db()
    assert reg.route == "standard" and reg.route_chosen_by is None


def test_route_choice_is_for_the_institution_or_the_regions_officials_only(exams):
    session = open_session(exams)
    user, reg = _signed_up(exams, session)
    with pytest.raises(NotFound):
        svc.registration_choose_route(
            actor=exams.users["hb_official"], registration=reg, route="bridging", justification="x"
        )
    with pytest.raises(PermissionDenied):
        svc.registration_choose_route(actor=user, registration=reg, route="bridging", justification="x")
    with pytest.raises(InvalidInput):
        svc.registration_choose_route(
            actor=exams.users["cd_exam_admin"], registration=reg, route="bridging", justification=" "
        )


# --- review ------------------------------------------------------------------------------------------


def _submitted(exams, session, key="cand1", person=ME, facts=GOOD_FACTS):
    user, reg = _signed_up(exams, session, key=key, person=person, facts=facts)
    return user, svc.registration_submit(actor=user, registration=reg)


def test_approval_gives_a_ticket_number_and_return_and_reject_need_a_reason(exams):
    session = open_session(exams)
    admin = exams.users["cd_exam_admin"]
    _u, reg = _submitted(exams, session)
    reg = svc.registration_review(actor=admin, registration=reg, action="approve")
    assert (
        reg.status == "approved"
        and reg.ticket_number == f"{session.number}0001"
        and len(reg.ticket_token) >= 40
    )
    _u2, second = _submitted(
        exams, session, key="cand2", person={"name": "王芳", "id_number": "510107199001010042"}
    )
    with pytest.raises(InvalidInput):
        svc.registration_review(actor=admin, registration=second, action="return", reason="")
    second = svc.registration_review(
        actor=admin, registration=second, action="return", reason="请补充取证日期的证书复印件"
    )
    assert second.status == "returned" and second.review_reason.startswith("请补充")
    with pytest.raises(Conflict):
        svc.registration_review(actor=admin, registration=second, action="reject", reason="不符合")


def test_review_is_the_sessions_institution_only(exams):
    session = open_session(exams)
    _u, reg = _submitted(exams, session)
    with pytest.raises(NotFound):
        svc.registration_review(actor=exams.users["cd_employer_exam"], registration=reg, action="approve")
    with pytest.raises(PermissionDenied):
        svc.registration_review(actor=exams.users["cd_setter"], registration=reg, action="approve")


def test_a_withdrawn_ticket_number_is_never_given_again(exams):
    session = open_session(exams)
    admin = exams.users["cd_exam_admin"]
    user, reg = _submitted(exams, session)
    reg = svc.registration_review(actor=admin, registration=reg, action="approve")
    svc.registration_withdraw(actor=user, registration=reg, reason="时间冲突")
    _u2, second = _submitted(
        exams, session, key="cand2", person={"name": "王芳", "id_number": "510107199001010042"}
    )
    second = svc.registration_review(actor=admin, registration=second, action="approve")
    assert second.ticket_number == f"{session.number}0002"


def test_bulk_approval_takes_only_those_whose_checks_all_pass(exams):
    session = open_session(exams)
    _u, good = _submitted(exams, session)
    _u2, bad = _submitted(
        exams, session, key="cand2", person={"name": "王芳", "id_number": "510107199001010042"}
    )
    Decision.objects.filter(pk=bad.decision_id).update(
        checks=[{"rule": "EVL-8", "ok": False, "message": "x"}]
    )
    approved = svc.registrations_approve_passing(actor=exams.users["cd_exam_admin"], session=session)
    assert [r.pk for r in approved] == [good.pk]
    bad.refresh_from_db()
    assert bad.status == "submitted"


def test_who_sees_which_registration(exams):
    session = open_session(exams)
    user, reg = _submitted(exams, session)
    other = candidate(exams, "cand2")
    assert sel.registration_get_for(user, reg.pk) == reg
    assert sel.registration_get_for(exams.users["cd_exam_admin"], reg.pk) == reg
    assert sel.registration_get_for(exams.users["cd_official"], reg.pk) == reg
    for outsider in (
        other,
        exams.users["hb_official"],
        exams.users["sy_official"],
        exams.users["cd_employer_exam"],
    ):
        with pytest.raises(NotFound):
            sel.registration_get_for(outsider, reg.pk)


def test_the_ticket_pdf_carries_the_ticket_and_the_public_check_shows_it_masked(exams, client):
    from peiyu.exams.services.tickets import ticket_pdf, ticket_rows

    session = open_session(exams)
    _u, reg = _submitted(exams, session)
    with pytest.raises(Conflict):
        ticket_pdf(reg, verify_url="https://x/")
    reg = svc.registration_review(actor=exams.users["cd_exam_admin"], registration=reg, action="approve")
    pdf = ticket_pdf(reg, verify_url="https://example.org/exam/tickets/verify/abc/")
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    rows = dict(ticket_rows(reg))
    assert rows["身份证号码"] == "510107********0020" and rows["考场 / 座位号"] == "待编排 / 待编排"
    page = client.get(f"/exam/tickets/verify/{reg.ticket_token}/")
    assert (
        page.status_code == 200 and "准考证有效" in page.content.decode() and "李**" in page.content.decode()
    )
    assert client.get("/exam/tickets/verify/nonsense/").status_code == 404
    assert reg.submitted_at <= timezone.now()
    assert b"/Subtype /Image" not in pdf  # no photo yet: the box to paste one in
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from peiyu.training.services.photos import person_photo_set

    raw = io.BytesIO()
    Image.new("RGB", (300, 400), (30, 30, 200)).save(raw, format="JPEG")
    person_photo_set(actor=_u, upload=SimpleUploadedFile("me.jpg", raw.getvalue()))
    with_photo = ticket_pdf(reg, verify_url="https://example.org/exam/tickets/verify/abc/")
    assert b"/Subtype /Image" in with_photo  # the candidate's own ID photo
