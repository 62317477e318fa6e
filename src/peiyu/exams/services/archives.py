"""Evaluation archives (EVL-10; seed 001 Art. 22). Each record of a session — registration forms,
commitments, sign-in sheets, room records, score sheets, supervision forms, papers, incidents — is an
upload (a scan or an electronic file), a paper original with its location, or a document another area
generated (`archive_add(..., content=..., generated=True)`). Every file is kept with its SHA-256 and SM3
digests; its retention end comes from the policy in force (paper and electronic years; the scan of a key
record permanently). Disposal before the end is refused citing EVL-10 (stored as a Decision); after it, it
is done with a reason. One export per session: a zip of every file with a manifest (JSON and xlsx)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import mimetypes
import zipfile
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.attachments import check_upload, max_bytes
from peiyu.core.checks import refuse_failed
from peiyu.core.cleaning import clean_reason, clean_text
from peiyu.core.crypto import sm3_hex
from peiyu.core.documents.xlsx import xlsx_table
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, PolicyMissing
from peiyu.core.models import Decision
from peiyu.core.policy import Policy, policy_for

from ..flows import MANAGE, PROCTOR, SUPERVISE
from ..models import ArchiveRecord, EvaluationSession
from ..rules.archives import check_disposal, retention
from ..selectors.archives import RECORD_SUBJECT, archive_records

KINDS = ArchiveRecord.Kind
MEDIA = ArchiveRecord.Medium
# who may file a generated document for a session besides its institution's administrators
FILERS = (MANAGE, PROCTOR, "exam.mark", "exam.quality_supervise")


def _require_filer(actor: Any, session: EvaluationSession, generated: bool) -> None:
    """Uploads are the institution's (exam.manage); a generated document may also be filed by the staff
    of the session's institution or an official of its region, or by the platform itself (no actor)."""
    if not generated:
        require(actor, MANAGE, org_id=session.institution_id)
        return
    if actor is None:
        return
    for capability in FILERS:
        if session.institution_id in scope_for(actor, capability).org_ids:
            return
    scope = scope_for(actor, SUPERVISE)
    if scope.covers_region(session.region_code):
        return
    if any(scope_for(actor, c).granted for c in (*FILERS, SUPERVISE)):
        raise NotFound()
    raise PermissionDenied("您没有执行此操作的权限", code="permission_denied")


def _policy(session: EvaluationSession, on: dt.date) -> Policy | None:
    try:
        return policy_for(session.programme, session.region_code, on=on)
    except PolicyMissing:
        return None


def _years(policy: Policy | None, name: str) -> int | None:
    return int(policy[name]) if policy is not None and name in policy else None


def _read(upload: Any) -> bytes:
    upload.seek(0)
    data: bytes = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    upload.seek(0)
    return data


def _generated_name(title: str, content: bytes, filename: str) -> tuple[str, str]:
    if filename:
        name = filename.rsplit("/", 1)[-1][:200]
    elif content.startswith(b"%PDF-"):
        name = f"{title}.pdf"
    elif content.startswith(b"PK\x03\x04"):
        name = f"{title}.xlsx"
    elif content.lstrip()[:1] in (b"{", b"["):
        name = f"{title}.json"
    else:
        name = f"{title}.txt"
    return name[:200], mimetypes.guess_type(name)[0] or "application/octet-stream"


def archive_add(
    *,
    actor: Any,
    session: EvaluationSession,
    kind: str,
    medium: str,
    title: str,
    content: bytes | None = None,
    upload: Any = None,
    location: str = "",
    generated: bool = False,
    filename: str = "",
) -> ArchiveRecord:
    """File one record of the session: an upload (checked as every upload), the bytes of a document the
    platform generated (`content`, `generated=True`; `filename` optional), or a paper original kept at
    `location`. Records SHA-256 and SM3 and the retention end from the policy in force."""
    _require_filer(actor, session, generated)
    errors: dict[str, list[str]] = {}
    if kind not in KINDS.values:
        errors["kind"] = ["请选择档案类别"]
    if medium not in MEDIA.values:
        errors["medium"] = ["请选择载体"]
    try:
        clean_title = clean_text(title, max_length=200, required=True, label="题名", field="title")
    except InvalidInput as exc:
        errors.update(exc.fields)
        clean_title = ""
    try:
        place = clean_text(location, max_length=200, label="存放位置", field="location")
    except InvalidInput as exc:
        errors.update(exc.fields)
        place = ""
    data: bytes | None = None
    name = content_type = ""
    if content is not None:
        if len(content) == 0 or len(content) > max_bytes():
            errors["file"] = ["文件为空或过大"]
        data = content
        name, content_type = _generated_name(clean_title or "document", content, filename)
    elif upload is not None:
        try:
            checked = check_upload(upload, field="file")
        except InvalidInput as exc:
            errors.update(exc.fields)
        else:
            data, name, content_type = _read(upload), checked.name, checked.content_type
    if data is None and "file" not in errors:
        if medium != MEDIA.PAPER:
            errors["file"] = ["电子档案和扫描件请上传文件"]
        elif not place:
            errors["location"] = ["纸质档案请填写存放位置"]
    if errors:
        raise InvalidInput("档案信息填写有误", fields=errors)
    today = timezone.localdate()
    policy = _policy(session, today)
    until, permanent = retention(
        kind=kind, medium=medium, filed_on=today,
        paper_years=_years(policy, "retention_paper_years"),
        electronic_years=_years(policy, "retention_electronic_years"),
    )  # fmt: skip
    with transaction.atomic():
        record = ArchiveRecord(
            session=session, kind=kind, medium=medium, title=clean_title, location=place, generated=generated,
            retain_until=until, permanent=permanent, created_by=actor,
        )  # fmt: skip
        if data is not None:
            record.original_name, record.content_type, record.size = name, content_type, len(data)
            record.sha256, record.sm3 = hashlib.sha256(data).hexdigest(), sm3_hex(data)
            record.file.save(name, ContentFile(data), save=False)
        record.save()
        audit_record(
            actor, "exam_archive.added", record,
            after={"kind": kind, "medium": medium, "title": clean_title, "sha256": record.sha256, "sm3": record.sm3,
                   "retain_until": str(until) if until else None, "permanent": permanent, "generated": generated,
                   "policy": policy.label if policy else ""},
        )  # fmt: skip
    return record


