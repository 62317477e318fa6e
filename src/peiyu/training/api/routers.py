"""The training API routers, one module per area, listed by name (mounted at /api/v1/ by config.api)."""

from . import attendance, classes, completion, online, plans, trainees

ROUTERS = [plans.router, trainees.router, classes.router, attendance.router, online.router, completion.router]
