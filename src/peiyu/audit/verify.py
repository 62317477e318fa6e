"""Walk every stream in order and name the first row whose hash does not match, whose link to the
previous row is broken, or whose sequence number shows a deleted row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from .chain import GENESIS, row_hash
from .models import AuditEvent, AuditHead


@dataclass
class Break:
    stream: str
    seq: int
    event_id: int | None
    problem: str  # edited, deleted, relinked, truncated

    def describe(self) -> str:
        what = {
            "edited": "内容被修改",
            "deleted": "被删除",
            "relinked": "与前一条的链接被改动",
            "truncated": "链尾被删除",
        }[self.problem]
        row = f"id={self.event_id}" if self.event_id else "（已不存在）"
        return f"审计链 {self.stream} 第 {self.seq} 条 {row} {what}（{self.problem}）"


@dataclass
class VerifyResult:
    checked: int
    breaks: list[Break]

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify_chain(batch: int = 5000) -> VerifyResult:
    streams = set(AuditEvent.objects.values_list("stream", flat=True).distinct()) | set(
        AuditHead.objects.values_list("stream", flat=True)
    )
    checked = 0
    breaks: list[Break] = []
    for stream in sorted(streams):
        prev_hash, expected_seq, first_break = GENESIS, 1, None
        last_seq = 0
        qs = AuditEvent.objects.filter(stream=stream).order_by("seq")
        cursor = 0
        while first_break is None:
            rows = list(qs.filter(seq__gt=cursor).values()[:batch])
            if not rows:
                break
            for row in rows:
                checked += 1
                if row["seq"] != expected_seq:
                    first_break = Break(stream, expected_seq, None, "deleted")
                    break
                if row["prev_hash"] != prev_hash:
                    first_break = Break(stream, row["seq"], row["id"], "relinked")
                    break
                if row_hash(prev_hash, dict(row)) != row["hash"]:
                    first_break = Break(stream, row["seq"], row["id"], "edited")
                    break
                prev_hash, expected_seq, last_seq = row["hash"], expected_seq + 1, row["seq"]
            cursor = rows[-1]["seq"]
        if first_break is None:
            head = AuditHead.objects.filter(stream=stream).first()
            if head and (head.seq != last_seq or head.hash != prev_hash):
                first_break = Break(stream, last_seq + 1, None, "truncated")
        if first_break:
            breaks.append(first_break)
    return VerifyResult(checked, breaks)


def chain_length() -> int:
    return AuditEvent.objects.aggregate(n=Max("id"))["n"] or 0


def verify_and_record(actor: Any = None) -> VerifyResult:
    """Verify the chain and append the outcome, so the weekly to-do sees who checked and when."""
    from .services import audit_record

    result = verify_chain()
    audit_record(
        actor,
        "audit.verified",
        None,
        after={"ok": result.ok, "checked": result.checked, "breaks": [b.describe() for b in result.breaks]},
    )
    return result
