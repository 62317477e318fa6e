"""The directory's API routers (mounted at /api/v1/ by config.api)."""

from importlib import import_module

_MODULES = ["applications", "panels", "listings", "notices", "catalog"]


def routers() -> list:
    out = []
    for name in _MODULES:
        try:
            module = import_module(f"peiyu.institutions.api.{name}")
        except ModuleNotFoundError as exc:  # pragma: no cover - while a module is being written
            if exc.name != f"peiyu.institutions.api.{name}":
                raise
            continue
        out.append(module.router)
    return out
