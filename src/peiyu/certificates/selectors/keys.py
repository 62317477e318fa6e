"""Reading signing keys: an institution administrator (certificate.keys) sees only their own
organisation's keys; anyone else's is 404. The public facts of every key are in services.signing
(`public_keys`), published by the verification pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from peiyu.core.permissions import scope_for

from ..models import SigningKey

KEYS = "certificate.keys"


def managed_ids(actor: Any) -> frozenset[int]:
    ids: frozenset[int] = scope_for(actor, KEYS).org_ids
    return ids


def can_manage(actor: Any, institution_id: int) -> bool:
    return institution_id in managed_ids(actor)


def keys_visible_to(actor: Any) -> QuerySet[SigningKey]:
    return (
        SigningKey.objects.filter(institution_id__in=sorted(managed_ids(actor)))
        .select_related("institution", "created_by")
        .defer("private_key")
        .order_by("institution_id", "-created_at")
    )


def key_get_for(actor: Any, pk: int) -> SigningKey:
    found = keys_visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise Http404("签名密钥不存在")
    return found


def managed_institutions(actor: Any) -> list[Any]:
    from peiyu.accounts.models import Org

    ids = managed_ids(actor)
    return list(Org.objects.filter(pk__in=sorted(ids)).order_by("name")) if ids else []
