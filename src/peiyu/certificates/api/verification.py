"""The certificates API: public verification (CRT-5; ADR 0014). By number and by name + ID number +
number without sign-in, counted against the caller's budget like the pages (429 with Retry-After when
it is spent); the employers' bulk check (certificate.verify_bulk: the browser session or an API token),
up to BULK_MAX numbers per request, audited, with a budget of its own; the QR payload's verdict."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from pydantic import Field

from peiyu.core.errors import NotFound
from peiyu.core.middleware import client_ip
from peiyu.core.schemas import ErrorOut, validated_json

from ..rules.payload import Verdict, payload_verify
from ..rules.verification import BULK_MAX, NAME_MAX, NUMBER_MAX, payload_of
from ..selectors import verification as sel
from ..services import verification as svc

router = Router(tags=["证书"])
NOT_FOUND = "未找到该证书"


class VerificationOut(Schema):
    number: str
    kind: str
    kind_label: str
    status: str = Field(description="valid 有效、invalidated 已宣布无效、superseded 已换发")
    status_label: str
    valid: bool
    holder: str = Field(description="持证人姓名（脱敏，如 李*红）")
    holder_id_masked: str = Field("", description="身份证号码（脱敏；仅按姓名和身份证号码查询时返回）")
    issuer: str
    occupation: str
    occupation_code: str
    direction: str
    level: str
    issued_on: dt.date
    invalidated_on: dt.date | None = None
    invalidation_cause: str = ""
    invalidation_scope: str = ""
    replaced_by: str = Field("", description="已换发时新证书的编号")
    signed: bool


class IdentityIn(Schema):
    name: str = Field(..., min_length=1, max_length=NAME_MAX)
    id_number: str = Field(..., min_length=1, max_length=32)
    number: str = Field(..., min_length=1, max_length=NUMBER_MAX)


class BulkItemIn(Schema):
    number: str = Field(..., min_length=1, max_length=NUMBER_MAX)
    name: str = Field("", max_length=NAME_MAX, description="持证人姓名（可选；只比对，不返回全名）")


class BulkIn(Schema):
    items: list[BulkItemIn] = Field(..., min_length=1, max_length=BULK_MAX)


class BulkItemOut(Schema):
    number: str
    found: bool
    name_matches: bool | None = None
    status: str = ""
    status_label: str = ""
    valid: bool = False
    holder: str = ""
    issuer: str = ""
    occupation: str = ""
    level: str = ""
    issued_on: dt.date | None = None
    invalidated_on: dt.date | None = None
    invalidation_cause: str = ""
    replaced_by: str = ""


class BulkOut(Schema):
    items: list[BulkItemOut]
    count: int


class QrIn(Schema):
    payload: str = Field(..., min_length=1, max_length=2000, description="二维码内容或网址（…/v/<载荷>）")


class QrOut(Schema):
    signature_valid: bool
    verdict: str = Field(description="valid、bad_format、unknown_key、bad_signature、key_revoked")
    verdict_text: str
    certificate: VerificationOut | None = None
    differences: list[str] = Field(default_factory=list, description="二维码内容与登记信息不一致之处")


def _who(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + client_ip(request)


def _throttled(exc: svc.Throttled) -> HttpResponse:
    response = JsonResponse(exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False})
    response["Retry-After"] = str(exc.details["retry_after"])
    return response


def _counted(request: HttpRequest, cert: Any, *, identity: bool = False) -> Any:
    try:
        svc.lookup_counted(_who(request), found=cert is not None)
    except svc.Throttled as exc:
        return _throttled(exc)
    if cert is None:
        raise NotFound(NOT_FOUND)
    return sel.verification_view(cert, identity_checked=identity)


def _answer(request: HttpRequest, cert: Any, *, identity: bool = False) -> Any:
    """The answer of a lookup as VerificationOut, written directly (core.schemas.validated_json): the
    public verification by number is national-scale traffic."""
    shown = _counted(request, cert, identity=identity)
    return shown if isinstance(shown, HttpResponse) else validated_json(VerificationOut, shown)


@router.post(
    "/certificates/verify/identity",
    auth=None,
    response={200: VerificationOut, 429: ErrorOut},
    summary="按姓名、身份证号码和证书编号核验（公开，限频）",
)
def verify_identity(request: HttpRequest, payload: IdentityIn) -> Any:
    cert = sel.certificate_by_identity(name=payload.name, id_number=payload.id_number, number=payload.number)
    return _answer(request, cert, identity=True)


@router.post(
    "/certificates/verify/qr",
    auth=None,
    response={200: QrOut, 429: ErrorOut},
    summary="核验证书二维码的签名并查询登记信息（公开，限频）",
)
def verify_qr(request: HttpRequest, payload: QrIn) -> Any:
    text = payload_of(payload.payload)
    keys, revoked = sel.key_material(svc.published_keys())
    verdict = payload_verify(text, keys, revoked=revoked)
    if verdict.verdict is Verdict.UNKNOWN_KEY:
        keys, revoked = sel.key_material(svc.published_keys(fresh=True))
        verdict = payload_verify(text, keys, revoked=revoked)
    answer: dict[str, Any] = {
        "signature_valid": verdict.ok,
        "verdict": verdict.verdict.value,
        "verdict_text": verdict.text,
    }
    if not verdict.ok or verdict.payload is None:
        return answer  # a forgery is not looked up
    cert = sel.certificate_by_number(verdict.payload.number)
    shown = _counted(request, cert)
    if isinstance(shown, HttpResponse) or cert is None:
        return shown
    return {**answer, "certificate": shown, "differences": sel.matches_payload(cert, verdict.payload)}


@router.post(
    "/certificates/verify/bulk",
    response={200: BulkOut, 429: ErrorOut},
    summary="用人单位批量核验证书（需 certificate.verify_bulk；记入审计）",
)
def verify_bulk(request: HttpRequest, payload: BulkIn) -> Any:
    items = [svc.BulkItem(number=i.number, name=i.name) for i in payload.items]
    try:
        answers = svc.certificates_verify_bulk(actor=request.user, items=items)
    except svc.Throttled as exc:
        return _throttled(exc)
    return {"items": answers, "count": len(answers)}


# after the fixed paths above: {number} would otherwise take "identity", "qr" and "bulk"
@router.get(
    "/certificates/verify/{number}",
    auth=None,
    response={200: VerificationOut, 429: ErrorOut},
    summary="按证书编号核验（公开，限频）",
)
def verify_number(request: HttpRequest, number: str) -> Any:
    return _answer(request, sel.certificate_by_number(number[:64]))
