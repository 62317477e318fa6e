"""Paper assembly (issue 13, 14(c); ADR 0012): a 1 500-item bank under a 100-item blueprint, 500 parallel
forms assembled with any two sharing at most PEIYU_BENCH_PAPERS_OVERLAP (10 %) of their items, timed in
this process — the solver alone (rules.assembly_solver.solve) and the whole service
(services.assembly.assemble_session: checks, solver, independent verification, 500 papers and 50 000
paper items written, items frozen, decision and audit) — and every form checked against every
constraint by rules.assembly.verify_forms. The reference, measured in the same run: the same 500 forms
drawn at random per cell without the overlap bound (what a plain random draw gives), its time and its
pairwise overlap (max, mean).

    .venv/bin/python benchmarks/run.py exam-papers
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from decimal import Decimal
from typing import Any

from peiyu_bench import say, scenario

FORMS = int(os.environ.get("PEIYU_BENCH_PAPERS_FORMS", "500"))
OVERLAP = float(os.environ.get("PEIYU_BENCH_PAPERS_OVERLAP", "0.1"))
PER_CELL = 15  # 1 500 items for 100-item forms
# (area, type, difficulty or None, count, points): 100 items, 100 points
CELLS = [
    ("A", "single", 2, 15, "1"), ("A", "true_false", 1, 10, "0.5"), ("A", "multiple", 3, 5, "2"),
    ("B", "single", 3, 15, "1"), ("B", "true_false", 2, 10, "0.5"), ("B", "multiple", 3, 5, "2"),
    ("C", "single", 3, 20, "1"), ("C", "multiple", 4, 10, "1.5"), ("C", "true_false", None, 10, "0.5"),
]  # fmt: skip
AREAS = [("A", "基础知识", 25), ("B", "安全规范", 25), ("C", "专业技能", 50)]


def _world():
    """An institution with its exam administrator, a listing, an accepted site, the blueprint, a bank of
    1 500 approved items and a session at the paper step."""
    from peiyu.accounts.models import Org, Role, RoleAssignment, User
    from peiyu.core.crypto import sm3_hex
    from peiyu.core.policy import load_policy_files
    from peiyu.exams.models import (
        Blueprint,
        BlueprintCell,
        EvaluationSession,
        ExamSite,
        Item,
        ItemVersion,
        KnowledgeArea,
        QuestionBank,
    )  # fmt: skip
    from peiyu.institutions.models import Listing

    load_policy_files()
    org = Org.objects.create(name="成都职业技能评价中心（基准）", kind="institution", region_id="510107")
    admin = User.objects.create_user(
        username="bench_exam_admin", password=None, full_name="基准考务", primary_org=org
    )
    role = Role.objects.get(code="exam_admin")
    RoleAssignment.objects.create(
        user=admin, role=role, org=org, region_id=org.region_id, separation=role.separation
    )
    listing = Listing.objects.create(
        number="LE-BENCH-PAPERS", programme="skill", institution=org, institution_name=org.name, kind="evaluation",
        occupation_code="6-31-01-03", occupation_name="电工", levels=["四级"], region_id=org.region_id,
        valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2030, 12, 31), status="active",
    )  # fmt: skip
    site = ExamSite.objects.create(institution=org, region_id=org.region_id, name="基准考点", address="成都市武侯区",
                                   serial="BENCH1", status="accepted")  # fmt: skip
    bp = Blueprint.objects.create(programme="skill", occupation_code="6-31-01-03", occupation_name="电工",
                                  level="四级", title="电工四级理论知识权重表（基准示例）", is_sample=True)  # fmt: skip
    areas = {code: KnowledgeArea.objects.create(blueprint=bp, code=code, name=name, weight=w, position=n)
             for n, (code, name, w) in enumerate(AREAS)}  # fmt: skip
    for area, kind, difficulty, count, points in CELLS:
        BlueprintCell.objects.create(blueprint=bp, area=areas[area], item_type=kind, difficulty=difficulty,
                                     count=count, points=Decimal(points))  # fmt: skip
    bank = QuestionBank.objects.create(institution=org, region_code=org.region_id, programme="skill",
                                       occupation_code="6-31-01-03", occupation_name="电工", level="四级", blueprint=bp)  # fmt: skip
    rng = random.Random(2026)
    items, n = [], 0
    for area, kind, difficulty, count, _points in CELLS:
        for _ in range(count * PER_CELL):
            n += 1
            items.append(Item(bank=bank, code=f"B{n:05d}", item_type=kind, area_code=area,
                              difficulty=difficulty or rng.randint(1, 5), status="approved"))  # fmt: skip
    Item.objects.bulk_create(items)
    versions = []
    for it in items:
        body = json.dumps(
            {"stem": f"基准试题{it.code}", "options": ["甲", "乙", "丙", "丁"], "answer": "A"},
            ensure_ascii=False,
        )
        versions.append(
            ItemVersion(item=it, version=1, content=body, digest=sm3_hex(body.encode()), written_by=admin)
        )
    ItemVersion.objects.bulk_create(versions)
    starts = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    session = EvaluationSession.objects.create(
        number="KS-BENCH-PAPERS", institution=org, listing=listing, region_code=org.region_id, programme="skill",
        occupation_code="6-31-01-03", occupation_name="电工", level="四级", title="电工四级（基准）", site=site,
        bank=bank, blueprint=bp, registration_opens_on=dt.date(2026, 10, 1), registration_closes_on=dt.date(2026, 10, 31),
        theory_starts_at=starts, forms=FORMS, max_overlap=OVERLAP, status="papers",
    )  # fmt: skip
    return admin, session


def _random_draw(cells, items, forms: int, seed: str) -> list[list[tuple[int, str]]]:
    """The reference: each form drawn at random per cell, no overlap bound."""
    from peiyu.exams.rules.assembly import eligible

    pools = eligible(cells, items)
    rng = random.Random(seed)
    out = []
    for _ in range(forms):
        taken: set[int] = set()
        form = []
        for c in sorted(cells, key=lambda c: c.difficulty is None):
            picked = rng.sample([i for i in pools[c.key] if i not in taken], c.count)
            taken.update(picked)
            form += [(i, c.key) for i in picked]
        out.append(form)
    return out


@scenario(
    "exam-papers", "assembling 500 parallel papers from a 1 500-item bank (CP-SAT + draw) vs a random draw"
)
def exam_papers_scenario(b) -> dict[str, Any]:
    b.reference_data()
    from peiyu.exams.models import PaperItem
    from peiyu.exams.rules.assembly import Candidate, overlap_cap, verify_forms
    from peiyu.exams.rules.assembly_solver import solve
    from peiyu.exams.services.assembly import _candidates, assemble_session, blueprint_cells

    admin, session = _world()
    cells = blueprint_cells(session)
    theory, _practical, _versions = _candidates(session)
    size = sum(c.count for c in cells)
    cap = overlap_cap(OVERLAP, size)
    say(
        f"  bank: {len(theory):,} approved items; blueprint {len(cells)} cells, {size} items per form; cap {cap} shared items"
    )

    started = time.perf_counter()
    ref_forms = _random_draw(cells, theory, FORMS, "reference")
    ref_seconds = time.perf_counter() - started
    ref = verify_forms(cells, theory, ref_forms, max_overlap=OVERLAP)
    reference = {
        "seconds": round(ref_seconds, 3), "max_overlap_items": ref.max_overlap_items,
        "mean_overlap_items": round(ref.mean_overlap_items, 2),
        "pairs_over_cap": sum(1 for p in ref.problems if "超过" in p),
    }  # fmt: skip
    say(f"  reference random draw: {ref_seconds:.2f} s, overlap max {ref.max_overlap_items} mean {ref.mean_overlap_items:.2f}, "
        f"{reference['pairs_over_cap']:,} pairs over the cap")  # fmt: skip

    started = time.perf_counter()
    solved = solve(cells, theory, forms=FORMS, max_overlap=OVERLAP, seed="bench")
    solver_seconds = time.perf_counter() - started
    check = verify_forms(cells, theory, solved.forms, max_overlap=OVERLAP)
    if not solved.complete or not check.ok:
        raise RuntimeError(f"solver: {solved.as_dict()} {check.problems[:3]}")
    say(f"  solver: {FORMS} forms in {solver_seconds:.2f} s ({solved.as_dict()})")

    started = time.perf_counter()
    run = assemble_session(actor=admin, session=session, forms=FORMS, max_overlap=OVERLAP, seed="bench")
    service_seconds = time.perf_counter() - started
    if run.outcome != "assembled":
        raise RuntimeError(f"assembly infeasible: {run.report.get('short')}")
    by_paper: dict[int, list[tuple[int, str]]] = {}
    keys = {(c.area, c.item_type, c.difficulty): c.key for c in cells}
    loose = {c.key for c in cells if c.difficulty is None}
    items = {i.id: i for i in theory}
    for paper_id, item_id, kind in PaperItem.objects.filter(paper__run=run, paper__kind="theory").values_list(
        "paper_id", "item_id", "item__item_type"
    ):
        it: Candidate = items[item_id]
        key = keys.get((it.area, kind, it.difficulty)) or next(
            k for k in loose if k.startswith(f"{it.area}/{kind}/")
        )
        by_paper.setdefault(paper_id, []).append((item_id, key))
    stored = verify_forms(cells, theory, list(by_paper.values()), max_overlap=OVERLAP)
    if len(by_paper) != FORMS or not stored.ok:
        raise RuntimeError(f"stored papers: {len(by_paper)} forms, {stored.problems[:3]}")
    figure = {
        "forms": FORMS, "items_per_form": size, "bank_items": len(theory), "max_overlap": OVERLAP, "cap": cap,
        "solver_seconds": round(solver_seconds, 3), "service_seconds": round(service_seconds, 3),
        "max_overlap_items": check.max_overlap_items, "mean_overlap_items": round(check.mean_overlap_items, 2),
        "every_form_meets_every_constraint": True, "solver": solved.as_dict(),
    }  # fmt: skip
    line = (
        f"{FORMS} forms × {size} items from {len(theory):,} in {solver_seconds:.2f} s (solver; service with "
        f"checks, verification and {FORMS * size:,} paper items written {service_seconds:.2f} s), every form "
        f"meets every cell and the cap of {cap}; pairwise overlap max {check.max_overlap_items}, mean "
        f"{check.mean_overlap_items:.2f} vs a random draw without the bound (in {ref_seconds:.2f} s) max "
        f"{ref.max_overlap_items}, mean {ref.mean_overlap_items:.2f}, {reference['pairs_over_cap']:,} pairs over the cap"
    )
    return {"figure": figure, "reference": reference, "line": line}
