"""Allocating certificate numbers (CRT-4): a block of serials under one prefix, taken under the prefix's
row lock so two issuers of the same prefix at once never get the same number (PostgreSQL: SELECT … FOR
UPDATE; SQLite: the write transaction serialises writers). The first use of a prefix starts after the
highest number already issued under it (training certificates moved from training keep theirs). Call
inside the issuing transaction: the serials are spent only if it commits."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from peiyu.core.errors import Conflict

from ..models import Certificate, CertificateSequence
from ..rules.numbering import NumberPlan


def _highest_issued(plan: NumberPlan) -> int:
    last = (
        Certificate.objects.filter(
            number__startswith=plan.prefix, number__regex=rf"^{plan.prefix}\d{{{plan.width}}}$"
        )
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return int(last[len(plan.prefix) :]) if last else 0


def numbers_take(plan: NumberPlan, count: int) -> list[str]:
    """`count` new numbers under `plan`, in order. Conflict when the serials of the prefix run out."""
    if count <= 0:
        return []
    seq = CertificateSequence.objects.select_for_update().filter(prefix=plan.prefix).first()
    if seq is None:
        try:
            with transaction.atomic():
                CertificateSequence.objects.create(prefix=plan.prefix, last=_highest_issued(plan))
        except IntegrityError:
            pass  # created by a concurrent issuer in the meantime: lock theirs
        seq = CertificateSequence.objects.select_for_update().get(prefix=plan.prefix)
    first = seq.last + 1
    if seq.last + count > plan.capacity:
        raise Conflict(
            f"编号前缀 {plan.prefix} 下的证书序号已用尽，请联系管理员调整编号格式",
            code="certificate_numbers_exhausted",
            rule="CRT-4",
        )
    CertificateSequence.objects.filter(prefix=plan.prefix).update(last=seq.last + count)
    return [plan.number(first + i) for i in range(count)]
