"""Assembling a session's papers (EVL-2, EVL-5; ADR 0012): its `forms` parallel theory forms from the
session's bank under its blueprint, pairwise overlap within `max_overlap`, and — when the session has a
practical assessment — one practical set per practical form, drawn the same way. Items are drawn from a
seed recorded on the run, so the same seed gives the same forms.

When the bank cannot meet the blueprint nothing is relaxed: the run is recorded as infeasible with
which constraint failed and by how much (each short cell's need and the approved items it has; for the
overlap bound the least items a cell needs for that many forms at that overlap), with a Decision citing
EVL-2 / EVL-5. Items put on a form become frozen (a change then makes a new version)."""

from __future__ import annotations

import secrets
import time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check
from peiyu.core.cleaning import collect, raise_collected
from peiyu.core.errors import Conflict, InvalidInput
from peiyu.core.models import Decision
from peiyu.core.policy import policy_for

from ..flows import PAPER_FLOW
from ..models import (
    THEORY_TYPES,
    AssemblyRun,
    EvaluationSession,
    Item,
    ItemType,
    ItemVersion,
    Paper,
    PaperItem,
)
from ..rules.assembly import (
    Candidate,
    Cell,
    cell_key,
    check_cell_counts,
    check_overlap_bound,
    overlap_cap,
    verify_forms,
)
from ..rules.assembly_solver import Solution, solve

MANAGE = "exam.manage"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_FORMS = 1000  # forms of one run (卷别 A … Z, AA … ALL)


def form_label(n: int) -> str:
    """The n-th form's name (0 → A, 25 → Z, 26 → AA), as spreadsheet columns are named."""
    label = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        label = LETTERS[rest] + label
    return label


PRACTICAL_CELL = Cell(cell_key("", "practical", None), "", "实操", "practical", None, 1, Decimal("100"))


def _clean_forms(value: object, *, field: str = "forms") -> int:
    try:
        forms = int(str(value).strip())
    except ValueError:
        raise InvalidInput("请输入套数（整数）", fields={field: ["请输入套数（整数）"]}) from None
    if not 1 <= forms <= MAX_FORMS:
        message = f"套数应在1至{MAX_FORMS}之间"
        raise InvalidInput(message, fields={field: [message]})
    return forms


def _clean_overlap(value: object, *, field: str = "max_overlap") -> float:
    """A fraction (0.3) or a percentage ("30%", "30")."""
    text = str(value).strip().rstrip("%％")
    try:
        number = float(text)
    except ValueError:
        raise InvalidInput("请输入最大重题率", fields={field: ["请输入最大重题率，如 30%"]}) from None
    share = number / 100 if number > 1 or str(value).strip().endswith(("%", "％")) else number
    if not 0 <= share <= 1:
        message = "最大重题率应在0%至100%之间"
        raise InvalidInput(message, fields={field: [message]})
    return share


def blueprint_cells(session: EvaluationSession) -> list[Cell]:
    blueprint = session.blueprint or (session.bank.blueprint if session.bank else None)
    if blueprint is None:
        return []
    return [
        Cell(cell_key(c.area.code, c.item_type, c.difficulty), c.area.code, c.area.name, c.item_type,
             c.difficulty, c.count, c.points)
        for c in blueprint.cells.select_related("area").order_by("area__position", "id")
    ]  # fmt: skip


def _candidates(session: EvaluationSession) -> tuple[list[Candidate], list[Candidate], dict[int, int]]:
    """(theory items, practical sets, item id → its current version id) approved in the bank."""
    rows = Item.objects.filter(bank_id=session.bank_id, status=Item.Status.APPROVED).values_list(
        "id", "area_code", "item_type", "difficulty", "version"
    )
    theory, practical, numbers = [], [], {}
    for pk, area, kind, difficulty, number in rows:
        numbers[pk] = number
        if kind == ItemType.PRACTICAL:
            practical.append(Candidate(pk, "", "practical", difficulty))
        elif kind in THEORY_TYPES:
            theory.append(Candidate(pk, area, kind, difficulty))
    versions = dict(
        ItemVersion.objects.filter(item_id__in=numbers, version=F("item__version")).values_list(
            "item_id", "id"
        )
    )
    return theory, practical, versions


def assemble_session(
    *,
    actor: Any,
    session: EvaluationSession,
    forms: object = None,
    max_overlap: object = None,
    seed: str = "",
) -> AssemblyRun:
    """Assemble the session's forms (pre-filled from the session: `forms`, `max_overlap`); the run with
    its outcome, assembled or infeasible (never relaxed)."""
    require(actor, MANAGE, org_id=session.institution_id)
    errors: dict[str, list[str]] = {}
    n = collect(errors, "forms", _clean_forms, session.forms if forms in (None, "") else forms)
    share = collect(
        errors,
        "max_overlap",
        _clean_overlap,
        session.max_overlap if max_overlap in (None, "") else max_overlap,
    )
    raise_collected(errors, "组卷参数有误")
    assert n is not None and share is not None
    seed = (seed or "").strip()[:64] or secrets.token_hex(16)
    with transaction.atomic():
        locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != EvaluationSession.Status.PAPERS:
            raise Conflict("批次当前不在“试卷生成”阶段，不能组卷", code="session_not_papers", rules=["EVL-5"])
        if locked.bank_id is None or not blueprint_cells(locked):
            raise Conflict("批次尚未指定题库和权重表，不能组卷", code="session_no_blueprint", rules=["EVL-2"])
        if Paper.objects.filter(session=locked).exclude(status=Paper.Status.VOIDED).exists():
            raise Conflict("本批次已有未作废的试卷，重新组卷前请先作废原试卷", code="papers_exist")
        return _assemble(actor, locked, n, share, seed)


