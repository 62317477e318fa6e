"""Rules of paper assembly (EVL-2, EVL-5): what a blueprint asks of a bank, checked before any solver runs,
and what every assembled form must meet, checked after. Pure functions over plain values.

A blueprint is a list of cells (knowledge area × item type × difficulty, difficulty None = any) each
asking `count` items worth `points`. Each form takes exactly `count` approved items per cell and no
item twice; any two forms share at most `cap` items, `cap = floor(max_overlap × form size)`.

Before solving, two necessary conditions are checked and, when they fail, reported with the amount:

- **cell counts** (EVL-2): a cell needs `count` eligible approved items; a group of one area and type
  that holds a difficulty-free cell needs the sum of its cells' counts from the group's items;
- **overlap bound** (EVL-5): n forms of k items from m items, each pair sharing at most t, need
  Σ C(rᵢ, 2) ≤ C(n, 2)·t over the items' uses rᵢ (Σ rᵢ = n·k); the sum is least when the uses are as even
  as possible (Corrádi's bound). Summed over the disjoint pools of the blueprint it must stay within the
  pairs' total allowance; when it does not, every pool short of its proportional share (t·k_pool/k) is
  named with the least number of items it would need and what it has.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from peiyu.core.checks import Check

SOURCE = "001 第十七条（二）、第十九条"
TYPE_ORDER = ("single", "multiple", "true_false", "fill", "short", "practical")
TYPE_LABELS = {
    "single": "单项选择题",
    "multiple": "多项选择题",
    "true_false": "判断题",
    "fill": "填空题",
    "short": "简答题",
    "practical": "实操试题",
}
DIFFICULTY_LABELS = {1: "易", 2: "较易", 3: "中等", 4: "较难", 5: "难"}
EPSILON = 1e-9
IMPOSSIBLE = 10**18  # no items for some uses: more sharing than any allowance


@dataclass(frozen=True)
class Cell:
    key: str  # "A/single/2" or "A/single/*"
    area: str
    area_name: str
    item_type: str
    difficulty: int | None
    count: int
    points: Decimal

    @property
    def label(self) -> str:
        difficulty = DIFFICULTY_LABELS.get(self.difficulty or 0, "不限难度")
        return f"{self.area} {self.area_name}·{TYPE_LABELS.get(self.item_type, self.item_type)}·{difficulty}"

    def takes(self, item: Candidate) -> bool:
        return (
            item.area == self.area
            and item.item_type == self.item_type
            and (self.difficulty is None or item.difficulty == self.difficulty)
        )


@dataclass(frozen=True)
class Candidate:
    """An approved item the solver may draw."""

    id: int
    area: str
    item_type: str
    difficulty: int


@dataclass(frozen=True)
class Pool:
    """Items drawn only by `cells` (disjoint from every other pool): a cell of its own, or an area × type
    group holding a difficulty-free cell, whose cells share the group's items."""

    label: str
    cells: tuple[Cell, ...]
    items: tuple[int, ...]

    @property
    def count(self) -> int:
        return sum(c.count for c in self.cells)


def cell_key(area: str, item_type: str, difficulty: int | None) -> str:
    return f"{area}/{item_type}/{difficulty if difficulty is not None else '*'}"


def overlap_cap(max_overlap: float, form_size: int) -> int:
    """The most items two forms may share."""
    return math.floor(max_overlap * form_size + EPSILON)


def eligible(cells: Sequence[Cell], items: Iterable[Candidate]) -> dict[str, list[int]]:
    """Each cell's eligible item ids (ascending)."""
    pools: dict[str, list[int]] = {c.key: [] for c in cells}
    for item in sorted(items, key=lambda i: i.id):
        for c in cells:
            if c.takes(item):
                pools[c.key].append(item.id)
    return pools


