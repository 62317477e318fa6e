"""The guard every uploaded spreadsheet passes before a reader opens it (roster import, trade import,
exam scores).

A spreadsheet reader trusts the file: python-calamine allocates the whole rectangle an xlsx sheet
declares (`<dimension ref="A1:XFD1048576"/>` in a 5 KB file asks for 17 billion cells, 512 GiB, and
the process aborts, taking the worker and its import with it) or spans (one cell at A1 and one at
XFD1048576), and a zip bomb of a few kilobytes inflates to gigabytes. `check_spreadsheet()` looks at
the container only — the zip directory, each worksheet's declared dimension and the cell references
it holds, streamed in chunks with a byte cap — and refuses with a Chinese message naming the file
before any reader runs. It never builds the sheet; a 100 000-row roster costs it a fraction of a
second.

What it checks, by content (not by the file's extension):
- xlsx / xlsm / xlsb / ods (zip): the directory is readable, at most MAX_ZIP_MEMBERS parts, at most
  MAX_UNZIPPED_BYTES in all (counted while inflating too, whatever the directory claims), no large
  part compressed more than MAX_COMPRESSION_RATIO times; a part that does not inflate to what the
  directory says is refused;
- xlsx / xlsm: every worksheet's declared dimension and every cell reference within MAX_ROWS ×
  MAX_COLUMNS and their product within MAX_CELLS; the shared-string table's declared count within
  MAX_SHARED_STRINGS;
- ods: the last row and column holding a value, repeats counted, within the same caps;
- xlsb: each binary worksheet's declared dimension and the rows and columns its records use;
- xls (OLE): the size only (an xls sheet holds at most 65 536 × 256 cells);
- text (csv, tsv, txt): at most MAX_ROWS lines.
The caps are engineering limits of this process, not rules of RULES.md."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from posixpath import join, normpath
from xml.parsers import expat

from peiyu.core.errors import InvalidInput

# Rows a sheet may span: twice the largest roster an import accepts (PEIYU_ROSTER_MAX_ROWS, 100 000).
MAX_ROWS = 200_000
# Columns: no import reads more than a dozen; 256 is the old xls width, ample for padding columns.
MAX_COLUMNS = 256
# Cells of the rectangle a reader materialises (python-calamine: ~32 bytes each, so ≈ 160 MB).
MAX_CELLS = 5_000_000
# Strings a workbook's shared-string table may declare (python-calamine reserves room for the count
# it declares: "2000000000" asks for 48 GB); a sheet cannot use more strings than it has cells.
MAX_SHARED_STRINGS = MAX_CELLS
# Parts of a zip container: a workbook has a dozen plus one per sheet, image or comment.
MAX_ZIP_MEMBERS = 2_000
# Bytes all parts inflate to: a 100 000-row, 9-column roster is about 40 MB of sheet XML.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
# How much one part may be compressed: sheet XML reaches 10–30×; zip bombs reach thousands.
MAX_COMPRESSION_RATIO = 200
# Parts smaller than this are not judged by their ratio (a tiny, repetitive part compresses well).
RATIO_FLOOR_BYTES = 1024 * 1024
# xls and text files: the upload cap applies first; this one protects callers without one.
MAX_FILE_BYTES = 64 * 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1024 * 1024
_OVERLAP = 64  # bytes kept between chunks so a reference split by a chunk boundary is still seen

# Patterns start with a literal so the regex engine skips ahead quickly (a 100 000-row sheet is
# scanned in a fraction of a second). The declared dimension precedes <sheetData>.
_DIMENSION = re.compile(rb"dimension\s+ref=[\"']([^\"']*)[\"']")
# A cell or row reference: r="B12" on <c>, r="12" on <row>. Only the long ones are collected (six or
# more row digits, two or more column letters), so a normal sheet yields almost none.
_LONG_REF = re.compile(rb"r=[\"']([A-Z]*[0-9]{6,}(?=[\"'])|[A-Z]{2,})")
_ANY_REF = re.compile(rb"r=[\"']([A-Z]*)([0-9]+)[\"']")
_SST_START = re.compile(rb"<(?:[\w.-]+:)?sst\b[^>]*>")
_SST_COUNTS = re.compile(rb"\s(?:uniqueCount|count)=[\"']([0-9]+)[\"']")
_REF = re.compile(r"^\$?([A-Za-z]+)?\$?([0-9]+)?$")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>")
_TYPE = re.compile(rb"\sType=\"([^\"]*)\"")
_TARGET = re.compile(rb"\sTarget=\"([^\"]*)\"")
_WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_OOXML_STRICT_WORKSHEET_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet"


def _refuse(filename: str, reason: str) -> InvalidInput:
    name = f"“{filename}”" if filename else ""
    message = f"电子表格{name}{reason}"
    return InvalidInput(message, code="spreadsheet_refused", fields={"file": [message]})


def _too_large(filename: str, what: str) -> InvalidInput:
    return _refuse(
        filename,
        f"{what}，超过平台可读取的上限（{MAX_ROWS:,}行、{MAX_COLUMNS}列、{MAX_CELLS:,}个单元格），未读取；"
        "请删除多余的空行空列，或将数据复制到新的工作簿另存为.xlsx后再上传",
    )


def column_number(letters: str) -> int:
    """'A' → 1, 'Z' → 26, 'AA' → 27, 'XFD' → 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _ref_bounds(ref: str) -> tuple[int, int] | None:
    """The last row and column an A1-style range ("A1:XFD1048576", "B2", "A:C", "1:5") reaches."""
    rows = cols = 0
    for part in ref.split(":"):
        m = _REF.match(part.strip())
        if not m:
            return None
        letters, digits = m.groups()
        cols = max(cols, column_number(letters) if letters else 0)
        rows = max(rows, int(digits) if digits else 0)
    if ":" in ref and (rows == 0 or cols == 0):
        # a whole-column ("A:C") or whole-row ("1:5") range spans the sheet's other dimension
        rows, cols = rows or 1_048_576, cols or 16_384
    return rows, cols


