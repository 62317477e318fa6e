"""core.documents: the safe xlsx writer, the spreadsheet upload guard, QR codes and PDF blocks."""

from __future__ import annotations

import io

import openpyxl
import pytest

from peiyu.core.documents import spreadsheets
from peiyu.core.documents.pdf import build_pdf, cn_date, grid, para
from peiyu.core.documents.qr import QRCode, qr_matrix, qr_svg
from peiyu.core.documents.spreadsheets import check_spreadsheet
from peiyu.core.documents.xlsx import XlsxWriter, plain_text, sheet_title, xlsx_table
from peiyu.core.errors import InvalidInput

from .spreadsheet_samples import hostile_xlsx, xlsx_with, zip_bomb

FORMULAS = ["=1+1", '=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "#N/A"]


def _read(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets


def test_formula_looking_text_stays_text():
    ws = _read(xlsx_table("表", ["值"], [[v] for v in FORMULAS]))[0]
    cells = [row[0] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [v.replace("\r", "\n") for v in FORMULAS]  # XML reads CR as LF
    assert {c.data_type for c in cells} == {"s"}
    assert all(c.quotePrefix for c in cells if c.value[0] in "=+-@\t\n")


def test_control_characters_are_replaced_visibly_never_an_error():
    ws = _read(xlsx_table("a\x00b", ["x\x0by"], [["a\x00b\x0bc\x1fd", "ok\ttab\nline"]]))[0]
    assert ws.title == "ab"
    assert ws["A1"].value == "x\ufffdy"
    assert ws["A2"].value == "a\ufffdb\ufffdc\ufffdd"
    assert ws["B2"].value == "ok\ttab\nline"
    assert plain_text("x" * 40_000).endswith("…") and len(plain_text("x" * 40_000)) == 32_767


def test_numbers_and_dates_stay_typed_and_aware_datetimes_are_local():
    import datetime as dt

    from django.utils import timezone

    at = timezone.make_aware(dt.datetime(2026, 3, 5, 8, 30))
    ws = _read(xlsx_table("t", ["n"], [[5, -3, 1.5, dt.date(2026, 1, 2), at, None, True]]))[0]
    row = [c.value for c in ws[2]]
    assert row[:3] == [5, -3, 1.5]
    assert row[3] == dt.datetime(2026, 1, 2)
    assert row[4] == dt.datetime(2026, 3, 5, 8, 30)
    assert row[5] is None and row[6] is True


def test_sheet_titles_are_unique_and_legal():
    taken: set[str] = set()
    assert sheet_title("a/b:c", taken) == "abc"
    assert sheet_title("a/b:c", taken) == "abc(2)"
    writer = XlsxWriter()
    writer.sheet("同名")
    writer.sheet("同名")
    assert [ws.title for ws in _read(writer.to_bytes())] == ["同名", "同名(2)"]


def test_qr_svg_and_flowable():
    svg = qr_svg("https://example.org/verify/abc", title="证书核验<>")
    assert svg.startswith("<svg") and "证书核验&lt;&gt;" in svg
    assert qr_matrix("x")[0][0] is False  # quiet zone
    pdf = build_pdf(
        [para("测试 <b>"), grid([[para("a"), QRCode("https://example.org")]], [100, 100])], title="t"
    )
    assert pdf.startswith(b"%PDF")
    assert cn_date("2026-03-05") == "2026年3月5日" and cn_date(None) == ""


# --- the upload guard ------------------------------------------------------------------------------


def test_the_hostile_dimension_is_refused_before_reading():
    data = hostile_xlsx()
    assert len(data) < 5 * 1024
    with pytest.raises(InvalidInput) as caught:
        check_spreadsheet(data, "花名册.xlsx")
    assert "“花名册.xlsx”" in caught.value.message and "1,048,576行×16,384列" in caught.value.message
    assert caught.value.fields["file"] == [caught.value.message]


def test_cells_beyond_the_caps_are_refused_without_a_dimension():
    far = '<row r="1"><c r="A1"><v>1</v></c><c r="ZZZ1"><v>2</v></c></row>'
    with pytest.raises(InvalidInput, match="延伸到第"):
        check_spreadsheet(xlsx_with("A1", far), "x.xlsx")
    deep = '<row r="1"><c r="A1"><v>1</v></c></row><row r="900000"><c r="A900000"><v>2</v></c></row>'
    with pytest.raises(InvalidInput, match="延伸到第900,000行"):
        check_spreadsheet(xlsx_with("A1", deep), "x.xlsx")
    wide = '<row r="99000"><c r="BZ99000"><v>1</v></c></row>'  # 99 000 × 78 cells
    with pytest.raises(InvalidInput, match="单元格范围"):
        check_spreadsheet(xlsx_with("A1", wide), "x.xlsx")


def test_a_zip_bomb_is_refused():
    data = zip_bomb()
    assert len(data) < 1024 * 1024
    with pytest.raises(InvalidInput, match="压缩"):
        check_spreadsheet(data, "bomb.xlsx")


def test_ordinary_files_pass():
    rows = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="AB{n}"><v>1</v></c></row>' for n in range(1, 500)
    )
    check_spreadsheet(xlsx_with("A1:AB499", rows), "ok.xlsx")
    check_spreadsheet(xlsx_table("表", ["姓名"], [["张三"]] * 100), "ok.xlsx")
    check_spreadsheet("姓名,身份证号码\n张三,1\n".encode(), "ok.csv")
    check_spreadsheet(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "ok.xls")


def test_broken_containers_and_long_csv_are_refused(monkeypatch):
    with pytest.raises(InvalidInput, match="无法读取"):
        check_spreadsheet(b"PK\x03\x04garbage" * 10, "bad.xlsx")
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 10)
    with pytest.raises(InvalidInput, match="有11行"):
        check_spreadsheet(b"a\n" * 11, "long.csv")


def test_a_shared_string_table_declaring_billions_is_refused():
    from .spreadsheet_samples import shared_strings_bomb

    with pytest.raises(InvalidInput, match="声明了2,000,000,000个文本"):
        check_spreadsheet(shared_strings_bomb(), "x.xlsx")


def test_ods_repeated_valued_cells_are_counted_and_empty_trailing_repeats_are_not():
    from .spreadsheet_samples import ods_cell, ods_like_libreoffice, ods_repeat_bomb, ods_with

    with pytest.raises(InvalidInput, match="单元格范围达"):
        check_spreadsheet(ods_repeat_bomb(), "x.ods")
    wide = ods_with(
        f'<table:table-row><table:table-cell table:number-columns-repeated="20000"/>{ods_cell("x")}</table:table-row>'
    )
    with pytest.raises(InvalidInput, match="1行×20,001列"):
        check_spreadsheet(wide, "x.ods")
    check_spreadsheet(ods_like_libreoffice(), "ok.ods")
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(ods_like_libreoffice()))
    assert rows.get_sheet_by_index(0).to_python()[1][:2] == ["张三", "1"]


