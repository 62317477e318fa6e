"""Roster import: what a parse gives — the valid rows, the per-row errors with their Chinese text, the
in-file duplicates, and the error report rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from peiyu.core.identifiers import mask_id_number

from .roster_columns import FIELD_LABELS


class RosterRow(NamedTuple):
    """A valid row. `id_number` is the normalised 18-character number (upper-case X); `sex` is 'M'/'F'
    from the ID's 17th digit; `phone` is 11 digits or ''; `age` is on the `today` of the parse;
    `retired` is the 是否退休 column (None if absent or empty). A NamedTuple: immutable, ~2× cheaper to
    build than a dataclass, and untracked by the garbage collector."""

    row_number: int
    name: str
    id_number: str
    phone: str
    sex: str
    birth_date: dt.date
    age: int
    employer: str = ""
    education: str = ""
    category: str = ""
    retired: bool | None = None

    def __repr__(self) -> str:
        # personal data stays out of logs and tracebacks (DESIGN §7)
        return (
            f"RosterRow(row_number={self.row_number}, name={self.name!r}, "
            f"id_number={mask_id_number(self.id_number)!r}, sex={self.sex!r}, age={self.age})"
        )

    @property
    def declares_retired(self) -> bool:
        """The file itself says the person is retired (column or category); the service applies TRN-8."""
        return self.retired is True or self.category == "离退休人员"


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of one row; `value` is what the file says, masked for ID numbers and phones."""

    row_number: int
    field: str
    value: str
    message: str

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def text(self) -> str:
        """第12行 身份证号码：校验位错误：最后一位应为“X”，实际为“3”"""
        label = self.label
        detail = self.message
        if detail.startswith(label):
            detail = detail[len(label) :].removeprefix("中的") or detail
        elif detail == f"请填写{label}":
            detail = "未填写"
        return f"第{self.row_number}行 {label}：{detail}"

    def as_dict(self) -> dict[str, object]:
        return {
            "row_number": self.row_number,
            "field": self.field,
            "label": self.label,
            "value": self.value,
            "message": self.message,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class DuplicateRow:
    """The same ID number appears again: `row_number` repeats `first_row_number` (masked ID)."""

    row_number: int
    first_row_number: int
    id_number_masked: str


@dataclass(slots=True)
class RosterParse:
    rows: list[RosterRow]
    errors: list[RowError]
    duplicates: list[DuplicateRow]
    ignored_columns: list[str]
    total: int  # non-empty data rows (valid + rejected)
    columns: dict[str, str]  # field → header text as written in the file
    header_row: int  # the header's (first) row number
    header_rows: tuple[int, ...] = ()  # every row of the header (two for a two-row header)
    footer_rows: list[int] = field(default_factory=list)  # footer lines skipped ("制表人：…", "合计")

    @property
    def layout_note(self) -> str:
        return layout_note(self.header_rows or (self.header_row,), self.footer_rows)

    @property
    def error_row_numbers(self) -> list[int]:
        return sorted({e.row_number for e in self.errors})

    @property
    def rejected(self) -> int:
        return self.total - len(self.rows)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_report_rows(self) -> list[dict[str, object]]:
        """Rows of the error report the institution downloads (行号, 字段, 内容, 问题). 内容 echoes the
        uploaded file, so text that a spreadsheet would run as a formula (=, +, -, @) gets a leading
        apostrophe (CSV/formula injection)."""
        return [
            {"行号": e.row_number, "字段": e.label, "内容": _inert(e.value), "问题": e.message}
            for e in self.errors
        ]


def layout_note(header_rows: Sequence[int], footer_rows: Sequence[int] = ()) -> str:
    """Where the table was found, for the import's page and report: "第4–5行为表头；第9、10行为表尾说明，
    未作为学员导入"; "" before the file was read."""
    if not header_rows:
        return ""
    first, last = header_rows[0], header_rows[-1]
    note = f"第{first}行为表头" if first == last else f"第{first}–{last}行为表头"
    if footer_rows:
        shown = "、".join(map(str, footer_rows[:5])) + ("等" if len(footer_rows) > 5 else "")
        note += f"；第{shown}行为表尾说明，未作为学员导入"
    return note


def _inert(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
