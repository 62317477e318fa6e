"""Helpers of the browser tests of JOURNEYS.md 3–6 (the expert review, the public notice, the Chengdu
filing, renewal and forfeiture): signing a persona in (with TOTP when the persona is an official),
screenshots at desktop and at phone width named `journey<N>-<NN>-<step>[-phone].png`, and the set-up
each journey starts from, built through the services (open calls on today's date, applications moved
along their route, an expert pool with accounts, a catalog entry three years old)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time
from contextlib import contextmanager

from django.utils import timezone

from .training_support import log_in, messages_of

__all__ = ["messages_of"]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AI = "2-02-38-01"
AI_NAME = "人工智能工程技术人员"
ELECTRICIAN = "6-31-01-03"
_serial = itertools.count(1)


# --- in the browser ---------------------------------------------------------------------------------------------


def sign_in(page, base: str, user, password: str) -> None:
    """Sign `user` in on the login page; an official (SEC-1) gets a confirmed authenticator and types
    its current code on the verify page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peiyu.accounts.scoping import is_official

    device = None
    if is_official(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="手机认证器", confirmed=True
        )
        _wait_for_a_new_code(device)
    log_in(page, base, user.username, password, device=device)


def _wait_for_a_new_code(device) -> None:
    """A code is accepted once (django-otp refuses a replay): signing in again within the same 30
    seconds waits for the authenticator's next code, as the person would."""
    device.refresh_from_db()
    while int(time.time() - device.t0) // device.step <= device.last_t:
        time.sleep(0.5)


def open_menu(page) -> None:
    """On a narrow screen the menu is folded behind its button: unfold it."""
    toggle = page.locator("header [data-nav-toggle]")
    if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def nav_click(page, label: str) -> None:
    """Follow a menu entry of the top bar, as a user would at any width."""
    open_menu(page)
    link = page.locator("header nav.main-nav a", has_text=label).first
    group = page.locator("header nav.main-nav details.nav-group", has=page.locator("a", has_text=label))
    if group.count() and group.first.get_attribute("open") is None:
        group.first.locator("summary").click()  # the entry is folded in a menu group: unfold it
    link.click()


def log_out(page) -> None:
    open_menu(page)
    page.locator("header form[action$='/accounts/logout/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def switch_user(page, base: str, user, password: str) -> None:
    """Log the current user out from the top bar (if any) and sign `user` in."""
    if page.locator("header form[action$='/accounts/logout/'] button[type=submit]").count():
        log_out(page)
    sign_in(page, base, user, password)


class Shots:
    """Full-page screenshots of one journey, numbered in the order they are taken."""

    def __init__(self, page, directory, journey: int) -> None:
        self.page, self.directory, self.journey = page, directory, journey
        self.n = 0

    def __call__(self, name: str) -> None:
        self.n += 1
        path = self.directory / f"journey{self.journey}-{self.n:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def phone(self, name: str) -> None:
        """The same page at phone width (390 px), then back to the desktop width."""
        with phone_width(self.page):
            self(f"{name}-phone")


@contextmanager
def phone_width(page):
    page.set_viewport_size(PHONE)
    try:
        yield
    finally:
        page.set_viewport_size(DESKTOP)


def todo_rows(page, text: str):
    """The rows of the workbench's to-do list that mention `text`."""
    return page.locator("#todo tbody tr", has_text=text)


def main_text(page) -> str:
    return page.locator("main").inner_text()


def fits_the_width(page) -> bool:
    """Nothing in the page is wider than the viewport (tables scroll inside their own box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def url_ends(path: str):
    return re.compile(re.escape(path) + r"(\?.*)?(#.*)?$")


# --- calls --------------------------------------------------------------------------------------------------------


def liaoning_call(world, code: str = "ln-journey"):
    """An open Liaoning batch-2 call like seed 004's (the shipped one closed on 2023-06-15), issued by
    the province, with today's dates."""
    from peiyu.institutions.services.calls import call_create

    today = timezone.localdate()
    deadline = today + dt.timedelta(days=20)
    return call_create(
        actor=world.ln_official,
        code=code,
        region_code="210000",
        title="辽宁省数字技术工程师培育项目机构申报（测试批次）",
        programme="dte",
        policy_name="liaoning-dte-batch2",
        kinds=["training", "evaluation"],
        occupation_codes=[AI, "2-02-38-02", "2-02-38-04"],
        levels=["初级", "中级", "高级"],
        opens_on=today - dt.timedelta(days=5),
        deadline=deadline,
        step_deadlines={"city_recommendation": deadline},
        published=True,
    )


def chengdu_call(world, code: str = "cd-journey"):
    """An open Chengdu call for 电工 evaluation institutions (seed 001), issued by the Chengdu bureau,
    with its notice period (SEL-10: the call sets the days)."""
    from peiyu.institutions.services.calls import call_create

    today = timezone.localdate()
    return call_create(
        actor=world.cd_official,
        code=code,
        region_code="510100",
        title="成都市职业技能等级评价机构备案（测试批次）",
        programme="skill",
        policy_name="chengdu-skill",
        kinds=["evaluation"],
        occupation_codes=[ELECTRICIAN],
        levels=["五级", "四级", "三级"],
        opens_on=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=30),
        publicity_working_days=5,
        published=True,
    )


