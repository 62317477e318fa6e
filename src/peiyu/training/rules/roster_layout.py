"""Roster import: where the table is in the file as officials save it (TRN-13). Excel, WPS and LibreOffice
rosters often start with a title row (a merged cell "2026年第二批职业技能培训学员花名册"), a line such as
"培训机构：…  班级：…", blank rows, then a header of one or two rows — a group cell "联系方式" merged over
"手机号码 | 固定电话", with "姓名" and "身份证号码" merged down across both rows — and end with a footer
("制表人：…  日期：…", "合计：50人", "注：…").

`find_header` reads only the first `HEADER_SEARCH_ROWS` non-empty rows and gives the header's cells (a
two-row header combined column by column, the lower label winning) and its row numbers, plus an
iterator over the rows that follow it. A merged cell reaches us as its text in its first column and
empty cells in the others (python-calamine, csv), which is what the combination relies on.
`is_footer` is the cheap check the parser makes only on rows that already failed validation."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from peiyu.core.errors import InvalidInput

from .roster_columns import HEADER_ALIASES, REQUIRED_FIELDS, header_key, map_header

HEADER_SEARCH_ROWS = 30  # non-empty rows searched for the header; title and notes above it fit easily

# the first non-empty cell of a footer line: who made or checked the table, a date, a total, a note, a seal
_FOOTER = re.compile(
    r"[\s\u3000]*(?:制表|填表|填报|审核|审批|复核|负责人|经办|联系人|日期|合计|总计|共计|小计|备注|"
    r"注[\s\u3000]*[:：\d一１]|说明|单位[（(]?(?:盖章|公章|签章)|[（(]?盖章|[（(]?公章|签字|签名|以上|本表)"
)


def is_footer(cells: list[str]) -> bool:
    """A footer line: its first non-empty cell starts like "制表人：", "日期：", "合计", "注：". The parser
    asks only about rows without a valid ID number, so a trainee's row is never taken for one."""
    for cell in cells:
        if cell:
            return _FOOTER.match(cell) is not None
    return False


@dataclass(frozen=True, slots=True)
class Header:
    cells: list[str]  # the header's cells, a two-row header combined
    rows: tuple[int, ...]  # the row numbers it spans (one or two)
    positions: dict[str, int]  # field → column index
    texts: dict[str, str]  # field → header text as written
    ignored: list[str]  # header texts that name no field


def _fields(cells: list[str]) -> dict[int, str]:
    """Column index → the field its text names, for the cells that name one."""
    found: dict[int, str] = {}
    for index, text in enumerate(cells):
        if text:
            fname = HEADER_ALIASES.get(header_key(text))
            if fname is not None:
                found[index] = fname
    return found


def _combined(upper: list[str], lower: list[str]) -> list[str]:
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    return [low or up for up, low in zip(upper, lower, strict=True)]


def _continues(upper: list[str], upper_fields: dict[int, str], lower: list[str]) -> bool:
    """`lower` is the second row of a header whose first row is `upper`: it is empty under the required
    columns `upper` names (cells merged down) and labels a column under an empty cell (a group cell
    merged across) or names a field where `upper` names none or the same one ("联系方式" over
    "手机号码"). A data row right under a one-row header has its name and ID number, so it never
    continues the header."""
    for index, fname in upper_fields.items():
        if fname in REQUIRED_FIELDS and index < len(lower) and lower[index]:
            return False
    lower_fields = _fields(lower)
    for index, text in enumerate(lower):
        if not text:
            continue
        above = upper[index] if index < len(upper) else ""
        if not above:
            return True
        named = lower_fields.get(index)
        if named is not None and upper_fields.get(index, named) == named:
            return True
    return False


def _merged_down(upper: list[str], lower: list[str]) -> bool:
    """`upper` is the first row of a header rather than a title over it: it labels two or more columns,
    and at least one label stands over an empty cell ("序号" or "手机号码" merged down both rows), where a
    title's or a subtitle's text stands over the header's labels."""
    labels = [i for i, text in enumerate(upper) if text]
    return len(labels) >= 2 and any(i >= len(lower) or not lower[i] for i in labels)


def _has_required(fields: dict[int, str]) -> bool:
    names = set(fields.values())
    return all(f in names for f in REQUIRED_FIELDS)


def find_header(
    rows: Iterable[tuple[int, list[str]]],
) -> tuple[Header, Iterator[tuple[int, list[str]]]]:
    """The header among the first HEADER_SEARCH_ROWS non-empty rows — the first row naming both the
    name and the ID number columns, alone or with the row under it (see `_continues`) — and the rows
    after it. Raise InvalidInput (roster_empty) for a file without content, and map_header's refusal
    (roster_header, TRN-13) naming the closest row when no row qualifies."""
    rows = iter(rows)
    seen: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if any(cells):
            seen.append((number, cells))
            if len(seen) > HEADER_SEARCH_ROWS:
                break
    if not seen:
        raise InvalidInput(
            "文件中没有内容，请使用带表头的花名册",
            code="roster_empty",
            rule="TRN-13",
            fields={"file": ["文件没有内容"]},
        )
    candidates = seen[:HEADER_SEARCH_ROWS]
    best: tuple[int, int] | None = None  # (fields named, index) of the closest row, for the refusal
    for i, (number, cells) in enumerate(candidates):
        fields = _fields(cells)
        # the row right under it, the only one that can be a second header row
        below = seen[i + 1] if i + 1 < len(seen) and seen[i + 1][0] == number + 1 else None
        depth = 0
        if _has_required(fields):
            depth = 2 if below is not None and _continues(cells, fields, below[1]) else 1
        elif below is not None and _continues(cells, fields, below[1]):
            if _has_required(_fields(below[1])):
                depth = 2 if _merged_down(cells, below[1]) else 0  # else row i is a title over the header
            elif _has_required(_fields(_combined(cells, below[1]))):
                depth = 2
        if depth:
            header_cells = cells if depth == 1 else _combined(cells, seen[i + 1][1])
            positions, texts, ignored = map_header(header_cells)
            used = tuple(n for n, _ in seen[i : i + depth])
            rest = itertools.chain(seen[i + depth :], rows)
            return Header(header_cells, used, positions, texts, ignored), rest
        named = len(set(fields.values()))
        if best is None or named > best[0]:
            best = (named, i)
    assert best is not None
    number, cells = candidates[best[1]]
    map_header(cells, row=number, searched=len(candidates))  # raises: a required column is missing
    raise AssertionError("map_header accepted a row without a required column")
