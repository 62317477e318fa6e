"""The signed certificate PDF (CRT-4, CRT-5): one layout for every kind, the same bytes every time, and an
embedded SM2 signature so that any edit of the file shows as tampered."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
import segno
from django.utils import timezone
from reportlab.lib.rl_accel import escapePDF

from peiyu.certificates.models import Certificate
from peiyu.certificates.services import keys as key_svc
from peiyu.certificates.services.pdf import certificate_pdf, pdf_check
from peiyu.certificates.services.pdf_page import QR_SCALE
from peiyu.certificates.services.signing import certificates_sign, signing_key_for
from peiyu.core.documents.qr_fast import qr_modules
from peiyu.exams.tests import factories

URL = "https://peiyu.example.cn/v/"


def _cert(
    world, *, kind="skill", number="S0000511234560126400001", org_key="cd_social1", **extra
) -> Certificate:
    person = factories.person("王小明", f"51010719900101{int(number[-3:]):03d}")
    org = world.orgs[org_key]
    values = {
        "kind": kind, "number": number, "verify_token": f"tok-{number}", "holder": person,
        "holder_name": "王小明", "holder_id_masked": "510107********0012", "holder_id_index": person.id_index,
        "institution": org, "issuer_name": org.name, "region_code": org.region_id or "",
        "programme": "skill", "occupation_code": "6-31-01-03", "occupation_name": "电工", "level": "四级",
        "issued_on": dt.date(2026, 4, 20), "source_kind": "registration", "source_id": int(number[-3:]),
        **extra,
    }  # fmt: skip
    cert = Certificate.objects.create(**values)
    certificates_sign([cert])
    cert.refresh_from_db()
    return cert


def _stream(pdf: bytes) -> bytes:
    """The page's content stream (uncompressed in our PDFs)."""
    return re.search(rb"stream\n(.*?)endstream", pdf, re.S).group(1)


def _cid(text: str) -> bytes:
    """How the CJK font's text appears in the stream: UTF-16BE, escaped as reportlab escapes strings."""
    return escapePDF(text.encode("utf-16-be")).encode("latin-1")


def test_the_pdf_is_deterministic_and_verifies(exams):
    cert = _cert(exams)
    pdf = certificate_pdf(cert, verify_url=URL + cert.payload)
    assert pdf.startswith(b"%PDF-") and certificate_pdf(cert, verify_url=URL + cert.payload) == pdf
    check = pdf_check(pdf)
    assert check.ok and check.number == cert.number and check.certificate_id == cert.pk
    assert check.key_id == cert.key.key_id
    assert b"%PEIYU-SIGNATURE 1 SM2-SM3\n%number " + cert.number.encode() in pdf[-300:]
    assert pdf.endswith(b"%%EOF\n")


def test_the_page_names_the_holder_the_facts_the_issuer_and_carries_seal_and_qr(exams):
    cert = _cert(exams, direction="低压电工")
    pdf = certificate_pdf(cert, verify_url=URL + cert.payload)
    page = _stream(pdf)
    assert b"(" + cert.number.encode() + b")" in page  # printed in Latin text, searchable
    for text in ["王小明", "510107********0012", "电工", "低压电工", "四级", "职业技能等级证书", "证书专用章", "照片",
                 "发证日期：2026年4月20日"]:  # fmt: skip
        assert _cid(text) in page, text
    for ch in cert.issuer_name:  # the seal writes the issuer's name around, one character at a time
        assert _cid(ch) in page
    assert "职业技能等级证书 ".encode("utf-16-be").hex().upper().encode() in pdf  # the document title
    # the QR: an inline image of one bit a pixel, light = 1, QR_SCALE pixels a module, quiet zone of 2 modules
    found = re.search(rb"BI /W (\d+) /H \d+ /BPC 1 /CS /G /I false /F /AHx ID\n([0-9a-f]+)>\nEI", page)
    width, data = int(found.group(1)), bytes.fromhex(found.group(2).decode())
    size, modules = qr_modules(URL + cert.payload)
    row_bytes, k = (width + 7) // 8, QR_SCALE
    assert width == (size + 4) * k
    for r in range(size):
        row = int.from_bytes(data[((r + 2) * k) * row_bytes : ((r + 2) * k + 1) * row_bytes], "big")
        for c in range(size):
            dark = not (row >> (row_bytes * 8 - 1 - (c + 2) * k)) & 1
            assert dark == bool(modules[r * size + c])
    code = segno.make(URL + cert.payload, error="m", mode="byte", mask=4, boost_error=False, micro=False)
    assert modules == b"".join(bytes(row) for row in code.matrix)


@pytest.mark.parametrize(
    "edit",
    [
        lambda pdf: pdf.replace(b"S0000511234560126400001)", b"S0000511234560126400009)", 1),
        lambda pdf: pdf[:400] + bytes([pdf[400] ^ 1]) + pdf[401:],
        lambda pdf: pdf + b"1 0 obj\n<< >>\nendobj\n%%EOF\n",  # an incremental update appended
        lambda pdf: pdf[: pdf.rindex(b"%sig ")] + b"%sig " + b"A" * 86 + b"\n%%EOF\n",
        lambda pdf: pdf.replace(b"%number S0000511234560126400001", b"%number S0000511234560126400002"),
    ],
    ids=["number-in-page", "any-byte", "appended-update", "signature-replaced", "block-number"],
)
def test_an_edited_pdf_shows_as_tampered(exams, edit):
    cert = _cert(exams)
    pdf = certificate_pdf(cert, verify_url=URL + cert.payload)
    edited = edit(pdf)
    assert edited != pdf
    check = pdf_check(edited)
    assert not check.ok and check.reason


