"""Optional sub-modules of the training app, imported by name: each area (plans, trainees, classes,
attendance, completion) contributes its routers, URL patterns and to-dos from its own module."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

AREAS = ["plans", "trainees", "classes", "attendance", "online", "completion"]


def present(package: str, names: list[str] | None = None) -> list[ModuleType]:
    out = []
    for name in names or AREAS:
        try:
            out.append(import_module(f"peiyu.training.{package}.{name}"))
        except ModuleNotFoundError as exc:  # an area without this kind of module
            if exc.name != f"peiyu.training.{package}.{name}":
                raise
    return out
