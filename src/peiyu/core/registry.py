"""Registries the apps fill in their AppConfig.ready(): navigation entries and to-do providers.
Core knows neither apps nor roles; each entry names the capability it needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # lazy translation
    url_name: str
    capability: str
    order: int = 100
    group: Any = ""


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    deadline: dt.date | None = None
    rule: str = ""
    detail: str = ""
    kind: str = ""
    overdue: bool = False


@dataclass
class _Registry:
    nav: list[NavItem] = field(default_factory=list)
    todo: list[tuple[str, Callable[[Any], list[TodoItem]]]] = field(default_factory=list)


_registry = _Registry()


def register_nav(item: NavItem) -> None:
    if all(n.key != item.key for n in _registry.nav):
        _registry.nav.append(item)
        _registry.nav.sort(key=lambda n: (n.order, n.key))


def nav_items() -> list[NavItem]:
    return list(_registry.nav)


def register_todo(name: str, provider: Callable[[Any], list[TodoItem]]) -> None:
    if all(n != name for n, _ in _registry.todo):
        _registry.todo.append((name, provider))


def todo_for(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    for _name, provider in _registry.todo:
        items.extend(provider(user))
    far = dt.date.max
    return sorted(items, key=lambda i: (not i.overdue, i.deadline or far, i.title))
