"""Staff check-in in a real Chromium (JOURNEYS.md 7): on a phone (390 px) the institution's staff find a
trainee by typing part of the name — the list narrows as they type (htmx, no inline script) — tell two
王芳 apart by the masked tails of their ID numbers and phones, and check the right one in; at 1280 px the
session's QR code fills the screen for a projector, and printing keeps only the QR and the instructions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.training_support import log_in, messages_of, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _room():
    """The personas' world; a running class of the Shenyang institution over today; two 王芳 and a 李强
    enrolled; a session from 08:00 to 22:00 today (Beijing time)."""
    from peiyu.core.policy import load_policy_files
    from peiyu.training.models import TrainingClass, TrainingPlan
    from peiyu.training.services import attendance as svc
    from peiyu.training.tests.attendance_support import enrol, sy_class, trainee
    from tests.personas import build_world

    world = build_world()
    load_policy_files()
    _listing(world)
    klass = sy_class(world)
    today = timezone.localdate()
    TrainingPlan.objects.filter(pk=klass.plan_id).update(
        starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=20)
    )
    TrainingClass.objects.filter(pk=klass.pk).update(
        starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=20)
    )
    klass.refresh_from_db()
    people = [trainee(world, "王芳"), trainee(world, "王芳"), trainee(world, "李强")]
    for p, phone in zip(people, ["13800001111", "13900002222", "13700003333"], strict=True):
        p.phone = phone
        p.save(update_fields=["phone"])
        enrol(klass, p)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today, dt.time(8, 0), tzinfo=tz)
    session = svc.session_create(
        actor=world.sy_inst_admin,
        klass=klass,
        data={
            "topic": "机器学习基础",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=14),
            "venue": "实训楼301",
        },
    )
    return world, session, people


def _listing(world):
    """The Shenyang institution's AI training listing the class's plan names (as the training tests)."""
    from peiyu.catalogs.models import Occupation
    from peiyu.institutions.models import Listing
    from peiyu.institutions.tests import factories as directory_factories

    directory_factories.load_reference()
    Occupation.objects.get_or_create(
        code="2-02-38-01",
        defaults={
            "name": "人工智能工程技术人员",
            "programme": "dte",
            "kind": "professional",
            "confidence": "confirmed",
        },
    )
    org = world.orgs["inst_sy"]
    world.listings = {
        "sy_ai": Listing.objects.create(
            number="LT-SY-AI",
            programme="dte",
            institution=org,
            institution_name=org.name,
            kind="training",
            occupation_code="2-02-38-01",
            occupation_name="人工智能工程技术人员",
            levels=["初级", "中级"],
            region_id=org.region_id,
            valid_from=dt.date(2025, 1, 1),
            valid_until=dt.date(2027, 12, 31),
            status="active",
        )
    }


def test_staff_check_a_namesake_in_with_the_picker_on_a_phone(page, live_server, screenshots):
    from playwright.sync_api import expect

    from peiyu.training.models import Attendance
    from tests.personas import PASSWORD

    _world, session, people = _room()
    base = live_server.url
    shot = shooter(page, screenshots, "checkin-picker")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "sy_inst_admin", PASSWORD)
    page.goto(base + reverse("training:session_detail", args=[session.pk]))
    picker = page.locator("#picker-q")
    picker.fill("王芳")
    expect(page.locator("#picker-results li.picker-item")).to_have_count(2)
    items = page.locator("#picker-results li.picker-item")
    assert items.count() == 2  # narrowed as typed: 李强 is gone without a page load
    text = page.locator("#picker-results").inner_text()
    assert "…1111" in text and "…2222" in text and "同名" in text
    # the picker as the phone shows it (a viewport shot: a full-page one leaves Chromium unable to click)
    page.locator("#picker-results").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "checkin-picker-390-namesakes.png"))
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 392)"
        ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide  # nothing wider than the phone
    second = items.filter(has_text="…2222")
    with page.expect_navigation():
        second.locator("button[type=submit]").click()
    assert "签到" in messages_of(page)
    assert Attendance.objects.filter(session=session, enrolment__trainee=people[1]).exists()
    assert not Attendance.objects.filter(session=session, enrolment__trainee=people[0]).exists()
    picker = page.locator("#picker-q")
    picker.fill("1111")
    expect(page.locator("#picker-results li.picker-item")).to_have_count(1)
    assert page.locator("#picker-results li.picker-item").count() == 1
    shot("390-after")


def test_the_session_qr_fills_a_projector_screen_and_prints_alone(page, live_server, screenshots):
    from tests.personas import PASSWORD

    _world, session, _people = _room()
    base = live_server.url
    shot = shooter(page, screenshots, "checkin-qr")
    log_in(page, base, "sy_inst_admin", PASSWORD)
    page.goto(base + reverse("training:session_detail", args=[session.pk]))
    page.locator("a", has_text="全屏显示签到二维码").click()
    page.wait_for_url("**" + reverse("training:session_qr", args=[session.pk]))
    svg = page.locator(".qr-big svg")
    assert svg.get_attribute("viewBox") and not svg.get_attribute("width")  # drawn to the box's size
    box = svg.bounding_box()
    drawn = page.locator(".qr-big svg path").bounding_box()
    assert box is not None and drawn is not None and box["height"] >= 900 * 0.55  # most of the screen
    assert drawn["height"] >= box["height"] * 0.85  # the code itself, not a small code in a big box
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shot("1280")
    page.emulate_media(media="print")
    assert not page.locator(".qr-tools").is_visible()
    shot("1280-print")
