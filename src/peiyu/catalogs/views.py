"""Public pages of the occupation catalog (CAT-4): anyone may read them, no login."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from . import selectors


@login_not_required
def occupation_list(request):
    return render(
        request,
        "catalogs/occupation_list.html",
        {"groups": selectors.occupations_grouped(), "levels": selectors.levels_by_kind()},
    )


@login_not_required
def occupation_detail(request, code: str):
    occupation = selectors.occupation_get_public(code)  # NotFound → 404 (core DomainErrorMiddleware)
    return render(
        request,
        "catalogs/occupation_detail.html",
        {"occupation": occupation, "levels": selectors.levels_public(occupation.kind)},
    )
