"""Roster files as officials save them (TRN-13): a title row, merged header cells, a two-row header, blank
rows and footer lines, in files built as Excel/WPS (xlsx, openpyxl with merged cells), LibreOffice (ods,
with covered cells) and CSV save them. Pure: no database."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

import openpyxl
import pytest

from peiyu.core.errors import InvalidInput
from peiyu.core.identifiers import id_with_check
from peiyu.training.rules.roster import parse_roster
from peiyu.training.rules.roster_layout import HEADER_SEARCH_ROWS, is_footer

TODAY = dt.date(2026, 6, 1)
WANG = id_with_check("21010219900307002")  # woman
LI = id_with_check("21020219850615013")  # man

# the table an official saves: title, a line of who/which class, a blank row, a two-row header whose
# "联系方式" group cell spans 手机号码 and 固定电话 while the other labels are merged down both rows,
# two trainees, a blank row and the footer
TITLE = "2026年第二批职业技能培训学员花名册"
TABLE: list[list[str | None]] = [
    [TITLE],
    ["培训机构：沈阳市某职业培训学校", None, None, "班级：电工（四级）第1期"],
    [],
    ["序号", "姓名", "身份证号码", "联系方式", None, "工作单位", "人员类别"],
    [None, None, None, "手机号码", "固定电话", None, None],
    ["1", "王芳", WANG, "13800138000", "024-88886666", "沈阳某公司", "在职职工"],
    ["2", "李强", LI, "13900139000", None, "大连某公司", "失业人员"],
    [],
    ["制表人：张三", None, None, "审核人：李四", None, "日期：2026年11月17日"],
    ["合计：2人"],
]
# (row, column, rows spanned, columns spanned), 0-based
MERGES = [(0, 0, 1, 7), (1, 0, 1, 3), (3, 0, 2, 1), (3, 1, 2, 1), (3, 2, 2, 1), (3, 3, 1, 2), (3, 5, 2, 1)]
MERGES += [(3, 6, 2, 1)]


def xlsx(rows: list[list[str | None]], merges=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    for r, c, rows_spanned, cols_spanned in merges:
        sheet.merge_cells(
            start_row=r + 1, start_column=c + 1, end_row=r + rows_spanned, end_column=c + cols_spanned
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods(rows: list[list[str | None]], merges=()) -> bytes:
    """An OpenDocument spreadsheet as LibreOffice writes merged cells: the first cell spans, the others
    are covered cells."""
    spans = {(r, c): (rs, cs) for r, c, rs, cs in merges}
    covered = {(r + i, c + j) for r, c, rs, cs in merges for i in range(rs) for j in range(cs) if i or j}
    width = max(len(row) for row in rows)
    body = []
    for r, row in enumerate(rows):
        cells = []
        for c in range(width):
            if (r, c) in covered:
                cells.append("<table:covered-table-cell/>")
                continue
            value = row[c] if c < len(row) else None
            rs, cs = spans.get((r, c), (1, 1))
            attrs = f' table:number-rows-spanned="{rs}" table:number-columns-spanned="{cs}"' * (
                (r, c) in spans
            )
            if value is None:
                cells.append(f"<table:table-cell{attrs}/>")
            else:
                text = f'office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'
                cells.append(f"<table:table-cell{attrs} {text}")
        body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    ns = 'xmlns:{0}="urn:oasis:names:tc:opendocument:xmlns:{1}:1.0"'
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        + " ".join(ns.format(p, u) for p, u in (("office", "office"), ("table", "table"), ("text", "text")))
        + ' office:version="1.2"><office:body><office:spreadsheet><table:table table:name="花名册">'
        + f'<table:table-column table:number-columns-repeated="{width}"/>'
        + "".join(body)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        + ns.format("manifest", "manifest")
        + ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def csv_bytes(rows: list[list[str | None]]) -> bytes:
    return ("\r\n".join(",".join(c or "" for c in row) for row in rows) + "\r\n").encode("utf-8-sig")


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (xlsx(TABLE, MERGES), "花名册.xlsx"),  # Excel and WPS: merged cells keep their text in the first
        (ods(TABLE, MERGES), "花名册.ods"),  # LibreOffice: covered cells
        (csv_bytes(TABLE), "花名册.csv"),  # any of them saved as CSV: the merged cells are empty
    ],
)
def test_title_two_row_header_blank_rows_and_footer_are_recognised_in_each_format(data, filename):
    result = parse_roster(data, filename, today=TODAY)
    assert result.errors == []
    assert [(r.row_number, r.name, r.id_number, r.phone) for r in result.rows] == [
        (6, "王芳", WANG, "13800138000"),
        (7, "李强", LI, "13900139000"),
    ]
    assert result.total == 2
    assert result.header_row == 4 and result.header_rows == (4, 5)
    # the sub-label under the group cell is the column's header; 固定电话 names no field
    assert result.columns["phone"] == "手机号码"
    assert "固定电话" in result.ignored_columns and "联系方式" not in result.columns.values()
    assert result.footer_rows == [9, 10]
    assert result.layout_note == "第4–5行为表头；第9、10行为表尾说明，未作为学员导入"


def test_a_title_row_above_a_one_row_header_is_skipped_and_the_header_row_named():
    table = [[TITLE], [None], ["姓名", "身份证号码", "手机号码"], ["王芳", WANG, "13800138000"]]
    result = parse_roster(xlsx(table, [(0, 0, 1, 3)]), "a.xlsx", today=TODAY)
    assert [r.name for r in result.rows] == ["王芳"]
    assert result.header_rows == (3,)
    assert result.layout_note == "第3行为表头"


def test_a_group_row_over_the_name_and_id_labels_leaves_the_labels_row_as_header():
    table = [["基本信息", None, "联系方式"], ["姓名", "身份证号码", "手机"], ["王芳", WANG, "13800138000"]]
    result = parse_roster(xlsx(table, [(0, 0, 1, 2)]), "a.xlsx", today=TODAY)
    assert [(r.name, r.phone) for r in result.rows] == [("王芳", "13800138000")]
    assert result.header_rows == (2,)


def test_a_group_cell_naming_neither_required_column_is_combined_with_the_labels_under_it():
    table = [
        ["序号", "学员信息", None, "手机号码"],
        [None, "姓名", "身份证号码", None],
        ["1", "王芳", WANG, "13800138000"],
    ]
    result = parse_roster(xlsx(table, [(0, 1, 1, 2), (0, 0, 2, 1), (0, 3, 2, 1)]), "a.xlsx", today=TODAY)
    assert [(r.row_number, r.name, r.phone) for r in result.rows] == [(3, "王芳", "13800138000")]
    assert result.header_rows == (1, 2)


def test_a_first_data_row_that_looks_like_a_label_is_data_not_a_second_header_row():
    # "退休" is a header alias (是否退休) but here it is the category of a trainee under 人员类别
    table = [["姓名", "身份证号码", "人员类别"], ["王芳", WANG, "退休"], ["李强", LI, "在职"]]
    result = parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    assert result.header_rows == (1,)
    assert [(r.name, r.category) for r in result.rows] == [("王芳", "离退休人员"), ("李强", "在职职工")]


def test_a_trainee_row_is_never_taken_for_a_footer():
    # a first cell that starts like a footer ("备注") on a row with a valid ID is a trainee
    table = [["备注", "姓名", "身份证号码"], ["备注：补录", "王芳", WANG], ["合计", "", ""]]
    result = parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    assert [r.name for r in result.rows] == ["王芳"]
    assert result.footer_rows == [3]
    assert result.total == 1


def test_a_row_without_an_id_that_is_no_footer_is_still_an_error():
    table = [["姓名", "身份证号码"], ["王芳", WANG], ["李强", ""], ["日期：2026-11-17", ""]]
    result = parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    assert [e.text for e in result.errors] == ["第3行 身份证号码：未填写"]
    assert result.footer_rows == [4]
    assert result.total == 2


def test_footer_lines_do_not_count_against_the_row_limit():
    table = [["姓名", "身份证号码"], ["王芳", WANG], ["李强", LI], ["制表人：张三"], ["合计：2人"]]
    result = parse_roster(csv_bytes(table), "a.csv", today=TODAY, max_rows=2)
    assert result.total == 2 and result.footer_rows == [4, 5]
    with pytest.raises(InvalidInput, match="最多导入1名"):
        parse_roster(csv_bytes(table), "a.csv", today=TODAY, max_rows=1)


@pytest.mark.parametrize(
    ("cell", "footer"),
    [
        ("制表人：张三", True),
        ("填表日期：2026-11-17", True),
        ("日期：", True),
        ("合计", True),
        ("共计2人", True),
        ("注：本表一式两份", True),
        ("注1.身份证号码须18位", True),
        ("单位（盖章）", True),
        ("（盖章）", True),
        ("审核人签字：", True),
        ("王芳", False),
        ("注册会计师", False),
        ("1", False),
    ],
)
def test_footer_lines_are_told_by_their_first_non_empty_cell(cell, footer):
    assert is_footer(["", cell, "x"]) is footer


def test_a_file_without_a_header_in_its_first_rows_is_refused_citing_trn_13():
    notes = [[f"填表说明第{i}条"] for i in range(HEADER_SEARCH_ROWS)]
    table = [*notes[:3], ["姓名", "证件", "手机号码"], *notes[3:], ["姓名", "身份证号码"], ["王芳", WANG]]
    with pytest.raises(InvalidInput) as caught:
        parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    error = caught.value
    assert error.code == "roster_header"
    assert error.rules == ["TRN-13"]
    assert error.message.startswith("未找到花名册表头")
    assert f"在前{HEADER_SEARCH_ROWS}行" in error.message and "最接近的是第4行" in error.message
    assert "缺少必填列：身份证号码" in error.message and error.message.endswith("（TRN-13）")
    assert error.details["row"] == 4
    assert error.fields["file"] == [error.message]


def test_a_header_at_the_last_searched_row_is_found():
    body = [["姓名", "身份证号码"], ["王芳", WANG], ["李强", LI]]
    padding = [[f"说明{i}"] for i in range(HEADER_SEARCH_ROWS - 1)]
    result = parse_roster(csv_bytes([*padding, *body]), "a.csv", today=TODAY)
    assert result.header_rows == (HEADER_SEARCH_ROWS,)
    assert [r.row_number for r in result.rows] == [HEADER_SEARCH_ROWS + 1, HEADER_SEARCH_ROWS + 2]
