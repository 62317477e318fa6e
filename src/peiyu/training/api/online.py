"""Online platforms push learning records (TRN-4, TRN-5): POST /training/online/batches.

Authentication is the platform's bearer API token only (no session, so no CSRF), and the service
checks the request signature (X-Peiyu-Key, X-Peiyu-Timestamp, X-Peiyu-Signature) over the raw body;
see peiyu.training.services.online for the scheme."""

from typing import Any

from ninja import Router, Schema
from ninja.security import HttpBearer

from peiyu.accounts.services.tokens import api_token_authenticate

from ..services import online as services

router = Router(tags=["training-online"])


class PlatformTokenAuth(HttpBearer):
    """The bearer API token of an online platform's API user (not the browser session)."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class RecordError(Schema):
    index: int
    record_id: str | None
    reason: str


class BatchOut(Schema):
    batch_id: str
    accepted: int
    duplicates: int
    rejected: int
    errors: list[RecordError]
    replayed: bool = False


@router.post(
    "/training/online/batches",
    auth=PlatformTokenAuth(),
    response={200: BatchOut},
    summary="线上培训平台推送学习记录（签名，批次幂等，每批最多1000条）",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["batch_id", "records"],
                        "properties": {
                            "batch_id": {"type": "string", "maxLength": 64},
                            "records": {
                                "type": "array",
                                "maxItems": services.MAX_RECORDS,
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "record_id": {"type": "string"},
                                        "class_number": {"type": "string"},
                                        "id_number": {"type": "string"},
                                        "course": {"type": "string"},
                                        "started_at": {"type": "string", "format": "date-time"},
                                        "ended_at": {"type": "string", "format": "date-time"},
                                    },
                                },
                            },
                        },
                    }
                }
            },
        }
    },
)
def online_batch(request) -> Any:
    h = request.headers
    return services.online_batch_ingest(
        platform_user=request.auth,
        key_id=h.get("X-Peiyu-Key", ""),
        signature=h.get("X-Peiyu-Signature", ""),
        timestamp=h.get("X-Peiyu-Timestamp", ""),
        body=request.body,
    )
