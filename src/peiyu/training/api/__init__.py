"""The training API routers (mounted at /api/v1/ by config.api), one module per area."""

from .._modules import present


def routers() -> list:
    return [m.router for m in present("api")]