def archive_dispose(*, actor: Any, record: ArchiveRecord, reason: str) -> ArchiveRecord:
    """Dispose of a record after its retention period, with a reason; before it the refusal cites EVL-10
    and is stored as a Decision. The file is deleted; the record, its digests and the decision stay."""
    require(actor, MANAGE, org_id=record.session.institution_id)
    text = clean_reason(reason, label="销毁依据")
    today = timezone.localdate()
    with transaction.atomic():
        locked = ArchiveRecord.objects.select_for_update().select_related("session").get(pk=record.pk)
        if locked.disposed_at is not None:
            raise Conflict("该档案已销毁", code="archive_disposed")
        check = check_disposal(retain_until=locked.retain_until, permanent=locked.permanent, today=today)
        decision = Decision.record(
            RECORD_SUBJECT, locked.pk, kind="archive_disposal", outcome="permitted" if check.ok else "refused",
            checks=[check], policy=_policy(locked.session, today),
        )  # fmt: skip
        locked.decision = decision
        if not check.ok:
            locked.save(update_fields=["decision", "updated_at"])
            audit_record(
                actor, "exam_archive.disposal_refused", locked, after={"decision": decision.pk}, reason=text
            )
        else:
            if locked.file:
                locked.file.delete(save=False)
            locked.disposed_at, locked.disposed_by, locked.disposal_reason = timezone.now(), actor, text
            locked.save()
            audit_record(
                actor, "exam_archive.disposed", locked,
                after={"decision": decision.pk, "sha256": locked.sha256, "sm3": locked.sm3}, reason=text,
            )  # fmt: skip
    if not check.ok:
        refuse_failed([check], code="archive_retention", details={"decision": decision.pk})
    return locked


MANIFEST_HEADER = ["序号", "类别", "题名", "载体", "文件", "大小（字节）", "SHA-256", "SM3", "核验", "保管期限", "存放位置",
                   "平台生成", "归档时间", "销毁时间", "销毁依据"]  # fmt: skip


def _entry(i: int, r: ArchiveRecord, path: str, intact: bool | None) -> dict[str, Any]:
    return {
        "no": i, "id": r.pk, "kind": r.kind, "kind_label": str(r.get_kind_display()), "title": r.title,
        "medium": r.medium, "medium_label": str(r.get_medium_display()), "file": path, "size": r.size,
        "sha256": r.sha256, "sm3": r.sm3, "intact": intact,
        "retain_until": r.retain_until.isoformat() if r.retain_until else None, "permanent": r.permanent,
        "location": r.location, "generated": r.generated,
        "filed_at": timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
        "disposed_at": timezone.localtime(r.disposed_at).strftime("%Y-%m-%d %H:%M") if r.disposed_at else None,
        "disposal_reason": r.disposal_reason,
    }  # fmt: skip


def _retention_label(e: dict[str, Any]) -> str:
    if e["permanent"]:
        return "永久"
    return str(e["retain_until"]) if e["retain_until"] else "未设定"


def archive_export(*, actor: Any, session: EvaluationSession) -> tuple[str, bytes]:
    """The session's archive as one zip: every kept file under files/, manifest.json and manifest.xlsx
    listing kind, title, medium, digests (each file checked against its SHA-256) and retention."""
    scope_ok = session.institution_id in scope_for(actor, MANAGE).org_ids or scope_for(
        actor, SUPERVISE
    ).covers_region(session.region_code)
    if not scope_ok:
        require(actor, MANAGE, org_id=session.institution_id)
    entries: list[dict[str, Any]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, r in enumerate(archive_records(session), start=1):
            path, intact = "", None
            if r.file and r.disposed_at is None:
                with r.file.open("rb") as fh:
                    data = fh.read()
                intact = hashlib.sha256(data).hexdigest() == r.sha256
                path = f"files/{i:04d}-{r.original_name or r.pk}"
                zf.writestr(path, data)
            entries.append(_entry(i, r, path, intact))
        head = {"session": session.number, "title": session.title, "institution": session.institution.name,
                "exported_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "records": entries}  # fmt: skip
        zf.writestr("manifest.json", json.dumps(head, ensure_ascii=False, indent=2))
        rows = [
            [e["no"], e["kind_label"], e["title"], e["medium_label"], e["file"] or "—", e["size"], e["sha256"], e["sm3"],
             "一致" if e["intact"] else ("不一致" if e["intact"] is False else "—"), _retention_label(e), e["location"],
             "是" if e["generated"] else "否", e["filed_at"], e["disposed_at"] or "", e["disposal_reason"]]
            for e in entries
        ]  # fmt: skip
        zf.writestr("manifest.xlsx", xlsx_table("档案清单", MANIFEST_HEADER, rows))
    body = buffer.getvalue()
    audit_record(
        actor, "exam_archive.exported", session,
        after={"records": len(entries), "sha256": hashlib.sha256(body).hexdigest(),
               "damaged": [e["id"] for e in entries if e["intact"] is False]},
    )  # fmt: skip
    return f"档案-{session.number}.zip", body
