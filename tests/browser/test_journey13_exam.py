"""Journey 13 end to end in a real Chromium, on the demo's data (built by peiyu.exams.demo's builders,
through the services): a candidate registers for the Chengdu 电工 四级 session on her phone, sees why her
conditions pass, signs the commitment, downloads her admission ticket; sits the theory exam in the
browser through a reload; her laptop crashes and the proctor approves her resumption on another
computer with her answers kept; the three examiners of the drawn panel score her practical and the
leader confirms; the institution publishes the score notice; she sees her scores; after the notice the
organisation freezes the passing list and issues the skill certificates, and she finds hers in her
wallet (我的证书) on her phone. Screenshots at 1280 px and 390 px."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from playwright.sync_api import expect

from tests.browser.training_support import log_in, messages_of, shooter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
ID_NUMBER = "510107199203040020"
DEMO = "Peiyu@2026demo"


def _identify(page, base, ticket):
    page.goto(f"{base}/exam/sit/")
    page.fill("#f-id", ID_NUMBER)
    page.fill("#f-ticket", ticket)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_journey13_a_candidate_registers_sits_resumes_is_scored_and_sees_her_notice(
    page, live_server, screenshots, time_machine
):
    from django.utils import timezone

    from peiyu.exams.demo import exam, flow
    from peiyu.exams.demo.bank import build_bank
    from peiyu.exams.demo.section import accepted_site, exam_staff
    from peiyu.exams.demo.support import session_form
    from peiyu.exams.models import Attempt, Registration
    from peiyu.exams.services import cbt, panels, results
    from peiyu.exams.services import sessions_steps as steps
    from peiyu.exams.services.blueprints import sample_blueprints_load
    from peiyu.exams.services.conditions import conditions_load
    from peiyu.exams.tests import factories
    from tests.personas import PASSWORD

    # the morning of the exam day: the practical follows the theory the same day (a run late in the
    # evening would put it after midnight, and the supervisor may check in only on the sitting's day)
    today = timezone.localdate()
    time_machine.move_to(
        dt.datetime.combine(today, dt.time(9, 0), tzinfo=timezone.get_current_timezone()), tick=True
    )
    world = factories.build()
    conditions_load()
    sample_blueprints_load()
    org, rng = world.orgs["cd_social1"], random.Random(13)
    staff = exam_staff(org, world.orgs["platform"])
    site = accepted_site(org, staff.admin, world.users["cd_official"])
    bank = build_bank(org, staff.people)
    form = session_form(world.listings["cd_elec"], site, bank, "2026年第十批电工（四级）认定", days=10)
    session = flow.advance(
        flow.create(org, staff, form), staff, rng, to="registration", n=2, prefix="bt_cand"
    )
    flow.account(world.orgs["platform"], "exam_cand_li", "李晓红", "trainee")
    base, shot = live_server.url, shooter(page, screenshots, "journey13")

    # on her phone: register, see why her conditions pass, sign, submit
    page.set_viewport_size(PHONE)
    log_in(page, base, "exam_cand_li", DEMO)
    page.goto(f"{base}/exam/register/")
    card = page.locator(f"#session-{session.pk}")
    card.locator("input[name=name]").fill("李晓红")
    card.locator("input[name=id_number]").fill(ID_NUMBER)
    card.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/exam/my/\d+/$"))
    page.select_option("#f-education", "高中")
    page.fill("#f-years", "6")
    page.select_option("#f-lower", "五级")
    page.fill("#f-lower-on", "2021-06-30")
    expect(page.locator("#live-conditions .badge.ok").first).to_contain_text("符合申报条件")
    shot("390-conditions")
    with page.expect_navigation():
        page.locator("#save-facts").click()
    page.check("#agree")
    with page.expect_navigation():
        page.locator("#sign").click()
    with page.expect_navigation():
        page.locator("#submit-registration").click()
    assert "待资格审核" in page.locator("#status").inner_text()

    # the institution approves (tickets), seats everyone, seals the papers, starts the exam
    session = flow.advance(session, staff, rng, to="exam")
    she = Registration.objects.get(session=session, person__user__username="exam_cand_li")
    page.reload()
    assert "审核通过" in page.locator("#status").inner_text()
    with page.expect_download() as download:
        page.locator("#ticket-download").click()
    assert download.value.suggested_filename.endswith(".pdf")
    shot("390-ticket")

    # exam day: the supervisor checks in, the proctor opens the sitting; she sits it at her laptop
    exam._open(session, staff, timezone.now() - dt.timedelta(minutes=2))
    page.set_viewport_size(DESK)
    _identify(page, base, she.ticket_number)
    page.wait_for_url(re.compile(r"/exam/sit/paper/$"))
    items, chosen = page.locator(".cbt-item"), []
    for i in range(3):
        option = items.nth(i).locator("input").nth(1)
        option.check()
        chosen.append((items.nth(i).get_attribute("data-position"), option.get_attribute("value")))
        # (expect, not wait_for_function: the page's CSP forbids evaluating strings as script)
        expect(page.locator("[data-save-status]")).to_have_text(re.compile(r"^已保存"))
    expect(page.locator("[data-revision]")).to_have_value("3")
    shot("1280-paper")
    page.reload()
    for position, value in chosen:
        assert page.locator(f".cbt-item[data-position='{position}'] input[value='{value}']").is_checked()

    # she answers the rest of the paper at her laptop (its autosave, as the service stores it) before it freezes
    attempt = Attempt.objects.get(registration=she)
    rest = {p: a for p, a in exam._answers(attempt, 0.95, rng).items() if p not in dict(chosen)}
    cbt.answers_save(attempt=attempt, revision=attempt.revision, answers=rest)
    total = len(rest) + len(chosen)

    # her laptop crashes: another computer waits until the proctor approves
    spare = page.context.browser.new_context(locale="zh-CN", viewport=PHONE)
    phone = spare.new_page()
    _identify(phone, base, she.ticket_number)
    phone.wait_for_url(re.compile(r"/exam/sit/wait/$"))
    shooter(phone, screenshots, "journey13")("390-wait")
    desk = page.context.browser.new_context(locale="zh-CN", viewport=DESK)
    console = desk.new_page()
    console.on("dialog", lambda d: d.accept())
    log_in(console, base, "cd_demo_proctor", DEMO)
    console.goto(f"{base}/exams/proctor/sittings/{session.sittings.get(kind='theory').pk}/")
    console.fill("input[name=note]", "原计算机死机，已核对身份证与准考证")
    with console.expect_navigation():
        console.locator("button[value=approve]").click()
    shooter(console, screenshots, "journey13")("1280-proctor-approved")
    phone.wait_for_url(re.compile(r"/exam/sit/paper/$"), timeout=60_000)  # a loaded machine is slow
    for position, value in chosen:
        assert phone.locator(f".cbt-item[data-position='{position}'] input[value='{value}']").is_checked()
    phone.on("dialog", lambda d: d.accept())
    phone.locator("button[value=submit]").click()
    phone.wait_for_url(re.compile(r"/exam/sit/done/$"))
    shooter(phone, screenshots, "journey13")("390-submitted")
    attempt = Attempt.objects.get(registration=she)
    assert attempt.status == "submitted" and attempt.devices == 2 and len(attempt.answers) == total
    spare.close()

    # the others submit; the sittings close; grading: short answers marked by two examiners
    for reg in Registration.objects.filter(session=session).exclude(pk=she.pk).select_related("person"):
        exam._sit(reg, reg.person.id_number, 0.9, rng, submit=True)
    flow.check_in(session, staff, kind=None)
    from peiyu.exams.services import sittings

    practical_sitting = session.sittings.get(kind="practical")
    sittings.sitting_open(actor=staff.proctor, sitting=practical_sitting)
    for s in session.sittings.all():
        sittings.sitting_close(actor=staff.proctor, sitting=s)
    steps.session_start_grading(actor=staff.admin, session=session)
    exam.mark(session, staff)

    # the three examiners of the drawn practical panel score her (the others through the service)
    panel = panels.panel_draw(actor=staff.admin, session=session, kind="practical", seed="journey13")
    members = list(panel.members.select_related("examiner__user").order_by("role", "id"))
    from peiyu.exams.services import practical

    _src, criteria = practical.criteria_for(panel)
    for reg in Registration.objects.filter(session=session, status="approved").exclude(pk=she.pk):
        for m in members:
            marks = {str(c["key"]): str(int(c["points"]) * 8 // 10) for c in criteria}
            practical.score_enter(actor=m.examiner.user, panel=panel, registration=reg, marks=marks)
    grader = desk.new_page()
    grader.on("dialog", lambda d: d.accept())
    for m in members:
        grader.context.clear_cookies()
        user = m.examiner.user  # the pool holds the demo's examiners and the test world's
        log_in(grader, base, user.username, DEMO if user.check_password(DEMO) else PASSWORD)
        grader.goto(f"{base}/exams/panels/{panel.pk}/score/{she.pk}/")
        for n, c in enumerate(criteria, start=1):
            grader.fill(f"#m-{n}", str(int(c["points"]) * 9 // 10))
        with grader.expect_navigation():  # saved: on to the next candidate to score, or the panel's list
            grader.locator("#score-form button.primary").click()
        assert "已保存" in messages_of(grader)
    shooter(grader, screenshots, "journey13")("1280-scored")
    leader = next(m.examiner.user for m in members if m.role == "leader")  # the panel leader confirms
    grader.context.clear_cookies()
    log_in(grader, base, leader.username, DEMO if leader.check_password(DEMO) else PASSWORD)
    grader.goto(f"{base}/exams/panels/{panel.pk}/")
    with grader.expect_navigation():
        grader.locator("#confirm-form button.primary").click()
    assert "已确认本组成绩" in messages_of(grader)

    # the institution computes the results and publishes the score notice from its results page
    results.results_compute(actor=staff.admin, session=session)
    grader.context.clear_cookies()
    log_in(grader, base, "cd_demo_exam_admin", DEMO)
    grader.goto(f"{base}/exams/scores/sessions/{session.pk}/")
    with grader.expect_navigation():
        grader.locator("#publish button[type=submit]").click()
    assert "已发布成绩公示" in messages_of(grader)
    shooter(grader, screenshots, "journey13")("1280-notice-published")
    desk.close()

    # she sees her scores, on her phone and at her desk
    page.goto(f"{base}/exam/my/scores/")
    she.refresh_from_db()
    text = page.locator("main").inner_text()
    assert session.title in text and str(she.practical_score) in text
    shot("1280-my-scores")
    page.set_viewport_size(PHONE)
    page.reload()
    shot("390-my-scores")

    # after the notice period (no objection) the organisation freezes the passing list and issues the
    # skill certificates, numbered from its filed entry's unified code; she finds hers in her wallet
    from peiyu.certificates.models import Certificate, IssuanceBatch
    from peiyu.exams.models import ScoreNotice
    from peiyu.institutions.models import Listing

    assert she.result == "passed"
    Listing.objects.filter(pk=world.listings["cd_elec"].pk).update(filing_code="S510100000123")
    notice = ScoreNotice.objects.get(session=session, status="published")
    time_machine.move_to(
        dt.datetime.combine(
            notice.ends_on + dt.timedelta(days=1), dt.time(9, 30), tzinfo=timezone.get_current_timezone()
        ),
        tick=True,
    )
    office = page.context.browser.new_context(locale="zh-CN", viewport=DESK)
    admin = office.new_page()
    admin.on("dialog", lambda d: d.accept())
    log_in(admin, base, "cd_demo_exam_admin", DEMO)
    admin.goto(f"{base}/exams/scores/sessions/{session.pk}/")
    with admin.expect_navigation():
        admin.locator("#notice-steps button.primary").click()
    admin.goto(f"{base}/certificates/batches/")
    with admin.expect_navigation():
        admin.locator(f"#sessions-ready a[href$='?session={session.pk}']").click()
    with admin.expect_navigation():
        admin.locator("main form button.primary").click()
    batch = IssuanceBatch.objects.get(session_id=session.pk)
    with admin.expect_navigation():
        admin.locator("#steps form:has(input[value=issue]) button").click()
    batch.refresh_from_db()
    assert batch.status == "issued"
    shooter(admin, screenshots, "journey13")("1280-certificates-issued")
    office.close()
    mine = Certificate.objects.get(batch=batch, holder__user__username="exam_cand_li")
    assert mine.kind == "skill" and len(mine.number) == 22 and mine.number.startswith("S")

    page.context.clear_cookies()  # ten days later: she signs in again on her phone
    log_in(page, base, "exam_cand_li", DEMO)
    page.locator("[data-nav-toggle]").click()
    page.get_by_role("link", name="我的证书").click()
    page.wait_for_url(re.compile(r"/certificates/wallet/$"))
    card = page.locator(f"#cert-{mine.pk}").inner_text()
    assert "职业技能等级证书" in card and mine.number in card and "电工" in card and "四级" in card
    shot("390-wallet")
    page.locator(f"#cert-{mine.pk} a", has_text="出示证书").click()
    page.wait_for_url(re.compile(rf"/certificates/wallet/{mine.pk}/$"))
    assert page.locator(".qr-large").count() == 1
    shot("390-wallet-show")
