"""The habits of the code base as tests (DESIGN convention 0, ADR 0001, ADR 0007):

- no module of the application over 450 lines (a file that grows past ~400 lines becomes a package);
- no status written outside `core.workflow`: every state change goes through a transition table;
- every model whose status field takes its choices from a TextChoices enum has a workflow table;
- other apps' services and selectors import only the identity types User, Org and Region from
  `accounts.models` (everything else of accounts through its selectors, scoping and services).

import-linter (pyproject.toml) enforces the order of the apps and the layers; these check what an import
graph cannot see."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from peiyu.core.workflow import Workflow

SRC = Path(__file__).resolve().parent.parent / "src" / "peiyu"
MAX_LINES = 450
IDENTITY_TYPES = {"User", "Org", "Region"}


def _relative(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


def _app_modules() -> list[Path]:
    """Every Python module of the application, without migrations and tests."""
    return sorted(
        p
        for p in SRC.rglob("*.py")
        if "migrations" not in p.relative_to(SRC).parts and "tests" not in p.relative_to(SRC).parts
    )


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _load_every_flow() -> dict[str, Workflow]:
    """Import each app's flows.py, so Workflow.registry holds every transition table."""
    for path in sorted(SRC.glob("*/flows.py")):
        importlib.import_module(f"peiyu.{path.parent.name}.flows")
    return dict(Workflow.registry)


# --- module size ---------------------------------------------------------------------------------------


def test_no_module_is_over_450_lines():
    offenders = []
    for path in _app_modules():
        with path.open(encoding="utf-8") as f:
            lines = sum(1 for _ in f)
        if lines > MAX_LINES:
            offenders.append((lines, _relative(path)))
    offenders.sort(reverse=True)
    assert not offenders, (
        f"{len(offenders)} module(s) over {MAX_LINES} lines; split each into a package by sub-area:\n"
        + "\n".join(f"  {lines:5d}  {name}" for lines, name in offenders)
    )


# --- status only through core.workflow -------------------------------------------------------------------


def _status_exempt(rel: str) -> bool:
    """Where a status may be written without a transition: the workflow helper itself, the transition
    tables, the demo and benchmark generators (they build data in bulk, as the scale generator does)."""
    parts = rel.split("/")
    return rel == "core/workflow.py" or parts[0] == "demo" or parts[-1] in ("flows.py", "demo.py")


def _status_writes(tree: ast.Module, fields: set[str]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Attribute) and sub.attr in fields and isinstance(sub.ctx, ast.Store):
                    found.append((node.lineno, ast.unparse(node)))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "update":
            # QuerySet.update(status=…) (also inside a chain: .filter(…).update(status=…))
            if any(k.arg in fields for k in node.keywords):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(func, ast.Attribute) and func.attr == "bulk_update":
            names = [a for a in node.args[1:2]] + [k.value for k in node.keywords if k.arg == "fields"]
            if any(isinstance(c, ast.Constant) and c.value in fields for n in names for c in ast.walk(n)):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
            name = node.args[1]
            if isinstance(name, ast.Constant) and name.value in fields:
                found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_status_is_written_outside_core_workflow():
    """`x.status = …`, `.update(status=…)`, `bulk_update(…, ["status"])` and `setattr(x, "status", …)`
    appear only in core/workflow.py: services move states with `flow.transition(…)` or
    `flow.transition_many(…)`, which lock, check the table, log the transition and audit it (and copy
    the new values back onto the caller's object). Also checked: the field of every other workflow
    table (e.g. an inspection's `result`)."""
    fields = {"status"} | {flow.field for flow in _load_every_flow().values()}
    offenders = []
    for path in _app_modules():
        rel = _relative(path)
        if _status_exempt(rel):
            continue
        for line, code in _status_writes(_tree(path), fields):
            offenders.append(f"  {rel}:{line}: {code[:140]}")
    assert not offenders, (
        f"status written outside core.workflow ({len(offenders)}); use the app's flows.py table:\n"
        + "\n".join(offenders)
    )


# --- a transition table for every status enum ------------------------------------------------------------


def _text_choices_of(model: type[models.Model], field: models.Field) -> type[models.TextChoices] | None:
    """The TextChoices enum the field's choices come from (a nested class of the model, or a class of
    its module), if any."""
    wanted = {str(value) for value, _label in field.flatchoices}
    if not wanted:
        return None
    module = importlib.import_module(model.__module__)
    candidates = [*vars(model).values(), *vars(module).values()]
    for candidate in candidates:
        if (
            isinstance(candidate, type)
            and issubclass(candidate, models.TextChoices)
            and candidate is not models.TextChoices
            and set(candidate.values) == wanted
        ):
            return candidate
    return None


def _stateful_models() -> list[tuple[str, str]]:
    """(model label, field name) of every application model with a `status` field whose choices are a
    TextChoices enum."""
    out = []
    for model in apps.get_models():
        if not model.__module__.startswith("peiyu."):
            continue
        try:
            field = model._meta.get_field("status")
        except Exception:  # noqa: S112 - no status field: not a state machine
            continue
        if isinstance(field, models.Field) and _text_choices_of(model, field) is not None:
            out.append((model._meta.label, field.name))
    return sorted(out)


def test_every_status_enum_has_a_workflow_table():
    flows = _load_every_flow()
    covered = {(flow.model._meta.label, flow.field) for flow in flows.values()}
    stateful = _stateful_models()
    assert stateful, "no model with a status enum found: the scan is broken"
    missing = [f"  {label}.{field}" for label, field in stateful if (label, field) not in covered]
    assert not missing, (
        "models with a status enum but no core.workflow.Workflow table (add one to the app's flows.py):\n"
        + "\n".join(missing)
    )


# --- identity types only from accounts.models ------------------------------------------------------------


@pytest.mark.parametrize("layer", ["services", "selectors"])
def test_other_apps_import_only_user_org_and_region_from_accounts_models(layer):
    """ADR 0007 §3: User, Org and Region are the shared identity types; roles, role assignments and
    tokens are read through accounts.selectors/scoping and written through accounts.services."""
    offenders = []
    for path in _app_modules():
        rel = _relative(path)
        parts = rel.split("/")
        if parts[0] == "accounts" or len(parts) < 2:
            continue
        if not (parts[1] == layer or parts[1] == f"{layer}.py"):
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module == "peiyu.accounts.models":
                extra = sorted({a.name for a in node.names} - IDENTITY_TYPES)
                if extra:
                    offenders.append(f"  {rel}:{node.lineno}: {', '.join(extra)}")
            elif isinstance(node, ast.ImportFrom) and node.module == "peiyu.accounts":
                if any(a.name == "models" for a in node.names):
                    offenders.append(f"  {rel}:{node.lineno}: the whole accounts.models module")
    assert not offenders, (
        f"{layer} import more than User, Org and Region from peiyu.accounts.models:\n" + "\n".join(offenders)
    )


def test_the_status_scan_sees_every_way_of_writing_a_status():
    code = """
obj.status = "done"
a.status, a.note = ("done", "")
Model.objects.filter(pk=1).update(status="done", note="")
Model.objects.bulk_update(rows, ["note", "status"])
Model.objects.bulk_update(rows, fields=("status",))
setattr(obj, "status", "done")
Model.objects.create(status="draft")
obj.note = obj.status
Model.objects.filter(status="draft").update(note="")
"""
    lines = [line for line, _code in _status_writes(ast.parse(code), {"status"})]
    assert sorted(lines) == [2, 3, 4, 5, 6, 7]
