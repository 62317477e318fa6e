"""Invalidation (CRT-7, SUP-8; seed 001 Art. 29, 002 §4): an official's finding, the institution's statement
by a stored deadline of PRC working days, then the decision — declared invalid with CRT-7/SUP-8 and the
profile version, effective at once in the certificate's status, verification and the holder's wallet —
or dismissed with a reason. Another city's official gets 404; the institution states only its own."""

from __future__ import annotations

import datetime as dt

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.certificates.models import Certificate, Invalidation
from peiyu.certificates.selectors import invalidations as sel
from peiyu.certificates.services import invalidations as svc
from peiyu.certificates.todos import invalidations as todos
from peiyu.core.calendar import add_working_days
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.models import TransitionLog

from .certificates_support import DTE, holder_account, issue, person

V = Invalidation.Status


@pytest.fixture
def cert(exams):
    return issue(exams, person("王小明", "51010719900101001", user=holder_account(exams, "wang")))


def _open(exams, cert, **kw):
    return svc.invalidation_open(
        actor=exams.cd_official, certificate=cert, cause=kw.get("cause", "cheating"),
        scope=kw.get("scope", "certificate"), finding=kw.get("finding", "考场监控显示该考生使用手机"),
    )  # fmt: skip


def test_an_official_opens_a_finding_and_the_statement_is_due_in_the_profiles_working_days(exams, cert):
    inv = _open(exams, cert)
    assert inv.status == V.OPENED
    # chengdu-skill: invalidation_statement_working_days 5, counted in PRC working days from today
    assert inv.statement_due == add_working_days(dt.date(2026, 3, 2), 5)
    assert AuditEvent.objects.filter(
        action="certificate_invalidation.created", object_id=str(inv.pk)
    ).exists()
    with pytest.raises(Conflict):
        _open(exams, cert)  # one open finding at a time


def test_a_finding_needs_a_cause_a_scope_and_what_was_verified(exams, cert):
    with pytest.raises(InvalidInput) as exc:
        svc.invalidation_open(actor=exams.cd_official, certificate=cert, cause="bad", scope="", finding=" ")
    assert set(exc.value.fields) == {"cause", "scope", "finding"}


def test_another_citys_official_gets_404_and_an_institution_403_when_opening_a_finding(exams, cert):
    with pytest.raises(NotFound):
        svc.invalidation_open(actor=exams.sy_official, certificate=cert, cause="cheating", scope="certificate",
                              finding="x")  # fmt: skip
    with pytest.raises(PermissionDenied):
        svc.invalidation_open(actor=exams.cd_social1_admin, certificate=cert, cause="cheating",
                              scope="certificate", finding="x")  # fmt: skip


def test_the_decision_waits_for_the_institutions_statement(exams, cert):
    inv = _open(exams, cert)
    assert "decide" not in sel.invalidation_allowed_actions(exams.cd_official, inv)
    with pytest.raises(RuleViolation) as exc:
        svc.invalidation_decide(actor=exams.cd_official, invalidation=inv)
    assert exc.value.rules == ["CRT-7"]
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.VALID


def test_the_institution_states_the_facts_and_the_official_declares_the_certificate_invalid_at_once(
    exams, cert
):
    inv = _open(exams, cert)
    assert sel.invalidation_allowed_actions(exams.cd_social1_admin, inv) == ["state"]
    with pytest.raises(NotFound):
        svc.invalidation_state(actor=exams.hb_eval_admin, invalidation=inv, statement="x")
    svc.invalidation_state(
        actor=exams.cd_social1_admin, invalidation=inv, statement="经核查，该考生确有违纪行为"
    )
    assert inv.status == V.STATED
    assert sel.invalidation_allowed_actions(exams.cd_official, inv) == ["decide", "dismiss"]
    svc.invalidation_decide(actor=exams.cd_official, invalidation=inv, reason="依据第二十九条")
    inv.refresh_from_db()
    cert.refresh_from_db()
    assert inv.status == V.DECIDED and inv.effective_on == dt.date(2026, 3, 2)
    assert sorted(inv.decision.rules) == ["CRT-7", "SUP-8"]
    assert inv.decision.policy_name == "chengdu-skill" and inv.decision.policy_version >= 1
    assert cert.status == Certificate.Status.INVALIDATED and cert.invalidated_on == dt.date(2026, 3, 2)
    assert TransitionLog.objects.filter(subject_type="certificates.certificate", subject_id=str(cert.pk),
                                        to_status="invalidated").exists()  # fmt: skip
    assert AuditEvent.objects.filter(action="certificate.invalidated", object_id=str(cert.pk)).exists()
    with pytest.raises(Conflict):
        svc.invalidation_dismiss(actor=exams.cd_official, invalidation=inv, reason="x")


