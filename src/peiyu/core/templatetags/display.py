"""Filters every template has (settings TEMPLATES builtins): what a page shows of stored values —
citations in words, policy profiles by title, times in Asia/Shanghai — so that no template prints an
internal code or an ISO string."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import dateformat, timezone

from peiyu.core import sources
from peiyu.core.models import PolicyProfile
from peiyu.core.policy import GENERATION

register = template.Library()

_titles: dict[str, str] = {}
_titles_generation: list[int] = [-1]


@register.filter
def cite(source: Any) -> str:
    """ "003 四（一）；000 第十四条" → "《…通知》第四部分第（一）项；《…管理办法（试行）》第十四条"."""
    return sources.cite(None if source is None else str(source))


@register.filter
def seed_document(source: Any) -> str:
    """A profile's source ("004 辽宁省人力资源和社会保障厅，2023-05-31") as "《title》（issuer，date）";
    a text that names no seed as written."""
    doc = sources.document_of(None if source is None else str(source))
    if doc is None:
        return str(source or "")
    return f"《{doc.title}》（{doc.issuer}，{doc.issued}）"


@register.filter
def policy_title(name: Any) -> str:
    """A policy profile's title for its name ("liaoning-dte-batch2" → "辽宁省……"), the name itself when
    no such profile exists. Titles are read once per policy generation (a profile loaded or edited)."""
    name = str(name or "")
    generation = GENERATION.current()
    if _titles_generation[0] != generation or name not in _titles:
        _titles.clear()
        _titles.update(PolicyProfile.objects.values_list("name", "title"))
        _titles_generation[0] = generation
    return _titles.get(name) or name


@register.filter
def local(value: Any, fmt: str = "Y-m-d H:i") -> str:
    """A moment as people in China read it: "2026-11-17 19:00" (Asia/Shanghai), from an aware or naive
    datetime or an ISO 8601 string (as stored in facts and audit records); a date as "2026-11-17";
    anything else unchanged, "" for nothing."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:  # a date: "2026-11-17"
                return dateformat.format(dt.date.fromisoformat(text), "Y-m-d")
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return dateformat.format(timezone.localtime(value), fmt)
    if isinstance(value, dt.date):
        return dateformat.format(value, "Y-m-d")
    return str(value)
