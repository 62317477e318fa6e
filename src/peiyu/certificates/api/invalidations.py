"""The certificates API: invalidations."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["证书"])
