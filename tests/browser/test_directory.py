"""The institution directory in a real Chromium against a live server (JOURNEYS.md 1, 2 and 4): a
Shenyang company applies to an open Liaoning call (typed fields, a field error that keeps the input,
two uploads, the commitment, the checks shown with their rules), the Shenyang official finds it on the
to-do list, sees the quota, recommends and downloads the letter, and anyone reads the public pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.journey_support import nav_click

from .training_support import log_in as _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALL = "ln-browser"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _log_out(page) -> None:
    page.locator("header form[action$='/accounts/logout/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def _messages(page) -> str:
    box = page.locator("main ul.messages")
    return box.inner_text() if box.count() else ""


def _open_call(world):
    """An open Liaoning call like seed 004's (the shipped one closed on 2023-06-15), issued by the province."""
    import yaml

    from peiyu.institutions.services.calls import CALL_DIR, call_create

    shipped = yaml.safe_load((CALL_DIR / "liaoning-dte-batch2.yaml").read_text(encoding="utf-8"))
    today = dt.date.today()
    deadline = today + dt.timedelta(days=20)
    return call_create(
        actor=world.ln_official,
        code=CALL,
        region_code="210000",
        title="辽宁测试申报",
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


def test_institution_applies_and_city_official_recommends(page, live_server, screenshots, tmp_path):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from peiyu.core.policy import load_policy_files
    from peiyu.institutions.models import Application
    from peiyu.institutions.services.applications import application_update
    from peiyu.institutions.services.calls import calls_load
    from peiyu.institutions.tests import factories as f
    from tests.personas import PASSWORD, build_world

    world = build_world()
    load_policy_files()
    f.load_reference()
    calls_load()
    call = _open_call(world)
    base = live_server.url
    shot = lambda name: page.screenshot(path=str(screenshots / f"directory-{name}.png"), full_page=True)  # noqa: E731

    # --- journey 1: the institution applies ------------------------------------------------------------
    _log_in(page, base, "sy_inst_admin", PASSWORD)
    nav_click(page, "机构申报")
    page.wait_for_url(re.compile(r"/directory/applications/$"))
    assert page.locator("main h1").first.inner_text().strip() == "机构申报"
    shot("01-applications")
    page.locator("main a", has_text=call.title).click()
    page.wait_for_url(re.compile(rf"/directory/applications/new/\?call={CALL}$"))
    page.select_option("#kind", label="培训机构")
    page.select_option("#occupation_code", value=f.AI)
    assert "人工智能工程技术人员" in page.locator("#occupation_code option:checked").inner_text()
    page.check("input[name=levels][value=初级]")
    page.check("input[name=levels][value=中级]")
    shot("02-new-application")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/directory/applications/\d+/edit/$"))
    pk = int(re.search(r"/applications/(\d+)/edit/", page.url).group(1))
    app = Application.objects.get(pk=pk)
    assert (app.status, app.kind, app.occupation_code, app.levels) == (
        Application.Status.DRAFT,
        "training",
        f.AI,
        ["初级", "中级"],
    )
    assert "已创建申报草稿" in _messages(page)

    # most of the form through the service; the address and the latest year's scale typed here
    org = world.orgs["inst_sy"]
    prefill = f.dte_form(org)
    prefill.pop("address")
    prefill["volume_5y"] = prefill["volume_5y"][:4]  # 2018–2021; 2022 is typed in the browser
    application_update(actor=world.sy_inst_admin, application=app, form=prefill)
    page.reload()
    assert page.locator("main h1").inner_text().startswith("填写推荐表")
    page.fill("#f-address", "沈阳市和平区南京北街1号")
    page.fill("input[name='volume_5y.5.year']", "2022")
    page.fill("input[name='volume_5y.5.trained']", "3200")
    page.fill("input[name='volume_5y.5.independent']", "3100")
    page.fill("input[name='volume_5y.5.cooperative']", "100")
    page.fill("#f-staff_count", "一百二十")  # not a number: refused with a Chinese message
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_load_state()
    staff_errors = page.locator("#f-staff_count ~ p.error")
    assert staff_errors.count() >= 1, "no field error under 正式员工数"
    assert CJK.search(staff_errors.first.inner_text()), staff_errors.first.inner_text()
    # what was typed is still there
    assert page.input_value("#f-address") == "沈阳市和平区南京北街1号"
    assert page.input_value("#f-staff_count") == "一百二十"
    assert page.input_value("input[name='volume_5y.5.trained']") == "3200"
    assert page.input_value("input[name='volume_5y.4.year']") == "2021"
    shot("03-editor-field-error")
    app.refresh_from_db()
    assert "address" not in app.form  # nothing stored from the refused save
    page.fill("#f-staff_count", "120")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(rf"/directory/applications/{pk}/edit/$"))
    assert "已保存" in _messages(page)
    app.refresh_from_db()
    assert app.form["address"] == "沈阳市和平区南京北街1号"
    assert app.form["staff_count"] == 120
    assert [r["year"] for r in app.form["volume_5y"]] == [2018, 2019, 2020, 2021, 2022]
    assert app.form["volume_5y"][-1]["trained"] == 3200

    # the two required attachments, uploaded on the detail page
    page.goto(f"{base}/directory/applications/{pk}/")
    upload = page.locator("#attachments form[enctype='multipart/form-data']")
    for purpose, name in [
        ("legal_person_certificate", "法人登记证书.pdf"),
        ("credit_report", "信用报告.pdf"),
    ]:
        path = tmp_path / name
        path.write_bytes(f.PDF)
        upload.locator("#purpose").select_option(purpose)
        upload.locator("#file").set_input_files(str(path))
        upload.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/directory/applications/{pk}/(#attachments)?$"))
        assert "材料已上传" in _messages(page), _messages(page)
    rows = page.locator("#attachments table.list").first.inner_text()
    assert "法人登记证书.pdf" in rows and "信用报告.pdf" in rows
    shot("04-attachments")

    # the commitment and the submission; the checks are shown at once, each with its rule
    submit = page.locator("#submit form")
    submit.locator("input[name=commitment]").check()
    assert submit.locator("#signatory").input_value() == "王法人"
    submit.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/directory/applications/{pk}/$"))
    assert "已提交" in _messages(page), _messages(page)
    checks = page.locator("#checks table.list tbody tr")
    rules = [checks.nth(i).locator("td .tag").inner_text().strip() for i in range(checks.count())]
    assert {"SEL-1", "SEL-2", "SEL-3"} <= set(rules), rules
    for i, rule in enumerate(rules):
        if rule in ("SEL-1", "SEL-2", "SEL-3"):
            row = checks.nth(i)
            assert row.locator(".badge.ok").inner_text().strip() == "通过", rule
            cited = row.locator("td.basis .cite").inner_text().strip()
            assert cited.startswith("《"), f"{rule}: no source document ({cited})"
    assert page.locator("main p.muted strong").first.inner_text().strip() == "审核中"
    assert page.locator("ol.route li.current").inner_text().strip() == "市级审核推荐"
    shot("05-submitted-checks")
    app.refresh_from_db()
    assert app.status == Application.Status.IN_REVIEW and app.step == "city_recommendation"
    _log_out(page)

    # --- journey 2: the Shenyang official recommends ---------------------------------------------------
    device = TOTPDevice.objects.create(user=world.sy_official, name="手机认证器", confirmed=True)
    _log_in(page, base, "sy_official", PASSWORD, device=device)
    todo = page.locator("#todo tbody tr", has_text="市级审核推荐")
    assert todo.count() == 1, page.locator("#todo").inner_text()
    assert org.name in todo.inner_text() and "人工智能工程技术人员" in todo.inner_text()
    assert call.deadline.isoformat() in todo.locator("td").nth(2).inner_text()
    shot("06-official-todo")
    # the review workbench before recommending: what the letter link offers while the step is open
    nav_click(page, "申报审核")
    page.wait_for_url(re.compile(r"/directory/review/$"))
    letter_url = f"/directory/calls/{CALL}/recommendation-letter.pdf"
    assert page.locator("main a", has_text=org.name).count() == 1
    letter_before = page.locator(f"main a[href$='{letter_url}']").count()
    letter_before_status = page.request.get(f"{base}{letter_url}").status
    page.goto(f"{base}/home/")
    todo.locator("a").click()
    page.wait_for_url(re.compile(rf"/directory/applications/{pk}/$"))
    act = page.locator("#act")
    assert act.locator("h2").inner_text().strip().endswith("市级审核推荐")
    quota = act.locator("p", has_text="名额").first.inner_text()
    assert "SEL-6" in quota and re.search(r"上限\s*5", quota), quota
    assert re.search(r"剩余\s*5", quota), quota
    act.locator("#rr").fill("该单位人工智能培训规模大、师资稳定，同意推荐。")
    shot("07-official-recommend")
    act.get_by_role("button", name="推荐", exact=True).click()
    page.wait_for_url(re.compile(rf"/directory/applications/{pk}/$"))
    assert "已办理" in _messages(page), _messages(page)
    assert page.locator("ol.route li.done", has_text="市级审核推荐").count() == 1
    assert page.locator("ol.route li.current").inner_text().strip() == "省厅专家评议"
    assert page.locator("#act").count() == 0  # no longer the city's to act
    shot("08-recommended")
    app.refresh_from_db()
    assert app.step == "province_expert_review" and app.recommendation_reason.startswith("该单位")

    # the batch's recommendation letter, from the review workbench
    nav_click(page, "申报审核")
    page.wait_for_url(re.compile(r"/directory/review/$"))
    shot("09-review-queue")
    letter = page.locator(f"main a[href$='{letter_url}']")
    letter_linked = letter.count() > 0
    response = page.request.get(f"{base}{letter_url}")
    assert response.status == 200, response.status
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body().startswith(b"%PDF")
    _log_out(page)

    # --- journey 4 (public side): catalog and calls, anonymous -----------------------------------------
    for url, heading in [("/catalog/", None), ("/calls/", "申报通知"), (f"/calls/{CALL}/", call.title)]:
        response = page.goto(f"{base}{url}")
        assert response.status == 200, (url, response.status)
        h1 = page.locator("main h1").first.inner_text().strip()
        assert CJK.search(h1), (url, h1)
        if heading:
            assert h1 == heading, (url, h1)
        shot("10-public" + url.rstrip("/").replace("/", "-"))
    page.goto(f"{base}/calls/")
    assert page.locator("main a", has_text=call.title).count() == 1
    page.goto(f"{base}/calls/{CALL}/")
    body = page.locator("main").inner_text()
    assert "人工智能工程技术人员" in body and call.deadline.isoformat() in body
    page.locator("main a", has_text="在线申报").click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    assert f"call%3D{CALL}" in page.url or f"call={CALL}" in page.url, page.url

    # checked last so that a missing link does not hide the public pages' results
    assert letter_linked, (
        "the recommendation letter answers 200 but /directory/review/ offers no link to it once the "
        "city has recommended; it is only shown beside applications still waiting, where it answered "
        f"{letter_before_status} (link shown before recommending: {bool(letter_before)})"
    )
