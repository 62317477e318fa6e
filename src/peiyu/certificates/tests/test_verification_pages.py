"""Public verification pages (CRT-5, CRT-8): by number, by the QR code's signed payload, by name + ID
number + number; invalidated and reissued certificates; the budgets against enumeration."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from peiyu.certificates.rules.payload import payload_decode

from .verification_support import invalidate, issue, reissue

pytestmark = pytest.mark.django_db


def _page(client, number):
    return client.get(reverse("cert_public:verify"), {"number": number})


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_number_shows_the_status_large_the_issuer_and_the_masked_name_never_the_id_number(exams, client):
    cert, _ = issue(exams)
    response = _page(client, cert.number.lower())
    assert response.status_code == 200
    page = _text(response)
    assert 'class="status-large ok"' in page and "有效" in page
    assert "李*红" in page and "李小红" not in page
    assert "成都市数字技能评价服务中心" in page and "电工" in page and "四级" in page and "2026-04-20" in page
    assert cert.id_number not in page and cert.id_number[-4:] not in page  # not even the masked number
    assert response["Cache-Control"] == "no-store"


def test_an_unknown_number_is_not_found(exams, client):
    response = _page(client, "S0000510000012640099999")
    assert response.status_code == 404
    assert "未找到该证书" in _text(response)


def test_name_id_number_and_number_together_find_it_and_any_wrong_one_does_not(exams, client):
    cert, _ = issue(exams)
    url = reverse("cert_public:verify")
    ok = client.post(url, {"name": "李小红", "id_number": cert.id_number.lower(), "number": cert.number})
    assert ok.status_code == 200
    page = _text(ok)
    assert "李*红" in page and cert.holder_id_masked in page and cert.id_number not in page
    for name, id_number in (("李小虹", cert.id_number), ("李小红", "510107199001019999")):
        wrong = client.post(url, {"name": name, "id_number": id_number, "number": cert.number})
        assert wrong.status_code == 404
        assert "姓名、身份证号码与证书编号不一致，或证书不存在" in _text(wrong)
    empty = client.post(url, {"name": "", "id_number": "", "number": cert.number})
    assert empty.status_code == 400
    assert "请输入持证人姓名" in _text(empty) and "请输入身份证号码" in _text(empty)
    assert cert.number in _text(empty)  # what was typed is kept (not the ID number)


def test_the_qr_url_verifies_the_signature_then_shows_the_register(exams, client):
    cert, _ = issue(exams)
    response = client.get(reverse("cert_public:verify_qr", args=[cert.payload]))
    assert response.status_code == 200
    page = _text(response)
    assert 'id="signature"' in page and "二维码签名有效" in page
    assert cert.number in page and "李*红" in page and 'id="differences"' not in page


def test_a_qr_payload_whose_signature_fails_is_shown_forged_and_not_looked_up(exams, client):
    cert, other = issue(exams)
    body, signature = cert.payload.split(".")
    _, other_signature = other.payload.split(".")
    for forged in (
        f"{body}.{other_signature}",
        f"{body[:-2]}AA.{signature}",
        "not-a-payload",
        f"{body}.{signature}x",
    ):
        response = client.get(reverse("cert_public:verify_qr", args=[forged]))
        assert response.status_code == 200
        page = _text(response)
        assert 'class="status-large fail"' in page and "签名无效" in page
        assert cert.number not in page and "李*红" not in page  # a forgery never borrows the real record


def test_a_key_unknown_to_the_published_keys_is_forged(exams, client):
    from peiyu.certificates.rules.payload import PayloadFields, payload_encode
    from peiyu.core import sm2

    cert, _ = issue(exams)
    private, _public = sm2.generate()
    claims = payload_decode(cert.payload)
    forged = payload_encode(
        PayloadFields(
            cert.number,
            cert.kind,
            cert.holder_name,
            cert.occupation_code,
            cert.level,
            cert.issued_on,
            claims.key_id + "0",
        ),
        lambda b: sm2.sign(private, b),
    )
    page = _text(client.get(reverse("cert_public:verify_qr", args=[forged])))
    assert "签名无效" in page and "签名密钥未公布" in page


def test_an_invalidated_certificate_shows_the_date_and_the_class_of_reason(exams, client):
    cert, _ = issue(exams)
    invalidate(exams, cert)
    page = _text(_page(client, cert.number))
    assert 'class="status-large fail"' in page and "已宣布无效" in page
    assert f"自 {cert.invalidated_on:%Y-%m-%d} 起" in page and "考试作弊" in page
    qr = _text(client.get(reverse("cert_public:verify_qr", args=[cert.payload])))
    assert (
        "二维码签名有效" in qr and "已宣布无效" in qr
    )  # the signature is genuine; the status is what counts


def test_a_reissued_certificate_links_to_the_new_number(exams, client):
    cert, _ = issue(exams)
    new = reissue(exams, cert)
    page = _text(_page(client, cert.number))
    assert 'class="status-large warn"' in page and "已换发" in page
    assert f'id="replaced-by">{new.number}</a>' in page
    assert "有效" in _text(_page(client, new.number))


def test_misses_have_a_smaller_budget_than_hits_and_the_refusal_says_when_to_retry(exams, client, settings):
    settings.PEIYU_VERIFY_MISSES_PER_WINDOW = 3
    settings.PEIYU_VERIFY_HITS_PER_WINDOW = 6
    cert, _ = issue(exams)
    for _ in range(5):
        assert _page(client, cert.number).status_code == 200  # an employer checking real certificates
    for i in range(3):
        assert _page(client, f"S0000510000012649{i:05d}").status_code == 404
    refused = _page(client, "S0000510000012649999999")
    assert refused.status_code == 429
    assert re.search(r"查询过于频繁，请于 \d\d:\d\d 后再试", _text(refused))
    assert int(refused["Retry-After"]) > 0
    assert _page(client, cert.number).status_code == 429  # the window is spent for this address
    other = client.__class__(REMOTE_ADDR="10.1.2.3")
    assert _page(other, cert.number).status_code == 200  # another address is not affected


def test_hits_have_a_budget_too(exams, client, settings):
    settings.PEIYU_VERIFY_HITS_PER_WINDOW = 2
    cert, _ = issue(exams)
    assert [_page(client, cert.number).status_code for _ in range(3)] == [200, 200, 429]


def test_an_uploaded_pdf_is_authentic_or_tampered_and_the_register_is_shown_by_its_number(exams, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from peiyu.certificates.services.pdf import certificate_pdf

    cert, _ = issue(exams)
    url = reverse("cert_public:verify_qr", args=[cert.payload])
    data = certificate_pdf(cert, verify_url=f"https://peiyu.example.cn{url}")
    upload = reverse("cert_public:verify_pdf")
    genuine = client.post(upload, {"file": SimpleUploadedFile("c.pdf", data, "application/pdf")})
    page = _text(genuine)
    assert genuine.status_code == 200 and "PDF 签名有效" in page and cert.number in page and "李*红" in page
    at = data.index(b"/Contents") if b"/Contents" in data else len(data) // 3
    edited = data[:at] + (b"X" if data[at : at + 1] != b"X" else b"Y") + data[at + 1 :]
    tampered = client.post(upload, {"file": SimpleUploadedFile("c.pdf", edited, "application/pdf")})
    page = _text(tampered)
    assert "PDF 已被改动或不是签发的原件" in page and cert.number in page and "有效" in page
    junk = client.post(upload, {"file": SimpleUploadedFile("c.pdf", b"hello", "application/pdf")})
    assert "无法识别" in _text(junk) and "不是 PDF 文件" in _text(junk)
    assert client.post(upload, {}).status_code == 400
