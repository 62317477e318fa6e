"""Reads of papers: the content of a sealed form, opened only from its opening time and checked against
the SM3 digest recorded when it was sealed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from peiyu.core.crypto import sm3_hex
from peiyu.core.errors import Conflict

from ..models import Paper


def paper_content(paper: Paper, *, now: dt.datetime) -> dict[str, Any]:
    """The sealed content of `paper` (models/papers.py format). Refused before the paper's opening time
    and when the stored content no longer matches its digest (it was altered after sealing)."""
    if paper.status not in (Paper.Status.SEALED, Paper.Status.OPENED) or not paper.sealed_content:
        raise Conflict("试卷尚未封存", code="paper_not_sealed")
    if paper.opens_at is None or now < paper.opens_at:
        raise Conflict("未到开考时间，试卷不能启封", code="paper_not_open_yet")
    text = paper.sealed_content
    if sm3_hex(text.encode()) != paper.digest:
        raise Conflict("试卷内容与封存摘要不符，已停止使用", code="paper_digest_mismatch")
    data: dict[str, Any] = json.loads(text)
    return data
