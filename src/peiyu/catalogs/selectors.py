"""Reads of the catalogs. Occupations, standards and levels are public information (CAT-4): these
selectors need no actor and return only what is in force."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from peiyu.core.errors import NotFound

from .models import Direction, Industry, Level, LevelKind, Occupation, Programme, Trade


def _occupations() -> QuerySet[Occupation]:
    return Occupation.objects.active().prefetch_related(
        Prefetch(
            "directions",
            queryset=Direction.objects.filter(disabled_on__isnull=True),
            to_attr="active_directions",
        )
    )


def occupations_public(programme: str | None = None) -> list[Occupation]:
    qs = _occupations()
    if programme:
        qs = qs.filter(programme=programme)
    return list(qs)


def occupation_get_public(code: str) -> Occupation:
    """By its code or any alias code (e.g. the 2021 standard's code)."""
    occupation = _occupations().filter(code=code).first()
    if occupation is None:
        occupation = next((o for o in _occupations() if code in o.alias_codes), None)
    if occupation is None:
        raise NotFound("未找到该职业", code="occupation_not_found")
    return occupation


def levels_public(kind: str | None = None) -> list[Level]:
    qs = Level.objects.active()
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


def levels_by_kind() -> dict[str, list[Level]]:
    grouped: dict[str, list[Level]] = {k: [] for k in LevelKind.values}
    for level in Level.objects.active():
        grouped.setdefault(level.kind, []).append(level)
    return grouped


def industries_public() -> list[Industry]:
    return list(Industry.objects.active())


def trades_public(q: str = "", occupation_code: str = "") -> QuerySet[Trade]:
    qs = Trade.objects.active().select_related("occupation")
    if q:
        qs = qs.filter(Q(code__startswith=q) | Q(name__contains=q))
    if occupation_code:
        qs = qs.filter(occupation_code=occupation_code)
    return qs.order_by("code")


def occupations_grouped() -> list[tuple[str, str, list[Occupation]]]:
    """(programme, label, occupations) for every programme that has occupations in force."""
    occupations = occupations_public()
    return [
        (value, label, [o for o in occupations if o.programme == value])
        for value, label in Programme.choices
        if any(o.programme == value for o in occupations)
    ]
