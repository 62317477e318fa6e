"""Filling the examiner register from an xlsx file (EVL-3): the template an institution downloads and the
import with a per-row report in Chinese. Each row is cleaned exactly as the form and the API clean one
examiner (services.examiners.clean_examiner); nothing is written while any row is wrong unless the
institution asks for the good rows only. The file passes the spreadsheet guard (catalogs' reader)
first. One audit event per examiner created and one for the import."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from peiyu.audit.services import audit_record
from peiyu.catalogs.services import read_table
from peiyu.core.attachments import max_bytes
from peiyu.core.documents.xlsx import XlsxWriter
from peiyu.core.errors import InvalidInput
from peiyu.core.identifiers import mask_id_number, mask_phone

from ..rules import examiners as rules
from ..selectors.examiners import managed_institution
from .examiners import clean_examiner, create_examiner

EXTENSIONS = ("xlsx", "xls", "ods", "csv")
MAX_ROWS = 2_000  # an engineering bound of one upload, not a policy figure


@dataclass
class ImportReport:
    file_name: str
    rows: int = 0
    created: int = 0
    written: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)


def import_template() -> bytes:
    writer = XlsxWriter()
    sheet = writer.sheet("考评员")
    sheet.widths([10, 22, 14, 28, 22, 10, 16, 14, 14])
    sheet.freeze("A2")
    sheet.append(rules.TEMPLATE_HEADER, bold=True)
    sheet.append(rules.TEMPLATE_EXAMPLE)
    return writer.to_bytes()


def _read(uploaded_file: Any) -> tuple[str, bytes]:
    if uploaded_file is None:
        raise InvalidInput("请选择考评员名单文件", fields={"file": ["请选择考评员名单文件"]})
    name = (getattr(uploaded_file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EXTENSIONS:
        raise InvalidInput(
            "不支持的文件类型", fields={"file": ["请上传 xlsx 格式的考评员名单（也可为 xls、ods、csv）"]}
        )
    limit = max_bytes()
    uploaded_file.seek(0)
    content: bytes = uploaded_file.read(limit + 1)
    if not content:
        raise InvalidInput("文件为空", fields={"file": ["文件为空，请重新选择"]})
    if len(content) > limit:
        raise InvalidInput("文件过大", fields={"file": [f"超过上限 {limit / 1048576:.0f} MB"]})
    return name, content


def _shown(key: str, value: str) -> str:
    if key == "phone":
        return mask_phone(value)
    if key == "id_number":
        return mask_id_number(value)
    return value[:100]


def examiners_import(
    *, actor: Any, uploaded_file: Any, valid_only: bool = False, org_id: int | None = None
) -> ImportReport:
    """Import the examiners of a file into the actor's institution's register, with the report per row."""
    institution = managed_institution(actor, org_id)
    name, content = _read(uploaded_file)
    try:
        table = read_table(content, name)
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message, code=exc.code, fields={"file": exc.fields.get("file") or [exc.message]}
        ) from None
    positions, rows = rules.HEADERS.data_rows(
        table, template="考评员名单模板", noun="考评员", max_rows=MAX_ROWS
    )
    report = ImportReport(file_name=name, rows=len(rows))
    good: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, raw in rows:
        data = rules.row_values(raw, positions)
        values, problems = clean_examiner(data, institution=institution)
        for key, messages in problems.items():
            for message in messages:
                report.errors.append({"row": number, "field": rules.LABELS.get(key, key),
                                      "value": _shown(key, data.get(key, "")), "message": message})  # fmt: skip
        if problems:
            continue
        if values["id_index"] in seen:
            report.errors.append({"row": number, "field": "身份证号码", "value": _shown("id_number", values["id_number"]),
                                  "message": f"与第 {seen[values['id_index']]} 行重复"})  # fmt: skip
            continue
        seen[values["id_index"]] = number
        good.append(values)
    report.written = bool(good) and (valid_only or not report.errors)
    with transaction.atomic():
        created = (
            [create_examiner(actor, institution, v, source="import") for v in good] if report.written else []
        )
        report.created = len(created)
        audit_record(actor, "examiner.imported", institution, after={
            "file": name, "sha256": hashlib.sha256(content).hexdigest(), "rows": len(rows),
            "created": [e.pk for e in created], "rejected_rows": sorted({e["row"] for e in report.errors}),
            "valid_only": valid_only,
        }, region_code=institution.region_id or None)  # fmt: skip
    return report
