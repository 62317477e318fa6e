"""API of the examiners area (filled by the area)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["exams"])
