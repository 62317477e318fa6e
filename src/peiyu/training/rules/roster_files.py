"""Roster import: reading the institution's file — the first worksheet of an Excel/ODS file (python-
calamine) or a CSV/TSV text in any of the encodings institutions' systems write — as numbered rows of
stripped cell texts."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

from peiyu.core.errors import InvalidInput

EXCEL_EXTENSIONS = frozenset({"xlsx", "xlsm", "xlsb", "xls", "ods"})
TEXT_EXTENSIONS = frozenset({"csv", "tsv", "txt"})

_ZIP_MAGIC = b"PK\x03\x04"  # xlsx, xlsm, xlsb, ods
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # xls (BIFF)
_EXACT_FLOAT_INT = 2**53
_INF = float("inf")


def _extension(filename: str) -> str:
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def cell_text(value: object) -> str:
    """Excel cell → text as the person sees it, minus Excel's number formatting: 13800138000.0 →
    '13800138000', dates → 'yyyy-mm-dd'."""
    if type(value) is float:  # the common non-text cell (序号, phone, an ID typed as a number)
        if value.is_integer() and -_EXACT_FLOAT_INT < value < _EXACT_FLOAT_INT:  # False for nan, inf
            return str(int(value))
        if value != value or value in (_INF, -_INF):
            return str(value)
        # Excel keeps 15 significant digits (an 18-digit ID typed as a number ends in 000); show those,
        # not the binary artefacts of the double beyond 2**53 or of fractions (0.1 + 0.2)
        return format(Decimal(format(value, ".15g")).normalize(), "f")
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return cell_text(float(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if value is None:
        return ""
    return str(value).strip()


def _excel_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise InvalidInput("文件设置了打开密码，请取消密码后再上传", code="roster_unreadable") from None
    except BaseException as error:  # calamine raises many kinds, panics included; all mean "cannot read"
        if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
            raise
        raise InvalidInput(
            "无法读取该Excel文件，文件可能已损坏或不是Excel格式；请用Excel打开后另存为.xlsx再上传",
            code="roster_unreadable",
        ) from None
    try:
        if not book.sheet_names:
            raise InvalidInput("Excel文件中没有工作表", code="roster_empty")
        index = 0  # the first sheet the person sees: visible worksheets only
        for i, meta in enumerate(book.sheets_metadata):
            if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet:
                index = i
                break
        sheet = book.get_sheet_by_index(index)
    except InvalidInput:
        raise
    except BaseException as error:
        if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
            raise
        raise InvalidInput(
            "无法读取该Excel文件的工作表，请用Excel打开后另存为.xlsx再上传", code="roster_unreadable"
        ) from None
    finally:
        book.close()
    str_ = str
    cell = cell_text
    # iter_rows() starts at row 1 even when the data starts lower (as to_python(skip_empty_area=False)
    # does, but ~4× faster), so the position is the row number Excel shows; a test pins this behaviour
    for number, row in enumerate(sheet.iter_rows(), 1):
        yield number, [c.strip() if type(c) is str_ else cell(c) for c in row]


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)  # Excel's "Unicode 文本" export
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise InvalidInput(
        "无法识别文件内容：请上传Excel文件，或UTF-8/GBK编码的CSV文件", code="roster_unreadable"
    )


def _delimiter(text: str) -> str:
    """The delimiter of the first non-empty line (the header): tab, comma or semicolon."""
    for line in text[:65536].splitlines():
        if line.strip(" \t,;"):
            counts = {d: line.count(d) for d in ("\t", ",", ";")}
            best = max(counts, key=lambda d: counts[d])  # ties: tab, then comma
            return best if counts[best] else ","
    return ","


def _text_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    # strict: an unclosed quote must not silently swallow the rest of the file into one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    line = 0
    strip = str.strip
    try:
        # numbered by record, which is the row Excel shows when it opens the CSV
        for number, row in enumerate(reader, 1):
            line = reader.line_num
            yield number, list(map(strip, row))
    except csv.Error:
        message = f"CSV文件第{line + 1}行起格式错误（引号没有配对？），请检查后重新上传"
        raise InvalidInput(message, code="roster_unreadable", fields={"file": [message]}) from None


def read_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number as in the file, 1-based; cells as stripped text) of the first worksheet of an
    xlsx/xlsm/xlsb/xls/ods file or of a CSV/TSV file (UTF-8 with or without BOM, UTF-16, GB18030;
    comma, tab or semicolon). The content decides the reader when it contradicts the extension (an
    .xls that is really a tab-separated text, a .csv that is really an xlsx), which institutions' own
    systems often produce. Raise InvalidInput (Chinese message) for anything unreadable."""
    ext = _extension(filename)
    if ext not in EXCEL_EXTENSIONS and ext not in TEXT_EXTENSIONS:
        allowed = "、".join(sorted(EXCEL_EXTENSIONS | TEXT_EXTENSIONS))
        raise InvalidInput(
            f"不支持的文件类型“{ext or '无扩展名'}”，请上传以下格式之一：{allowed}",
            code="roster_file_type",
            fields={"file": ["不支持的文件类型"]},
        )
    if not data:
        raise InvalidInput("上传的文件是空的", code="roster_empty", fields={"file": ["文件为空"]})
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        return _excel_rows(data)
    if ext in EXCEL_EXTENSIONS:
        head = data[:512].removeprefix(codecs.BOM_UTF8).lstrip()
        if head.startswith(b"<"):
            raise InvalidInput(
                "该文件实际是网页（HTML/XML）格式，不是真正的Excel文件；请用Excel打开后另存为.xlsx再上传",
                code="roster_unreadable",
            )
        if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise InvalidInput(
                "无法读取该Excel文件，文件可能已损坏；请用Excel打开后另存为.xlsx再上传",
                code="roster_unreadable",
            )
    return _text_rows(data)
