"""Filling an expert pool from an xlsx file (SEL-8): the template officials download, the import with a
per-row report in Chinese, and that report as xlsx. Each row is cleaned exactly as the form and the API
clean one expert (services.experts.clean_expert); mode "all" writes nothing when any row is wrong, mode
"valid" writes the good rows. The file passes the spreadsheet guard (core.documents.spreadsheets, in
catalogs' reader) before any reader opens it. One audit event per expert created and one for the
import."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from peiyu.audit.services import audit_record
from peiyu.catalogs.services import read_table
from peiyu.core.attachments import max_bytes
from peiyu.core.documents.xlsx import XlsxWriter
from peiyu.core.errors import InvalidInput
from peiyu.core.identifiers import mask_phone

from ..models import Expert, ExpertImport
from ..rules import experts as expert_rules
from ..rules.panels import normalise_name
from ..selectors.experts import pool_org
from .experts import clean_expert, create_in_pool

EXTENSIONS = ("xlsx", "xls", "ods", "csv")
MAX_ROWS = 2_000  # an engineering bound of one upload (a provincial pool holds hundreds)
REPORT_HEADER = ("行号", "字段", "内容", "问题")


def import_template() -> bytes:
    """The xlsx template: the header row and one example row; the notes on a second sheet."""
    writer = XlsxWriter()
    sheet = writer.sheet("专家")
    sheet.widths([10, 28, 24, 12, 26, 20, 16, 24, 14, 30])
    sheet.freeze("A2")
    sheet.append(expert_rules.TEMPLATE_HEADER, bold=True)
    sheet.append(expert_rules.TEMPLATE_EXAMPLE)
    notes = writer.sheet("填写说明")
    notes.widths([120])
    for line in expert_rules.TEMPLATE_NOTES:
        notes.append([line], wrap=True)
    return writer.to_bytes()


def _read(uploaded_file) -> tuple[str, bytes]:
    if uploaded_file is None:
        raise InvalidInput("请选择专家名单文件", fields={"file": ["请选择专家名单文件"]})
    name = (getattr(uploaded_file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EXTENSIONS:
        raise InvalidInput(
            "不支持的文件类型", fields={"file": ["请上传 xlsx 格式的专家名单（也可为 xls、ods、csv）"]}
        )
    limit = max_bytes()
    uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1)
    if not content:
        raise InvalidInput("文件为空", fields={"file": ["文件为空，请重新选择"]})
    if len(content) > limit:
        raise InvalidInput("文件过大", fields={"file": [f"超过上限 {limit / 1048576:.0f} MB"]})
    return name, content


def _shown(field: str, value: str) -> str:
    return mask_phone(value) if field == "phone" else value[:100]


def expert_import(*, actor, uploaded_file, mode: str) -> ExpertImport:
    """Import the experts of an xlsx file into the actor's organisation's pool. Refused as a whole (with
    the file's problem) when the file cannot be read or lacks a required column; otherwise every wrong
    row is reported and, by `mode`, nothing or the good rows are written."""
    owner = pool_org(actor)
    if mode not in ExpertImport.Mode.values:
        raise InvalidInput("请选择导入方式", fields={"mode": ["请选择导入方式"]})
    name, content = _read(uploaded_file)
    try:
        table = read_table(content, name)
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message, code=exc.code, fields={"file": exc.fields.get("file") or [exc.message]}
        ) from None
    positions, rows = expert_rules.HEADERS.data_rows(
        table, template="专家名单模板", noun="专家", max_rows=MAX_ROWS
    )
    existing = {
        (normalise_name(n), normalise_name(e))
        for n, e in Expert.objects.filter(pool_owner=owner).values_list("name", "employer_name")
    }
    good: list[tuple[int, dict[str, Any]]] = []
    errors: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in rows:
        data = expert_rules.row_values(raw, positions)
        values, problems = clean_expert(data)
        for field, messages in problems.items():
            for message in messages:
                errors.append(
                    {
                        "row": number,
                        "field": expert_rules.LABELS.get(field, field),
                        "value": _shown(field, data.get(field, "")),
                        "message": message,
                    }
                )
        if problems:
            continue
        key = (normalise_name(values["name"]), normalise_name(values["employer_name"]))
        if key in existing or key in seen:
            where = "专家库中已有" if key in existing else f"与第 {seen.get(key)} 行重复："
            errors.append(
                {
                    "row": number,
                    "field": "姓名",
                    "value": values["name"],
                    "message": f"{where}同一工作单位的同名专家“{values['name']}”",
                }
            )
            continue
        seen[key] = number
        good.append((number, values))
    write = bool(good) and (mode == ExpertImport.Mode.VALID or not errors)
    with transaction.atomic():
        imp = ExpertImport.objects.create(
            pool_owner=owner,
            filename=name,
            sha256=hashlib.sha256(content).hexdigest(),
            mode=mode,
            rows_total=len(rows),
            errors=errors,
            written=write,
            created_by=actor,
        )
        created = (
            [create_in_pool(actor, owner, values, import_id=imp.pk) for _, values in good] if write else []
        )
        imp.created_count = len(created)
        imp.save(update_fields=["created_count"])
        audit_record(
            actor,
            "expert.imported",
            imp,
            after={
                "file": name,
                "sha256": imp.sha256,
                "mode": mode,
                "rows": len(rows),
                "created": [e.pk for e in created],
                "rejected_rows": imp.rejected_rows,
            },
            region_code=owner.region_id or None,
        )
    return imp


def import_report(imp: ExpertImport) -> bytes:
    """The rows of an import that were refused, one problem a line, as xlsx."""
    writer = XlsxWriter()
    sheet = writer.sheet("导入问题")
    sheet.widths([8, 22, 30, 70])
    sheet.freeze("A2")
    sheet.append(REPORT_HEADER, bold=True)
    for e in imp.errors or []:
        sheet.append([e.get("row"), e.get("field", ""), e.get("value", ""), e.get("message", "")], wrap=True)
    return writer.to_bytes()
