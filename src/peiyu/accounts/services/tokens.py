"""A user's own API tokens: created (shown once), revoked, and authenticated by digest."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_text
from peiyu.core.crypto import sm3_hex
from peiyu.core.errors import NotFound

from ..models import ApiToken, User
from .access import require


def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    require(actor, "api_token.manage")
    name = clean_text(name, max_length=100, required=True, label="令牌用途", field="name")
    plain = "py_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=plain[:8],
            digest=sm3_hex(plain.encode()),
            expires_at=timezone.now() + timedelta(days=settings.PEIYU_API_TOKEN_TTL_DAYS),
        )
        audit_record(actor, "api_token.created", token, after={"name": token.name, "prefix": token.prefix})
    return token, plain


def api_token_revoke(*, actor, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFound()
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor, "api_token.revoked", token)
    return token


def api_token_authenticate(plain: str) -> User | None:
    if not plain or not plain.startswith("py_"):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=sm3_hex(plain.encode())).first()
    now = timezone.now()
    if token is None or token.revoked_at or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
