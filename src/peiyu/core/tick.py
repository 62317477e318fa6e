"""`peiyu tick`: one idempotent pass over every time-based state (DESIGN: schedule). Apps register
handlers from their hooks (core.registry.register_tick); each handler must be safe to run twice for the
same moment and returns what it changed."""

from __future__ import annotations

import datetime as dt
import logging

from .registry import TickHandler, tick_handlers

logger = logging.getLogger("peiyu.tick")


def handlers() -> list[TickHandler]:
    return tick_handlers()


def run(now: dt.datetime) -> dict[str, int]:
    results: dict[str, int] = {}
    for handler in tick_handlers():
        results[handler.name] = handler.fn(now)
        logger.info("tick %s: %s changed", handler.name, results[handler.name])
    return results
