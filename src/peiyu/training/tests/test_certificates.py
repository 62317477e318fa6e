"""Training certificates (TRN-6, TRN-7): issued to completed trainees only, numbered per issue year and
class region in sequence and never twice, counting as the issue year's continuing-education hours; the
PDF of the unified format; public verification masks the name, shows 已撤销 when revoked and 未找到
(404) for anything unknown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.training.models import TrainingCertificate
from peiyu.training.selectors import completion as sel
from peiyu.training.services import certificate_pdf
from peiyu.training.services import completion as svc

from . import completion_factories as f

pytestmark = pytest.mark.django_db


def completed_class(world, names=("张三丰", "李四"), *, plan=None, admin="sy_inst_admin", region=None):
    k = f.klass(plan or f.plan(world), region=region)
    for name in names:
        f.enrol(k, f.trainee(name), offline=6000, score=Decimal("80"))
    f.enrol(k, f.trainee("未通过"), offline=100, score=Decimal("80"))
    svc.class_complete(actor=getattr(world, admin), klass=k)
    return k


def test_certificates_go_to_completed_trainees_with_sequential_numbers(training):
    k = completed_class(training)
    certs = svc.certificates_issue(actor=training.sy_inst_admin, klass=k)
    assert [c.number for c in certs] == ["PX2026210102000001", "PX2026210102000002"]
    assert {c.holder_name for c in certs} == {"张三丰", "李四"}
    c = certs[0]
    assert (c.hours, c.ce_hours, c.ce_year, c.issued_on) == (100, 100, 2026, dt.date(2026, 3, 2))
    assert c.occupation_name == "人工智能工程技术人员" and c.level == "初级"
    assert len(c.verify_token) == 43 and c.decision.kind == "certificate_issue"
    assert {"TRN-6", "TRN-7"} <= set(c.decision.rules)
    # issuing again issues nothing new; a second class of the same region continues the sequence
    assert svc.certificates_issue(actor=training.sy_inst_admin, klass=k) == []
    k2 = completed_class(training, names=("王五",))
    assert [c.number for c in svc.certificates_issue(actor=training.sy_inst_admin, klass=k2)] == [
        "PX2026210102000003"
    ]


def test_sequences_are_per_region_and_per_year(training, time_machine):
    k_fz = f.klass(f.fujian_plan(training))
    f.enrol(k_fz, f.trainee("陈七", region="350102"), offline=6000, score=Decimal("80"))
    svc.class_complete(actor=training.fz_inst_admin, klass=k_fz, pass_mark="60")
    assert svc.certificates_issue(actor=training.fz_inst_admin, klass=k_fz)[0].number == "PX2026350102000001"
    k_sy = completed_class(training, names=("甲",))
    assert svc.certificates_issue(actor=training.sy_inst_admin, klass=k_sy)[0].number == "PX2026210102000001"
    time_machine.move_to(
        dt.datetime(2027, 1, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    )
    k_next = completed_class(training, names=("乙",))
    cert = svc.certificates_issue(actor=training.sy_inst_admin, klass=k_next)[0]
    assert cert.number == "PX2027210102000001" and cert.ce_year == 2027


def test_numbers_are_unique_across_many_issues(training):
    numbers = []
    for _ in range(3):
        k = completed_class(training, names=("甲", "乙", "丙"))
        numbers += [c.number for c in svc.certificates_issue(actor=training.sy_inst_admin, klass=k)]
    assert len(numbers) == len(set(numbers)) == 9
    assert numbers == sorted(numbers)
    assert numbers[-1] == "PX2026210102000009"


def test_certificates_need_a_completed_class_and_its_institution(training):
    k = f.klass(f.plan(training))
    with pytest.raises(Conflict):
        svc.certificates_issue(actor=training.sy_inst_admin, klass=k)
    k = completed_class(training)
    with pytest.raises(NotFound):
        svc.certificates_issue(actor=training.dl_inst_admin, klass=k)


def test_pdf_is_a_pdf_with_the_number(training):
    k = completed_class(training, names=("张三丰",))
    cert = svc.certificates_issue(actor=training.sy_inst_admin, klass=k)[0]
    pdf = certificate_pdf.certificate_pdf(cert, verify_url="https://peiyu.example/verify/training/x/")
    assert pdf.startswith(b"%PDF")
    assert cert.number.encode() in pdf
    assert certificate_pdf.ce_line(cert) == "计入2026年度继续教育学时100学时（全国有效）"


def test_pdf_download_is_scoped(training, login_as):
    k = completed_class(training, names=("张三丰",))
    cert = svc.certificates_issue(actor=training.sy_inst_admin, klass=k)[0]
    r = login_as(training.sy_inst_admin).get(f"/training/certificates/{cert.pk}/certificate.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and r["Content-Type"] == "application/pdf"
    assert (
        login_as(training.dl_official).get(f"/training/certificates/{cert.pk}/certificate.pdf").status_code
        == 404
    )
    assert (
        login_as(training.sy_official).get(f"/training/certificates/{cert.pk}/certificate.pdf").status_code
        == 200
    )


def test_verify_page_masks_the_name_and_shows_revocation(training, client):
    k = completed_class(training, names=("张三丰",))
    cert = svc.certificates_issue(actor=training.sy_inst_admin, klass=k)[0]
    r = client.get(f"/verify/training/{cert.verify_token}/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "张**" in body and "张三丰" not in body and cert.number in body
    assert cert.trainee.id_number not in body and "有效" in body
    r = client.get("/verify/training/", {"number": cert.number.lower()})
    assert r.status_code == 200 and "张**" in r.content.decode()
    with pytest.raises(InvalidInput):
        svc.certificate_revoke(actor=training.sy_inst_admin, certificate=cert, reason=" ")
    with pytest.raises(NotFound):
        svc.certificate_revoke(actor=training.dl_official, certificate=cert, reason="x")
    svc.certificate_revoke(actor=training.sy_official, certificate=cert, reason="培训记录造假")
    assert "已撤销" in client.get(f"/verify/training/{cert.verify_token}/").content.decode()
    with pytest.raises(Conflict):
        svc.certificate_revoke(actor=training.sy_inst_admin, certificate=cert, reason="again")


def test_unknown_token_or_number_is_a_clear_404(training, client):
    r = client.get("/verify/training/not-a-real-token/")
    assert r.status_code == 404 and "未找到该证书" in r.content.decode()
    r = client.get("/verify/training/", {"number": "PX2026210102999999"})
    assert r.status_code == 404 and "未找到该证书" in r.content.decode()
    assert client.get("/verify/training/").status_code == 200


def test_public_api_verify_by_number(training, client, login_as):
    k = completed_class(training, names=("张三丰",))
    cert = svc.certificates_issue(actor=training.sy_inst_admin, klass=k)[0]
    r = client.get("/api/v1/training/certificates/verify", {"number": cert.number})
    assert r.status_code == 200
    body = r.json()
    assert body["holder"] == "张**" and body["valid"] and body["hours"] == 100 and "id_number" not in body
    assert client.get("/api/v1/training/certificates/verify", {"number": "PX0"}).status_code == 404
    assert client.get(f"/api/v1/training/certificates/{cert.pk}").status_code == 401
    r = login_as(training.sy_inst_admin).get(f"/api/v1/training/certificates/{cert.pk}")
    assert r.status_code == 200 and r.json()["verify_url"].endswith(f"/verify/training/{cert.verify_token}/")
    assert login_as(training.dl_inst_admin).get(f"/api/v1/training/certificates/{cert.pk}").status_code == 404


def test_api_issue_certificates(training, login_as):
    k = completed_class(training, names=("甲",))
    r = login_as(training.sy_inst_admin).post(f"/api/v1/training/classes/{k.pk}/certificates")
    assert r.status_code == 200 and [c["number"] for c in r.json()["items"]] == ["PX2026210102000001"]
    assert r.json()["count"] == 1
    assert TrainingCertificate.objects.count() == 1
    assert sel.certificate_public(number="PX2026210102000001").holder_name == "甲"


def test_certificate_pages_list_search_and_revoke_within_scope(training, login_as):
    k = completed_class(training, names=("张三丰", "李四光"))
    first, second = svc.certificates_issue(actor=training.sy_inst_admin, klass=k)
    official = login_as(training.sy_official)
    page = official.get("/training/certificates/").content.decode()
    assert first.number in page and second.number in page
    found = official.get("/training/certificates/", {"q": "李四"}).content.decode()
    assert second.number in found and first.number not in found
    assert first.number not in login_as(training.dl_official).get("/training/certificates/").content.decode()
    assert login_as(training.dl_official).get(f"/training/certificates/{first.pk}/").status_code == 404
    assert (
        login_as(training.dl_official)
        .post(f"/training/certificates/{first.pk}/revoke/", {"reason": "x"})
        .status_code
        == 404
    )
    detail = official.get(f"/training/certificates/{first.pk}/").content.decode()
    assert 'id="revoke"' in detail and first.verify_token in detail and "<svg" in detail
    # a missing reason re-renders the form with the message, and nothing changes
    r = official.post(f"/training/certificates/{first.pk}/revoke/", {"reason": "  "})
    assert r.status_code == 400 and "请填写撤销原因" in r.content.decode()
    first.refresh_from_db()
    assert first.status == "valid"
    r = official.post(f"/training/certificates/{first.pk}/revoke/", {"reason": "培训记录造假"})
    assert r.status_code == 302 and r["Location"] == f"/training/certificates/{first.pk}/"
    first.refresh_from_db()
    assert first.status == "revoked" and first.revoked_reason == "培训记录造假"
    after = official.get(f"/training/certificates/{first.pk}/").content.decode()
    assert "培训记录造假" in after and 'id="revoke"' not in after
    revoked = official.get("/training/certificates/", {"status": "revoked"}).content.decode()
    assert first.number in revoked and second.number not in revoked
    # the institution sees its certificates and may revoke them
    inst = login_as(training.sy_inst_admin).get(f"/training/certificates/{second.pk}/").content.decode()
    assert 'id="revoke"' in inst
