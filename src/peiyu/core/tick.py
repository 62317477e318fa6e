"""`peiyu tick`: one idempotent pass over every time-based state (DESIGN: schedule). Apps register
handlers; each handler must be safe to run twice for the same moment and returns what it changed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("peiyu.tick")


@dataclass(frozen=True)
class TickHandler:
    name: str
    fn: Callable[[dt.datetime], int]


_handlers: list[TickHandler] = []


def register(name: str):
    def decorator(fn: Callable[[dt.datetime], int]):
        if not any(h.name == name for h in _handlers):
            _handlers.append(TickHandler(name, fn))
        return fn

    return decorator


def handlers() -> list[TickHandler]:
    return list(_handlers)


def run(now: dt.datetime) -> dict[str, int]:
    results: dict[str, int] = {}
    for handler in _handlers:
        results[handler.name] = handler.fn(now)
        logger.info("tick %s: %s changed", handler.name, results[handler.name])
    return results
