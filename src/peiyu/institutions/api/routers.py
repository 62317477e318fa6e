"""The directory's API routers, listed by name (mounted at /api/v1/ by config.api)."""

from . import applications, calls, catalog, changes, experts, listings, notices, panels, renewals

ROUTERS = [
    applications.router,
    calls.router,
    panels.router,
    experts.router,
    listings.router,
    renewals.router,
    changes.router,
    notices.router,
    catalog.router,
]