def test_no_module_writes_xlsx_except_the_core_writer():
    """Every export goes through core.documents.xlsx: openpyxl appears nowhere else in the code
    (tests and demo data excepted)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    users = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "openpyxl" in p.read_text(encoding="utf-8")
        and "tests" not in p.parts
        and p.name != "demo.py"
        and p.parent.name != "demo"
    )
    assert users == ["core/documents/xlsx.py"]


def test_xlsb_dimension_and_cell_records_are_checked():
    from .spreadsheet_samples import u32, xlsb_record, xlsb_with

    begin = xlsb_record(129, b"")  # BrtBeginSheet
    row = lambda n: xlsb_record(0, u32(n) + b"\x00" * 13)  # noqa: E731 - BrtRowHdr
    cell = lambda col: xlsb_record(5, u32(col, 0) + b"\x00" * 8)  # noqa: E731 - BrtCellReal
    declared = xlsb_record(148, u32(0, 1048575, 0, 16383))  # BrtWsDim A1:XFD1048576
    with pytest.raises(InvalidInput, match="声明的数据范围达1,048,576行×16,384列"):
        check_spreadsheet(xlsb_with(begin + declared), "x.xlsb")
    with pytest.raises(InvalidInput, match="1行×16,384列"):
        check_spreadsheet(xlsb_with(begin + row(0) + cell(0) + cell(16383)), "x.xlsb")
    with pytest.raises(InvalidInput, match="1,048,576行"):
        check_spreadsheet(xlsb_with(begin + row(0) + cell(0) + row(1048575) + cell(0)), "x.xlsb")
    ordinary = (
        begin + xlsb_record(148, u32(0, 2, 0, 8)) + b"".join(row(r) + cell(0) + cell(8) for r in range(3))
    )
    check_spreadsheet(xlsb_with(ordinary), "ok.xlsb")
