"""Journey 12 in a real browser, at desktop and at phone width: a Shenyang company signs itself up (a
wrong check character first: the field says why and nothing typed is lost), waits for its bureau, the
Shenyang official confirms it from the to-do list, its administrator adds an applications officer and a
training administrator; the provincial security administrator creates two district officials' and an
expert's accounts from an xlsx list with a per-row report. Screenshots: accounts-<viewport>-<NN>-<step>.png."""

from __future__ import annotations

import io
import re

import pytest

from .journey_support import DESKTOP, PHONE, nav_click, sign_in, switch_user
from .training_support import log_in, messages_of, shooter

pytestmark = pytest.mark.django_db(transaction=True)
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
OWN_PASSWORD = "Qiming-2026!ok"


def _fill(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.fill(f"main form [name={name}]", value)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_institution_signs_up_is_confirmed_and_adds_two_staff(page, live_server, screenshots, viewport):
    from peiyu.accounts.models import Org, RoleAssignment, User
    from peiyu.core.identifiers import uscc_with_check
    from tests.personas import PASSWORD, build_world

    world = build_world()
    page.set_viewport_size(VIEWPORTS[viewport])
    shot = shooter(page, screenshots, f"accounts-{viewport}")
    base = live_server.url
    uscc = uscc_with_check("91210102MA0T9J1A7")
    wrong = uscc[:17] + ("0" if uscc[17] != "0" else "1")

    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="机构注册").click()
    page.wait_for_url(re.compile(r"/accounts/signup/$"))
    typed = {
        "name": "沈阳启明智能科技有限公司",
        "uscc": wrong,
        "legal_rep_name": "高启明",
        "contact_name": "于晓燕",
        "contact_phone": "13904001212",
        "contact_email": "yuxy@example.cn",
        "username": "qiming_admin",
        "password": OWN_PASSWORD,
        "password_confirm": OWN_PASSWORD,
    }
    _fill(page, typed)
    page.get_by_role("button", name="提交注册").click()
    error = page.locator("#f-uscc ~ .error").first
    assert "校验位" in error.inner_text()
    assert page.input_value("#f-name") == "沈阳启明智能科技有限公司"  # nothing typed is lost
    assert page.input_value("#f-legal_rep_name") == "高启明"
    shot("01-signup-refused")
    _fill(page, {"uscc": uscc, "password": OWN_PASSWORD, "password_confirm": OWN_PASSWORD})
    page.get_by_role("button", name="提交注册").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert "注册已提交" in messages_of(page)
    org = Org.objects.get(uscc=uscc)
    assert org.status == "pending" and org.region_id == "210102"

    log_in(page, base, "qiming_admin", OWN_PASSWORD)
    assert "待确认" in page.locator("#signup-status").inner_text()
    shot("02-waiting")

    switch_user(page, base, world.sy_official, PASSWORD)
    todo = page.locator("#todo a", has_text="确认机构注册：沈阳启明智能科技有限公司")
    todo.click()
    page.wait_for_url(re.compile(r"/accounts/signups/\d+/$"))
    assert uscc in page.locator("main").inner_text()
    shot("03-bureau-detail")
    page.get_by_role("button", name="确认注册").click()
    page.wait_for_url(re.compile(r"/accounts/signups/$"))
    assert "已确认" in messages_of(page)
    org.refresh_from_db()
    assert org.status == "confirmed"

    switch_user(page, base, User.objects.get(username="qiming_admin"), OWN_PASSWORD)
    nav_click(page, "本单位人员")
    page.wait_for_url(re.compile(r"/accounts/staff/$"))
    for username, name, role in (
        ("qiming_sb", "申报专员小王", "applications_officer"),
        ("qiming_px", "培训主管小李", "training_admin"),
    ):
        _fill(
            page,
            {"username": username, "full_name": name, "phone": "13904001213", "password": "Temp-Passw0rd!"},
        )
        page.select_option("#f-role", role)
        page.get_by_role("button", name="创建账户").click()
        page.wait_for_url(re.compile(r"/accounts/staff/$"))
        assert f"已创建账户 {username}" in messages_of(page)
    staff = page.locator("main table.list").inner_text()
    assert "申报专员" in staff and "培训管理员" in staff
    shot("04-staff")
    held = set(RoleAssignment.objects.current().filter(org=org).values_list("user__username", "role__code"))
    assert {("qiming_sb", "applications_officer"), ("qiming_px", "training_admin")} <= held

    # the training administrator also files applications for a while; taking that back asks for a reason
    page.locator("main a", has_text="qiming_px").click()
    page.wait_for_url(re.compile(r"/accounts/staff/\d+/$"))
    page.select_option("#f-role", "applications_officer")
    page.get_by_role("button", name="分配").click()
    page.wait_for_url(re.compile(r"/accounts/staff/\d+/$"))
    row = page.locator("main table.list tr", has_text="申报专员")
    reason = row.get_by_label("撤销理由")
    assert reason.get_attribute("required") is not None
    row.get_by_role("button", name="撤销").click()  # empty: the browser asks for the reason first
    assert reason.evaluate("el => !el.validity.valid")
    assert RoleAssignment.objects.current().filter(user__username="qiming_px").count() == 2
    reason.fill("申报工作已移交申报专员")
    shot("05-revoke-reason")
    row.get_by_role("button", name="撤销").click()
    page.wait_for_url(re.compile(r"/accounts/staff/\d+/$"))
    assert "已撤销角色" in messages_of(page)
    roles = set(
        RoleAssignment.objects.current()
        .filter(user__username="qiming_px")
        .values_list("role__code", flat=True)
    )
    assert roles == {"training_admin"}


