"""Roster import, reading and validation layer (TRN-13 real-name roster; TRN-8 profile data). Pure: files
are built in memory, no database."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from peiyu.core.errors import InvalidInput
from peiyu.core.identifiers import PROVINCE_PREFIXES, id_with_check, validate_id_number
from peiyu.training.rules.roster import (
    RosterRow,
    RowError,
    check_id_number,
    map_header,
    parse_roster,
    read_rows,
)
from peiyu.training.rules.roster_files import cell_text as _cell_text

TODAY = dt.date(2025, 6, 1)


def make_id(region: str = "110105", birth: str = "19900307", seq: str = "002") -> str:
    """A valid ID; the last digit of `seq` is the 17th digit (odd: man, even: woman)."""
    return id_with_check(region + birth + seq)


WANG = make_id("210102", "19900307", "002")  # woman, Shenyang
LI = make_id("210202", "19850615", "013")  # man, Dalian
ZHAO = make_id("510104", "20011231", "021")  # man, Chengdu
NUMERIC_OK = "110105199003078000"  # valid and only 15 significant digits: survives a numeric cell
assert validate_id_number(NUMERIC_OK) == NUMERIC_OK


def bad_check(valid: str) -> tuple[str, str]:
    """`valid` with a wrong last character, and that character."""
    wrong = "3" if valid[-1] != "3" else "4"
    return valid[:-1] + wrong, wrong


def xlsx(rows: list[list[object]], *, at: str = "A1", extra_sheet_first: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if extra_sheet_first:
        hidden = sheet
        hidden.title = "说明"
        hidden["A1"] = "隐藏的说明页"
        hidden.sheet_state = "hidden"
        sheet = book.create_sheet("花名册")
    column, row0 = coordinate_from_string(at)
    col0 = column_index_from_string(column)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.cell(row=row0 + r, column=col0 + c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    return text.encode(encoding)


def messages(result) -> list[str]:
    return [e.text for e in result.errors]


# --- the whole picture -------------------------------------------------------------------------------------


def test_xlsx_roster_keeps_good_rows_and_reports_each_bad_row_with_its_number():
    wrong_check, wrong_char = bad_check(make_id("110105", "19920101", "031"))
    header = ["序号", "姓名", "身份证号码", "手机号码", "性别", "工作单位", "学历", "人员类别", "备注"]
    table = [
        header,  # row 1
        [1, "王芳", WANG, "13800138000", "女", "沈阳某软件公司", "本科", "在职职工", ""],  # 2 ok
        [2, "李强", LI, 13912345678.0, "男", "大连某公司", "大专", "新就业形态劳动者", "外卖骑手"],  # 3 ok
        [3, "赵磊", wrong_check, "13700000000", "", "", "", "", ""],  # 4 check digit
        [4, "钱多", "11010519900307002", "", "", "", "", "", ""],  # 5 length
        [5, "孙丽", make_id("990105", "19900307", "002"), "", "", "", "", "", ""],  # 6 province
        [6, "周杰", make_id("110105", "19901332", "003"), "", "", "", "", "", ""],  # 7 date
        [],  # 8 empty: skipped, numbering continues
        [7, "吴敏", make_id("110105", "19950505", "004"), "1380013800", "", "", "", "", ""],  # 9 phone
        [8, "", make_id("110105", "19960606", "005"), "", "", "", "", "", ""],  # 10 missing name
        [9, "郑爽", make_id("110105", "19970707", "007"), "", "女", "", "", "", ""],  # 11 sex mismatch
        [10, "王芳", WANG.lower(), "", "", "", "", "", ""],  # 12 duplicate of row 2
        [11, "冯七", float(NUMERIC_OK), "", "", "", "", "", ""],  # 13 numeric ID cell, still whole
        [12, "陈八", float(ZHAO), "", "", "", "", "", ""],  # 14 numeric ID cell, digits lost
    ]
    result = parse_roster(xlsx(table), "花名册.xlsx", today=TODAY)

    assert result.total == 12
    assert [r.row_number for r in result.rows] == [2, 3, 13]
    wang, li, feng = result.rows
    assert (wang.name, wang.id_number, wang.phone, wang.sex) == ("王芳", WANG, "13800138000", "F")
    assert (wang.birth_date, wang.age, wang.employer, wang.education, wang.category) == (
        dt.date(1990, 3, 7),
        35,
        "沈阳某软件公司",
        "本科",
        "在职职工",
    )
    assert (li.phone, li.sex, li.category) == ("13912345678", "M", "新就业形态劳动者")
    assert feng.id_number == NUMERIC_OK

    assert messages(result) == [
        f"第4行 身份证号码：校验位错误：最后一位应为“{make_id('110105', '19920101', '031')[-1]}”，"
        f"实际为“{wrong_char}”",
        "第5行 身份证号码：应为18位，当前为17位",
        "第6行 身份证号码：前两位“99”不是有效的省级行政区划代码",
        "第7行 身份证号码：出生日期“19901332”不是有效日期",
        "第9行 手机号码：应为11位大陆手机号码（1开头，第二位为3至9）",
        "第10行 姓名：未填写",
        "第11行 性别：“女”与身份证号码不符（身份证号码表示为男）",
        "第12行 身份证号码：与第2行重复",
        result.errors[-1].text,
    ]
    lost = result.errors[-1]  # Excel kept 15 digits of ZHAO: validate_id_number's message plus a hint
    with pytest.raises(InvalidInput) as reference:
        validate_id_number(ZHAO[:15] + "000", today=TODAY)
    assert (lost.row_number, lost.value) == (14, ZHAO[:6] + "********" + "0000")
    assert lost.message.startswith(reference.value.message + "（")
    assert "末尾几位已变成0" in lost.message
    assert [(d.row_number, d.first_row_number) for d in result.duplicates] == [(12, 2)]
    assert result.ignored_columns == ["序号", "备注"]
    assert result.columns["id_number"] == "身份证号码"
    assert result.rejected == 9
    assert result.error_row_numbers == [4, 5, 6, 7, 9, 10, 11, 12, 14]


def test_id_numbers_and_phones_are_masked_in_errors_and_the_error_report():
    bad, _ = bad_check(WANG)
    table = [["姓名", "身份证号码", "手机"], ["王芳", bad, "12345678901"], ["李强", LI, ""], ["李四", LI, ""]]
    result = parse_roster(csv_bytes(table), "roster.csv", today=TODAY)

    id_error, phone_error, dup_error = result.errors
    assert id_error.value == bad[:6] + "********" + bad[-4:]
    assert phone_error.value == "123****8901"
    assert dup_error.value == LI[:6] + "********" + LI[-4:]
    assert result.duplicates[0].id_number_masked == dup_error.value
    report = result.error_report_rows()
    assert report[0] == {"行号": 2, "字段": "身份证号码", "内容": id_error.value, "问题": id_error.message}
    assert report[2]["问题"] == "身份证号码与第3行重复"
    for row in report:
        assert WANG not in str(row) and LI not in str(row) and "12345678901" not in str(row)
    assert id_error.as_dict()["text"].startswith("第2行 身份证号码：校验位错误")
    assert id_error.as_dict()["label"] == "身份证号码"
    assert WANG not in repr(result.rows) and LI not in repr(result.rows)


def test_the_error_report_never_echoes_a_formula():
    table = [["姓名", "身份证号码"], ['=HYPERLINK("http://x")', WANG], ["@SUM(A1)", "=1+1"]]
    report = parse_roster(csv_bytes(table, delimiter="\t"), "a.csv", today=TODAY).error_report_rows()
    assert [row["内容"][:2] for row in report] == ["'=", "'@", "'="]


def test_row_error_text_reads_like_the_example_of_the_brief():
    error = RowError(
        12, "id_number", "110105********0023", "身份证号码校验位错误：最后一位应为“X”，实际为“3”"
    )
    assert error.text == "第12行 身份证号码：校验位错误：最后一位应为“X”，实际为“3”"


# --- reading files -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_is_read_in_each_common_encoding_and_delimiter(encoding, delimiter):
    table = [["姓名", "身份证号", "联系电话", "单位"], ["王芳", WANG, "13800138000", "辽宁·数字科技有限公司"]]
    result = parse_roster(csv_bytes(table, encoding=encoding, delimiter=delimiter), "名单.CSV", today=TODAY)
    assert result.errors == []
    assert [(r.name, r.id_number, r.phone, r.employer) for r in result.rows] == [
        ("王芳", WANG, "13800138000", "辽宁·数字科技有限公司")
    ]


def test_csv_quoted_cells_may_hold_delimiters_and_line_breaks_and_rows_count_as_records():
    text = f'姓名,身份证号码,工作单位\r\n王芳,{WANG},"沈阳,某公司\n二部"\r\n李强,{LI},x\r\n'
    rows = list(read_rows(text.encode(), "a.csv"))
    assert rows[1] == (2, ["王芳", WANG, "沈阳,某公司\n二部"])
    assert rows[2][0] == 3


def test_excel_numbers_come_back_as_text_without_point_zero_and_dates_as_iso():
    table = [
        ["a", "b", "c", "d", "e", "f", "g"],
        [
            13800138000.0,
            42,
            3.5,
            dt.date(2024, 3, 1),
            dt.datetime(2024, 3, 1, 0, 0),
            dt.datetime(2024, 3, 1, 8, 30),
            True,
        ],
        [float(NUMERIC_OK), "  text  ", 0.00001, None, None, None, False],
    ]
    rows = list(read_rows(xlsx(table), "x.xlsx"))
    assert rows[1] == (
        2,
        ["13800138000", "42", "3.5", "2024-03-01", "2024-03-01", "2024-03-01 08:30:00", "TRUE"],
    )
    assert rows[2][1][:3] == [NUMERIC_OK, "text", "0.00001"]
    assert rows[2][1][-1] == "FALSE"


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (110105199003078000, "110105199003078000"),  # an int (xls/ods give ints) is kept whole
        (13800138000, "13800138000"),
        (1.10105199003078e17, "110105199003078000"),
        (5.101042001123102e17, "510104200112310000"),  # Excel's 15 significant digits, not float noise
        (0.1 + 0.2, "0.3"),
        (-7.25, "-7.25"),
        (float("nan"), "nan"),
        (dt.time(8, 30), "08:30:00"),
        (dt.timedelta(hours=1), "1:00:00"),
        (None, ""),
    ],
)
def test_excel_cell_values_become_the_text_a_person_sees(cell, text):
    assert _cell_text(cell) == text


def test_row_numbers_are_those_of_the_sheet_even_when_the_table_does_not_start_at_a1():
    table = [["姓名", "身份证号码"], ["王芳", WANG], [], ["李强", LI]]
    result = parse_roster(xlsx(table, at="C4"), "x.xlsx", today=TODAY)
    assert result.header_row == 4
    assert [r.row_number for r in result.rows] == [5, 7]


def test_the_first_visible_worksheet_is_read():
    result = parse_roster(
        xlsx([["姓名", "身份证号码"], ["王芳", WANG]], extra_sheet_first=True), "x.xlsx", today=TODAY
    )
    assert [r.name for r in result.rows] == ["王芳"]


def test_an_xls_that_is_really_tab_separated_text_is_read_as_text():
    data = csv_bytes([["姓名", "身份证号码"], ["王芳", WANG]], encoding="gb18030", delimiter="\t")
    result = parse_roster(data, "导出.xls", today=TODAY)
    assert [r.id_number for r in result.rows] == [WANG]


def test_a_csv_that_is_really_an_xlsx_is_read_as_excel():
    result = parse_roster(xlsx([["姓名", "身份证号码"], ["王芳", WANG]]), "roster.csv", today=TODAY)
    assert [r.id_number for r in result.rows] == [WANG]


def _broken_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (b"%PDF-1.4 ...", "roster.pdf", "不支持的文件类型"),
        (b"abc", "roster", "不支持的文件类型"),
        (b"", "roster.xlsx", "文件是空的"),
        (b"PK\x03\x04garbage-that-is-not-a-zip" * 10, "roster.xlsx", "无法读取该Excel文件"),
        (_broken_zip(), "roster.xlsx", "无法读取"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "roster.xls", "无法读取"),
        ("<html><table><tr><td>姓名</td></tr></table></html>".encode(), "roster.xls", "网页"),
        (bytes(range(256)) * 4, "roster.xlsx", "无法读取"),
        (b"\x81\x30\x81" + bytes([0xFF, 0x00, 0xFE]) * 50, "roster.csv", "无法识别文件内容"),
    ],
)
def test_unreadable_or_unsupported_files_raise_invalid_input_in_chinese(data, filename, words):
    with pytest.raises(InvalidInput) as caught:
        parse_roster(data, filename, today=TODAY)
    assert words in caught.value.message


def test_a_csv_with_an_unclosed_quote_is_refused_rather_than_swallowing_rows():
    data = ("姓名,身份证号码\n" + f'王芳,{WANG}\n"李强,{LI}\n赵磊,{ZHAO}\n').encode()
    with pytest.raises(InvalidInput, match="CSV文件第3行起格式错误"):
        parse_roster(data, "a.csv", today=TODAY)
    rows = list(read_rows(f'姓名,身份证号码\n王"芳,{WANG}\n'.encode(), "a.csv"))
    assert rows[1] == (2, ['王"芳', WANG])


def test_empty_files_and_header_only_files_are_refused():
    with pytest.raises(InvalidInput, match="没有内容"):
        parse_roster(b"\r\n,,\r\n", "a.csv", today=TODAY)
    with pytest.raises(InvalidInput, match="没有学员数据"):
        parse_roster(csv_bytes([["姓名", "身份证号码"], ["", ""]]), "a.csv", today=TODAY)


# --- header ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name_header", "id_header", "phone_header"),
    [
        ("姓名", "身份证号", "手机"),
        ("学员姓名", "身份证号码", "手机号"),
        ("*姓名", "公民身份号码", "手机号码"),
        ("姓名（必填）", "证件号码", "联系电话"),
        (" 姓 名 ", "*身份证号码(18位)", "联系电话："),
        ("name", "id_number", "phone"),
        ("Name", "ID Number", "Mobile"),
    ],
)
def test_header_aliases_are_recognised(name_header, id_header, phone_header):
    table = [[name_header, id_header, phone_header], ["王芳", WANG, "13800138000"]]
    result = parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    assert [(r.name, r.id_number, r.phone) for r in result.rows] == [("王芳", WANG, "13800138000")]
    assert result.ignored_columns == []


def test_all_optional_headers_and_their_aliases_map_to_fields():
    positions, texts, ignored = map_header(
        ["姓名", "证件号码", "移动电话", "性别", "单位", "文化程度", "学员类别", "是否退休", "籍贯", ""]
    )
    assert positions == {
        "name": 0,
        "id_number": 1,
        "phone": 2,
        "sex": 3,
        "employer": 4,
        "education": 5,
        "category": 6,
        "retired": 7,
    }
    assert texts["id_number"] == "证件号码"
    assert ignored == ["籍贯"]


def test_a_missing_required_header_is_named_with_the_recognised_ones():
    table = [["姓名", "身份证", "手机号码"], ["王芳", WANG, "13800138000"]]
    parse_roster(csv_bytes(table), "a.csv", today=TODAY)  # 身份证 alone is fine
    table = [["姓名", "身份号", "手机号码"], ["王芳", WANG, "13800138000"]]
    with pytest.raises(InvalidInput) as caught:
        parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    message = caught.value.message
    assert "缺少必填列：身份证号码" in message
    assert "姓名→姓名" in message and "手机号码→手机号码" in message
    assert caught.value.details["missing"] == ["身份证号码"]
    assert caught.value.details["ignored"] == ["身份号"]
    assert caught.value.fields["file"] == [message]


def test_a_file_whose_rows_name_no_column_is_refused_for_its_missing_header():
    table = [[], ["", "", ""], ["王芳", WANG, ""]]
    with pytest.raises(InvalidInput, match=r"缺少必填列：姓名.*身份证号码"):
        parse_roster(xlsx(table), "a.xlsx", today=TODAY)


def test_two_id_columns_are_ambiguous_but_a_second_phone_column_is_ignored():
    with pytest.raises(InvalidInput, match="都表示身份证号码"):
        map_header(["姓名", "身份证号码", "证件号码"])
    positions, _texts, ignored = map_header(["姓名", "身份证号码", "手机", "联系电话"])
    assert positions["phone"] == 2
    assert ignored == ["联系电话"]


# --- fields ------------------------------------------------------------------------------------------------


def test_id_cells_are_normalised_before_checking():
    table = [
        ["姓名", "身份证号码"],
        ["王芳", "'" + WANG],
        ["李强", f'="{LI}"'],
        ["赵磊", f"{ZHAO[:6]} {ZHAO[6:14]} {ZHAO[14:]}"],
    ]
    result = parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    assert result.errors == []
    assert [r.id_number for r in result.rows] == [WANG, LI, ZHAO]


def test_lower_case_x_and_full_width_digits_are_accepted():
    base = next(
        make_id("110105", f"1990{m:02d}15", f"{s:03d}")
        for m in range(1, 13)
        for s in range(1, 999)
        if make_id("110105", f"1990{m:02d}15", f"{s:03d}").endswith("X")
    )
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in base)
    table = [["姓名", "身份证号码"], ["王芳", base.lower()], ["李强", full_width.replace("X", "x")]]
    result = parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    assert [r.id_number for r in result.rows] == [base]
    assert result.errors[0].message == "身份证号码与第2行重复"


def test_a_future_or_pre_1900_birth_date_is_unreasonable():
    table = [
        ["姓名", "身份证号码"],
        ["王芳", make_id("110105", "20250602", "002")],
        ["李强", make_id("110105", "18991231", "003")],
    ]
    result = parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    assert [e.message for e in result.errors] == [
        "身份证号码中的出生日期“20250602”不合理",
        "身份证号码中的出生日期“18991231”不合理",
    ]


def test_scientific_notation_ids_from_csv_get_a_hint():
    result = parse_roster(csv_bytes([["姓名", "身份证号码"], ["王芳", "2.10102E+17"]]), "a.csv", today=TODAY)
    assert result.errors[0].message.startswith("身份证号码应为18位，当前为11位（单元格内容是科学计数法")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("王芳", "王芳"),
        ("阿卜杜拉·买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉•买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉 . 买买提", "阿卜杜拉·买买提"),
        ("John  Smith", "John Smith"),
        ("欧阳娜娜", "欧阳娜娜"),
    ],
)
def test_names_are_normalised(written, expected):
    result = parse_roster(csv_bytes([["姓名", "身份证号码"], [written, WANG]]), "a.csv", today=TODAY)
    assert result.errors == []
    assert result.rows[0].name == expected


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("王", "姓名应为2至30个字符，当前为1个"),
        ("王" * 31, "姓名应为2至30个字符，当前为31个"),
        ("王芳2", "姓名含有不允许的字符“2”，只能使用汉字、字母、间隔号“·”和空格"),
        ("王芳(学员)", "姓名含有不允许的字符“()”，只能使用汉字、字母、间隔号“·”和空格"),
        ("·王芳", "姓名不能以间隔号“·”开头或结尾"),
    ],
)
def test_bad_names_are_reported(written, message):
    result = parse_roster(csv_bytes([["姓名", "身份证号码"], [written, WANG]]), "a.csv", today=TODAY)
    assert [e.message for e in result.errors] == [message]
    assert result.errors[0].field == "name"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("８６１３８００１３８０００", "13800138000"),
        ("", ""),
    ],
)
def test_phones_are_normalised(written, expected):
    result = parse_roster(
        csv_bytes([["姓名", "身份证号码", "手机"], ["王芳", WANG, written]]), "a.csv", today=TODAY
    )
    assert result.errors == []
    assert result.rows[0].phone == expected


@pytest.mark.parametrize("written", ["12800138000", "1380013800", "024-88888888", "138001380001", "abc"])
def test_bad_phones_are_reported(written):
    result = parse_roster(
        csv_bytes([["姓名", "身份证号码", "手机"], ["王芳", WANG, written]]), "a.csv", today=TODAY
    )
    assert [e.field for e in result.errors] == ["phone"]


def test_sex_column_must_be_a_sex_and_agree_with_the_id():
    table = [
        ["姓名", "身份证号码", "性别"],
        ["王芳", WANG, "女性"],
        ["李强", LI, "M"],
        ["赵磊", ZHAO, "未知"],
        ["钱多", make_id("110105", "19900101", "016"), "男"],
    ]
    result = parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    assert [r.sex for r in result.rows] == ["F", "M"]
    assert [e.text for e in result.errors] == [
        "第4行 性别：应填写“男”或“女”",
        "第5行 性别：“男”与身份证号码不符（身份证号码表示为女）",
    ]


def test_category_retired_and_age_are_exposed_for_the_profile_rule():
    table = [
        ["姓名", "身份证号码", "人员类别", "是否退休"],
        ["王芳", make_id("110105", "19650601", "002"), "退休人员", "是"],  # 60 today, birthday today
        ["李强", make_id("110105", "19650602", "003"), "在职", "否"],  # 59 until tomorrow
        ["赵磊", make_id("110105", "20030101", "005"), "应届生", ""],
        ["钱多", make_id("110105", "19900101", "016"), "外籍人员", "也许"],
    ]
    result = parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    assert [(r.category, r.retired, r.age, r.declares_retired) for r in result.rows] == [
        ("离退休人员", True, 60, True),
        ("在职职工", False, 59, False),
        ("应届毕业生", None, 22, False),
    ]
    assert [e.text for e in result.errors] == ["第5行 是否退休：应填写“是”或“否”"]


def test_several_problems_of_one_row_are_all_reported():
    result = parse_roster(csv_bytes([["姓名", "身份证号码", "手机"], ["", "123", "1"]]), "a.csv", today=TODAY)
    assert [e.field for e in result.errors] == ["name", "id_number", "phone"]
    assert result.rows == []


def test_too_many_rows_are_refused_before_the_end_of_the_file():
    table = [["姓名", "身份证号码"]] + [["王芳", WANG]] * 5
    assert parse_roster(csv_bytes(table), "a.csv", today=TODAY, max_rows=5).total == 5
    with pytest.raises(InvalidInput, match="每次最多导入4名学员"):
        parse_roster(csv_bytes(table), "a.csv", today=TODAY, max_rows=4)


def test_rows_shorter_than_the_header_are_padded():
    data = f"姓名,身份证号码,手机,工作单位\n王芳,{WANG}\n".encode()
    result = parse_roster(data, "a.csv", today=TODAY)
    assert isinstance(result.rows[0], RosterRow)
    assert (result.rows[0].phone, result.rows[0].employer) == ("", "")


# --- the fast ID check says exactly what validate_id_number says -------------------------------------------


def _reference(value: str, today: dt.date) -> tuple[str | None, str | None]:
    try:
        return validate_id_number(value, today=today), None
    except InvalidInput as error:
        return None, error.message


def _fast(value: str, today: dt.date) -> tuple[str | None, str | None]:
    raw, message = check_id_number(value, today=today)
    return (raw, None) if message is None else (None, message)


_digits = st.text(alphabet="0123456789", min_size=0, max_size=20)
_id_like = st.text(alphabet="0123456789Xx ０１２３４５６７８９`-'\u3000\t", min_size=0, max_size=22)
_provinces = st.sampled_from([*sorted(PROVINCE_PREFIXES), "00", "19", "99", "72"])
_births = st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(2040, 12, 31)).map(
    lambda d: d.strftime("%Y%m%d")
)
_odd_births = st.text(alphabet="0123456789", min_size=8, max_size=8)


@st.composite
def _id_numbers(draw) -> str:
    body = draw(_provinces) + draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    body += draw(st.one_of(_births, _odd_births)) + draw(
        st.text(alphabet="0123456789", min_size=3, max_size=3)
    )
    number = id_with_check(body)
    mutate = draw(st.sampled_from(["none", "check", "lower", "spaces", "fullwidth", "truncate", "extend"]))
    if mutate == "check":
        number = number[:-1] + draw(st.sampled_from("0123456789XA"))
    elif mutate == "lower":
        number = number.lower()
    elif mutate == "spaces":
        number = f"  {number}\t"
    elif mutate == "fullwidth":
        number = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    elif mutate == "truncate":
        number = number[: draw(st.integers(0, 17))]
    elif mutate == "extend":
        number += draw(_digits)
    return number


@settings(max_examples=600, deadline=None)
@given(
    value=st.one_of(st.text(max_size=25), _digits, _id_like, _id_numbers()),
    today=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)),
)
@example(value="", today=TODAY)
@example(value="   ", today=TODAY)
@example(value="ß" * 9, today=TODAY)
@example(value="`" + WANG[1:], today=TODAY)
@example(value=WANG, today=dt.date(1990, 3, 6))
@example(value=WANG, today=dt.date(1990, 3, 7))
@example(value=make_id("110105", "00000101", "001"), today=TODAY)
def test_fast_id_check_gives_the_same_verdict_and_message_as_validate_id_number(value, today):
    assert _fast(value, today) == _reference(value, today)


@settings(max_examples=200, deadline=None)
@given(value=_id_numbers())
def test_parse_roster_reports_id_problems_with_the_reference_message(value):
    number, message = _reference(value, TODAY)
    result = parse_roster(
        csv_bytes([["姓名", "身份证号码"], ["王芳", value.replace(",", "")]]), "a.csv", today=TODAY
    )
    if message is None:
        assert [r.id_number for r in result.rows] == [number]
    elif value.strip():
        assert result.errors[0].message.startswith(message)


def test_optional_texts_are_capped_and_free_of_control_characters_as_in_the_registration_form():
    table = [
        ["姓名", "身份证号码", "工作单位", "学历", "人员类别"],
        ["王芳", WANG, "沈阳\t智算科技", "本科", "在职"],  # a tab inside a cell becomes a space
        ["李强", LI, "单" * 201, "本科", ""],
        ["赵磊", ZHAO, "沈阳智算\x07科技", "大专", ""],
    ]
    result = parse_roster(csv_bytes(table), "a.csv", today=TODAY)
    assert [(r.name, r.employer, r.category) for r in result.rows] == [("王芳", "沈阳 智算科技", "在职职工")]
    assert [e.text for e in result.errors] == [
        "第3行 工作单位：不能超过200个字",
        "第4行 工作单位：含有不可见的控制字符",
    ]
    assert result.errors[1].value == "沈阳智算\ufffd科技"  # echoed without the control character
