"""Accounts in bulk from an xlsx list (the security administrator): the per-row report."""

from __future__ import annotations

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from ..services import imports as services

router = Router(tags=["账户与单位"])


class RowOut(Schema):
    number: int
    username: str
    full_name: str
    org_name: str
    role_name: str
    created: bool
    messages: list[str]


class ImportOut(Schema):
    filename: str
    mode: str
    header_row: int
    created: int
    refused: int
    rows: list[RowOut]


@router.post("/accounts/import", response=ImportOut, summary="从 xlsx 批量创建账户（逐行报告）")
def accounts_import(request, file: File[UploadedFile], mode: Form[str] = "all"):
    result = services.accounts_import(
        actor=request.user, content=file.read(), filename=file.name or "", mode=mode
    )
    return {
        "filename": result.filename,
        "mode": result.mode,
        "header_row": result.header_row,
        "created": result.created,
        "refused": result.refused,
        "rows": result.rows,
    }
