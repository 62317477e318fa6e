"""One way to plug an app in (issue 11, point 2): each app's `hooks.register()`, called by its
AppConfig.ready() and by nothing else, registers its menu entries, to-dos, tick handlers, demo section,
tasks and signal receivers through core.registry; nothing else registers anything at import; no
`__init__.py` holds code; no module is found by importing its name."""

from __future__ import annotations

import ast
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from peiyu.core import registry

SRC = Path(__file__).resolve().parents[1] / "src" / "peiyu"
APPS = ["core", "audit", "accounts", "catalogs", "institutions", "training", "portal"]
REGISTER_FUNCTIONS = {
    "register_nav",
    "register_todo",
    "register_tick",
    "register_demo_section",
    "register_demo_accounts",
    "register_task",
    "register_extension",
}

# what each app's hooks register (menu keys, to-do names, tick handlers, demo sections, task names)
EXPECTED = {
    "core": {
        "todo": {"core.calendar", "core.audit"},
        "tick": {"sessions.clear_expired", "calendar.check_next_year"},
        "tasks": {"peiyu.tick"},
    },
    "audit": {"nav": {"audit_verify"}, "tasks": {"peiyu.audit.verify"}},
    "accounts": {
        "nav": {"admin", "users", "signups", "staff"},
        "todo": {"accounts.locked", "accounts.signups"},
        "demo": {"accounts"},
    },
    "catalogs": {"nav": {"occupations"}},
    "institutions": {
        "nav": {
            "applications",
            "calls",
            "review",
            "listings",
            "expert",
            "expert_pool",
            "expert_declarations",
            "catalog",
        },
        "todo": {"institutions.official", "institutions.institution", "institutions.expert"},
        "tick": {"institutions.listings", "institutions.notices", "institutions.calls"},
        "demo": {"institutions"},
    },
    "training": {
        "nav": {
            "training_plans",
            "training_teachers",
            "training_classes",
            "training_reports",
            "training_anomalies",
            "platform_keys",
            "my_enrolments",
            "my_training",
            "my_photo",
        },
        "todo": {
            "training_class_openings",
            "training_class_late_start",
            "training.attendance_anomalies",
            "training.completion.reports",
            "training.completion.evaluations",
        },
        "tick": {"training.anomaly_scans", "training.roster_imports_stale"},
        "demo": {"training"},
        "tasks": {"peiyu.training.roster_import", "peiyu.training.anomaly_scan"},
    },
    "portal": {"nav": {"policies"}},
}


def _snapshot() -> dict[str, set[str]]:
    return {
        "nav": {n.key for n in registry.nav_items()},
        "todo": set(registry.todo_providers()),
        "tick": {h.name for h in registry.tick_handlers()},
        "demo": {s.name for s in registry.demo_sections()},
        "tasks": set(registry.task_names()),
    }


def _sources(*, tests: bool = False) -> list[Path]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        parts = set(path.relative_to(SRC).parts)
        if "migrations" in parts or (not tests and "tests" in parts):
            continue
        out.append(path)
    return out


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


@pytest.mark.parametrize("app", APPS)
def test_each_apps_hooks_register_its_own_entries(app, monkeypatch):
    monkeypatch.setattr(registry, "_registry", registry._Registry())
    hooks = import_module(f"peiyu.{app}.hooks")
    hooks.register()
    got = _snapshot()
    for kind in ("nav", "todo", "tick", "demo", "tasks"):
        assert got[kind] == EXPECTED[app].get(kind, set()), (app, kind)


def test_registering_twice_changes_nothing():
    before = _snapshot()
    handlers = [(h.name, h.fn) for h in registry.tick_handlers()]
    for app in APPS:
        import_module(f"peiyu.{app}.hooks").register()
    assert _snapshot() == before
    assert [(h.name, h.fn) for h in registry.tick_handlers()] == handlers


def test_every_registered_entry_is_there_once_django_has_started():
    got = _snapshot()
    for app in APPS:
        for kind, names in EXPECTED[app].items():
            assert names <= got[kind], (app, kind, names - got[kind])


def test_every_menu_entry_names_a_page():
    for item in registry.nav_items():
        assert reverse(item.url_name)


def test_each_app_config_only_calls_its_hooks():
    for config in apps.get_app_configs():
        if not config.name.startswith("peiyu.") or config.name == "peiyu.demo":
            continue
        tree = ast.parse(Path(config.path, "apps.py").read_text())
        ready = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "ready")
        body = [ast.unparse(stmt) for stmt in ready.body]
        assert body == ["from . import hooks", "hooks.register()"], (config.name, body)


def test_nothing_registers_at_import_outside_hooks():
    """No module calls a register function (or connects a signal receiver by decorator) at import; the
    registry's register_* functions are called from hooks.py modules only."""
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text())
        rel = path.relative_to(SRC)
        # module level: statements outside any function body, and the decorators of module-level defs
        stack: list[ast.AST] = list(tree.body)
        while stack:
            node = stack.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for deco in node.decorator_list:
                    call = deco if isinstance(deco, ast.Call) else None
                    name = _called_name(call) if call else ""
                    is_admin = isinstance(deco, ast.Call) and ast.unparse(deco.func) == "admin.register"
                    if (name.startswith("register") and not is_admin) or name == "receiver":
                        offenders.append(f"{rel}:{node.lineno} @{ast.unparse(deco)}")
                if isinstance(node, ast.ClassDef):
                    stack.extend(n for n in node.body if not isinstance(n, ast.FunctionDef))
                continue
            for child in ast.walk(node):
                if isinstance(child, ast.Call):
                    name = _called_name(child)
                    if name.startswith("register") or name == "connect":
                        offenders.append(f"{rel}:{child.lineno} {ast.unparse(child)[:80]}")
        if rel.name != "hooks.py":
            for child in ast.walk(tree):
                if isinstance(child, ast.Call) and _called_name(child) in REGISTER_FUNCTIONS:
                    offenders.append(f"{rel}:{child.lineno} {ast.unparse(child)[:80]} (outside hooks.py)")
    assert offenders == []


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _names_own_models(path: Path, node: ast.stmt) -> bool:
    """A `models/` package's __init__ may name the models of its own sub-modules (Django finds an app's
    models by importing `<app>.models`): relative imports from its modules and `__all__`, nothing else."""
    if path.parent.name != "models":
        return False
    if isinstance(node, ast.ImportFrom):
        return node.level == 1 and node.module is not None
    if isinstance(node, ast.Assign):
        return [ast.unparse(t) for t in node.targets] == ["__all__"]
    return False


def test_no_init_module_holds_code():
    offenders = []
    for path in sorted(SRC.rglob("__init__.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        code = [n for n in tree.body if not (_is_docstring(n) or _names_own_models(path, n))]
        if code:
            offenders.append(f"{path.relative_to(SRC)}:{code[0].lineno}")
    assert offenders == []


def test_no_module_is_found_by_importing_its_name():
    """URL patterns, API routers, to-dos and the rest are imported by name where they are used, so
    readers and import-linter see every import (Django's and Celery's own autodiscovery aside)."""
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called_name(node) in {"import_module", "__import__"}:
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and node.module == "importlib":
                if any(alias.name == "import_module" for alias in node.names):
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno} (imports import_module)")
    assert offenders == []
