"""Public certificate verification in a real Chromium (issue 14 points 6 and 12, CRT-5): an employer
verifies a candidate's certificate by scanning its QR code (the /v/<payload> URL) on a phone and by
typing its number at a desk; an invalidated certificate shows the date and the class of reason; a forged
QR code is shown as forged; the offline verifier checks the SM2 signatures made by core.sm2 in the
browser (sm-crypto) with no request to the server. Screenshots at 1280 px and 390 px."""

from __future__ import annotations

import re

import pytest

from tests.browser.training_support import shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    from peiyu.certificates.tests.verification_support import invalidate, issue
    from peiyu.exams.tests import factories

    world = factories.build()
    valid, invalid, other = issue(world, ["李小红", "王明", "赵晓东"])
    invalidate(world, invalid)
    return world, valid, invalid, other


def test_an_employer_verifies_by_qr_code_and_by_number_and_sees_an_invalidated_one(
    page, live_server, screenshots
):
    from django.urls import reverse

    _, valid, invalid, _ = _world()
    base = live_server.url
    shot = shooter(page, screenshots, "certificate-verification")

    # the candidate's QR code, scanned on the employer's phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + reverse("cert_public:verify_qr", args=[valid.payload]))
    assert page.inner_text("#verdict").startswith("有效")
    assert "二维码签名有效" in page.inner_text("#signature")
    table = page.inner_text("#certificate")
    assert valid.number in table and "李*红" in table and "成都市数字技能评价服务中心" in table
    assert "李小红" not in page.content() and valid.id_number not in page.content()
    shot("qr-valid-390")

    # a QR code whose signature was swapped onto another certificate's content: forged
    body, _ = valid.payload.split(".")
    forged = f"{body}.{invalid.payload.split('.')[1]}"
    page.goto(base + reverse("cert_public:verify_qr", args=[forged]))
    assert "签名无效" in page.inner_text("#verdict")
    assert valid.number not in page.content()
    shot("qr-forged-390")

    # at a desk: typing the number from the paper certificate
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + reverse("cert_public:verify"))
    page.fill("#f-number", valid.number.lower())
    page.locator("#number-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"number="))
    assert page.inner_text("#verdict").startswith("有效")
    shot("number-valid-1280")

    # the invalidated one, by number
    page.fill("#f-number", invalid.number)
    page.locator("#number-form button[type=submit]").click()
    page.wait_for_url(re.compile(invalid.number))
    verdict = page.inner_text("#verdict")
    assert verdict.startswith("已宣布无效") and "考试作弊" in verdict
    assert re.search(r"自 \d{4}-\d{2}-\d{2} 起", verdict)
    shot("number-invalidated-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shot("number-invalidated-390")

    # name + ID number + number, as the national query asks
    page.goto(base + reverse("cert_public:verify") + "?mode=identity")
    page.fill("#f-name", "李小红")
    page.fill("#f-id", valid.id_number)
    page.fill("#f-number", valid.number)
    page.locator("#identity-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.inner_text("#verdict").startswith("有效")
    assert valid.holder_id_masked in page.inner_text("#certificate")
    assert page.input_value("#f-id") == ""  # the ID number is never written back into the page
    shot("identity-390")


def test_the_offline_verifier_checks_core_sm2_signatures_in_the_browser_without_the_server(
    page, live_server, screenshots
):
    from django.urls import reverse

    _, valid, invalid, other = _world()
    base = live_server.url
    shot = shooter(page, screenshots, "offline-verifier")
    page.goto(base + reverse("cert_public:offline_verifier"))
    assert "已载入公钥" in page.inner_text("#keys-status")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    forged = f"{valid.payload.split('.')[0]}.{other.payload.split('.')[1]}"
    lines = [
        base + reverse("cert_public:verify_qr", args=[valid.payload]),
        invalid.payload,
        forged,
        "不是二维码",
    ]
    page.fill("#payloads", "\n".join(lines))
    page.locator("#verify-button").click()
    rows = page.locator("#results-body li")
    assert rows.count() == 4
    texts = [rows.nth(i).inner_text() for i in range(4)]
    assert texts[0].startswith("✔") and valid.number in texts[0]
    assert texts[1].startswith("✔") and invalid.number in texts[1]  # the signature is genuine
    assert texts[2].startswith("✘") and "签名不符" in texts[2]
    assert texts[3].startswith("✘") and "格式不符" in texts[3]
    assert requests == []  # no network
    shot("batch-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.fill("#payloads", valid.payload)
    page.fill("#holder-name", "李小红")
    page.locator("#verify-button").click()
    assert page.locator("#results-body li").first.inner_text().startswith("✔")
    page.fill("#holder-name", "李小虹")
    page.locator("#verify-button").click()
    assert "姓名与证书持有人不符" in page.locator("#results-body li").first.inner_text()
    shot("name-390")

    # the tool switches to English on the spot, results and all, and back
    page.locator("#language-switch").click()
    assert page.inner_text("h1") == "Offline certificate verifier"
    assert "key loaded (included in the download" in page.inner_text("#keys-status")
    first = page.locator("#results-body li").first.inner_text()
    assert first.startswith("✘ Not valid") and "the name is not the holder's" in first
    assert page.locator("#language-switch").inner_text() == "中文"
    shot("english-390")
    page.locator("#language-switch").click()
    assert page.inner_text("h1") == "证书离线核验工具"


def test_the_downloaded_verifier_works_from_a_file_with_no_server(page, live_server, screenshots, tmp_path):
    from django.test import Client
    from django.urls import reverse

    _, valid, _, other = _world()
    html = Client().get(reverse("cert_public:offline_verifier"), {"download": "1"}).content
    saved = tmp_path / "peiyu-offline-verifier.html"
    saved.write_bytes(html)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(saved.as_uri())
    assert "已载入公钥" in page.inner_text("#keys-status")
    forged = f"{valid.payload.split('.')[0]}.{other.payload.split('.')[1]}"
    page.fill("#payloads", f"{valid.payload}\n{forged}")
    page.locator("#verify-button").click()
    items = page.locator("#results-body li")
    assert items.nth(0).inner_text().startswith("✔") and items.nth(1).inner_text().startswith("✘")
    assert [u for u in requests if not u.startswith("file:")] == []
    shooter(page, screenshots, "offline-verifier")("file-390")