def pools_of(cells: Sequence[Cell], items: Iterable[Candidate]) -> list[Pool]:
    """The blueprint's disjoint pools (see Pool)."""
    items = list(items)
    groups: dict[tuple[str, str], list[Cell]] = {}
    for c in cells:
        groups.setdefault((c.area, c.item_type), []).append(c)
    out: list[Pool] = []
    for (area, item_type), group in groups.items():
        if any(c.difficulty is None for c in group):
            ids = tuple(sorted(i.id for i in items if i.area == area and i.item_type == item_type))
            name = group[0].area_name
            out.append(Pool(f"{area} {name}·{TYPE_LABELS.get(item_type, item_type)}", tuple(group), ids))
        else:
            for c in group:
                out.append(Pool(c.label, (c,), tuple(sorted(i.id for i in items if c.takes(i)))))
    return out


def min_pair_sharing(items: int, uses: int) -> int:
    """The least Σ C(rᵢ, 2) over `items` items used `uses` times in all (uses as even as possible)."""
    if items <= 0:
        return 0 if uses == 0 else IMPOSSIBLE
    q, r = divmod(uses, items)
    return (items - r) * q * (q - 1) // 2 + r * (q + 1) * q // 2


def min_items_for(forms: int, count: int, allowance: float) -> int:
    """The fewest items from which `forms` forms can each take `count`, with the pairs of forms sharing
    at most `allowance` items of this pool in all (the pool's share of C(n, 2)·t)."""
    if forms <= 1 or count == 0:
        return count
    low, high = count, forms * count
    while low < high:
        mid = (low + high) // 2
        if min_pair_sharing(mid, forms * count) <= allowance + EPSILON:
            high = mid
        else:
            low = mid + 1
    return low


def check_cell_counts(
    cells: Sequence[Cell], items: Sequence[Candidate]
) -> tuple[Check, list[dict[str, Any]]]:
    """EVL-2: the bank holds enough approved items for every cell of one form. The report rows:
    {"constraint": "cell", "cell", "label", "needed", "available", "short"} for each short cell."""
    by_cell = eligible(cells, items)
    rows: list[dict[str, Any]] = []
    for c in cells:
        if c.difficulty is not None and len(by_cell[c.key]) < c.count:
            rows.append(_short_row("cell", c.key, c.label, c.count, len(by_cell[c.key])))
    for pool in pools_of(cells, items):
        if len(pool.cells) > 1 or pool.cells[0].difficulty is None:
            if len(pool.items) < pool.count:
                keys = ",".join(c.key for c in pool.cells)
                rows.append(_short_row("cell", keys, pool.label, pool.count, len(pool.items)))
    if rows:
        detail = "；".join(
            f"{r['label']}需{r['needed']}道、已审定{r['available']}道，缺{r['short']}道" for r in rows
        )
        message = f"题库不能满足权重表：{detail}"
    else:
        message = "题库已审定试题满足权重表各单元的题量"
    return Check("EVL-2", not rows, message, {"short": rows}, source=SOURCE, blocking=True), rows


def check_overlap_bound(
    cells: Sequence[Cell], items: Sequence[Candidate], *, forms: int, max_overlap: float
) -> tuple[Check, list[dict[str, Any]]]:
    """EVL-5: `forms` parallel forms with pairwise overlap at most `max_overlap` are possible at all from
    these items (the necessary condition in the module docstring). Report rows:
    {"constraint": "overlap", "cell", "label", "needed", "available", "short", "forms", "max_overlap"}."""
    size = sum(c.count for c in cells)
    cap = overlap_cap(max_overlap, size)
    pools = pools_of(cells, items)
    pairs = forms * (forms - 1) // 2
    sharing = sum(min_pair_sharing(len(p.items), forms * p.count) for p in pools if p.count)
    facts: dict[str, Any] = {"forms": forms, "max_overlap": max_overlap, "cap": cap, "form_size": size}
    if forms <= 1 or sharing <= pairs * cap:
        message = f"{forms}套平行卷两两重题不超过{cap}题（{max_overlap:.0%}）在题量上可行"
        return Check("EVL-5", True, message, facts, source=SOURCE, blocking=True), []
    rows = []
    for p in pools:
        needed = min_items_for(forms, p.count, pairs * cap * p.count / size)
        if len(p.items) < needed:
            row = _short_row("overlap", ",".join(c.key for c in p.cells), p.label, needed, len(p.items))
            rows.append({**row, "forms": forms, "max_overlap": max_overlap})
    detail = "；".join(
        f"{r['label']}至少需{r['needed']}道、现有{r['available']}道，缺{r['short']}道" for r in rows
    )
    message = f"题库不足以组成{forms}套两两重题不超过{cap}题（{max_overlap:.0%}）的平行卷：{detail}"
    return Check("EVL-5", False, message, {**facts, "short": rows}, source=SOURCE, blocking=True), rows


