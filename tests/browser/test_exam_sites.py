"""Exam sites in a real Chromium (issue 13 point 1, EVL-1): the Chengdu evaluation organisation enters a
site, its theory, practical and defence rooms and a photo, and reports it; the Wuhou district bureau sees it
on its to-do list and accepts it. Screenshots at 1280 px and at phone width (390 px)."""

from __future__ import annotations

import re
import struct
import zlib

import pytest

from tests.browser.training_support import log_in, log_out, messages_of, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(width: int = 96, height: int = 64) -> bytes:
    """A small real PNG (a grey-blue field), so the page shows an image, not a broken icon."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes((90, 120, 160)) * width for _ in range(height))
    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def _room(
    page, kind: str, name: str, *, seats: str, spacing: str = "", equipment: str = "", one_per_desk=False
):
    page.select_option("#r-kind", kind)
    page.fill("#r-name", name)
    page.fill("#r-seats", seats)
    if spacing:
        page.fill("#r-spacing", spacing)
    if equipment:
        page.fill("#r-equipment", equipment)
    if one_per_desk:
        page.check("#room-form input[name=one_per_desk]")
    page.locator("#room-form button[type=submit]").click()
    page.wait_for_load_state()


def test_an_institution_reports_a_site_and_the_district_bureau_accepts_it(
    page, live_server, screenshots, tmp_path
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peiyu.exams.models import ExamSite
    from peiyu.exams.tests import factories
    from tests.personas import PASSWORD

    world = factories.build()
    base = live_server.url
    shot = shooter(page, screenshots, "exam-site")

    log_in(page, base, "cd_exam_admin", PASSWORD)
    page.goto(f"{base}/exams/sites/new/")
    page.fill("#f-name", "武侯科华考点")
    page.fill("#f-address", "成都市武侯区科华北路1号实训楼")
    page.fill("#f-contact_name", "王敏")
    page.fill("#f-days", "90")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/exams/sites/\d+/$"))
    site = ExamSite.objects.get(name="武侯科华考点")

    _room(page, "theory", "第一理论考场", seats="30", spacing="70", one_per_desk=True)
    _room(page, "practical", "电工实操考场", seats="10", equipment="配电柜、万用表、绝缘工具")
    _room(page, "defence", "综合评审室", seats="6")
    photo = tmp_path / "考场全景.png"
    photo.write_bytes(_png())
    page.set_input_files("#p-photo", str(photo))
    page.fill("#p-caption", "理论考场全景")
    page.locator("#photos form button[type=submit]").click()
    page.wait_for_load_state()

    # desks 70 cm apart: the report is refused with EVL-1 and the site stays a draft
    page.locator("form:has(input[value=report]) button").click()
    page.wait_for_load_state()
    assert "桌距70厘米，不足80厘米" in page.locator("#refusal").inner_text()
    shot("refused-1280")
    site.refresh_from_db()
    assert site.status == "draft"

    room = site.rooms.get(kind="theory")
    page.goto(f"{base}/exams/sites/{site.pk}/")
    page.locator(f"form[action$='/rooms/{room.pk}/remove/'] button").click()
    page.wait_for_load_state()
    _room(page, "theory", "第一理论考场", seats="30", spacing="90", one_per_desk=True)
    page.locator("form:has(input[value=report]) button").click()
    page.wait_for_load_state()
    assert "已报送属地人社部门" in messages_of(page)
    shot("reported-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("reported-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_out(page)

    device = TOTPDevice.objects.create(user=world.users["wuhou_official"], name="手机认证器", confirmed=True)
    log_in(page, base, "wuhou_official", PASSWORD, device=device)
    assert "考核站点待受理" in page.locator("main").inner_text()
    page.goto(f"{base}/exams/sites/{site.pk}/")
    assert page.locator("#photos img").count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    shot("official-390")
    page.locator("form:has(input[value=accept]) button").click()
    page.wait_for_load_state()
    assert "已受理该考核站点" in messages_of(page)
    shot("accepted-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot("accepted-1280")
    site.refresh_from_db()
    assert site.status == "accepted" and site.decided_by == world.users["wuhou_official"]
