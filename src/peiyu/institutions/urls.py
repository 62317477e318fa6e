"""URLs of the directory: signed-in pages under /directory/ (namespace `directory`), and public pages
(notices, objections, calls) at the site root. The public catalog lives at /catalog/ (namespace `catalog`).
Every view module is listed here by name."""

from django.urls import include, path

from .views import (
    applications,
    calls_official,
    catalog,
    documents,
    expert_declarations,
    expert_imports,
    experts,
    listings,
    notices,
    panels,
)

directory_patterns = (
    [
        *applications.urlpatterns,
        *calls_official.urlpatterns,
        *documents.urlpatterns,
        *panels.urlpatterns,
        *experts.urlpatterns,
        *expert_imports.urlpatterns,
        *expert_declarations.urlpatterns,
        *listings.urlpatterns,
        *notices.urlpatterns,
    ],
    "directory",
)
public_patterns = [*notices.public_urlpatterns]
catalog_patterns = (catalog.urlpatterns, "catalog")

urlpatterns = [
    path("directory/", include(directory_patterns)),
    path("catalog/", include(catalog_patterns)),
    *public_patterns,
]