def _sample() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["辽宁省新增账户名单"])
    sheet.append(["用户名", "姓名", "所属单位", "角色", "管辖地区代码", "手机号码", "电子邮箱"])
    sheet.append(
        ["hp_song", "宋和平", "沈阳市和平区人力资源和社会保障局", "区县人社工作人员", "", "13904002101", ""]
    )
    sheet.append(
        ["dl_zhong", "钟中山", "大连市中山区人力资源和社会保障局", "区县人社工作人员", "", "13904002102", ""]
    )
    sheet.append(
        ["expert_liu", "刘书涵", "辽宁省人力资源和社会保障厅", "评审专家", "", "", "liush@example.cn"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_provincial_security_administrator_creates_accounts_from_xlsx(
    page, live_server, screenshots, viewport, tmp_path
):
    from peiyu.accounts.models import Org, RoleAssignment, User
    from peiyu.accounts.services.orgs import org_create
    from peiyu.accounts.services.users import account_create
    from tests.personas import PASSWORD, build_world

    world = build_world()
    org_create(
        actor=world.sysadmin,
        name="大连市中山区人力资源和社会保障局",
        kind="hrss_district",
        region_code="210202",
    )
    ln_sec, _a = account_create(
        actor=world.secadmin, username="ln_secadmin", full_name="辽安全", org=world.orgs["ln"],
        role_code="secadmin", password=PASSWORD,
    )  # fmt: skip
    User.objects.filter(pk=ln_sec.pk).update(must_change_password=False)  # the set-up, not the journey
    page.set_viewport_size(VIEWPORTS[viewport])
    shot = shooter(page, screenshots, f"accounts-{viewport}")
    base = live_server.url
    sign_in(page, base, ln_sec, PASSWORD)
    nav_click(page, "账户管理")
    page.wait_for_url(re.compile(r"/accounts/users/$"))
    assert "sy_official" in page.locator("main table.list").inner_text()  # Liaoning's accounts
    assert "hb_official" not in page.locator("main table.list").inner_text()  # not Hubei's
    shot("06-accounts")
    page.get_by_role("link", name="从 Excel 批量创建").click()
    sample = tmp_path / "辽宁省新增账户.xlsx"
    sample.write_bytes(_sample())
    page.set_input_files("#f-file", str(sample))
    page.get_by_role("button", name="导入").click()
    report = page.locator("#import-report")
    assert "第2行为表头" in report.inner_text() and "已创建 3 个账户" in report.inner_text()
    shot("07-import-report")
    assert report.get_by_role("link", name="下载结果（xlsx）").count() == 1
    created = {a.user.username: a.role.code for a in RoleAssignment.objects.current().filter(
        user__username__in=["hp_song", "dl_zhong", "expert_liu"]).select_related("user", "role")}  # fmt: skip
    assert created == {
        "hp_song": "district_official",
        "dl_zhong": "district_official",
        "expert_liu": "expert",
    }
    assert Org.objects.get(name="大连市中山区人力资源和社会保障局").region_id == "210202"
