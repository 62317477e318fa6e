from __future__ import annotations

import pytest

from peiyu.audit.models import AuditEvent
from peiyu.catalogs.models import Trade
from peiyu.catalogs.services import trades_import
from peiyu.core.errors import InvalidInput, PermissionDenied

from .conftest import make_xlsx

GOOD = [
    ["6-28-01-01-01", "电工", "6-28-01-01"],
    ["6-28-01-01-02", "维修电工", "6-28-01-01"],
    ["4-04-05-03", "数字化管理师", "4-04-05-03"],
]

BAD = [
    ["6-28-01-01-01", "电工", "6-28-01-01"],  # row 2: valid
    ["6-28-01-02", "", "6-28-01-02"],  # row 3: name missing
    ["6-2x-01-03", "焊工", "6-2x-01-03"],  # row 4: bad codes
    ["6-30-01-01", "车工", "6-30-01-01"],  # row 5: duplicated by row 6
    ["6-30-01-01", "铣工", "6-30-01-01"],  # row 6
    ["6-31-01-01", "另一个名称", "6-31-01-01"],  # row 7: code exists with another name
    ["4-07-05-04", "中式烹调师", "4-07-05-04"],  # row 8: valid
    ["6-28-01-01-03", "电气设备安装工", "6-29-01-01"],  # row 9: trade not under that occupation
]


def _trades():
    return list(
        Trade.objects.order_by("code").values_list(
            "code", "name", "occupation_code", "occupation_id", "disabled_on"
        )
    )


@pytest.fixture
def existing(db):
    return Trade.objects.create(code="6-31-01-01", name="汽车维修工", occupation_code="6-31-01-01")


def test_bad_file_gets_an_error_per_row_and_column(existing):
    report = trades_import(
        actor=None, file_bytes=make_xlsx(BAD), filename="trades.xlsx", mode="all_or_nothing"
    )
    assert report.rows_total == 8
    assert report.rows_valid == 2
    assert report.error_rows == [3, 4, 5, 6, 7, 9]
    by_row = {}
    for e in report.errors:
        by_row.setdefault(e.row, []).append((e.column, e.message))
    assert by_row[3] == [("工种名称", "缺少工种名称")]
    assert {c for c, _ in by_row[4]} == {"工种编码", "职业编码"}
    assert all("格式不正确" in m and "6-xx-xx-xx" in m for _, m in by_row[4])
    assert by_row[5] == [("工种编码", "工种编码在文件中重复（另见第6行）")]
    assert by_row[6] == [("工种编码", "工种编码在文件中重复（另见第5行）")]
    assert by_row[7][0][0] == "工种名称" and "汽车维修工" in by_row[7][0][1] and "已存在" in by_row[7][0][1]
    assert "不属于职业编码" in by_row[9][0][1]
    assert str(report.errors[0]).startswith("第3行【工种名称】：")


def test_all_or_nothing_writes_nothing(existing):
    before = _trades()
    report = trades_import(
        actor=None, file_bytes=make_xlsx(BAD), filename="trades.xlsx", mode="all_or_nothing"
    )
    assert not report.written
    assert (report.created, report.updated) == (0, 0)
    assert _trades() == before


def test_valid_only_writes_only_valid_rows(existing):
    report = trades_import(actor=None, file_bytes=make_xlsx(BAD), filename="trades.xlsx", mode="valid_only")
    assert report.written
    assert report.created == 2
    assert set(Trade.objects.values_list("code", flat=True)) == {"6-31-01-01", "6-28-01-01-01", "4-07-05-04"}
    assert Trade.objects.get(code="6-31-01-01").name == "汽车维修工"


def test_reimport_is_idempotent(reference):
    first = trades_import(actor=None, file_bytes=make_xlsx(GOOD), filename="t.xlsx")
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    before = _trades()
    second = trades_import(actor=None, file_bytes=make_xlsx(GOOD), filename="t.xlsx")
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert not second.written
    assert _trades() == before
    # the trade of an occupation in the catalog is linked to it
    assert Trade.objects.get(code="4-04-05-03").occupation.name == "数字化管理师"


