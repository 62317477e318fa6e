"""The holder's wallet in a real Chromium (issue 14 points 8 and 12): a person with a Hubei DTE 中级 level
certificate, a training certificate and a reissued Chengdu skill certificate signs in, finds 我的证书 in
the menu, sees the three as cards (the level one with its title equivalence, CRT-6; the old skill one as
已换发 with its new number), shows one on a phone — the status large and the QR code nearly as wide as
the screen — and the address in the QR code verifies. Screenshots at 390 px and 1280 px."""

from __future__ import annotations

import re

import pytest

from tests.browser.training_support import log_in, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    from peiyu.certificates.services.certificates_reissue import certificate_reissue
    from peiyu.certificates.tests.certificates_support import DTE, TRAINING, holder_account, issue, person
    from peiyu.exams.tests import factories

    world = factories.build()
    account = holder_account(world, "zhou_holder")
    zhou = person("周一鸣", "42010619920301012", user=account)
    level = issue(world, zhou, spec=DTE, level="中级")
    training = issue(world, zhou, spec=TRAINING, hours=80)
    skill = issue(world, zhou)
    new_skill = certificate_reissue(
        actor=world.cd_social1_admin, certificate=skill, kind="lost", reason="遗失"
    )
    return account, zhou, level, training, skill, new_skill


def test_the_holder_sees_every_certificate_and_shows_one_on_a_phone(page, live_server, screenshots):
    from tests.personas import PASSWORD

    account, zhou, level, training, skill, new_skill = _world()
    base = live_server.url
    shot = shooter(page, screenshots, "certificate-wallet")

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, account.username, PASSWORD)
    page.locator("[data-nav-toggle]").click()
    page.get_by_role("link", name="我的证书").click()
    page.wait_for_url(re.compile(r"/certificates/wallet/$"))
    cards = page.locator("article.wallet-card")
    assert cards.count() == 4
    text = page.inner_text("main")
    for c in (level, training, skill, new_skill):
        assert c.number in text
    assert "可直接认定为相应专业中级职称" in page.inner_text(f"#cert-{level.pk}")
    old = page.inner_text(f"#cert-{skill.pk}")
    assert "已换发" in old and new_skill.number in old and "出示证书" not in old
    assert zhou.id_number not in page.content()
    # one column on a phone: each card as wide as the content area
    box = cards.first.bounding_box()
    assert box is not None and box["width"] > 330
    shot("cards-390")

    page.locator(f"#cert-{level.pk}").get_by_role("link", name="出示证书").click()
    page.wait_for_url(re.compile(rf"/certificates/wallet/{level.pk}/$"))
    assert page.inner_text(".status-large").strip().startswith("有效")
    qr = page.locator(".qr-large svg").bounding_box()
    assert qr is not None and qr["width"] >= 320 and abs(qr["width"] - qr["height"]) < 2
    shot("show-390")

    # the address the QR code carries verifies as valid
    assert page.get_attribute("#verify-link", "href").endswith(f"/v/{level.payload}")
    page.click("#verify-link")
    page.wait_for_url(re.compile(r"/v/"))
    assert page.inner_text("#verdict").startswith("有效")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "/certificates/wallet/")
    first, second = page.locator("article.wallet-card").nth(0), page.locator("article.wallet-card").nth(1)
    a, b = first.bounding_box(), second.bounding_box()
    assert a is not None and b is not None and abs(a["y"] - b["y"]) < 2  # side by side at desktop width
    shot("cards-1280")
    page.goto(base + f"/certificates/wallet/{level.pk}/")
    shot("show-1280")
    pdf = page.request.get(base + f"/certificates/wallet/{level.pk}/certificate.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
