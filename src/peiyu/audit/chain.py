"""The hash of one audit row: SM3 over the previous hash and the row's canonical JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cryptography.hazmat.primitives import hashes

GENESIS = "0" * 64
HASHED_FIELDS = (
    "stream", "seq", "at", "actor_id", "actor_repr", "org_id", "region_code", "action",
    "object_type", "object_id", "object_repr", "before", "after", "reason", "ip",
)  # fmt: skip


def sm3_hex(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    body = {k: row.get(k) for k in HASHED_FIELDS}
    at = body["at"]
    body["at"] = at.isoformat(timespec="microseconds") if isinstance(at, dt.datetime) else str(at)
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return sm3_hex((prev_hash + canonical).encode("utf-8"))
