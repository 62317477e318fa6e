"""Rules of blueprints (权重表, EVL-2): the cells (knowledge area × type × difficulty → count, points per
item) add up to the blueprint's total points (100, the scale of EVL-7), and each knowledge area's weight
(%) equals the share of the total its cells carry. Pure: plain values in, Checks out."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from peiyu.core.checks import Check

from .banks import SOURCE_EVL2
from .items import DIFFICULTIES, THEORY_TYPES


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    weight: int


@dataclass(frozen=True)
class CellSpec:
    area: str
    item_type: str
    difficulty: int | None
    count: int
    points: Decimal


def _n(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _gap(target: Decimal, total: Decimal) -> str:
    return f"多{_n(total - target)}分" if total > target else f"少{_n(target - total)}分"


def check_blueprint(total_points: int, areas: list[AreaSpec], cells: list[CellSpec]) -> list[Check]:
    """Every check a blueprint must pass before it is saved; each failure names what is wrong."""
    checks: list[Check] = []
    codes = [a.code for a in areas]
    problems = []
    if not areas:
        problems.append("至少应有一个知识模块")
    if len(set(codes)) != len(codes):
        problems.append("知识模块代码不能重复")
    if any(not a.code or not a.name for a in areas):
        problems.append("每个知识模块都应有代码和名称")
    checks.append(Check("EVL-2", not problems, "；".join(problems) or "知识模块齐全", {"areas": codes},
                        source=SOURCE_EVL2, blocking=True))  # fmt: skip
    bad_cells = []
    for n, c in enumerate(cells, start=1):
        if c.area not in codes:
            bad_cells.append(f"第{n}行的知识模块“{c.area}”未定义")
        if c.item_type not in THEORY_TYPES:
            bad_cells.append(f"第{n}行的题型不是理论题型")
        if c.difficulty is not None and c.difficulty not in DIFFICULTIES:
            bad_cells.append(f"第{n}行的难度应为1至5")
        if c.count <= 0:
            bad_cells.append(f"第{n}行的题量应大于0")
        if c.points <= 0:
            bad_cells.append(f"第{n}行的每题分值应大于0")
    checks.append(Check("EVL-2", not bad_cells and bool(cells), "；".join(bad_cells) or
                        ("各单元格填写完整" if cells else "至少应有一个单元格（模块×题型×难度）"),
                        {"cells": len(cells)}, source=SOURCE_EVL2, blocking=True))  # fmt: skip
    total = sum((c.points * c.count for c in cells), Decimal(0))
    ok = total == Decimal(total_points)
    checks.append(
        Check(
            "EVL-2",
            ok,
            f"各单元格分值合计{_n(total)}分"
            + ("，与总分一致" if ok else f"，应为{total_points}分（{_gap(Decimal(total_points), total)}）"),
            {"cells_total": str(total), "total_points": total_points},
            source=SOURCE_EVL2,
            blocking=True,
        )
    )
    if total > 0:
        off = []
        for a in areas:
            points = sum((c.points * c.count for c in cells if c.area == a.code), Decimal(0))
            share = points * 100 / total
            if share != Decimal(a.weight):
                off.append(
                    f"“{a.name}”比重{a.weight}%，但其单元格分值{_n(points)}分占{_n(share.quantize(Decimal('0.1')))}%"
                )
        checks.append(
            Check(
                "EVL-2",
                not off,
                "；".join(off) or "各知识模块比重与单元格分值一致",
                {"weights": {a.code: a.weight for a in areas}},
                source=SOURCE_EVL2,
                blocking=True,
            )
        )
    return checks
