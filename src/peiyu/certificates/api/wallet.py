"""The certificates API: wallet."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["证书"])
