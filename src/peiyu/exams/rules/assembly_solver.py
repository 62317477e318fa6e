"""The assembly of parallel forms (ADR 0012): sequential, each form drawn against the caps of every form
before it, with Google OR-Tools' CP-SAT as the exact solver where the fast draw gets stuck.

For form f = 1 … n, in order:

1. **Draw** (the fast path): per cell — cells of one difficulty first, then difficulty-free cells — the
   eligible items not yet on the form, least used so far first (so uses stay even: the even spread is
   what makes the overlap bound of rules/assembly.py reachable), ties broken by a random key drawn
   from the recorded seed for this form; an item is taken only when every earlier form that holds it
   still shares fewer than the cap with this one.
2. **CP-SAT** when a cell cannot be filled that way: one boolean per (cell, eligible item), exactly
   `count` per cell, an item at most once, Σ over each earlier form's items ≤ cap, objective the same
   (uses × 1000 + random key) — least used first, random tie-breaking. One worker, the seed as the
   solver's seed and a deterministic time limit, so the same seed gives the same forms on any machine.
3. If CP-SAT finds no form f next to the earlier ones: when the counting bound of rules/assembly.py
   fails, no n forms exist at all; otherwise, if the whole problem is small (a session's few forms),
   CP-SAT solves all n forms together — the pairwise caps as
   Σᵢ (zf,i ∧ zg,i) ≤ cap — which either finds forms or proves that none exist. Otherwise the outcome
   says how many forms could be made within the cap, and no form is changed to fit.

500 forms of 100 items from 1 500 take the draw alone almost always (benchmarks/scenarios/
exam_papers.py); the joint model has n(n-1)/2 × items pair variables and is kept to small n."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from .assembly import Candidate, Cell, check_overlap_bound, eligible, form_order, overlap_cap

JOINT_PAIR_LIMIT = 60_000  # pairs of forms × items for the joint model
FORM_TIME = 1.0  # CP-SAT deterministic time for one form (a random objective needs no proof of optimality)
JOINT_TIME = 1.0
WEIGHT = 1000  # one use more outweighs any random key (CP-SAT's integer objective)
USE_WEIGHT = 0.05  # the draw: a little for each earlier use of an item …
KEY_WEIGHT = 0.01  # … and the random tie-break
RERANK = 5  # picks between two rankings of a cell's candidates


@dataclass
class Solution:
    forms: list[list[tuple[int, str]]] = field(default_factory=list)
    draws: int = 0  # forms made by the draw
    solver_forms: int = 0  # forms made by CP-SAT one at a time
    joint: str = ""  # "", "found", "infeasible", "unknown": the joint model's outcome when it ran
    failed_at: int = 0  # the form (1-based) that could not be made, 0 when all were
    short_cell: str = ""  # the cell the draw could not fill at failed_at
    short_by: int = 0  # how many items that cell lacked within the cap

    @property
    def complete(self) -> bool:
        return self.failed_at == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "solver_forms": self.solver_forms,
            "joint": self.joint,
            "failed_at": self.failed_at,
            "short_cell": self.short_cell,
            "short_by": self.short_by,
        }


def seed_int(seed: str, salt: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{salt}".encode()).digest()[:8], "big")


def solve(
    cells: Sequence[Cell], items: Sequence[Candidate], *, forms: int, max_overlap: float, seed: str
) -> Solution:
    """`forms` forms (each a list of (item id, cell key) in position order), or how far it got."""
    cap = overlap_cap(max_overlap, sum(c.count for c in cells))
    ordered = sorted(cells, key=lambda c: c.difficulty is None)
    pools = eligible(cells, items)
    ids = sorted({i for pool in pools.values() for i in pool})
    uses = dict.fromkeys(ids, 0)
    draw = _Draw(ids, forms, cap)
    made: list[list[tuple[int, str]]] = []
    out = Solution()
    for f in range(forms):
        rng = random.Random(seed_int(seed, f"form:{f}"))
        randoms = np.array([rng.random() for _ in ids], dtype=np.float32)
        form, short_cell, short_by = draw.form(f, ordered, pools, randoms)
        if form is None:
            keys = dict(zip(ids, randoms.tolist(), strict=True))
            form = _solve_one(cells, pools, uses, keys, made, cap, seed_int(seed, f"solver:{f}"))
            if form is None:
                out.failed_at, out.short_cell, out.short_by = f + 1, short_cell, short_by
                break
            out.solver_forms += 1
        else:
            out.draws += 1
        for i, _key in form:
            uses[i] += 1
        draw.record(f, form)
        made.append(form_order(cells, form))
    if out.failed_at and not check_overlap_bound(cells, items, forms=forms, max_overlap=max_overlap)[0].ok:
        out.joint = "infeasible"  # proven by counting (rules.assembly.check_overlap_bound)
    elif out.failed_at and forms * (forms - 1) // 2 * len(ids) <= JOINT_PAIR_LIMIT:
        joint, status = _solve_joint(cells, pools, forms, cap, seed)
        out.joint = status
        if joint is not None:
            made = [form_order(cells, form) for form in joint]
            out.failed_at, out.short_cell, out.short_by = 0, "", 0
    out.forms = made if out.complete else []
    return out


class _Draw:
    """The fast path's state: which earlier forms hold each item (a 0/1 matrix, items × forms), how
    often each item was used, and the cost of one more shared item for a pair that already shares s
    (growing steeply towards the cap, a table by s)."""

    def __init__(self, ids: list[int], forms: int, cap: int) -> None:
        self.row = {i: n for n, i in enumerate(ids)}
        self.held = np.zeros((len(ids), max(forms, 1)), dtype=np.float32)
        self.holders: list[list[int]] = [[] for _ in ids]
        self.uses = np.zeros(len(ids), dtype=np.float32)
        self.cap = cap
        self.pressure = np.array([1.0 / max(cap - s, 0.5) for s in range(cap + 2)], dtype=np.float32)

    def record(self, f: int, form: list[tuple[int, str]]) -> None:
        rows = [self.row[i] for i, _key in form]
        self.held[rows, f] = 1.0
        self.uses[rows] += 1.0
        for r in rows:
            self.holders[r].append(f)

    def form(
        self, f: int, ordered: Sequence[Cell], pools: dict[str, list[int]], keys: npt.NDArray[np.float32]
    ) -> tuple[list[tuple[int, str]] | None, str, int]:
        """Per cell, candidates ranked by the pressure their earlier forms are under (re-ranked every
        RERANK picks), taken in that order when every earlier form holding one still shares fewer
        than the cap with this form (checked exactly)."""
        cap = self.cap
        shared = [0] * f
        taken: set[int] = set()
        form: list[tuple[int, str]] = []
        base = self.uses * USE_WEIGHT + keys * KEY_WEIGHT
        for cell in ordered:
            need = cell.count
            while need:
                ranked = self._ranked(f, shared, base, pools[cell.key], taken)
                picked = 0
                for i in ranked:
                    held = self.holders[self.row[i]]
                    if all(shared[g] < cap for g in held):
                        for g in held:
                            shared[g] += 1
                        taken.add(i)
                        form.append((i, cell.key))
                        need -= 1
                        picked += 1
                        if need == 0 or picked == RERANK:
                            break
                if picked == 0:
                    return None, cell.key, need
        return form, "", 0

    def _ranked(
        self, f: int, shared: list[int], base: npt.NDArray[np.float32], pool: list[int], taken: set[int]
    ) -> list[int]:
        ids = [i for i in pool if i not in taken]
        rows = np.array([self.row[i] for i in ids], dtype=np.int64)
        score = base[rows]
        if f:
            score = score + self.held[rows, :f] @ self.pressure[np.minimum(shared, self.cap + 1)]
        return [ids[n] for n in np.argsort(score, kind="stable").tolist()]


def _objective(
    z: dict[int, cp_model.IntVar], uses: dict[int, int], keys: dict[int, float]
) -> cp_model.LinearExprT:
    return sum((uses.get(i, 0) * WEIGHT + int(keys.get(i, 0.0) * (WEIGHT - 1))) * v for i, v in z.items())


def _form_vars(
    model: cp_model.CpModel, cells: Sequence[Cell], pools: dict[str, list[int]]
) -> tuple[dict[tuple[int, str], cp_model.IntVar], dict[int, cp_model.IntVar]]:
    """x[item, cell] with each cell's count, and z[item] = the item is on the form (at most once)."""
    x: dict[tuple[int, str], cp_model.IntVar] = {}
    by_item: dict[int, list[cp_model.IntVar]] = {}
    for cell in cells:
        row = []
        for i in pools[cell.key]:
            v = model.new_bool_var(f"x{i}_{cell.key}")
            x[i, cell.key] = v
            row.append(v)
            by_item.setdefault(i, []).append(v)
        model.add(sum(row) == cell.count)
    z: dict[int, cp_model.IntVar] = {}
    for i, vs in by_item.items():
        if len(vs) == 1:
            z[i] = vs[0]
        else:
            z[i] = model.new_bool_var(f"z{i}")
            model.add(sum(vs) == z[i])
    return x, z