def _check_rectangle(filename: str, rows: int, cols: int, what: str) -> None:
    if rows > MAX_ROWS or cols > MAX_COLUMNS or rows * cols > MAX_CELLS:
        raise _too_large(filename, f"{what}达{rows:,}行×{cols:,}列")


def _chunks(
    book: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], filename: str, *, overlap: int = _OVERLAP
) -> Iterator[bytes]:
    """The part's bytes in chunks, each with the last `overlap` bytes of the previous one in front;
    the bytes read count against `budget` (the container's MAX_UNZIPPED_BYTES), whatever its
    directory claims."""
    tail = b""
    with book.open(info) as part:
        while chunk := part.read(_CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _refuse(
                    filename, f"解压后超过{MAX_UNZIPPED_BYTES // 1048576} MB，未读取（疑似压缩炸弹）"
                )
            yield tail + chunk
            tail = chunk[-overlap:] if overlap else b""


def _worksheet_parts(book: zipfile.ZipFile, names: set[str]) -> list[str]:
    """The worksheets the workbook's relationships name, and whatever lies in xl/worksheets/."""
    parts = {n for n in names if n.startswith("xl/worksheets/") and n.endswith((".xml", ".bin"))}
    for rels in ("xl/_rels/workbook.xml.rels", "xl/_rels/workbook.bin.rels"):
        if rels not in names or book.getinfo(rels).file_size > _CHUNK:
            continue
        for rel in _RELATIONSHIP.findall(book.read(rels)):
            kind, target = _TYPE.search(rel), _TARGET.search(rel)
            if kind and target and kind.group(1).decode() in (_WORKSHEET_REL, _OOXML_STRICT_WORKSHEET_REL):
                path = target.group(1).decode("utf-8", "replace")
                path = path.lstrip("/") if path.startswith("/") else normpath(join("xl", path))
                if path in names:
                    parts.add(path)
    return sorted(parts)


def _check_sheet(book: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], filename: str) -> None:
    max_row = 99_999  # upper bound until a longer row number is seen
    max_col = 26  # upper bound until a longer column is seen
    before_data = True  # the declared dimension comes before <sheetData>
    for chunk in _chunks(book, info, budget, filename):
        if before_data:
            declared = _DIMENSION.search(chunk)
            if declared:
                bounds = _ref_bounds(declared.group(1).decode("ascii", "replace"))
                if bounds:
                    _check_rectangle(filename, *bounds, "声明的数据范围")
            before_data = b"sheetData" not in chunk
        for ref in _LONG_REF.findall(chunk):
            letters = ref.rstrip(b"0123456789")
            if len(letters) > 1:
                max_col = max(max_col, column_number(letters.decode()))
            if len(letters) < len(ref):
                max_row = max(max_row, int(ref[len(letters) :]))
        if max_col > MAX_COLUMNS:
            raise _too_large(filename, f"的单元格延伸到第{max_col:,}列")
        if max_row > MAX_ROWS:
            raise _too_large(filename, f"的单元格延伸到第{max_row:,}行")
    if max_row * max_col > MAX_CELLS:
        # the bounds above are rough: find the last row exactly before refusing a wide sheet
        rows = cols = 0
        for chunk in _chunks(book, info, [MAX_UNZIPPED_BYTES], filename):
            for letters, digits in _ANY_REF.findall(chunk):
                rows = max(rows, int(digits))
                if letters:
                    cols = max(cols, column_number(letters.decode()))
        _check_rectangle(filename, rows, cols, "的单元格范围")


