"""The directory's API routers, listed by name (mounted at /api/v1/ by config.api)."""

from . import applications, catalog, listings, notices, panels

ROUTERS = [applications.router, panels.router, listings.router, notices.router, catalog.router]