def _assemble(actor: Any, session: EvaluationSession, n: int, share: float, seed: str) -> AssemblyRun:
    started = time.perf_counter()
    cells = blueprint_cells(session)
    theory, practical, versions = _candidates(session)
    counts, count_rows = check_cell_counts(cells, theory)
    bound, bound_rows = check_overlap_bound(cells, theory, forms=n, max_overlap=share)
    checks = [counts, bound]
    rows = count_rows + bound_rows
    needs_practical = session.practical_on is not None
    if needs_practical:
        p_counts, p_rows = check_cell_counts([PRACTICAL_CELL], practical)
        p_bound, p_bound_rows = check_overlap_bound([PRACTICAL_CELL], practical, forms=n, max_overlap=share)
        checks += [_practical(p_counts), _practical(p_bound)]
        rows += [{**r, "label": "实操试题", "unit": "套"} for r in p_rows + p_bound_rows]
    solution: Solution | None = None
    p_solution: Solution | None = None
    if not rows:
        solution = solve(cells, theory, forms=n, max_overlap=share, seed=seed)
        if not solution.complete:
            rows.append(_solver_row(solution, cells, n, share))
        elif needs_practical:
            p_solution = solve(
                [PRACTICAL_CELL], practical, forms=n, max_overlap=share, seed=f"{seed}:practical"
            )
        checks.append(_solver_check(solution, n, share, cells))
    outcome = AssemblyRun.Outcome.INFEASIBLE if rows else AssemblyRun.Outcome.ASSEMBLED
    policy = policy_for(session.programme, session.region_code)
    decision = Decision.record(
        "exams.evaluationsession", session.pk, kind="paper_assembly", outcome=outcome, checks=checks,
        policy=policy, rules=["EVL-2", "EVL-5"],
    )  # fmt: skip
    report: dict[str, Any] = {"short": rows, "cap": overlap_cap(share, sum(c.count for c in cells))}
    run = AssemblyRun.objects.create(
        session=session, forms=n, max_overlap=share, seed=seed, outcome=outcome, report=report,
        decision=decision, requested_by=actor,
    )  # fmt: skip
    if outcome == AssemblyRun.Outcome.ASSEMBLED and solution is not None:
        verified = verify_forms(cells, theory, solution.forms, max_overlap=share)
        if not verified.ok:  # the solver and the independent check disagree: keep nothing
            raise Conflict(
                "组卷结果未通过校验：" + "；".join(verified.problems[:3]), code="assembly_unverified"
            )
        papers = _store(actor, session, run, cells, solution.forms, versions, Paper.Kind.THEORY)
        if p_solution is not None:
            papers += _store(
                actor, session, run, [PRACTICAL_CELL], p_solution.forms, versions, Paper.Kind.PRACTICAL
            )
        report.update(
            max_overlap_items=verified.max_overlap_items,
            mean_overlap_items=round(verified.mean_overlap_items, 2),
            solver=solution.as_dict(),
            papers=len(papers),
        )
    run.seconds = round(time.perf_counter() - started, 3)
    run.report = report
    run.save(update_fields=["seconds", "report"])
    audit_record(
        actor, f"exam_assembly.{outcome}", run,
        after={"session": session.number, "forms": n, "max_overlap": share, "seed": seed, "short": rows[:10]},
        region_code=session.region_code,
    )  # fmt: skip
    return run


def _practical(check: Check) -> Check:
    return Check(
        check.rule, check.ok, "实操试题：" + check.message, check.facts, check.source, check.blocking
    )


def _solver_row(solution: Solution, cells: list[Cell], n: int, share: float) -> dict[str, Any]:
    made = solution.failed_at - 1
    label = next((c.label for c in cells if c.key == solution.short_cell), solution.short_cell)
    return {
        "constraint": "overlap_forms", "cell": solution.short_cell, "label": label, "needed": n,
        "available": made, "short": n - made, "cell_short_by": solution.short_by, "forms": n,
        "max_overlap": share, "proven": solution.joint == "infeasible", "unit": "套",
    }  # fmt: skip


def _solver_check(solution: Solution, n: int, share: float, cells: list[Cell]) -> Check:
    cap = overlap_cap(share, sum(c.count for c in cells))
    if solution.complete:
        return Check(
            "EVL-5", True, f"已组成{n}套平行卷，两两重题不超过{cap}题", solution.as_dict(), blocking=True
        )
    made = solution.failed_at - 1
    return Check(
        "EVL-5",
        False,
        f"在两两重题不超过{cap}题的条件下只能组成{made}套，要求{n}套",
        solution.as_dict(),
        blocking=True,
    )


def _store(
    actor: Any,
    session: EvaluationSession,
    run: AssemblyRun,
    cells: list[Cell],
    forms: list[list[tuple[int, str]]],
    versions: dict[int, int],
    kind: str,
) -> list[Paper]:
    points = {c.key: c.points for c in cells}
    papers = [
        Paper(session=session, run=run, kind=kind, form=form_label(n),
              total_points=sum((points[key] for _i, key in form), Decimal(0)))
        for n, form in enumerate(forms)
    ]  # fmt: skip
    Paper.objects.bulk_create(papers)
    PaperItem.objects.bulk_create(
        PaperItem(paper=paper, item_id=i, version_id=versions[i], position=pos, points=points[key])
        for paper, form in zip(papers, forms, strict=True)
        for pos, (i, key) in enumerate(form, start=1)
    )
    used = {i for form in forms for i, _key in form}
    Item.objects.filter(pk__in=used, frozen=False).update(frozen=True)
    PAPER_FLOW.created_many(papers, actor=actor, subject=run, after={"session": session.number, "kind": kind})
    return papers
