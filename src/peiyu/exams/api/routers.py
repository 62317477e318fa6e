"""The evaluation API routers, one module per area, listed by name (mounted at /api/v1/ by config.api).
FIRST are mounted before the other apps' routes: the candidates' start and autosave take every
candidate of a sitting at once, and Django tries URL patterns in order (a resolver per leading
segment, core.routing, still walks the patterns of its group in turn)."""

from . import archives, banks, cbt, examiners, papers, plans, registrations, scores, sessions, sites

ROUTERS = [
    sites.router,
    banks.router,
    papers.router,
    plans.router,
    sessions.router,
    registrations.router,
    examiners.router,
    scores.router,
    archives.router,
]
FIRST = [cbt.router]
