"""Reissue (换发) by the issuer: a lost certificate reissued, or one corrected with the fields that changed
and why — a new certificate numbered under the old number's prefix, linked to the one it replaces, which
becomes superseded at once (verification shows 已换发 with the new number)."""

from __future__ import annotations

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.certificates.models import Certificate
from peiyu.certificates.rules.certificates import reissue_plan, serial_width
from peiyu.certificates.selectors.certificates import reissue_chain
from peiyu.certificates.services.certificates_reissue import certificate_reissue
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from .certificates_support import DTE, issue, person

C = Certificate.Status


@pytest.fixture
def cert(exams):
    return issue(exams, person("王小明", "51010719900101001"))


def test_a_reissue_keeps_the_numbers_prefix_with_a_new_serial():
    assert serial_width("D{province}{yyyy}{level_code}{serial:08d}") == 8
    plan = reissue_plan("D422026100000007", 8)
    assert plan.prefix == "D4220261" and plan.number(8) == "D422026100000008"
    with pytest.raises(ValueError):
        reissue_plan("D4220261ABC", 8)


def test_a_lost_certificate_is_reissued_and_the_old_one_superseded(exams, cert):
    new = certificate_reissue(
        actor=exams.cd_social1_admin, certificate=cert, kind="lost", reason="持证人遗失"
    )
    cert.refresh_from_db()
    assert cert.status == C.SUPERSEDED
    assert new.replaces_id == cert.pk and new.status == C.VALID and new.payload
    assert new.number != cert.number and new.number[:-6] == cert.number[:-6]
    assert new.reissue_reason == "遗失补发：持证人遗失"
    assert [c.number for c in reissue_chain(cert)] == [cert.number, new.number]
    event = AuditEvent.objects.get(action="certificate.superseded", object_id=str(cert.pk))
    assert event.after["replaced_by"] == new.number
    assert new.decision.kind == "certificate_reissue" and "CRT-4" in new.decision.rules


def test_a_correction_records_what_changed_and_why(exams, cert):
    new = certificate_reissue(actor=exams.cd_social1_admin, certificate=cert, kind="corrected",
                              reason="姓名录入有误", corrections={"holder_name": "王晓明"})  # fmt: skip
    assert new.holder_name == "王晓明"
    assert new.details["reissue"]["corrected"] == {"holder_name": ["王小明", "王晓明"]}
    with pytest.raises(InvalidInput) as exc:
        certificate_reissue(actor=exams.cd_social1_admin, certificate=new, kind="corrected", reason="无",
                            corrections={"holder_name": "王晓明"})  # fmt: skip
    assert "holder_name" in exc.value.fields


def test_only_a_valid_certificate_is_reissued_and_only_by_its_issuer(exams, cert):
    with pytest.raises(PermissionDenied):
        certificate_reissue(actor=exams.cd_official, certificate=cert, kind="lost", reason="x")
    with pytest.raises(NotFound):
        certificate_reissue(actor=exams.hb_eval_admin, certificate=cert, kind="lost", reason="x")
    certificate_reissue(actor=exams.cd_social1_admin, certificate=cert, kind="lost", reason="遗失")
    with pytest.raises(Conflict):
        certificate_reissue(actor=exams.cd_social1_admin, certificate=cert, kind="lost", reason="再次")


def test_verification_shows_the_superseded_certificate_with_its_new_number(exams, cert, login_as):
    new = certificate_reissue(actor=exams.cd_social1_admin, certificate=cert, kind="lost", reason="遗失")
    answer = login_as(exams.sy_official).get("/verify/", {"number": cert.number}).content.decode()
    assert "已换发" in answer and new.number in answer


def test_the_page_and_the_api_reissue_through_the_same_service(exams, login_as):
    dte = issue(exams, person("周一鸣", "42010619920301012"), spec=DTE)
    c = login_as(exams.hb_eval_admin)
    r = c.post(f"/certificates/{dte.pk}/reissue/", {"kind": "lost", "reason": ""})
    assert r.status_code == 400 and "换发原因" in r.content.decode()
    r = c.post(f"/certificates/{dte.pk}/reissue/", {"kind": "lost", "reason": "遗失"})
    new = Certificate.objects.get(replaces=dte)
    assert r.status_code == 302 and r["Location"] == f"/certificates/{new.pk}/"
    assert len(new.number) == len(dte.number)
    r = c.post(f"/api/v1/certificates/records/{new.pk}/reissue",
               {"kind": "corrected", "reason": "方向有误", "direction": "机器学习"}, content_type="application/json")  # fmt: skip
    assert r.status_code == 201 and r.json()["direction"] == "机器学习" and r.json()["replaces"] == new.number
    assert (
        login_as(exams.sy_official).post(f"/certificates/{dte.pk}/reissue/", {"kind": "lost"}).status_code
        == 404
    )
