"""Reads of the catalogs. Occupations, standards and levels are public information (CAT-4): these
selectors need no actor and return only what is in force."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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


def occupations_grouped() -> list[tuple[str, Any, list[Occupation]]]:
    """(programme, label, occupations) for every programme that has occupations in force."""
    occupations = occupations_public()
    return [
        (value, label, [o for o in occupations if o.programme == value])
        for value, label in Programme.choices
        if any(o.programme == value for o in occupations)
    ]


# --- reads for other apps (they read the catalogs only through these; ADR 0007) -----------------------


def occupation_by_code(code: str) -> Occupation | None:
    """The occupation with this code, in force or not; None for an empty or unknown code."""
    return Occupation.objects.filter(code=code).first() if code else None


def occupations_by_codes(codes: Iterable[str]) -> QuerySet[Occupation]:
    """The occupations with these codes, in force or not; every occupation when `codes` is empty."""
    wanted = set(codes)
    return Occupation.objects.filter(code__in=wanted) if wanted else Occupation.objects.all()


def _subject_model(programme: str | None) -> type[Occupation] | type[Trade]:
    return Trade if programme == Programme.SKILL else Occupation


def subject_in_force(programme: str | None, code: str) -> Occupation | Trade | None:
    """What an application names: the trade (skill-level evaluation) or the occupation (the other
    programmes) with this code, if it is in force."""
    model = _subject_model(programme)
    return model.objects.active().filter(code=code).first()


def subject_codes_known(programme: str | None, codes: Iterable[str]) -> set[str]:
    """Which of these codes name a trade (skill-level evaluation) or an occupation (the other
    programmes), in force or not."""
    model = _subject_model(programme)
    return set(model.objects.filter(code__in=list(codes)).values_list("code", flat=True))


def occupation_alias_map() -> dict[str, str]:
    """2021 standard codes → 2022 classification codes (CAT-1)."""
    out: dict[str, str] = {}
    for code, aliases in Occupation.objects.values_list("code", "alias_codes"):
        for alias in aliases or []:
            out[alias] = code
    return out


def programme_labels() -> dict[str, Any]:
    """Programme code → its name (lazy: translated when shown)."""
    return dict(Programme.choices)


def level_rows_in_force() -> list[tuple[str, str, list[str]]]:
    """(kind, name, aliases) of every level in force, by kind and rank."""
    return list(Level.objects.active().order_by("kind", "rank").values_list("kind", "name", "aliases"))


def occupation_rows_in_force() -> list[tuple[str, str, str]]:
    """(code, name, programme) of every occupation in force, by programme and code."""
    return list(
        Occupation.objects.active().order_by("programme", "code").values_list("code", "name", "programme")
    )
