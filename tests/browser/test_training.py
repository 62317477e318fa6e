"""Training in a real Chromium against a live server (JOURNEYS.md 7, 8 and the certificate part of 9).

Journey 7 (Fujian): the Fuzhou institution drafts a plan with 41 % online hours and is refused by TRN-4
on filing, edits it to 40 % and files it; opens a class whose announcement says "包过" (refused, TRN-9),
fixes the text and publishes it on the public portal; imports its 300-row Excel roster with three bad ID
numbers (valid rows only, the three rows reported in Chinese); starts the class and adds a session; a
trainee scans the session's QR URL, logs in and checks in; the online platform pushes a signed batch and
the hours show; the institution records scores, completes the class, issues certificates and submits
the report, which the Fuzhou city official reads.

Journey 8 and 9: a person the institution trained registers with their ID number, sees their class,
hours and certificate, downloads the certificate PDF; an anonymous visitor verifies it (有效, the name
masked) by its URL and by its number, and sees a certificate revoked before the move say so."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.journey_support import nav_click
from tests.browser.training_support import (
    OnlinePlatform,
    fill_plan,
    fujian_world,
    fz_teacher,
    id_number,
    log_in,
    log_out,
    messages_of,
    offline_course,
    online_records,
    roster_people,
    roster_xlsx,
    shooter,
    submit,
    with_bad_check_digits,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRAINEE_A, TRAINEE_B = "欧阳明华", "司马文静"  # four characters: masked as 欧阳**, 司马**
ROW_A, ROW_B = 10, 20  # their rows (0-based) in the roster
BAD_ROWS = [41, 150, 276]  # three ID numbers with a wrong check digit: sheet rows 43, 152, 278
ANNOUNCEMENT = "本班面向福州市从业人员招生，理论与实操结合，按计划组织结业考核。"


def test_a_fuzhou_class_runs_from_plan_to_certificates_and_report(page, live_server, screenshots, tmp_path):
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peiyu.training.models import Enrolment, TrainingClass, TrainingPlan
    from peiyu.training.services.trainees import trainee_self_register
    from tests.personas import PASSWORD

    world = fujian_world()
    platform = OnlinePlatform(world)
    teacher = fz_teacher(world)
    base, today = live_server.url, timezone.localdate()
    shot = shooter(page, screenshots, "training")

    # --- 1. the plan: 41 % online refused on filing (TRN-4), 40 % filed ------------------------------------
    log_in(page, base, "fz_inst_admin", PASSWORD)
    nav_click(page, "培训计划")
    page.wait_for_url(re.compile(r"/training/plans/$"))
    page.locator("main a", has_text="新建培训计划").first.click()
    page.wait_for_url(re.compile(r"/training/plans/new/$"))
    fill_plan(page, teacher.pk, online=41, today=today)
    preview = page.locator("#online-share")
    preview.locator(".badge.fail").wait_for()  # the live preview (htmx) already says it is over the cap
    assert "41%" in preview.inner_text() and "40%" in preview.inner_text(), preview.inner_text()
    shot("01-plan-41")
    submit(page)
    page.wait_for_url(re.compile(r"/training/plans/\d+/$"))
    assert "已保存培训计划草稿" in messages_of(page), messages_of(page)
    plan_pk = int(re.search(r"/plans/(\d+)/", page.url).group(1))
    page.get_by_role("button", name="提交备案").click()
    page.wait_for_load_state()
    refusal = page.locator("#refusal").inner_text()
    assert "TRN-4" in refusal and "40%" in refusal, refusal
    trn4 = page.locator("#checks tbody tr", has=page.locator(".tag", has_text="TRN-4"))
    assert trn4.locator(".badge.fail").inner_text().strip() == "未通过"
    checks = page.locator("#checks").inner_text()  # the profile by its title; its code only in the fold
    assert "备案未通过" in checks and "福建省补贴性职业技能培训" in checks and "fujian-training" not in checks
    assert "fujian-training@v" in page.locator("#checks details.tech").text_content()
    shot("02-plan-refused-trn4")
    assert TrainingPlan.objects.get(pk=plan_pk).status == TrainingPlan.Status.DRAFT

    page.locator("#actions a", has_text="修改计划").click()
    page.wait_for_url(re.compile(rf"/training/plans/{plan_pk}/edit/$"))
    assert page.input_value("#f-hours_online") == "41"  # what was saved is there to correct
    page.fill("#f-hours_online", "40")
    page.fill("#f-hours_offline", "60")
    preview.locator(".badge.ok").wait_for()
    submit(page)
    page.wait_for_url(re.compile(rf"/training/plans/{plan_pk}/$"))
    page.get_by_role("button", name="提交备案").click()
    page.wait_for_url(re.compile(rf"/training/plans/{plan_pk}/$"))
    assert "已备案" in messages_of(page), messages_of(page)
    assert page.locator("main p.muted strong").first.inner_text().strip() == "已备案"
    assert trn4.locator(".badge.ok").inner_text().strip() == "通过"
    shot("03-plan-filed")

    # --- 2. the class and its announcement: "包过" refused (TRN-9), fixed, published -----------------------
    page.locator("#actions a", has_text="按本计划开班").click()
    page.wait_for_url(re.compile(rf"/training/plans/{plan_pk}/classes/new/$"))
    page.fill("#id_title", "电工（五级）第一期")
    page.fill("#id_venue", "福州市鼓楼区工业路100号实训楼")
    page.fill("#id_capacity", "320")
    page.fill("#id_ends_on", (today + dt.timedelta(days=30)).isoformat())
    page.select_option("#id_online_platform", str(platform.org.pk))
    page.fill("#id_announcement", ANNOUNCEMENT + "考试包过，不过退费！")
    page.fill(
        "#id_exam_conditions",
        "年满16周岁，从事或准备从事电工工作；结业考核合格者可申报五级职业技能等级认定。",
    )
    submit(page)
    page.wait_for_url(re.compile(r"/training/classes/\d+/$"))
    klass = TrainingClass.objects.get(plan_id=plan_pk)
    page.locator("#actions button", has_text="发布招生简章").click()
    page.wait_for_url(re.compile(rf"/training/classes/{klass.pk}/$"))
    refused = messages_of(page)
    assert "TRN-9" in refused and "包过" in refused, refused
    assert page.locator("#status .badge").first.inner_text().strip() == "筹备中"
    shot("04-announcement-refused-trn9")
    page.locator("#actions a", has_text="修改").click()
    page.wait_for_url(re.compile(rf"/training/classes/{klass.pk}/edit/$"))
    assert "包过" in page.input_value("#id_announcement")
    page.fill("#id_announcement", ANNOUNCEMENT)
    submit(page)
    page.wait_for_url(re.compile(rf"/training/classes/{klass.pk}/$"))
    page.locator("#actions button", has_text="发布招生简章").click()
    page.wait_for_url(re.compile(rf"/training/classes/{klass.pk}/$"))
    assert "招生简章已发布" in messages_of(page), messages_of(page)
    klass.refresh_from_db()

    anonymous = page.context.browser.new_context(locale="zh-CN")
    public = anonymous.new_page()
    public.goto(f"{base}/announcements/")
    row = public.locator("main table.list tbody tr", has_text="电工（五级）第一期")
    assert row.count() == 1, public.locator("main").inner_text()
    assert "福州榕城职业培训学校" in row.inner_text() and "电工 · 五级" in row.inner_text()
    row.locator("a").click()
    public.wait_for_url(re.compile(rf"/announcements/{klass.number}/$"))
    assert (
        ANNOUNCEMENT in public.locator("main").inner_text()
        and "包过" not in public.locator("main").inner_text()
    )
    public.screenshot(path=str(screenshots / "training-05-public-announcement.png"), full_page=True)

    # --- 3. the 300-row roster, valid rows only: the three bad ID numbers reported --------------------------
    people = roster_people(300, {ROW_A: TRAINEE_A, ROW_B: TRAINEE_B})
    workbook = tmp_path / "电工一期花名册.xlsx"
    workbook.write_bytes(roster_xlsx(with_bad_check_digits(people, BAD_ROWS)))
    page.locator("#status a", has_text="学员花名册").click()
    page.wait_for_url(re.compile(rf"/training/classes/{klass.pk}/roster/$"))
    page.set_input_files("#f-file", str(workbook))
    page.check("input[name=mode][value=valid]")
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url(re.compile(r"/training/roster-imports/\d+/$"))
    progress = page.locator("#import-progress")
    assert progress.locator("strong").first.inner_text().strip() == "已完成"
    counts = progress.locator("table.list").first.inner_text()
    assert re.search(r"数据行数\s+300", counts) and re.search(r"新入班\s+297", counts), counts
    assert re.search(r"错误行数\s+3", counts), counts
    errors = progress.locator("table.list").nth(1).locator("tbody tr")
    assert errors.count() == 3, progress.inner_text()
    assert [errors.nth(i).locator("td").first.inner_text().strip() for i in range(3)] == ["43", "152", "278"]
    for i in range(3):
        assert errors.nth(i).locator("td").nth(1).inner_text().strip() == "身份证号码"
        assert "校验位" in errors.nth(i).locator("td").nth(3).inner_text(), errors.nth(i).inner_text()
    assert progress.locator("a", has_text="下载错误报告").count() == 1
    shot("06-roster-report")
    assert Enrolment.objects.filter(klass=klass).count() == 297

    # --- 4. the class starts; a session; the trainee scans its QR code and checks in -----------------------
    page.goto(f"{base}/training/classes/{klass.pk}/")
    page.locator("#actions").get_by_role("button", name="开班", exact=True).click()
    page.wait_for_url(re.compile(rf"/training/classes/{klass.pk}/$"))
    assert (
        "已开班" in messages_of(page)
        and page.locator("#status .badge").first.inner_text().strip() == "培训中"
    )
    page.locator("#status a", has_text="课次与考勤").click()
    page.wait_for_url(re.compile(rf"/training/classes/{klass.pk}/sessions/$"))
    now = timezone.localtime().replace(second=0, microsecond=0)
    starts = max(now - dt.timedelta(minutes=5), now.replace(hour=0, minute=0))
    page.fill("#id_topic", "安全用电与触电急救")
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (starts + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="新增课次").click()
    page.wait_for_url(re.compile(rf"/training/classes/{klass.pk}/sessions/$"))
    assert "已新增课次：安全用电与触电急救" in messages_of(page), messages_of(page)
    page.locator("main table.list").first.locator("tbody tr", has_text="安全用电与触电急救").locator(
        "a"
    ).click()
    page.wait_for_url(re.compile(r"/training/sessions/\d+/$"))
    assert page.locator(".qr svg").count() == 1
    scan_url = page.locator("main p.muted", has_text="/checkin/").inner_text().strip()
    shot("07-session-qr")

    trainee_self_register(
        data={
            "username": "ouyang_mh",
            "password": PASSWORD,
            "name": TRAINEE_A,
            "id_number": people[ROW_A]["id_number"],
        }
    )
    phone = page.context.browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    scan = phone.new_page()
    scan.goto(scan_url)
    scan.wait_for_url(re.compile(r"/accounts/login/\?next="))
    log_in(scan, base, "ouyang_mh", PASSWORD, landing=r"/checkin/[^/]+/$")
    assert "安全用电与触电急救" in scan.locator("main .card").inner_text()
    scan.get_by_role("button", name="签到 / 签退").click()
    scan.wait_for_load_state()
    done = scan.locator("main [role=status]").inner_text()
    assert done.startswith("签到成功"), scan.locator("main").inner_text()
    scan.screenshot(path=str(screenshots / "training-08-checked-in.png"), full_page=True)
    phone.close()
    page.reload()
    attended = page.locator("main table.list tbody tr", has_text=TRAINEE_A)
    assert attended.count() == 1 and "学员扫码" in attended.inner_text(), page.locator("main").inner_text()

    # --- 5. the online platform pushes a signed batch; the hours show on the sessions page -----------------
    first = today + dt.timedelta(days=10)
    records = [
        *online_records(klass.number, people[ROW_A]["id_number"], "a", first_day=first, hours=40),
        *online_records(klass.number, people[ROW_B]["id_number"], "b", first_day=first, hours=40),
        *online_records(
            klass.number, id_number(BAD_ROWS[0]), "x", first_day=first, hours=2
        ),  # never enrolled
    ]
    status, answer = platform.push(base, "FZ-2026-0001", records)
    assert status == 200 and (answer["accepted"], answer["rejected"]) == (10, 1), answer
    assert answer["errors"][0]["reason"] == "该学员未在本班在训"
    page.goto(f"{base}/training/classes/{klass.pk}/sessions/")
    hours = page.locator("main table.list").last
    for name in (TRAINEE_A, TRAINEE_B):  # the institution running the class sees its trainees' full names
        cells = hours.locator("tbody tr", has_text=name).locator("td")
        assert cells.nth(3).inner_text().strip() == "40.0", hours.locator(
            "tbody tr", has_text=name
        ).inner_text()
    shot("09-online-hours")

    # --- 6. scores, completion, certificates, the report; the city official reads it ----------------------
    a, b = (Enrolment.objects.get(klass=klass, trainee__name=n) for n in (TRAINEE_A, TRAINEE_B))
    offline_course(world, klass, [a, b], first_day=today + dt.timedelta(days=1))  # the rest of the course
    page.goto(f"{base}/training/classes/{klass.pk}/")
    page.locator("#status a", has_text="结业").click()
    page.wait_for_url(re.compile(rf"/training/classes/{klass.pk}/completion/$"))
    row_a = page.locator("main table.list tbody tr", has_text=TRAINEE_A)
    assert row_a.locator(".badge.ok").inner_text().strip() == "是" and "100.0 / 100" in row_a.inner_text()
    other = page.locator("main table.list tbody tr", has_text=people[0]["name"])
    assert other.locator(".badge.fail").inner_text().strip() == "学时不足"
    page.fill(f"input[name=score_{a.pk}]", "92")
    page.fill(f"input[name=score_{b.pk}]", "85.5")
    page.get_by_role("button", name="保存成绩").click()
    page.wait_for_url(re.compile(r"/completion/$"))
    assert "已保存 2 名学员的成绩" in messages_of(page), messages_of(page)
    if page.locator("#pass-mark").count():
        page.fill("#pass-mark", "60")
    page.get_by_role("button", name="确认结业").click()
    page.wait_for_url(re.compile(r"/completion/$"))
    assert "班级已结业" in messages_of(page), messages_of(page)
    assert "结业 2 人，未通过 295 人" in page.locator("main").inner_text()
    page.get_by_role("button", name="发放培训合格证书").click()
    page.wait_for_url(re.compile(r"/completion/$"))
    assert "已发放 2 张培训合格证书" in messages_of(page), messages_of(page)
    from peiyu.training.selectors.completion import enrolment_certificate

    number = enrolment_certificate(a.pk)["number"]
    cert_link = row_a.locator("a", has_text=number)
    assert cert_link.count() == 1 and cert_link.get_attribute("href").endswith("/")  # the certificate's page
    assert row_a.locator("a[href$='certificate.pdf']").count() == 1
    shot("10-completion")

    page.locator("main a[href*='/training/reports/']").first.click()
    page.wait_for_url(re.compile(r"/training/reports/\d+/$"))
    page.fill("#narrative", "本期培训297人入班，2人完成全部学时并通过结业考核，已发放培训合格证书。")
    page.get_by_role("button", name="报送", exact=True).click()
    page.wait_for_url(re.compile(r"/training/reports/\d+/$"))
    assert "培训情况报告已报送" in messages_of(page), messages_of(page)
    log_out(page)

    device = TOTPDevice.objects.create(user=world.fz_official, name="手机认证器", confirmed=True)
    log_in(page, base, "fz_official", PASSWORD, device=device)
    nav_click(page, "培训情况报告")
    page.wait_for_url(re.compile(r"/training/reports/$"))
    listed = page.locator("main table.list tbody tr", has_text=klass.number)
    assert (
        listed.count() == 1
        and "福州榕城职业培训学校" in listed.inner_text()
        and "已报送" in listed.inner_text()
    )
    listed.locator("a").click()
    page.wait_for_url(re.compile(r"/training/reports/\d+/$"))
    body = page.locator("main").inner_text()
    assert re.search(r"297 / 2 / 295 / 0", body) and re.search(r"发证\s+2", body), body
    assert "2人完成全部学时" in body and number in body
    assert page.locator("#narrative").count() == 0  # the official reads; only the institution submits
    shot("11-official-report")
    anonymous.close()


def test_a_trainee_registers_finds_their_certificate_and_anyone_verifies_it(page, live_server, screenshots):
    from tests.browser.training_support import certified_class
    from tests.personas import PASSWORD

    world = fujian_world()
    platform = OnlinePlatform(world)
    person = {
        "name": TRAINEE_B,
        "id_number": id_number(ROW_B),
        "phone": "13900000020",
        "category": "在职职工",
    }
    klass, cert = certified_class(world, platform, person)
    base = live_server.url
    shot = shooter(page, screenshots, "training-trainee")

    # --- journey 8: register with the ID number, log in, one page with class, hours and certificate -------
    page.goto(f"{base}/register/trainee/")
    assert page.locator("main h1").inner_text().strip() == "学员注册"
    page.fill("#r-username", "sima_wj")
    page.fill("#r-password", PASSWORD)
    page.fill("#r-name", TRAINEE_B)
    page.fill("#r-id", person["id_number"])
    page.fill("#r-phone", person["phone"])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert "注册成功" in messages_of(page), messages_of(page)
    log_in(page, base, "sima_wj", PASSWORD)
    nav_click(page, "我的培训")
    page.wait_for_url(re.compile(r"/training/my/$"))
    row = page.locator("main table.list tbody tr", has_text=klass.number)
    assert row.count() == 1, page.locator("main").inner_text()
    text = row.inner_text()
    assert klass.title in text and "福州榕城职业培训学校" in text and "电工 · 五级" in text
    assert "60.0 / 40.0" in text and "88" in text and cert.number in text, text
    card = page.locator("main .card .card", has_text=cert.number)
    assert card.locator(".badge.ok").inner_text().strip() == "有效"
    assert "继续教育学时100学时" in card.inner_text() and card.locator(".qr svg").count() == 1
    shot("01-my-training")

    with page.expect_download() as info:
        card.locator("a", has_text="下载证书（PDF）").click()
    pdf = info.value
    assert pdf.suggested_filename.endswith(".pdf") and cert.number in pdf.suggested_filename
    with open(pdf.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    verify_href = card.locator("a", has_text="核验页面").get_attribute("href")
    assert verify_href and f"/verify/training/{cert.verify_token}/" in verify_href
    log_out(page)

    # --- journey 9: anyone verifies, by the QR code's URL and by the number; the name masked --------------
    for url in (verify_href, f"{base}/verify/training/?number={cert.number}"):
        page.goto(url)
        main = page.locator("main").inner_text()
        assert page.locator("main .badge.ok").inner_text().strip() == "有效", main
        holder = page.locator("main table.form tr", has_text="姓名").locator("td").inner_text().strip()
        assert holder == "司马**", holder
        assert TRAINEE_B not in main and person["id_number"] not in main
        assert "福州榕城职业培训学校" in main and "电工" in main and "五级" in main and cert.number in main
    shot("02-verified")
    page.goto(f"{base}/verify/training/")
    page.fill("#number", "FJ-0000-NOPE")
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_load_state()
    assert "未找到该证书" in page.locator("main [role=alert]").inner_text()

    # --- a certificate revoked before the move (ADR 0007 §4) says so at the address printed on it -----------
    from peiyu.certificates.models import Certificate

    Certificate.objects.filter(pk=cert.pk).update(status="invalidated", details={
        **cert.details, "revoked_reason": "学员身份信息核查有误", "revoked_at": "2026-03-05T10:00:00+08:00"})  # fmt: skip
    page.goto(verify_href)
    assert "该证书已不再有效" in page.locator("main").inner_text()
    assert "学员身份信息核查有误" in page.locator("#revocation").inner_text()
    assert page.locator("main .badge.ok").count() == 0
    shot("04-revoked")
