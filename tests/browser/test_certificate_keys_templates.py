"""Signing keys and certificate templates in a real Chromium (issue 14 points 3 and 5, CRT-2, CRT-4): the
evaluation institution's administrator rotates its key with a reason and sees a refused wording named field
by field; an issuer named 中国… has its template held, and the Hubei official decides it on a phone.
Screenshots at 1280 px and at phone width (390 px)."""

from __future__ import annotations

import pytest

from tests.browser.training_support import log_in, log_out, messages_of, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_keys_rotate_wording_refused_and_a_held_template_decided_on_a_phone(
    page, live_server, screenshots, time_machine
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peiyu.certificates.models import CertificateTemplate, SigningKey
    from peiyu.certificates.services.signing import signing_key_for
    from peiyu.exams.tests import factories
    from tests.personas import PASSWORD, _org, _user

    time_machine.move_to(factories.DAY, tick=False)
    world = factories.build()
    org = world.orgs["hb_eval"]
    cie = _org(world, "cie_hb", "中国电子学会湖北评价中心", "institution", "420100")
    _user(world, "cie_admin", cie, "institution_admin")
    first = signing_key_for(org)
    base = live_server.url
    shot = shooter(page, screenshots, "certificate-keys-templates")

    log_in(page, base, "hb_eval_admin", PASSWORD)
    page.goto(f"{base}/certificates/keys/")
    assert first.key_id in page.inner_text("main")
    page.locator("summary", has_text="轮换密钥").click()
    page.fill("textarea[name=reason]:visible", "年度轮换")
    page.get_by_role("button", name="停用当前密钥并启用新密钥").click()
    page.wait_for_load_state()
    assert "已轮换签名密钥" in messages_of(page)
    assert "已停用（仍可验证）" in page.inner_text("main")
    shot("keys-1280")

    page.goto(f"{base}/certificates/templates/")
    page.get_by_role("link", name="新建专业技术等级证书样式").click()
    page.wait_for_load_state()
    assert page.input_value("#f-title") == "专业技术等级证书"  # the kind's default wording to start from
    page.fill("#f-title", "全国通用等级证书")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="检查并启用").click()
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert (
        "证书名称不得使用“全国”" in text and "CRT-2" in text and text.count("证书名称不得使用") == 2
    )  # message + check
    shot("template-refused-1280")
    log_out(page)

    log_in(page, base, "cie_admin", PASSWORD)
    page.goto(f"{base}/certificates/templates/new/?kind=level")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="检查并启用").click()
    page.wait_for_load_state()
    assert "已提交主管部门决定" in messages_of(page)
    log_out(page)

    page.set_viewport_size({"width": 390, "height": 844})
    device = TOTPDevice.objects.create(user=world.users["hb_official"], name="手机认证器", confirmed=True)
    log_in(page, base, "hb_official", PASSWORD, device=device)
    page.goto(f"{base}/certificates/templates/")
    page.get_by_role("link", name="专业技术等级证书").click()
    page.wait_for_load_state()
    assert "中国电子学会湖北评价中心" in page.inner_text("main")
    page.fill("#f-reason", "系该学会法定名称，同意使用")
    shot("template-held-390")
    page.get_by_role("button", name="同意使用").click()
    page.wait_for_load_state()
    assert "已同意使用该证书样式" in messages_of(page)
    assert CertificateTemplate.objects.get(institution=cie).status == "active"
    assert SigningKey.objects.filter(institution=org).count() == 2
    page.context.clear_cookies()  # signed out (the phone's menu hides the button)
    log_in(page, base, "hb_eval_admin", PASSWORD)
    page.goto(f"{base}/certificates/keys/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # nothing wider than the phone
    shot("keys-390")
