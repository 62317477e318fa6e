"""Every key page fits a phone (360 px) and a desktop (1280 px) in a real Chromium (issue 12 point 7): the
page never scrolls sideways (wide tables scroll inside themselves), the menu collapses behind a button on
the phone and opens and closes with it, and an irreversible action asks before it is sent.

Pages: the portal home, sign-in, an official's to-do list, an application's detail with its checks (each
citing its source document by title), the trainee's check-in, my training, the ID photo, and certificate
verification."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from .training_support import OnlinePlatform, certified_class, fujian_world, id_number, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": (360, 740), "desktop": (1280, 900)}
TRAINEE = "司马文静"
CALL = "ln-phone"


def _open_call(world):
    """An open Liaoning call like seed 004's, issued by the province (the shipped one is closed)."""
    import yaml

    from peiyu.institutions.services.calls import CALL_DIR, call_create

    shipped = yaml.safe_load((CALL_DIR / "liaoning-dte-batch2.yaml").read_text(encoding="utf-8"))
    today = dt.date.today()
    deadline = today + dt.timedelta(days=20)
    return call_create(
        actor=world.ln_official,
        code=CALL,
        region_code="210000",
        title="辽宁测试申报（手机）",
        programme="dte",
        policy_name="liaoning-dte-batch2",
        kinds=["training", "evaluation"],
        occupation_codes=shipped["occupation_codes"],
        levels=["初级", "中级", "高级"],
        opens_on=today - dt.timedelta(days=5),
        deadline=deadline,
        step_deadlines={"city_recommendation": deadline},
        published=True,
    )


# the outermost elements that reach past the window's right edge (what to fix when the page is too wide)
WIDE_ELEMENTS = """() => {
  const limit = window.innerWidth, out = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.getBoundingClientRect().right <= limit + 0.5) continue;
    let parent = el.parentElement, inside = false;
    while (parent && parent !== document.body) {
      const style = getComputedStyle(parent);
      if (parent.getBoundingClientRect().right > limit + 0.5 || /auto|scroll|hidden/.test(style.overflowX)) { inside = true; break; }
      parent = parent.parentElement;
    }
    if (!inside) out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") + " " + Math.round(el.getBoundingClientRect().right));
  }
  return out.slice(0, 8);
}"""


def _no_sideways_scroll(page, what: str) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], (
        f"{what}: the page is {width[0]} px wide in a {width[1]} px window: {page.evaluate(WIDE_ELEMENTS)}"
    )


def _menu_toggles(page, what: str) -> None:
    """On the phone the menu is closed behind its button and the button opens and closes it; on the
    desktop there is no button and the menu is open."""
    toggle = page.locator("header [data-nav-toggle]")
    menu = page.locator("#site-menu")
    if page.viewport_size["width"] >= 760:
        assert not toggle.is_visible() and menu.is_visible(), what
        return
    assert toggle.is_visible() and not menu.is_visible(), f"{what}: the menu is not collapsed"
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true", what
    assert page.locator("header nav.main-nav a").first.is_visible()
    _no_sideways_scroll(page, f"{what} (menu open)")
    toggle.click()
    assert not menu.is_visible() and toggle.get_attribute("aria-expanded") == "false", what


