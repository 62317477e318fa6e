"""The holder's wallet over the API: the signed-in person's own certificates of every kind, each with its
status, what replaced it, and the title statement of a Hubei DTE level certificate (CRT-6).

No `from __future__ import annotations` here: ninja must see the real types."""

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema
from pydantic import Field

from peiyu.core.pagination import Page, PageQuery, paginate

from ..selectors import wallet as sel
from .certificates import certificate_basics

router = Router(tags=["我的证书"])


class TitleOut(Schema):
    kind: str = Field(description="equivalence 直接认定为相应职称、reference 高级职称评审的重要参考")
    text: str
    rule: str


class WalletCardOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    occupation_code: str
    occupation_name: str
    direction: str
    level: str
    issuer: str
    issued_on: dt.date
    invalidated_on: dt.date | None
    invalid_cause: str = Field(description="宣布无效的原因类别")
    replaced_by: str = Field(description="换发后的新证书编号")
    title: TitleOut | None = Field(description="职称贯通（CRT-6）")
    payload: str = Field(description="二维码中的签名载荷")


def _out(card: sel.WalletCard) -> dict[str, Any]:
    return {
        **certificate_basics(card.cert),
        "invalid_cause": card.invalid_cause,
        "replaced_by": card.successor,
        "title": {"kind": card.title.kind, "text": card.title.text, "rule": card.title.rule}
        if card.title
        else None,
        "payload": card.cert.payload,
    }


@router.get("/certificates/wallet", response=Page[WalletCardOut], summary="我的证书")
def wallet(request: Any, q: Query[PageQuery]) -> Any:
    return paginate(sel.wallet_cards(request.user), q, _out)
