"""URLs of the directory: signed-in pages under /directory/ (namespace `directory`), and public pages
(notices, objections, calls) at the site root. The public catalog lives at /catalog/ (namespace `catalog`)."""

from importlib import import_module

from django.urls import include, path

_MODULES = ["applications", "documents", "panels", "listings", "notices"]


def _patterns(attr: str) -> list:
    out: list = []
    for name in _MODULES:
        try:
            module = import_module(f"peiyu.institutions.views.{name}")
        except ModuleNotFoundError as exc:  # pragma: no cover - while a module is being written
            if exc.name != f"peiyu.institutions.views.{name}":
                raise
            continue
        out += getattr(module, attr, [])
    return out


def _catalog() -> list:
    try:
        return import_module("peiyu.institutions.views.catalog").urlpatterns
    except ModuleNotFoundError as exc:  # pragma: no cover
        if exc.name != "peiyu.institutions.views.catalog":
            raise
        return []


directory_patterns = (_patterns("urlpatterns"), "directory")
public_patterns = _patterns("public_urlpatterns")
catalog_patterns = (_catalog(), "catalog")

urlpatterns = [
    path("directory/", include(directory_patterns)),
    path("catalog/", include(catalog_patterns)),
    *public_patterns,
]
