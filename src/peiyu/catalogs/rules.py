"""Pure checks of catalog data: code formats and the per-row validation of a trade import (CAT-2).
Nothing here touches the database; services pass in what exists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .codes import OCCUPATION_CODE, REGION_CODE, TRADE_CODE

TRADE_NAME_MAX = 100

# Column headers accepted in a trade file, by field. The first is the one shown in messages.
TRADE_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("工种编码", "工种代码", "code"),
    "name": ("工种名称", "name"),
    "occupation_code": ("职业编码", "职业代码", "occupation_code"),
}


def column_label(key: str) -> str:
    return TRADE_COLUMNS[key][0]


@dataclass(frozen=True)
class RowError:
    row: int  # the row number as the spreadsheet shows it (header = 1)
    column: str
    message: str

    def __str__(self) -> str:
        return _("第%(row)s行【%(column)s】：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class TradeRow:
    row: int
    code: str
    name: str
    occupation_code: str


@dataclass
class ImportReport:
    """What an import did, row by row. `written` is False when nothing was stored (all-or-nothing
    with errors, or nothing to change)."""

    filename: str
    mode: str
    rows_total: int = 0
    rows_valid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def as_dict(self) -> dict:
        return {
            "filename": self.filename,
            "mode": self.mode,
            "rows_total": self.rows_total,
            "rows_valid": self.rows_valid,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors],
            "written": self.written,
        }


def match_headers(header: Iterable[object]) -> tuple[dict[str, int], list[str]]:
    """Map each field to its column index; return the labels of required columns that are missing."""
    normalised = [str(h or "").strip().replace(" ", "").replace("\u3000", "") for h in header]
    positions: dict[str, int] = {}
    for key, names in TRADE_COLUMNS.items():
        for idx, label in enumerate(normalised):
            if label in names or label.lower() in names:
                positions[key] = idx
                break
    missing = [column_label(k) for k in TRADE_COLUMNS if k not in positions]
    return positions, missing


def check_trade_rows(
    rows: Iterable[TradeRow], existing_names: Mapping[str, str]
) -> tuple[list[TradeRow], list[RowError]]:
    """Validate rows of a trade file (CAT-2). `existing_names` maps trade codes already stored to their
    names. Returns the valid rows and, for every invalid one, one error per faulty column."""
    valid: list[TradeRow] = []
    errors: list[RowError] = []
    rows = list(rows)
    rows_of: dict[str, list[int]] = {}
    for r in rows:
        if r.code:
            rows_of.setdefault(r.code, []).append(r.row)
    col_code, col_name, col_occ = column_label("code"), column_label("name"), column_label("occupation_code")
    for r in rows:
        row_errors: list[RowError] = []
        if not r.code:
            row_errors.append(RowError(r.row, col_code, _("缺少工种编码")))
        elif not TRADE_CODE.match(r.code):
            row_errors.append(
                RowError(
                    r.row,
                    col_code,
                    _("编码格式不正确：“%(value)s”，应为 6-xx-xx-xx 或 6-xx-xx-xx-xx 形式（x 为数字）")
                    % {"value": r.code},
                )
            )
        if not r.name:
            row_errors.append(RowError(r.row, col_name, _("缺少工种名称")))
        elif len(r.name) > TRADE_NAME_MAX:
            row_errors.append(
                RowError(r.row, col_name, _("工种名称过长（最多%(n)s个字）") % {"n": TRADE_NAME_MAX})
            )
        if not r.occupation_code:
            row_errors.append(RowError(r.row, col_occ, _("缺少职业编码")))
        elif not OCCUPATION_CODE.match(r.occupation_code):
            row_errors.append(
                RowError(
                    r.row,
                    col_occ,
                    _("编码格式不正确：“%(value)s”，应为 6-xx-xx-xx 形式（x 为数字）")
                    % {"value": r.occupation_code},
                )
            )
        elif (
            TRADE_CODE.match(r.code)
            and len(r.code) > len(r.occupation_code)
            and not r.code.startswith(r.occupation_code + "-")
        ):
            row_errors.append(
                RowError(
                    r.row,
                    col_code,
                    _("工种编码“%(code)s”不属于职业编码“%(occ)s”")
                    % {"code": r.code, "occ": r.occupation_code},
                )
            )
        if r.code:
            if len(rows_of[r.code]) > 1:
                # Which of the rows is right is unknown, so none of them is taken.
                others = "、".join(str(n) for n in rows_of[r.code] if n != r.row)
                row_errors.append(
                    RowError(
                        r.row, col_code, _("工种编码在文件中重复（另见第%(rows)s行）") % {"rows": others}
                    )
                )
            stored = existing_names.get(r.code)
            if stored is not None and r.name and stored != r.name:
                row_errors.append(
                    RowError(
                        r.row,
                        col_name,
                        _("工种编码“%(code)s”已存在，名称为“%(stored)s”，与本行名称“%(name)s”不一致")
                        % {"code": r.code, "stored": stored, "name": r.name},
                    )
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            valid.append(r)
    return valid, errors


def check_region_row(code: str, name: str, level: str, parent: str, known: set[str]) -> str | None:
    """A reason why a row of regions.csv is unusable, or None."""
    if not REGION_CODE.match(code):
        return f"代码格式不正确：{code!r}"
    if not name:
        return f"{code} 缺少名称"
    if level not in {"1", "2", "3"}:
        return f"{code} 层级不正确：{level!r}"
    if (level == "1") != (parent == ""):
        return f"{code} 上级代码与层级不符"
    if parent and parent not in known:
        return f"{code} 的上级 {parent} 不存在"
    return None
