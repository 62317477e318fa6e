"""Managing an institution's signing keys (CRT-4): generate the first one, rotate (the active key retires
— it signs nothing new and still verifies what it signed — and a new one becomes active), revoke with a
reason (a compromised key: certificates dated after its revocation no longer verify; a new active key
is generated at once so issuing goes on). Only the institution's own administrator (certificate.keys);
another institution's key is 404. Each step audited through the key's workflow."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from peiyu.accounts.models import Org
from peiyu.core.errors import Conflict, InvalidInput

from ..flows import KEY_FLOW
from ..models import SigningKey
from ..selectors.keys import can_manage
from .signing import signing_key_for, signing_key_new

K = SigningKey.Status
REASON_MAX = 500


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写原因", fields={"reason": ["请填写原因"]})
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"原因不超过 {REASON_MAX} 个字", fields={"reason": [f"不超过 {REASON_MAX} 个字"]})
    return reason


def key_generate(*, actor: Any, institution: Org) -> SigningKey:
    """The institution's active key, generated now if it has none."""
    if not can_manage(actor, institution.pk):
        raise Http404("签名密钥不存在")
    return signing_key_for(institution, actor=actor)


def key_rotate(*, actor: Any, institution: Org, reason: str) -> SigningKey:
    """Retire the active key and make a new one active; returns the new key."""
    if not can_manage(actor, institution.pk):
        raise Http404("签名密钥不存在")
    reason = _reason(reason)
    with transaction.atomic():
        active = (
            SigningKey.objects.select_for_update().filter(institution=institution, status=K.ACTIVE).first()
        )
        if active is not None:
            KEY_FLOW.transition(
                active, K.RETIRED, actor=actor, reason=reason, locked=True,
                changes={"retired_at": timezone.now(), "reason": reason},
            )  # fmt: skip
        return signing_key_new(institution, actor=actor, reason=f"轮换：{reason}")


def key_revoke(*, actor: Any, key: SigningKey, reason: str) -> SigningKey:
    """Revoke `key` (active or retired) with the reason; an active key is replaced at once."""
    if key.institution_id is None or not can_manage(actor, key.institution_id):
        raise Http404("签名密钥不存在")
    reason = _reason(reason)
    with transaction.atomic():
        locked = (
            SigningKey.objects.select_for_update(of=("self",)).select_related("institution").get(pk=key.pk)
        )
        if locked.status == K.REVOKED:
            raise Conflict("该密钥已吊销", code="key_already_revoked")
        was_active = locked.status == K.ACTIVE
        now = timezone.now()
        KEY_FLOW.transition(
            locked, K.REVOKED, actor=actor, reason=reason, locked=True,
            changes={"revoked_at": now, "retired_at": locked.retired_at or now, "reason": reason},
        )  # fmt: skip
        if was_active:
            signing_key_new(locked.institution, actor=actor, reason=f"原密钥吊销后生成：{reason}")
    return locked
