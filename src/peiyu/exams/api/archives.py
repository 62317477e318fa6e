"""API of evaluation archives (EVL-10): a session's records with digests and retention, filing an upload,
disposal after the retention period (before it a 400 citing EVL-10), and the session's archive as one zip.
Same services and scoped selectors as the pages; out of scope is 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from peiyu.core.cleaning_adapters import Reason
from peiyu.core.http import attachment
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import PathId

from ..models import ArchiveRecord
from ..selectors import archives as sel
from ..services import archives as svc

router = Router(tags=["exams"])


def _auth(request: HttpRequest) -> Any:
    """The signed-in user (or token holder) django-ninja's authentication put on the request."""
    return getattr(request, "auth", None)


class ArchiveRecordOut(Schema):
    id: int
    session_id: int
    kind: str = Field(
        description="registration_form、commitment、sign_in_sheet、room_record、score_sheet、supervision_form、paper、incident、other"
    )
    kind_label: str
    medium: str = Field(description="paper 纸质、electronic 电子、scan 扫描件")
    medium_label: str
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    sm3: str
    location: str = Field(description="纸质档案存放位置")
    generated: bool = Field(description="平台生成的文档")
    retain_until: dt.date | None = Field(description="保管期限至（永久保存或政策未设定时为空）")
    permanent: bool
    disposed_at: dt.datetime | None
    disposal_reason: str
    created_at: dt.datetime


def _out(r: ArchiveRecord) -> dict[str, Any]:
    fields = set(ArchiveRecordOut.model_fields) - {"kind_label", "medium_label"}
    return {
        **{f: getattr(r, f) for f in fields},
        "kind_label": str(r.get_kind_display()),
        "medium_label": str(r.get_medium_display()),
    }


@router.get(
    "/exams/archives/sessions/{exam_session_id}/records",
    response=Page[ArchiveRecordOut],
    summary="考核批次的档案",
)
def record_list(request: HttpRequest, exam_session_id: PathId, page: Query[PageQuery]) -> Any:
    session = sel.archive_session_for(_auth(request), exam_session_id)
    return paginate(sel.archive_records(session), page, _out)


@router.post(
    "/exams/archives/sessions/{exam_session_id}/records",
    response={201: ArchiveRecordOut},
    summary="归档（上传扫描件或电子文件，或登记纸质原件）",
)
def record_add(
    request: HttpRequest, exam_session_id: PathId, kind: Form[str], medium: Form[str], title: Form[str],
    location: Form[str] = "", file: File[UploadedFile | None] = None,
) -> Any:  # fmt: skip
    session = sel.archive_session_for(_auth(request), exam_session_id)
    record = svc.archive_add(
        actor=_auth(request),
        session=session,
        kind=kind,
        medium=medium,
        title=title,
        location=location,
        upload=file,
    )
    return Status(201, _out(record))


class DisposeIn(Schema):
    reason: Annotated[str, Reason("销毁依据")] = Field(..., description="销毁依据")


@router.post(
    "/exams/archives/records/{archive_record_id}/dispose",
    response=ArchiveRecordOut,
    summary="销毁档案（保管期满后；期满前返回 400，rules 含 EVL-10）",
)
def record_dispose(request: HttpRequest, archive_record_id: PathId, payload: DisposeIn) -> Any:
    record = sel.record_get_for(_auth(request), archive_record_id)
    return _out(svc.archive_dispose(actor=_auth(request), record=record, reason=payload.reason))


@router.get(
    "/exams/archives/sessions/{exam_session_id}/export",
    summary="导出考核批次档案（zip：全部文件、manifest.json 与 manifest.xlsx 清单及摘要）",
)
def archive_export(request: HttpRequest, exam_session_id: PathId) -> HttpResponse:
    session = sel.archive_session_for(_auth(request), exam_session_id)
    name, body = svc.archive_export(actor=_auth(request), session=session)
    return attachment(body, name, "application/zip", f"archive-{session.number}.zip")
