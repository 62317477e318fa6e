"""Pages of certificates: verification. `urlpatterns`: signed-in pages under /certificates/ (namespace
`certificates`); `public_urlpatterns`: public pages at the site root (namespace `cert_public`)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
public_urlpatterns: list[URLPattern] = []
