"""URLs of certificates: signed-in pages under /certificates/ (namespace `certificates`) and public pages
(verification, the status list, the published keys, the offline verifier) at the root (namespace
`cert_public`). Every area's view module is listed here by name."""

from django.urls import include, path

from .views import (
    batches,
    certificates,
    certificates_training,
    invalidations,
    keys,
    templates,
    verification,
    wallet,
)

AREAS = (keys, templates, batches, certificates, certificates_training, verification, invalidations, wallet)

certificate_patterns = ([p for area in AREAS for p in area.urlpatterns], "certificates")
public_patterns = ([p for area in AREAS for p in area.public_urlpatterns], "cert_public")

urlpatterns = [
    path("certificates/", include(certificate_patterns)),
    path("", include(public_patterns)),
    # training certificates' addresses from before the move (ADR 0007 §4), with their old URL names
    *certificates_training.legacy_urlpatterns,
]