def test_changed_occupation_code_is_an_update(db):
    trades_import(actor=None, file_bytes=make_xlsx(GOOD[:1]), filename="t.xlsx")
    report = trades_import(
        actor=None,
        file_bytes=make_xlsx(
            [["6-28-01-01-01", "电工", "6-28-01-01"], ["6-29-01-01", "砌筑工", "6-29-01-01"]]
        ),
        filename="t.xlsx",
    )
    assert (report.created, report.updated, report.unchanged) == (1, 0, 1)


def test_csv_in_gb18030_with_blank_rows(db):
    text = (
        "工种编码,工种名称,职业编码\n6-28-01-01-01,电工,6-28-01-01\n,,\n6-28-01-01-02,维修电工,6-28-01-01\n"
    )
    report = trades_import(actor=None, file_bytes=text.encode("gb18030"), filename="工种.csv")
    assert report.ok and report.created == 2


def test_row_numbers_follow_the_sheet_with_leading_blank_rows(db):
    content = make_xlsx(
        [[None, None, None], ["工种编码", "工种名称", "职业编码"], ["bad", "x", "6-28-01-01"]], header=None
    )
    report = trades_import(actor=None, file_bytes=content, filename="t.xlsx")
    assert report.error_rows == [3]


def test_missing_columns_and_unsupported_files_are_refused(db):
    with pytest.raises(InvalidInput) as exc:
        trades_import(
            actor=None, file_bytes=make_xlsx([["a", "b"]], header=("编码", "工种名称")), filename="t.xlsx"
        )
    assert "工种编码" in exc.value.message and "职业编码" in exc.value.message
    with pytest.raises(InvalidInput):
        trades_import(actor=None, file_bytes=b"not a workbook", filename="t.xlsx")
    with pytest.raises(InvalidInput):
        trades_import(actor=None, file_bytes=b"x", filename="t.pdf")
    with pytest.raises(InvalidInput):
        trades_import(actor=None, file_bytes=make_xlsx(GOOD), filename="t.xlsx", mode="sometimes")
    assert not Trade.objects.exists()


def test_import_needs_the_capability_and_is_audited_once(world):
    with pytest.raises(PermissionDenied):
        trades_import(actor=world.sy_inst_admin, file_bytes=make_xlsx(GOOD), filename="t.xlsx")
    assert not Trade.objects.exists()
    trades_import(actor=world.sysadmin, file_bytes=make_xlsx(GOOD), filename="t.xlsx")
    events = AuditEvent.objects.filter(action="catalogs.trades_imported")
    assert events.count() == 1
    assert events.get().after["created"] == 3


def test_import_trades_command(db, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    good = tmp_path / "good.xlsx"
    good.write_bytes(make_xlsx(GOOD))
    call_command("import_trades", str(good))
    assert Trade.objects.count() == 3
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(make_xlsx(BAD))
    with pytest.raises(CommandError):
        call_command("import_trades", str(bad))
    assert "第3行【工种名称】：缺少工种名称" in capsys.readouterr().out
    assert Trade.objects.count() == 3
    call_command("import_trades", str(bad), "--mode", "valid_only")
    assert Trade.objects.filter(code="4-07-05-04").exists()


@pytest.mark.parametrize("kind", ["dimension", "bomb"])
def test_a_hostile_sheet_is_refused_before_the_reader_and_writes_nothing(db, monkeypatch, kind):
    import python_calamine

    from peiyu.core.tests.spreadsheet_samples import hostile_xlsx, zip_bomb

    def refuse(*args, **kwargs):
        raise AssertionError("the reader must not be called")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    data = hostile_xlsx() if kind == "dimension" else zip_bomb()
    with pytest.raises(InvalidInput) as caught:
        trades_import(actor=None, file_bytes=data, filename="工种.xlsx", mode="valid_only")
    assert "电子表格“工种.xlsx”" in caught.value.message and "未读取" in caught.value.message
    assert Trade.objects.count() == 0
    assert not AuditEvent.objects.exists()