def _log_out(page) -> None:
    """Sign out from the menu (on the phone behind its button)."""
    toggle = page.locator("header [data-nav-toggle]")
    if toggle.is_visible():
        toggle.click()
    page.locator("header form[action$='/accounts/logout/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def _check(page, screenshots, size: str, name: str) -> None:
    page.wait_for_load_state()
    page.screenshot(path=str(screenshots / f"layout-{size}-{name}.png"), full_page=True)
    _no_sideways_scroll(page, f"{name} at {size}")
    _menu_toggles(page, f"{name} at {size}")


def _photo() -> dict:
    import io

    from PIL import Image

    raw = io.BytesIO()
    Image.new("RGB", (900, 1200), (60, 120, 200)).save(raw, format="JPEG")
    return {"name": "selfie.jpg", "mimeType": "image/jpeg", "buffer": raw.getvalue()}


def test_key_pages_fit_a_phone_and_a_desktop_and_the_menu_toggles(page, live_server, screenshots):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peiyu.institutions.services.calls import calls_load
    from peiyu.institutions.tests import factories as f
    from peiyu.training.models import TrainingSession
    from peiyu.training.services.trainees import trainee_self_register
    from tests.personas import PASSWORD

    world = fujian_world()
    calls_load()
    app = f.submitted(world.sy_inst_admin, _open_call(world))
    person = {"name": TRAINEE, "id_number": id_number(20), "phone": "13900000020", "category": "在职职工"}
    klass, cert = certified_class(world, OnlinePlatform(world), person)
    trainee_self_register(
        data={"username": "sima_wj", "password": PASSWORD, "name": TRAINEE, "id_number": person["id_number"]}
    )
    session = TrainingSession.objects.filter(klass=klass, mode="offline").order_by("starts_at").first()
    device = TOTPDevice.objects.create(user=world.sy_official, name="手机认证器", confirmed=True)
    base = live_server.url

    for size, (width, height) in WIDTHS.items():
        context = page.context.browser.new_context(
            locale="zh-CN", viewport={"width": width, "height": height}
        )
        context.set_default_timeout(15_000)
        tab = context.new_page()

        tab.goto(f"{base}/")
        links = tab.locator("#quick-links")
        for name in ("证书查询", "开班公告", "公示与异议", "异议查询", "学员注册"):
            assert links.locator("a", has_text=name).is_visible(), name
        _check(tab, screenshots, size, "portal-home")

        tab.goto(f"{base}/accounts/login/")
        _check(tab, screenshots, size, "sign-in")

        # the official's to-do list and the application's checks: each cites its document by title
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the same code again in this window
        log_in(tab, base, "sy_official", PASSWORD, device=device)
        assert tab.locator("#todo tbody tr", has_text="市级审核推荐").count() == 1
        _check(tab, screenshots, size, "official-todo")
        tab.goto(f"{base}/directory/applications/{app.pk}/")
        rows = tab.locator("#checks table.checks tbody tr")
        assert rows.count() >= 3
        main = tab.locator("#checks").inner_text()
        assert "《关于组织开展国家数字技术工程师培育项目第二批培训机构和评价机构申报工作的通知》" in main
        assert "liaoning-dte-batch2" not in main.split("技术细节")[0]  # the profile code only in the fold
        assert "辽宁省数字技术工程师培育项目第二批机构申报" in main
        _check(tab, screenshots, size, "application-checks")
        # returning the application asks first; saying no sends nothing
        questions: list[str] = []

        def say_no(dialog, asked=questions):
            asked.append(dialog.message)
            dialog.dismiss()

        tab.once("dialog", say_no)
        tab.locator("#act form", has=tab.locator("input[name=action][value=return]")).locator(
            "button[type=submit]"
        ).click()
        assert questions and "退回" in questions[0], questions
        assert tab.url.endswith(f"/directory/applications/{app.pk}/")
        app.refresh_from_db()
        assert app.status == app.Status.IN_REVIEW
        _log_out(tab)

        # the trainee: the check-in page a session's QR code opens, my training, and verification
        log_in(tab, base, "sima_wj", PASSWORD)
        tab.goto(f"{base}/checkin/{session.qr_token}/")
        assert tab.get_by_role("button", name="签到 / 签退").is_visible()
        _check(tab, screenshots, size, "trainee-checkin")
        tab.goto(f"{base}/training/my/")
        assert tab.locator("main table.list tbody tr", has_text=klass.title).is_visible()
        _check(tab, screenshots, size, "my-training")
        # the ID photo printed on certificates: chosen from the phone's camera roll, kept and shown
        tab.goto(f"{base}/training/my/photo/")
        tab.set_input_files("#f-photo", files=[_photo()])
        tab.get_by_role("button", name="保存").click()
        assert tab.locator("img.id-photo").is_visible()
        _check(tab, screenshots, size, "my-photo")
        _log_out(tab)

        tab.goto(f"{base}/verify/training/{cert.verify_token}/")
        status = tab.locator("main .status-large")
        assert status.is_visible() and "有效" in status.inner_text()
        _check(tab, screenshots, size, "verification")
        context.close()

    # a certificate revoked before it moved to the certificates app (ADR 0007 §4): the status large,
    # with when and why
    from peiyu.certificates.models import Certificate

    Certificate.objects.filter(pk=cert.pk).update(status="invalidated", details={
        **cert.details, "revoked_reason": "学员身份信息核查有误", "revoked_at": "2026-03-05T10:00:00+08:00"})  # fmt: skip
    context = page.context.browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    tab = context.new_page()
    tab.goto(f"{base}/verify/training/{cert.verify_token}/")
    assert "已宣布无效" in tab.locator("main .status-large.fail").inner_text()
    revocation = tab.locator("#revocation").inner_text()
    assert "学员身份信息核查有误" in revocation
    assert re.search(r"失效时间\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}", revocation), revocation
    _check(tab, screenshots, "phone", "verification-revoked")
    context.close()

    # the favicon is served
    assert page.request.get(f"{base}/favicon.ico").status == 200
    assert re.search(r"image/", page.request.get(f"{base}/static/peiyu/favicon.svg").headers["content-type"])
