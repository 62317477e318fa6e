"""HTTP helpers shared by the apps' views."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content: bytes, filename: str, content_type: str, fallback: str) -> HttpResponse:
    """A file download (RFC 6266 / RFC 5987): an ASCII `fallback` name for old clients, the Chinese
    `filename` in `filename*`; never cached by shared caches, never sniffed."""
    response = private_inline(content, content_type)
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", fallback)
    filename = re.sub(r'[\\/:*?"<>|\r\n]', "_", filename)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def private_inline(content: bytes, content_type: str) -> HttpResponse:
    """A file for the signed-in user alone, shown in the page (an image) or, with its
    Content-Disposition, downloaded (`attachment`): never cached, never sniffed."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
