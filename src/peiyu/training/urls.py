"""URLs of training: signed-in pages under /training/ (namespace `training`) and public pages
(announcements, QR check-in, certificate verification, trainee registration) at the site root."""

from django.urls import include, path

from ._modules import present


def _patterns(attr: str) -> list:
    out: list = []
    for module in present("views"):
        out += getattr(module, attr, [])
    return out


urlpatterns = [
    path("training/", include((_patterns("urlpatterns"), "training"))),
    *_patterns("public_urlpatterns"),
]