# Record types of a binary (xlsb) worksheet, [MS-XLSB] 2.3.2: BrtRowHdr carries the row, the cell
# records BrtCellBlank … BrtFmlaError start with the column, BrtWsDim holds the declared dimension.
_BRT_ROW_HDR = 0
_BRT_CELLS = range(1, 12)
_BRT_WS_DIM = 148


def _check_xlsb_sheet(book: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], filename: str) -> None:
    """The declared dimension and the last row and column a binary worksheet's records use."""
    data = b"".join(_chunks(book, info, budget, filename, overlap=0))
    pos, end = 0, len(data)
    rows = cols = 0
    while pos < end:
        kind = data[pos] & 0x7F
        if data[pos] & 0x80 and pos + 1 < end:
            pos += 1
            kind |= (data[pos] & 0x7F) << 7
        pos += 1
        size = shift = 0
        for _ in range(4):
            if pos >= end:
                break
            byte = data[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        body, pos = pos, pos + size
        if kind == _BRT_ROW_HDR and size >= 4:
            rows = max(rows, int.from_bytes(data[body : body + 4], "little") + 1)
        elif kind in _BRT_CELLS and size >= 4:
            cols = max(cols, int.from_bytes(data[body : body + 4], "little") + 1)
        elif kind == _BRT_WS_DIM and size >= 16:
            last_row = int.from_bytes(data[body + 4 : body + 8], "little") + 1
            last_col = int.from_bytes(data[body + 12 : body + 16], "little") + 1
            _check_rectangle(filename, last_row, last_col, "声明的数据范围")
    _check_rectangle(filename, rows, cols, "的单元格范围")


def _check_shared_strings(
    book: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], filename: str
) -> None:
    """The count the shared-string table declares, within MAX_SHARED_STRINGS."""
    for chunk in _chunks(book, info, budget, filename):
        start = _SST_START.search(chunk)
        if start:
            counts = [int(n) for n in _SST_COUNTS.findall(start.group(0))]
            if counts and max(counts) > MAX_SHARED_STRINGS:
                raise _refuse(
                    filename,
                    f"声明了{max(counts):,}个文本，超过上限{MAX_SHARED_STRINGS:,}个，未读取；"
                    "请将数据复制到新的工作簿另存为.xlsx后再上传",
                )
            return


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