def test_a_score_declared_invalid_voids_the_candidates_result_in_the_session_too(exams):
    from peiyu.exams.models import Registration
    from peiyu.exams.tests import factories as f

    who = person("赵小红", "51010719920202002", user=holder_account(exams, "zhao"))
    reg = f.registration(f.session(exams, status="certificates"), who, result="passed")
    scored = issue(exams, who, source_id=reg.pk)
    other = issue(exams, person("钱小兵", "51010719930303003"), source_id=f.registration(reg.session, f.person(
        "钱小兵", "51010719930303011"), result="passed").pk)  # fmt: skip
    inv = _open(exams, scored, scope="score")
    svc.invalidation_state(actor=exams.cd_social1_admin, invalidation=inv, statement="经核查，该考生确有舞弊")
    svc.invalidation_decide(actor=exams.cd_official, invalidation=inv, reason="依据第二十九条第二项")
    inv.refresh_from_db()
    reg.refresh_from_db()
    assert reg.result == Registration.Result.VOIDED  # 成绩无效, not only the certificate
    assert reg.result_decision_id == inv.decision_id and sorted(reg.result_decision.rules) == [
        "CRT-7",
        "SUP-8",
    ]
    assert TransitionLog.objects.filter(subject_type="exams.registration", subject_id=str(reg.pk),
                                        to_status="voided").exists()  # fmt: skip
    assert Certificate.objects.get(pk=scored.pk).status == Certificate.Status.INVALIDATED
    # the whole certificate only: the score stands
    inv2 = _open(exams, other, scope="certificate")
    svc.invalidation_state(actor=exams.cd_social1_admin, invalidation=inv2, statement="证书数据有误")
    svc.invalidation_decide(actor=exams.cd_official, invalidation=inv2)
    assert Registration.objects.get(pk=other.source_id).result == Registration.Result.PASSED


def test_a_training_certificate_has_no_evaluation_score_to_declare_invalid(exams, login_as):
    from .certificates_support import TRAINING

    training = issue(exams, person("孙小梅", "42010219940404004"), spec=TRAINING)
    with pytest.raises(InvalidInput) as exc:
        svc.invalidation_open(actor=exams.hb_official, certificate=training, cause="cheating", scope="score",
                              finding="结业考核中代考")  # fmt: skip
    assert "证书无效" in exc.value.fields["scope"][0]
    form = login_as(exams.hb_official).get(f"/certificates/{training.pk}/invalidate/").content.decode()
    assert 'value="certificate"' in form and 'name="scope" value="score"' not in form  # not offered


def test_without_a_statement_the_official_may_decide_once_the_deadline_has_passed(exams, cert, time_machine):
    inv = _open(exams, cert)
    time_machine.move_to(
        dt.datetime.combine(inv.statement_due + dt.timedelta(days=1), dt.time(10)), tick=False
    )
    assert "decide" in sel.invalidation_allowed_actions(exams.cd_official, inv)
    svc.invalidation_decide(actor=exams.cd_official, invalidation=inv)
    inv.refresh_from_db()
    assert inv.status == V.DECIDED
    assert "未在期限" in inv.decision.checks[0]["message"]


def test_a_dismissal_needs_a_reason_and_keeps_the_certificate_valid(exams, cert):
    inv = _open(exams, cert)
    with pytest.raises(InvalidInput):
        svc.invalidation_dismiss(actor=exams.cd_official, invalidation=inv, reason="")
    svc.invalidation_dismiss(actor=exams.cd_official, invalidation=inv, reason="经复核，监控画面中不是该考生")
    cert.refresh_from_db()
    assert inv.status == V.DISMISSED and cert.status == Certificate.Status.VALID
    assert inv.decision.outcome == "dismissed"


def test_the_institution_and_the_official_find_the_finding_on_their_to_do_lists(exams, cert, time_machine):
    inv = _open(exams, cert)
    [item] = todos.statements_due(exams.cd_social1_admin)
    assert item.deadline == inv.statement_due and item.rule == "CRT-7" and not item.overdue
    assert todos.decisions_due(exams.cd_official) == []
    assert todos.statements_due(exams.hb_eval_admin) == [] and todos.decisions_due(exams.sy_official) == []
    time_machine.move_to(
        dt.datetime.combine(inv.statement_due + dt.timedelta(days=1), dt.time(10)), tick=False
    )
    [late] = todos.decisions_due(exams.cd_official)
    assert late.overdue and "逾期" in late.title
    svc.invalidation_state(actor=exams.cd_social1_admin, invalidation=inv, statement="说明")
    [ready] = todos.decisions_due(exams.cd_official)
    assert "已说明" in ready.title
    assert todos.statements_due(exams.cd_social1_admin) == []


