"""What the public policy page shows as a parameter's value: the words an official would write, never a
code. Yes or no for a switch, a share as a percentage, each kind of institution's review route as its
steps, a number template as its parts, and the names of the organisations, parameters and occupations
a list refers to (the codes themselves stay in the page's technical details)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from peiyu.accounts.models import Org
from peiyu.catalogs.selectors import occupations_by_codes
from peiyu.certificates.models import IssuanceBatch
from peiyu.certificates.rules.numbering import describe
from peiyu.core.policy_schema import PARAMETERS
from peiyu.institutions.models import Kind

TEMPLATES = frozenset({"cert_number_template", "filing_code_template"})


def _choice(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _list_text(name: str, values: list[Any], occupations: Mapping[str, str]) -> str:
    if name == "call_editable":  # parameters an issuer may adjust in a call: by their labels
        words = [_(PARAMETERS[v].label) if v in PARAMETERS else str(v) for v in values]
    elif name == "call_issuers":
        words = [_choice(Org.Kind, str(v)) for v in values]
    elif name == "evaluation_excluded_occupations":
        words = [f"{v} {occupations[v]}" if v in occupations else str(v) for v in values]
    else:
        words = [str(v) for v in values]
    return "、".join(words) if words else _("无")


def _routes_text(routes: Mapping[str, list[Mapping[str, Any]]]) -> str:
    """One line per kind of institution: its steps in order."""
    return "；".join(
        f"{_choice(Kind, kind)}：" + " → ".join(str(step["label"]) for step in steps)
        for kind, steps in routes.items()
    )


def _quota_text(value: Mapping[str, Any], region_names: Mapping[str, str]) -> str:
    extra = "；".join(f"{region_names.get(code, code)}：{n}" for code, n in value["overrides"].items())
    return f"{value['default']}" + (f"（{extra}）" if extra else "")


def value_text(
    name: str, value: Any, *, region_names: Mapping[str, str], occupations: Mapping[str, str]
) -> str | None:
    """`value` of the parameter `name` as the page shows it (None: no value in force), by the parameter's
    kind in core.policy_schema (a str parameter by what it names)."""
    if value is None:
        return None
    kind = PARAMETERS[name].kind if name in PARAMETERS else ""
    if kind == "bool":
        return _("是") if value else _("否")
    if kind == "ratio":
        return f"{(Decimal(value) * 100).normalize():f}%"
    if kind == "fraction":
        return f"{Fraction(value).numerator}/{Fraction(value).denominator}"
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind == "month_day":
        month, day = str(value).split("-")
        return _("每年%(month)s月%(day)s日") % {"month": int(month), "day": int(day)}
    if kind == "routes":
        return _routes_text(value)
    if kind == "quota":
        return _quota_text(value, region_names)
    if kind == "str_list":
        return _list_text(name, list(value), occupations)
    if name == "certificate_route":
        return _choice(IssuanceBatch.Route, str(value))
    if name in TEMPLATES:
        return describe(str(value))
    return str(value)


def occupation_names(profiles: list[dict[str, Any]]) -> dict[str, str]:
    """Code → name of every occupation a parameter of these profiles lists (one query)."""
    codes = {
        str(code)
        for p in profiles
        for param in p["parameters"]
        if param["name"] == "evaluation_excluded_occupations" and isinstance(param["value"], list)
        for code in param["value"]
    }
    return {o.code: o.name for o in occupations_by_codes(codes)} if codes else {}
