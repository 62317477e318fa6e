"""The demo's tampered certificate (issue 14 point 11): made live from this installation's demo data —
a valid certificate's signed PDF and the same file with the level raised on the page by one character —
the genuine one reported authentic and the tampered one altered, by `pdf_check` and on the portal's
verification page (upload); offered on the demo accounts page only while the demo is on, and written
to var/demo/ by the demo section."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from peiyu.certificates.demo.tampered import (
    GENUINE_NAME,
    TAMPERED_NAME,
    build_tampered,
    demo_files,
    tampered_pdf,
)
from peiyu.certificates.models import Certificate
from peiyu.certificates.services.pdf import pdf_check
from peiyu.certificates.services.signing import certificates_sign
from peiyu.exams.tests import factories

pytestmark = pytest.mark.django_db


def _level_cert(world) -> Certificate:
    person = factories.person("周一鸣", "42010619920301012")
    org = world.orgs["hb_eval"]
    cert = Certificate.objects.create(
        kind="level", number="D422026100000001", verify_token="tok-demo", holder=person, holder_name="周一鸣",
        holder_id_masked="420106********0012", holder_id_index=person.id_index, institution=org,
        issuer_name=org.name, region_code=org.region_id or "", programme="dte", occupation_code="2-02-38-01",
        occupation_name="人工智能工程技术人员", level="初级", issued_on=dt.date(2026, 4, 20),
        source_kind="registration", source_id=1,
    )  # fmt: skip
    certificates_sign([cert])
    cert.refresh_from_db()
    return cert


def _stream(pdf: bytes) -> bytes:
    return re.search(rb"stream\n(.*?)endstream", pdf, re.S).group(1)


def test_the_tampered_copy_differs_only_in_the_level_shown_and_fails_its_signature(exams):
    cert = _level_cert(exams)
    found, genuine, tampered = demo_files("https://peiyu.example.cn")
    assert found.pk == cert.pk
    assert len(tampered) == len(genuine) and tampered != genuine
    # the page shows 中级 where the signed file says 初级; nothing else changed
    assert "中级".encode("utf-16-be")[:1] in _stream(tampered)
    assert sum(a != b for a, b in zip(genuine, tampered, strict=True)) <= 6
    assert genuine.endswith(tampered[-200:])  # the signature block copied as it was

    ok, bad = pdf_check(genuine), pdf_check(tampered)
    assert ok.ok and ok.certificate_id == cert.pk
    assert not bad.ok and bad.number == cert.number and "已被改动" in bad.reason


def test_a_level_the_demo_cannot_raise_is_refused_rather_than_faked(exams):
    with pytest.raises(ValueError):
        tampered_pdf(b"%PDF-1.4\n", "正高级")
    with pytest.raises(ValueError):
        tampered_pdf(b"%PDF-1.4\n(N\\023) Tj\n", "初级")  # the level is not on the page


def test_the_verification_page_reports_the_genuine_file_authentic_and_the_tampered_one_altered(exams, client):
    cert = _level_cert(exams)
    _found, genuine, tampered = demo_files("http://testserver")
    from django.core.files.uploadedfile import SimpleUploadedFile

    answers = []
    for name, data in ((GENUINE_NAME, genuine), (TAMPERED_NAME, tampered)):
        upload = SimpleUploadedFile(name, data, content_type="application/pdf")
        page = client.post("/verify/pdf/", {"file": upload})
        assert page.status_code == 200
        answers.append(page.content.decode())
    assert "PDF 签名有效" in answers[0] and cert.number in answers[0]
    assert "PDF 已被改动" in answers[1] and cert.number in answers[1] and "初级" in answers[1]
    assert "周一鸣" not in answers[1]  # the real data, masked


def test_the_demo_offers_both_files_only_while_the_demo_is_on(exams, client, settings, tmp_path):
    _level_cert(exams)
    settings.PEIYU_DEMO = True
    page = client.get("/demo/accounts/")
    assert "下载演示用篡改证书" in page.content.decode()
    genuine, tampered = (
        client.get("/demo/certificates/genuine.pdf"),
        client.get("/demo/certificates/tampered.pdf"),
    )
    assert pdf_check(genuine.content).ok and not pdf_check(tampered.content).ok
    assert TAMPERED_NAME in tampered["Content-Disposition"]
    assert client.get("/demo/certificates/other.pdf").status_code == 404

    settings.VAR_DIR = tmp_path
    build_tampered({}, {})
    assert pdf_check((tmp_path / "demo" / GENUINE_NAME).read_bytes()).ok
    assert not pdf_check((tmp_path / "demo" / TAMPERED_NAME).read_bytes()).ok

    settings.PEIYU_DEMO = False
    assert client.get("/demo/certificates/tampered.pdf").status_code == 404
