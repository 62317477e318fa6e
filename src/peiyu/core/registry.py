"""The one place every app plugs into. Each app's `hooks.register()` (called by its AppConfig.ready(),
and by nothing else) registers, through the functions below:

- menu entries (`register_nav`), each naming the capability it needs;
- to-do providers for the workbench (`register_todo`);
- `peiyu tick` handlers (`register_tick`), run in registration order;
- demo sections for `peiyu demo` (`register_demo_section`), run in registration order, and the demo
  accounts each section's journeys use (`register_demo_accounts`), listed by journey;
- its Celery tasks (`register_task`), so the list of background jobs is visible in one place;
- contributions to another app's extension points (`register_extension`), e.g. the person-times a
  listing trained in a year as counted by training (`"listing.volume"`).

Core knows neither apps nor roles. Every register_* is idempotent: a second registration under the same
key keeps the first one, so calling a hooks module twice changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TodoProvider = Callable[[Any], list["TodoItem"]]
TickFn = Callable[[dt.datetime], int]
# build(orgs by key, users by username) -> None; idempotent; run inside a transaction
DemoBuild = Callable[[dict[str, Any], dict[str, Any]], None]


@dataclass(frozen=True)
class NavItem:
    """A menu entry, shown to a user who holds `capability` (or one of "a|b") and, when `shown_to` is
    given, for whom it answers True — an entry for people with a record of their own (the trainee's
    enrolments, the expert's declarations) is not shown to an account without that record."""

    key: str
    label: Any  # lazy translation
    url_name: str
    capability: str
    order: int = 100
    group: Any = ""
    shown_to: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    deadline: dt.date | None = None
    rule: str = ""
    detail: str = ""
    kind: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class TickHandler:
    name: str
    fn: TickFn


@dataclass(frozen=True)
class DemoSection:
    name: str
    build: DemoBuild


@dataclass(frozen=True)
class DemoLogin:
    """A demo account a journey of JOURNEYS.md needs: its username (the section creates the user), the
    journeys (numbers in JOURNEYS.md) it is used in and what it does there, in Chinese."""

    username: str
    journeys: tuple[int, ...]
    does: str


@dataclass
class _Registry:
    nav: list[NavItem] = field(default_factory=list)
    todo: dict[str, TodoProvider] = field(default_factory=dict)
    tick: dict[str, TickFn] = field(default_factory=dict)
    demo: dict[str, DemoBuild] = field(default_factory=dict)
    demo_logins: dict[str, tuple[DemoLogin, ...]] = field(default_factory=dict)
    tasks: dict[str, Any] = field(default_factory=dict)
    extensions: dict[str, dict[str, Callable[..., Any]]] = field(default_factory=dict)


_registry = _Registry()


# --- menu ------------------------------------------------------------------------------------------------


def register_nav(item: NavItem) -> None:
    if all(n.key != item.key for n in _registry.nav):
        _registry.nav.append(item)
        _registry.nav.sort(key=lambda n: (n.order, n.key))


def nav_items() -> list[NavItem]:
    return list(_registry.nav)


# --- to-dos ----------------------------------------------------------------------------------------------


def register_todo(name: str, provider: TodoProvider) -> None:
    _registry.todo.setdefault(name, provider)


def todo_providers() -> dict[str, TodoProvider]:
    return dict(_registry.todo)


def todo_for(user: Any) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in _registry.todo.values():
        items.extend(provider(user))
    far = dt.date.max
    return sorted(items, key=lambda i: (not i.overdue, i.deadline or far, i.title))


# --- tick ------------------------------------------------------------------------------------------------


def register_tick(name: str, fn: TickFn) -> None:
    """fn(now) advances one kind of time-based state and returns how many rows it changed; it must be
    safe to run twice for the same moment."""
    _registry.tick.setdefault(name, fn)


def tick_handlers() -> list[TickHandler]:
    return [TickHandler(name, fn) for name, fn in _registry.tick.items()]


# --- demo ------------------------------------------------------------------------------------------------


def register_demo_section(name: str, build: DemoBuild) -> None:
    _registry.demo.setdefault(name, build)


def demo_sections() -> list[DemoSection]:
    return [DemoSection(name, build) for name, build in _registry.demo.items()]


def register_demo_accounts(section: str, logins: list[DemoLogin]) -> None:
    """The accounts a demo section's journeys use; `peiyu demo` and the demo page list them by journey."""
    _registry.demo_logins.setdefault(section, tuple(logins))


def demo_accounts() -> list[tuple[str, DemoLogin]]:
    """(section, login) in registration order."""
    return [(section, login) for section, logins in _registry.demo_logins.items() for login in logins]


# --- background jobs -------------------------------------------------------------------------------------


def register_task(task: Any) -> None:
    """A Celery task of an app (its `name` is the key)."""
    _registry.tasks.setdefault(str(task.name), task)


def task_names() -> list[str]:
    return list(_registry.tasks)


# --- extension points ------------------------------------------------------------------------------------


def register_extension(point: str, name: str, fn: Callable[..., Any]) -> None:
    """Contribute `fn` to the extension point `point` (which the owning app documents and calls)."""
    _registry.extensions.setdefault(point, {}).setdefault(name, fn)


def unregister_extension(point: str, name: str) -> None:
    _registry.extensions.get(point, {}).pop(name, None)


def extensions(point: str) -> list[Callable[..., Any]]:
    return list(_registry.extensions.get(point, {}).values())