def test_an_invalidated_certificate_shows_at_once_in_verification_and_the_holders_wallet(
    exams, cert, login_as
):
    inv = _open(exams, cert)
    svc.invalidation_state(actor=exams.cd_social1_admin, invalidation=inv, statement="说明")
    svc.invalidation_decide(actor=exams.cd_official, invalidation=inv)
    wallet = login_as(exams.wang).get("/certificates/wallet/").content.decode()
    assert "已宣布无效" in wallet and "考试作弊" in wallet
    answer = login_as(exams.sy_official).get("/verify/", {"number": cert.number}).content.decode()
    assert "已宣布无效" in answer


def test_the_pages_take_the_finding_from_opening_to_decision(exams, cert, login_as):
    official, institution = login_as(exams.cd_official), login_as(exams.cd_social1_admin)
    form = official.get(f"/certificates/{cert.pk}/invalidate/").content.decode()
    assert "成绩无效" in form and "证书无效" in form and "泄露试题" in form
    response = official.post(f"/certificates/{cert.pk}/invalidate/", {"cause": "leaked_questions", "scope": "certificate",
                                                                      "finding": ""})  # fmt: skip
    assert response.status_code == 400 and "请填写查实情况" in response.content.decode()
    response = official.post(f"/certificates/{cert.pk}/invalidate/",
                             {"cause": "leaked_questions", "scope": "certificate", "finding": "试题在考前泄露"})  # fmt: skip
    inv = Invalidation.objects.get(certificate=cert)
    assert response.status_code == 302 and response["Location"] == f"/certificates/invalidations/{inv.pk}/"
    page = official.get(f"/certificates/invalidations/{inv.pk}/").content.decode()
    assert "须先由评价机构作出事实说明" in page
    assert (
        institution.post(
            f"/certificates/invalidations/{inv.pk}/", {"action": "state", "text": "情况属实"}
        ).status_code
        == 302
    )
    assert (
        official.post(f"/certificates/invalidations/{inv.pk}/", {"action": "decide", "text": ""}).status_code
        == 302
    )
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.INVALIDATED
    assert login_as(exams.sy_official).get(f"/certificates/invalidations/{inv.pk}/").status_code == 404


def test_the_api_opens_states_and_decides_through_the_same_services(exams, login_as):
    cert = issue(exams, person("周一鸣", "42010619920301012"), spec=DTE)
    hb, inst = login_as(exams.hb_official), login_as(exams.hb_eval_admin)
    r = hb.post(f"/api/v1/certificates/records/{cert.pk}/invalidations",
                {"cause": "forged_materials", "scope": "certificate", "finding": "学历证明系伪造"}, content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["allowed_actions"] == ["dismiss"]
    r = inst.post(f"/api/v1/certificates/invalidations/{pk}/actions", {"action": "state", "text": "材料由本人提供"},
                  content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "stated"
    r = hb.post(
        f"/api/v1/certificates/invalidations/{pk}/actions",
        {"action": "decide"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["decision"]["policy_name"] == "hubei-dte"
    assert login_as(exams.sy_official).get(f"/api/v1/certificates/invalidations/{pk}").status_code == 404
    listed = hb.get("/api/v1/certificates/invalidations", {"status": "decided"}).json()
    assert listed["count"] == 1


def test_a_declaration_shows_at_once_in_the_published_status_list(
    exams, cert, client, django_capture_on_commit_callbacks
):
    from peiyu.certificates.rules.verification import bitstring_decode, list_position

    number, bit = list_position(cert.status_index)

    def is_set(encoded: str) -> bool:  # W3C Bitstring Status List: bit 0 is the first byte's leftmost
        return bool((bitstring_decode(encoded)[bit // 8] >> (7 - bit % 8)) & 1)

    before = client.get(f"/certificates/status/{number}").json()["credentialSubject"]["encodedList"]
    assert client.get(f"/certificates/status/{number}").json()["credentialSubject"]["encodedList"] == before
    inv = _open(exams, cert)
    svc.invalidation_state(actor=exams.cd_social1_admin, invalidation=inv, statement="说明")
    with django_capture_on_commit_callbacks(execute=True):
        svc.invalidation_decide(actor=exams.cd_official, invalidation=inv)
    after = client.get(f"/certificates/status/{number}").json()["credentialSubject"]["encodedList"]
    assert not is_set(before) and is_set(after)
