"""The one xlsx writer every export uses (catalog, class roster, import error reports, training
archives and reports, application forms).

Every text is written as plain text, whatever it holds:
- openpyxl stores a string starting with "=" as a formula and one such as "#N/A" as an error; here
  every string is a string cell, and one that a spreadsheet would take for a formula when edited or
  saved as CSV (starting with =, +, -, @, a tab or a carriage return) also carries Excel's "quote
  prefix" (the leading apostrophe), so formula injection is impossible;
- openpyxl refuses the control characters XML 1.0 cannot hold (IllegalCharacterError); here each is
  replaced by U+FFFD, visibly, and text longer than a cell holds is cut with "…", so no stored text
  ever makes an export fail.
Numbers, dates and booleans stay typed; an aware datetime is written in local time."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CELL_MAX = 32_767  # characters Excel holds in one cell
SHEET_TITLE_MAX = 31  # characters of a worksheet's name (Excel)
REPLACEMENT = "\ufffd"
# The characters XML 1.0 forbids (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE): C0 controls except tab,
# LF and CR. Lone surrogates cannot be encoded as UTF-8 either.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

_Typed = (bool, int, float, decimal.Decimal, dt.date, dt.time, dt.timedelta)


def plain_text(value: object) -> str:
    """`value` as text a cell can hold: control characters replaced by U+FFFD, at most CELL_MAX
    characters."""
    text = ILLEGAL.sub(REPLACEMENT, str(value))
    if len(text) > CELL_MAX:
        text = text[: CELL_MAX - 1] + "…"
    return text


def sheet_title(label: str, taken: set[str] | None = None) -> str:
    """A worksheet name from `label`: characters Excel forbids dropped, at most 31 characters, made
    unique against (and added to) `taken` with a "(2)" suffix."""
    base = _SHEET_TITLE_FORBIDDEN.sub("", ILLEGAL.sub("", label)).strip("'")[:SHEET_TITLE_MAX] or "表"
    taken = taken if taken is not None else set()
    name, n = base, 2
    while name in taken:
        suffix = f"({n})"
        name, n = base[: SHEET_TITLE_MAX - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dt.time) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, _Typed):
        return value
    return str(value)  # lazy translations, lists, anything else: as text


class XlsxSheet:
    """One worksheet of an XlsxWriter. Widths and frozen panes are set before the first row."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._fonts: dict[tuple[bool, str | None], Font] = {}
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self.rows = 0

    def widths(self, widths: Iterable[float] | Mapping[str, float]) -> None:
        """Column widths, in order from column A or by letter."""
        pairs = (
            widths.items()
            if isinstance(widths, Mapping)
            else ((get_column_letter(i), w) for i, w in enumerate(widths, start=1))
        )
        for letter, width in pairs:
            self._ws.column_dimensions[letter].width = width

    def freeze(self, cell: str) -> None:
        """Keep the rows above and the columns left of `cell` in view (e.g. "A2": the header)."""
        self._ws.freeze_panes = cell

    def cell(self, value: Any, *, bold: bool = False, color: str | None = None, wrap: bool = False) -> Any:
        """A cell of this sheet holding `value` safely (see the module's docstring)."""
        cell = WriteOnlyCell(self._ws)
        value = _cell_value(value)
        if isinstance(value, str):
            text = plain_text(value)
            cell.value = text
            cell.data_type = "s"  # never "f" (formula) nor "e" (error), whatever the text
            if text.startswith(FORMULA_LEADS):
                cell.quotePrefix = True
        else:
            cell.value = value
        if bold or color:
            key = (bold, color)
            font = self._fonts.get(key)
            if font is None:
                font = self._fonts[key] = Font(bold=bold, color=color)
            cell.font = font
        if wrap:
            cell.alignment = self._wrap
        return cell

    def append(
        self, values: Iterable[Any] = (), *, bold: bool = False, color: str | None = None, wrap: bool = False
    ) -> None:
        """One row; `bold`, `color` (RGB hex) and `wrap` apply to each of its cells except those
        made with `cell()`, which keep their own style."""
        self._ws.append(
            [v if isinstance(v, Cell) else self.cell(v, bold=bold, color=color, wrap=wrap) for v in values]
        )
        self.rows += 1


class XlsxWriter:
    """An xlsx workbook written row by row (openpyxl's write-only mode: memory stays flat for
    twenty thousand rows). `sheet()` adds a worksheet, `to_bytes()` returns the file."""

    def __init__(self) -> None:
        self._book = Workbook(write_only=True)
        self._titles: set[str] = set()

    def sheet(self, title: str) -> XlsxSheet:
        """A new worksheet named after `title` (made legal and unique, see sheet_title)."""
        return XlsxSheet(self._book.create_sheet(sheet_title(title, self._titles)))

    def to_bytes(self) -> bytes:
        if not self._titles:
            self.sheet("Sheet1")
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()


def xlsx_table(title: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """A one-sheet workbook: a bold header row, then `rows`."""
    writer = XlsxWriter()
    sheet = writer.sheet(title)
    sheet.append(header, bold=True)
    for row in rows:
        sheet.append(row)
    return writer.to_bytes()
