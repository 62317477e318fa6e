"""An anonymous visitor's page frame (base.html: head, menu, language switch, footer) rendered once per
template, language and year, then filled in per request: the public catalog's hot path
(benchmarks/scenarios/catalog.py, `catalog-uncached`), where rendering the frame through the template
engine cost more than the search.

`framed(request, template_name, content=…, title=…)` answers what `render(request, template_name,
{"content": content, "title": title})` would, byte for byte: the template extends base.html and shows
`{{ content }}` (and, if it uses one, `{{ title }}`) once. For a visitor who is not signed in and has no
message waiting, the frame is rendered with markers in place of what varies — the content, the title,
the CSRF token of the language switch's form and the path it returns to — and kept; each request puts
its own values in. Anyone else (signed in, or with messages to show) gets the template rendered as
usual. Nothing else in the frame may depend on the request, the user or the time (other than the year
of the footer, part of the key)."""

from __future__ import annotations

import re
from html import escape

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

_MARK = "\x00frame:%s\x00"
_CONTENT, _TITLE, _TOKEN, _PATH = (_MARK % name for name in ("content", "title", "token", "path"))
_SPLIT = re.compile("(\x00frame:[a-z]+\x00)")
_frames: dict[tuple[str, str, str], list[str]] = {}


class _MarkedRequest:
    """What the frame reads of the request: the path the language switch returns to."""

    def get_full_path(self) -> str:
        return _PATH


def _plain_visitor(request: HttpRequest) -> bool:
    """Not signed in and no message waiting: the frame is the same for every such visitor."""
    return not request.user.is_authenticated and not get_messages(request)


def _frame(request: HttpRequest, template_name: str, key: tuple[str, str, str]) -> list[str]:
    html = render_to_string(
        template_name,
        {
            "content": mark_safe(_CONTENT),  # noqa: S308 - a marker, replaced by escaped or safe text
            "title": mark_safe(_TITLE),  # noqa: S308 - idem
            "csrf_token": _TOKEN,
            "request": _MarkedRequest(),
            "user": AnonymousUser(),
            "messages": (),
            "nav": [],
        },
        request=request,
    )
    parts = _SPLIT.split(html)
    if parts.count(_CONTENT) != 1:
        raise ValueError(f"{template_name} must show {{{{ content }}}} once to be framed")
    _frames[key] = parts
    return parts


def framed(
    request: HttpRequest, template_name: str, *, content: SafeString | str, title: str = "", status: int = 200
) -> HttpResponse:
    """The page `template_name` with `content` (escaped unless safe) and `title` (escaped)."""
    if not _plain_visitor(request):
        return render(request, template_name, {"content": content, "title": title}, status=status)
    key = (template_name, translation.get_language() or "", str(timezone.localtime().year))
    parts = _frames.get(key) or _frame(request, template_name, key)
    values = {
        _CONTENT: content if isinstance(content, SafeString) else escape(content),
        _TITLE: escape(title),
        _PATH: escape(request.get_full_path()),
    }
    if _TOKEN in parts:
        values[_TOKEN] = escape(get_token(request))
    return HttpResponse("".join([values.get(part, part) for part in parts]), status=status)


def forget_frames() -> None:
    """Drop the kept frames (tests that change a template or a translation)."""
    _frames.clear()