class _OdsBounds:
    """Follows content.xml of an ods as it streams (expat, no tree) and keeps, per table, the last
    row and column that hold something, counting `number-rows-repeated` and
    `number-columns-repeated`: a reader expands repeated cells that hold a value (a 1 KB file can
    repeat one cell over a billion positions), while trailing empty repeats, which LibreOffice writes
    to every sheet, are skipped by readers and here."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.row = self.rows = self.cols = 0
        self.row_repeat = 1
        self.col = self.row_cols = 0
        self.row_valued = False
        self.cell_repeat = 0  # > 0 while inside a cell
        self.cell_valued = False
        self.depth_in_cell = 0

    @staticmethod
    def _repeat(attrs: dict[str, str], name: str) -> int:
        value = attrs.get(f"{_ODS_TABLE} {name}", "1")
        return int(value) if value.isdigit() else 1

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.cell_repeat:
            self.depth_in_cell += 1
            self.cell_valued = True  # a paragraph, an annotation …: the cell holds something
            return
        if name == f"{_ODS_TABLE} table":
            self.row = self.rows = self.cols = 0
        elif name == f"{_ODS_TABLE} table-row":
            self.row_repeat = self._repeat(attrs, "number-rows-repeated")
            self.col = self.row_cols = 0
            self.row_valued = False
        elif name in (f"{_ODS_TABLE} table-cell", f"{_ODS_TABLE} covered-table-cell"):
            self.cell_repeat = self._repeat(attrs, "number-columns-repeated")
            self.cell_valued = f"{_ODS_OFFICE} value-type" in attrs
            self.depth_in_cell = 0

    def end(self, name: str) -> None:
        if self.cell_repeat and self.depth_in_cell:
            self.depth_in_cell -= 1
            return
        if name in (f"{_ODS_TABLE} table-cell", f"{_ODS_TABLE} covered-table-cell") and self.cell_repeat:
            self.col += self.cell_repeat
            if self.cell_valued:
                self.row_cols, self.row_valued = self.col, True
            self.cell_repeat = 0
        elif name == f"{_ODS_TABLE} table-row":
            self.row += self.row_repeat
            if self.row_valued:
                self.rows, self.cols = self.row, max(self.cols, self.row_cols)
                _check_rectangle(self.filename, self.rows, self.cols, "的单元格范围")


def _check_ods(book: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], filename: str) -> None:
    bounds = _OdsBounds(filename)
    parser = expat.ParserCreate(namespace_separator=" ")

    def no_doctype(*args: object) -> None:
        raise _refuse(filename, "含有文档类型声明（DTD），不是正常的电子表格，未读取")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.StartElementHandler = bounds.start
    parser.EndElementHandler = bounds.end
    for chunk in _chunks(book, info, budget, filename, overlap=0):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _check_zip(data: bytes, filename: str) -> None:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        infos = book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _refuse(
            filename, "无法读取，文件可能已损坏或不是Excel格式；请用Excel打开后另存为.xlsx再上传"
        ) from None
    with book:
        if len(infos) > MAX_ZIP_MEMBERS:
            raise _refuse(filename, f"包含{len(infos):,}个部件，超过上限{MAX_ZIP_MEMBERS:,}个，未读取")
        declared = 0
        for info in infos:
            declared += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
                raise _refuse(
                    filename, f"的部件 {info.filename} 压缩比达{ratio:,.0f}倍，未读取（疑似压缩炸弹）"
                )
        if declared > MAX_UNZIPPED_BYTES:
            raise _refuse(
                filename,
                f"解压后达{declared / 1048576:,.0f} MB，超过上限{MAX_UNZIPPED_BYTES // 1048576} MB，未读取",
            )
        names = {i.filename for i in infos}
        budget = [MAX_UNZIPPED_BYTES]  # what streaming may inflate, whatever the directory claims
        try:
            for name in _worksheet_parts(book, names):
                if name.endswith(".bin"):
                    _check_xlsb_sheet(book, book.getinfo(name), budget, filename)
                else:
                    _check_sheet(book, book.getinfo(name), budget, filename)
            for name in sorted(names):
                if name.rsplit("/", 1)[-1].lower().startswith("sharedstrings") and name.endswith(".xml"):
                    _check_shared_strings(book, book.getinfo(name), budget, filename)
            if "content.xml" in names:  # ods: the whole spreadsheet is one part
                _check_ods(book, book.getinfo("content.xml"), budget, filename)
        except (RuntimeError, NotImplementedError):
            return  # an encrypted part or an unknown compression method: the reader says so
        except expat.ExpatError:
            return  # not well-formed XML: the reader says so
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
            # a part that does not inflate to what the directory says (CRC or size): refused, since
            # another reader might inflate it further than this guard did
            raise _refuse(
                filename, "已损坏（压缩内容与目录不符），未读取；请用Excel打开后另存为.xlsx再上传"
            ) from None


def check_spreadsheet(data: bytes, filename: str = "") -> None:
    """Refuse (InvalidInput, Chinese message naming the file, `fields["file"]`) an uploaded
    spreadsheet whose container, declared size or cell range exceeds the caps above; return quietly
    otherwise. Call it before any reader opens the file."""
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(filename, f"大小超过{MAX_FILE_BYTES // 1048576} MB，未读取")
    if data.startswith(ZIP_MAGIC):
        _check_zip(data, filename)
    elif data.startswith(OLE_MAGIC):
        return  # xls: bounded by its format (65 536 rows × 256 columns) and by the size cap
    else:
        lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        if lines > MAX_ROWS:
            raise _too_large(filename, f"有{lines:,}行")
