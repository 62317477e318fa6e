"""Public pages of the occupation catalog (CAT-4): anyone may read them, no login."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render

from peiyu.core.errors import NotFound

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
    try:
        occupation = selectors.occupation_get_public(code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "catalogs/occupation_detail.html",
        {"occupation": occupation, "levels": selectors.levels_public(occupation.kind)},
    )
