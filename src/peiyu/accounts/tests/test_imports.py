"""Accounts in bulk from an xlsx list: the spreadsheet guard, a header found below a title, a per-row
Chinese report, nothing half-written (mode all), only the good rows (mode valid), jurisdiction."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from peiyu.accounts.models import RoleAssignment, User
from peiyu.accounts.services.imports import accounts_import, import_report_xlsx
from peiyu.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db
HEADER = ["用户名", "姓名", "所属单位", "角色", "管辖地区代码", "手机号码", "电子邮箱"]
GOOD = [
    ["hp_song", "宋和平", "沈阳市和平区人力资源和社会保障局", "区县人社工作人员", "", "13904002101", ""],
    ["ln_expert", "刘书涵", "辽宁省人力资源和社会保障厅", "评审专家", "", "", "liu@example.cn"],
]


def xlsx(rows, title=True) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append(["辽宁省新增账户名单（2026年）"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_provincial_security_administrator_creates_accounts_from_a_list(world):
    from peiyu.accounts.services.users import account_create

    ln_sec, _a = account_create(
        actor=world.secadmin, username="ln_sec", full_name="辽安全", org=world.orgs["ln"],
        role_code="secadmin", password="Temp-Passw0rd!",
    )  # fmt: skip
    result = accounts_import(actor=ln_sec, content=xlsx(GOOD), filename="名单.xlsx")
    assert result.header_row == 2 and result.created == 2 and result.refused == 0
    song = User.objects.get(username="hp_song")
    assert not song.has_usable_password() and song.must_change_password
    assert RoleAssignment.objects.current().get(user=song).role.code == "district_official"
    assert RoleAssignment.objects.current().get(user__username="ln_expert").role.code == "expert"


def test_one_wrong_row_writes_nothing_in_mode_all_and_the_report_says_why(world):
    rows = [*GOOD, ["dl_x", "张三", "大连市人力资源和社会保障局", "市级人社工作人员", "", "13904002103", ""],
            ["hp_song", "", "沈阳市和平区人力资源和社会保障局", "不存在的角色", "", "", ""]]  # fmt: skip
    result = accounts_import(actor=world.sy_secadmin, content=xlsx(rows), filename="名单.xlsx")
    assert result.created == 0 and not User.objects.filter(username__in=["hp_song", "dl_x"]).exists()
    messages = {r.number: r.messages for r in result.rows}
    assert messages[3] == [] and messages[4] == ["单位“辽宁省人力资源和社会保障厅”不存在或不在您的管辖范围内"]
    assert "大连市人力资源和社会保障局" in messages[5][0]  # another city's bureau: outside Shenyang
    assert any("与上方某行的用户名重复" in m for m in messages[6])
    assert any("角色“不存在的角色”不存在" in m for m in messages[6])
    assert any("手机号码或电子邮箱" in m for m in messages[6])
    report = load_workbook(io.BytesIO(import_report_xlsx(result))).active
    assert [c.value for c in report[1]] == ["行号", "用户名", "姓名", "所属单位", "角色", "结果", "问题"]
    assert report.cell(row=2, column=6).value == "未导入（其他行有错误）"


def test_mode_valid_writes_the_good_rows_only(world):
    rows = [GOOD[0], ["bad", "张三", "沈阳市和平区人力资源和社会保障局", "区县人社工作人员", "", "12", ""]]
    result = accounts_import(actor=world.sy_secadmin, content=xlsx(rows), filename="名单.xlsx", mode="valid")
    assert result.created == 1 and [r.created for r in result.rows] == [True, False]
    assert (
        User.objects.filter(username="hp_song").exists() and not User.objects.filter(username="bad").exists()
    )


def test_a_file_without_the_header_or_not_a_spreadsheet_is_refused_in_chinese(world):
    with pytest.raises(InvalidInput) as caught:
        accounts_import(actor=world.sy_secadmin, content=b"PK\x03\x04broken", filename="名单.xlsx")
    assert caught.value.fields["file"]
    book = Workbook()
    book.active.append(["姓名", "电话"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(InvalidInput) as caught:
        accounts_import(actor=world.sy_secadmin, content=buffer.getvalue(), filename="x.xlsx")
    assert "表头" in caught.value.fields["file"][0]


def test_only_the_security_administrator_imports(world):
    with pytest.raises(PermissionDenied):
        accounts_import(actor=world.sy_official, content=xlsx(GOOD), filename="名单.xlsx")


def test_the_import_page_shows_the_report_and_offers_it_as_xlsx(world, login_as):
    client = login_as(world.sy_secadmin)
    assert client.get("/accounts/users/import/template.xlsx").status_code == 200
    upload = io.BytesIO(xlsx([GOOD[0]]))
    upload.name = "名单.xlsx"
    page = client.post("/accounts/users/import/", {"file": upload, "mode": "all"})
    assert page.status_code == 200 and "已创建 1 个账户" in page.content.decode()
    report = client.get("/accounts/users/import/report.xlsx")
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")