def _short_row(constraint: str, key: str, label: str, needed: int, available: int) -> dict[str, Any]:
    return {
        "constraint": constraint,
        "cell": key,
        "label": label,
        "needed": needed,
        "available": available,
        "short": needed - available,
        "unit": "道",
    }


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    max_overlap_items: int = 0
    mean_overlap_items: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def overlap_matrix(forms: Sequence[Iterable[int]]) -> npt.NDArray[np.int64]:
    """The items shared by each pair of forms (a forms × forms matrix; the diagonal is each size)."""
    sets = [sorted(set(f)) for f in forms]
    column = {i: n for n, i in enumerate(sorted({i for f in sets for i in f}))}
    incidence = np.zeros((len(sets), max(len(column), 1)), dtype=np.float64)  # float: BLAS multiplies
    for n, f in enumerate(sets):
        incidence[n, [column[i] for i in f]] = 1.0
    return np.rint(incidence @ incidence.T).astype(np.int64)


def overlap_stats(forms: Sequence[Iterable[int]]) -> tuple[int, float]:
    """(max, mean) of the items shared by two forms, over every pair."""
    if len(forms) < 2:
        return 0, 0.0
    upper = overlap_matrix(forms)[np.triu_indices(len(forms), k=1)]
    return int(upper.max()), float(upper.mean())


def verify_forms(
    cells: Sequence[Cell],
    items: Sequence[Candidate],
    forms: Sequence[Sequence[tuple[int, str]]],
    *,
    max_overlap: float,
) -> Verification:
    """Check assembled forms — each a list of (item id, cell key) — against every constraint: each cell
    filled with exactly its count of eligible items, no item twice on a form, any two forms sharing at
    most the cap. Independent of the solver."""
    by_id = {i.id: i for i in items}
    by_key = {c.key: c for c in cells}
    cap = overlap_cap(max_overlap, sum(c.count for c in cells))
    result = Verification()
    for n, form in enumerate(forms, start=1):
        ids = [i for i, _ in form]
        if len(set(ids)) != len(ids):
            result.problems.append(f"第{n}套有重复试题")
        counts: dict[str, int] = {}
        for item_id, key in form:
            cell, item = by_key.get(key), by_id.get(item_id)
            if cell is None or item is None or not cell.takes(item):
                result.problems.append(f"第{n}套试题{item_id}不属于单元{key}")
            counts[key] = counts.get(key, 0) + 1
        for c in cells:
            if counts.get(c.key, 0) != c.count:
                result.problems.append(f"第{n}套{c.label}为{counts.get(c.key, 0)}道，应为{c.count}道")
    sets = [[i for i, _ in f] for f in forms]
    if len(sets) > 1:
        shared = overlap_matrix(sets)
        for a, b in zip(*np.nonzero(np.triu(shared, k=1) > cap), strict=True):
            result.problems.append(f"第{a + 1}套与第{b + 1}套重题{shared[a, b]}道，超过{cap}道")
    result.max_overlap_items, result.mean_overlap_items = overlap_stats(sets)
    return result


def form_order(cells: Sequence[Cell], chosen: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """Positions on the form: type blocks in the usual order (single, multiple, true/false, fill, short),
    within a block the blueprint's cell order, within a cell the item id."""
    rank = {
        c.key: (TYPE_ORDER.index(c.item_type) if c.item_type in TYPE_ORDER else 99, n)
        for n, c in enumerate(cells)
    }
    return sorted(chosen, key=lambda pair: (rank[pair[1]], pair[0]))
