"""The header row of an uploaded list (experts, examiners, …): each field answers to several header
names as officials write them (full-width brackets, a trailing *, spaces folded away), and the header is
the first of the top rows that names every required column — a title or a note may sit above it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from peiyu.core.errors import InvalidInput

__all__ = ["HeaderSpec", "header_key"]


def header_key(text: object) -> str:
    """A header cell as compared: brackets half-width, spaces and asterisks removed, lower case."""
    folded = str(text or "").strip().replace("（", "(").replace("）", ")")
    return re.sub(r"[\s\u3000*＊]+", "", folded).lower()


class HeaderSpec:
    """The columns of one kind of list: field → accepted header names, the required fields and the
    label of each field (named when a column is missing)."""

    def __init__(
        self,
        columns: Mapping[str, Sequence[str]],
        required: Sequence[str],
        labels: Mapping[str, str],
        *,
        search_rows: int = 10,
    ) -> None:
        self.by_header = {header_key(h): field for field, names in columns.items() for h in names}
        self.required = tuple(required)
        self.labels = dict(labels)
        self.search_rows = search_rows

    def find(self, table: Sequence[Sequence[object]]) -> tuple[int, dict[str, int], list[str]]:
        """(index of the header row, field → column index, labels of required columns missing). The
        header is the first of the top rows that names every required column; without one, the first
        non-blank row, with what it lacks."""
        first: tuple[int, dict[str, int], list[str]] | None = None
        for i, row in enumerate(table[: self.search_rows]):
            if not any(str(c or "").strip() for c in row):
                continue
            positions: dict[str, int] = {}
            for col, text in enumerate(row):
                field = self.by_header.get(header_key(text))
                if field and field not in positions:
                    positions[field] = col
            missing = [self.labels[f] for f in self.required if f not in positions]
            if not missing:
                return i, positions, []
            if first is None:
                first = (i, positions, missing)
        return first if first is not None else (-1, {}, [self.labels[f] for f in self.required])

    @staticmethod
    def values(row: Sequence[object], positions: Mapping[str, int]) -> dict[str, str]:
        """The row's cells by field, stripped; a short row gives empty strings."""
        return {field: (str(row[col]).strip() if col < len(row) else "") for field, col in positions.items()}

    def data_rows(
        self, table: Sequence[Sequence[object]], *, template: str, noun: str, max_rows: int
    ) -> tuple[dict[str, int], list[tuple[int, Sequence[object]]]]:
        """(field → column, the non-blank rows below the header with their 1-based row numbers); a
        missing required column or more than `max_rows` rows refuses the whole file in Chinese."""
        at, positions, missing = self.find(table)
        if missing:
            where = f"第 {at + 1} 行（表头）" if at >= 0 else "文件"
            message = f"{where}缺少必填列：{'、'.join(missing)}。请使用{template}"
            raise InvalidInput(message, code="missing_columns", fields={"file": [message]})
        rows = [
            (i + 1, r) for i, r in enumerate(table[at + 1 :], start=at + 1) if any(str(c).strip() for c in r)
        ]
        if len(rows) > max_rows:
            message = f"一次最多导入 {max_rows} 名{noun}，文件有 {len(rows)} 行"
            raise InvalidInput(message, code="too_many_rows", fields={"file": [message]})
        return positions, rows