# --- experts ------------------------------------------------------------------------------------------------------


def expert_account(world, key: str, name: str):
    """An expert's own account (role `expert`, scope self) at the platform, as the personas make users."""
    from peiyu.accounts.models import Role, RoleAssignment, User
    from tests.personas import PASSWORD

    org = world.orgs["platform"]
    user = User.objects.create_user(username=key, password=PASSWORD, full_name=name, primary_org=org)
    role = Role.objects.get(code="expert")
    RoleAssignment.objects.create(user=user, role=role, org=org, region_id=None, separation=role.separation)
    world.users[key] = user
    return user


def expert_pool(world, official, region_code: str, fields: list[str], people: list[tuple], *, prefix: str):
    """Experts added to `official`'s pool, each with an account: (name, employer, title[, conflicts])
    where conflicts are credit codes of units the expert may not review."""
    from peiyu.institutions.services import experts

    out = []
    for i, person in enumerate(people, 1):
        name, employer, title = person[:3]
        conflicts = list(person[3]) if len(person) > 3 else []
        user = expert_account(world, f"{prefix}{i:02d}", name)
        out.append(
            experts.expert_create(
                actor=official,
                name=name,
                employer_name=employer,
                title=title,
                fields=list(fields),
                conflict_usccs=conflicts,
                region_code=region_code,
                user=user,
            )
        )
    return out


def panel_scored(official, applications, *, size: int, seed: str, score: int = 86):
    """A panel drawn by `official`, every member's score and vote given, closed (the expert review
    already run; JOURNEYS 3 walks it in the browser)."""
    from peiyu.institutions.services import panels, scores

    panel = panels.panel_draw(actor=official, applications=applications, size=size, seed=seed)
    for member in panel.members.select_related("expert__user").exclude(status="declined"):
        for app in applications:
            scores.score_submit(
                actor=member.expert.user,
                panel=panel,
                application=app,
                score=score,
                vote="for",
                comment="材料完整，培训基础扎实，建议纳入。",
            )
    return panels.panel_close(actor=official, panel=panel)


# --- applications along their route -------------------------------------------------------------------------------


def liaoning_submitted(user, call, **kw):
    from peiyu.institutions.tests import factories as f

    return f.submitted(user, call, **kw)


def city_recommended(world, app):
    from peiyu.institutions.services import review

    official = world.sy_official if app.region_id.startswith("2101") else world.dl_official
    review.application_pass(
        actor=official, application=app, recommendation_reason="培训规模大、师资稳定，同意推荐。"
    )
    return reload(app)


def reload(app):
    return type(app).objects.get(pk=app.pk)


def chengdu_submitted(user, call, institution_type: str = "social_organisation"):
    """A Chengdu evaluation application for 电工 (四级, 三级) with every attachment, submitted."""
    from peiyu.institutions.demo.support import chengdu_form, submit

    return submit(
        user,
        call,
        "evaluation",
        ELECTRICIAN,
        ["四级", "三级"],
        chengdu_form(user.primary_org, institution_type),
        institution_type=institution_type,
    )


# --- catalog entries ----------------------------------------------------------------------------------------------


def old_listing(org, *, valid_until: dt.date, occupation=(AI, AI_NAME), levels=("初级", "中级")):
    """A Liaoning DTE training entry of `org` listed three years before `valid_until` (first period),
    built the quick way because its past cannot be walked on today's clock."""
    from peiyu.institutions.models import Listing, ListingPeriod
    from peiyu.institutions.rules import listings as lr
    from peiyu.institutions.services import listings as svc

    valid_from = valid_until.replace(year=valid_until.year - 3) + dt.timedelta(days=1)
    assert lr.validity_end(valid_from, 3) == valid_until, (valid_from, valid_until)
    listing = Listing(
        number=f"ML-J6{next(_serial):05d}",
        programme="dte",
        institution=org,
        institution_name=org.name,
        kind="training",
        institution_type="general",
        occupation_code=occupation[0],
        occupation_name=occupation[1],
        levels=list(levels),
        region_id=org.region_id,
        recommender=org.recommended_by,
        valid_from=valid_from,
        valid_until=valid_until,
        period=1,
        policy_name="liaoning-dte-batch2",
        policy_version=1,
    )
    listing.search_text = svc.search_text(listing)
    listing.save()
    ListingPeriod.objects.create(listing=listing, number=1, valid_from=valid_from, valid_until=valid_until)
    return listing


def liaoning_at_notice(world, call, experts, users) -> list:
    """Liaoning applications of `users` taken through the services to the notice step: recommended
    by their city, reviewed by a closed panel of the province's `experts`, passed by the province and
    decided by the coordination group."""
    from peiyu.institutions.services import review

    apps = [city_recommended(world, liaoning_submitted(user, call)) for user in users]
    panel_scored(world.ln_official, apps, size=min(5, len(experts)), seed="journey-4-panel")
    for app in apps:
        review.application_pass(
            actor=world.ln_official, application=app, comment="专家评议多数推荐。", site_visit=True
        )
        review.application_pass(actor=world.cg_official, application=reload(app), comment="同意纳入。")
    apps = [reload(app) for app in apps]
    assert all(app.step == "notice" for app in apps), [(a.number, a.step) for a in apps]
    return apps
