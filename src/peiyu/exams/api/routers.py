"""The evaluation API routers, one module per area, listed by name (mounted at /api/v1/ by config.api)."""

from . import archives, banks, cbt, examiners, papers, plans, registrations, scores, sessions, sites

ROUTERS = [
    sites.router,
    banks.router,
    papers.router,
    plans.router,
    sessions.router,
    registrations.router,
    examiners.router,
    cbt.router,
    scores.router,
    archives.router,
]