def _solver(seed: int, limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # one worker: the same seed, the same answer
    solver.parameters.random_seed = seed % 2**31
    solver.parameters.max_deterministic_time = limit
    return solver


def _picked(solver: cp_model.CpSolver, x: dict[tuple[int, str], cp_model.IntVar]) -> list[tuple[int, str]]:
    return [(i, key) for (i, key), v in x.items() if solver.boolean_value(v)]


def _solve_one(
    cells: Sequence[Cell],
    pools: dict[str, list[int]],
    uses: dict[int, int],
    keys: dict[int, float],
    earlier: list[list[tuple[int, str]]],
    cap: int,
    seed: int,
) -> list[tuple[int, str]] | None:
    model = cp_model.CpModel()
    x, z = _form_vars(model, cells, pools)
    for form in earlier:
        terms = [z[i] for i, _key in form if i in z]
        if len(terms) > cap:
            model.add(sum(terms) <= cap)
    model.minimize(_objective(z, uses, keys))
    solver = _solver(seed, FORM_TIME)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _picked(solver, x)
    return None


def _solve_joint(
    cells: Sequence[Cell],
    pools: dict[str, list[int]],
    forms: int,
    cap: int,
    seed: str,
) -> tuple[list[list[tuple[int, str]]] | None, str]:
    model = cp_model.CpModel()
    xs, zs = [], []
    objective = []
    ids = sorted({i for pool in pools.values() for i in pool})
    for f in range(forms):
        rng = random.Random(seed_int(seed, f"joint:{f}"))
        keys = {i: rng.random() for i in ids}
        x, z = _form_vars(model, cells, pools)
        xs.append(x)
        zs.append(z)
        objective.append(_objective(z, {}, keys))
    for f in range(forms):
        for g in range(f + 1, forms):
            both = []
            for i in sorted(set(zs[f]) & set(zs[g])):
                y = model.new_bool_var(f"y{f}_{g}_{i}")
                model.add_bool_or([zs[f][i].Not(), zs[g][i].Not(), y])
                both.append(y)
            if len(both) > cap:
                model.add(sum(both) <= cap)
    model.minimize(sum(objective))
    solver = _solver(seed_int(seed, "joint"), JOINT_TIME)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [_picked(solver, x) for x in xs], "found"
    return None, "infeasible" if status == cp_model.INFEASIBLE else "unknown"