def test_a_pdf_without_signature_or_not_a_pdf_is_refused(exams):
    assert pdf_check(b"hello").reason == "不是 PDF 文件"
    check = pdf_check(b"%PDF-1.4\n%%EOF\n")
    assert not check.ok and "电子签名" in check.reason


def test_training_certificates_print_hours_and_the_continuing_education_line(exams):
    cert = _cert(
        exams, kind="training", number="PX2026510107000001", programme="training",
        details={"hours": 40, "ce_year": 2026, "ce_hours": 40},
    )  # fmt: skip
    pdf = certificate_pdf(cert, verify_url=URL + cert.payload)
    assert pdf_check(pdf).ok
    page = _stream(pdf)
    assert _cid("计入2026年度专业技术人员继续教育学时40学时") in page  # TRN-7
    assert _cid("全国") not in page  # CRT-2 (000 Art. 19): not even in the line about the hours


def test_no_text_the_platform_prints_on_a_certificate_uses_a_restricted_word():
    from peiyu.certificates.rules.templates import DEFAULTS, SEAL_CENTRE, restricted_in
    from peiyu.certificates.services import pdf_page

    fixed = [pdf_page.CE_LINE, SEAL_CENTRE, "发证机构：", "发证日期：", "证书编号：", "照片"]
    fixed += [w.title + w.body + w.seal_text for w in DEFAULTS.values()]
    assert [t for t in fixed if restricted_in(t)] == []


def test_a_retired_key_still_verifies_old_pdfs_and_a_revoked_one_only_before_its_date(exams):
    cert = _cert(exams)
    pdf = certificate_pdf(cert, verify_url=URL + cert.payload)
    org = exams.orgs["cd_social1"]
    admin = exams.users.get("cd_social1_admin") or _admin(exams, org)
    key_svc.key_rotate(actor=admin, institution=org, reason="年度轮换")
    assert signing_key_for(org).pk != cert.key_id
    assert pdf_check(pdf).ok
    old = cert.key
    key_svc.key_revoke(actor=admin, key=old, reason="私钥疑似泄露")
    old.refresh_from_db()
    assert old.revoked_at is not None and timezone.localdate(old.revoked_at) >= dt.date(2026, 3, 2)
    # issued 2026-04-20, after the key was revoked (the test world's today is 2026-03-02)
    check = pdf_check(pdf)
    assert not check.ok and "吊销" in check.reason


def _admin(world, org):
    from tests.personas import _user

    return _user(world, "cd_social1_admin", org, "institution_admin")


# a 543-byte JPEG (CPython's test image imghdrdata/python.jpg, PSF licence)
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBD/wAARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABwQF/8QAJBAAAQQBBAICAwAAAAAAAAAAAQIDBAYFBwgSExEiABQJMTL/xAAVAQEBAAAAAAAAAAAAAAAAAAAABv/EACMRAAECBQMFAAAAAAAAAAAAAAECEQMEBQYhABIxFRZhgeH/2gAMAwEAAhEDEQA/ABSm0mobc8HmExLUlRzzEWPkJWW+ulrsaUVAseUgslSlH9LKuPryIKuWPZdskzXmm3fX5m2nF4GlVxx/HOpx4ks51+MiU/Iaad7UcUo4tILoS4kqcWkezS0hO/HvuRp0rO6hWnWO1UisZVuFi4GFeyEpmGepa5S5SWVPuciFKRFLgSrwetnyPIB+Vb4N9mKhQMzo5po9XLdDs9d6ZVix2VEhiL9kuNPxw2gEKcDQ/rs8AuA8VAe0vdl7VOYn+27flGAUgmITjbhSmCg3BYlyeWDkMolvw4KOp1KM6iCNvngZHwetf//Z"
)


def test_a_photo_is_placed_in_its_frame_and_the_file_still_verifies(exams):
    cert = _cert(exams)
    pdf = certificate_pdf(cert, verify_url=URL + cert.payload, photo=JPEG)
    assert pdf_check(pdf).ok and certificate_pdf(cert, verify_url=URL + cert.payload, photo=JPEG) == pdf
    assert b"/Subtype /Image" in pdf and b"/DCTDecode" in pdf
    assert _cid("照片") not in pdf and _cid("王小明") in pdf


def test_the_holders_own_id_photo_is_printed_when_they_have_uploaded_one(exams):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from peiyu.training.services.photos import person_photo_set
    from peiyu.training.tests.completion_factories import trainee_user

    cert = _cert(exams)
    without = certificate_pdf(cert, verify_url=URL + cert.payload)
    assert _cid("照片") in without and b"/Subtype /Image" not in without  # the frame, waiting for one
    cert.holder.user = trainee_user(exams, "wang_holder")
    cert.holder.save(update_fields=["user"])
    raw = io.BytesIO()
    Image.new("RGB", (450, 600), (20, 90, 160)).save(raw, format="JPEG")
    person_photo_set(actor=cert.holder.user, upload=SimpleUploadedFile("me.jpg", raw.getvalue()))
    pdf = certificate_pdf(cert, verify_url=URL + cert.payload)
    assert b"/Subtype /Image" in pdf and _cid("照片") not in pdf and pdf_check(pdf).ok
