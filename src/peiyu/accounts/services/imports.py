"""Accounts in bulk from an xlsx (or csv) list, by the security administrator of a jurisdiction: one row
per person (username, name, organisation by name or credit code, role by name, optional region of the
role, mobile phone and/or e-mail). The file passes core.documents' spreadsheet guard before a reader
opens it; every row is checked with the same cleaners as the single-account form; the report says per
row, in Chinese, what was created or what is wrong. Mode "all" writes nothing when any row is wrong,
mode "valid" writes the good rows; either way in one transaction, nothing half-written.

New accounts have no password: each person sets one with the one-time code of "忘记密码" (sent to the
phone or e-mail in the list) and is asked to change it at the first sign-in as well."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from peiyu.audit.services import audit_record
from peiyu.core.documents.spreadsheets import check_spreadsheet
from peiyu.core.documents.xlsx import XlsxWriter, xlsx_table
from peiyu.core.errors import Conflict, InvalidInput

from ..models import Org, Region, Role, User
from ..scoping import Scope
from .access import require
from .roles import grant, role_checked
from .users import MANAGE, new_user

MODES = ("all", "valid")
COLUMNS = {
    # field: header labels accepted (the first is the template's)
    "username": ("用户名", "账号"),
    "full_name": ("姓名",),
    "org": ("所属单位", "单位", "单位名称", "统一社会信用代码"),
    "role": ("角色",),
    "region_code": ("管辖地区代码", "地区代码", "行政区划代码"),
    "phone": ("手机号码", "手机", "手机号"),
    "email": ("电子邮箱", "邮箱"),
}
REQUIRED_COLUMNS = ("username", "full_name", "org", "role")
REPORT_HEADER = ("行号", "用户名", "姓名", "所属单位", "角色", "结果", "问题")
HEADER_SEARCH_ROWS = 10


@dataclass
class RowResult:
    number: int
    username: str
    full_name: str
    org_name: str = ""
    role_name: str = ""
    messages: list[str] = field(default_factory=list)
    created: bool = False

    @property
    def ok(self) -> bool:
        return not self.messages


@dataclass
class ImportResult:
    filename: str
    mode: str
    rows: list[RowResult]
    header_row: int
    created: int = 0

    @property
    def refused(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    @property
    def written(self) -> bool:
        return self.created > 0


def _file_error(message: str) -> InvalidInput:
    return InvalidInput(message, code="import_file", fields={"file": [message]})


def _read(content: bytes, filename: str) -> list[list[Any]]:
    name = filename.lower()
    check_spreadsheet(content, filename)  # hostile sizes refused before a reader opens the file
    try:
        if name.endswith(".csv"):
            return [row for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))]
        if name.endswith((".xlsx", ".xls", ".ods")):
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            return [list(r) for r in book.get_sheet_by_index(0).to_python()]
    except Exception as exc:  # a broken upload is the user's error, never a 500
        raise _file_error(f"文件“{filename}”无法读取，请使用 xlsx 或 csv 格式") from exc
    raise _file_error("请上传 xlsx 或 csv 文件")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The first row (of the first ten) that names the required columns, and each field's column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        labels = [_text(c).replace(" ", "").rstrip("*＊") for c in row]
        found: dict[str, int] = {}
        for key, names in COLUMNS.items():
            for col, label in enumerate(labels):
                if label in names and key not in found:
                    found[key] = col
        if all(k in found for k in REQUIRED_COLUMNS):
            return index, found
    wanted = "、".join(COLUMNS[k][0] for k in REQUIRED_COLUMNS)
    raise _file_error(f"没有找到表头：前{HEADER_SEARCH_ROWS}行中须有一行写明{wanted}等列（可下载模板）")


def _orgs_in(scope: Scope) -> dict[str, Org]:
    qs = Org.objects.filter(scope.q(region="region_id")).filter(status=Org.Status.CONFIRMED)
    out: dict[str, Org] = {}
    for org in qs.only("id", "name", "uscc", "kind", "region_id"):
        out.setdefault(org.name, org)
        if org.uscc:
            out[org.uscc] = org
    return out


def _roles() -> dict[str, Role]:
    out: dict[str, Role] = {}
    for role in Role.objects.filter(disabled_on__isnull=True):
        out[role.name] = role
        out[role.code] = role
    return out


@dataclass
class _Planned:
    result: RowResult
    user: User
    role: Role
    org: Org
    region_code: str | None


def _check_row(
    number: int,
    values: dict[str, str],
    *,
    scope: Scope,
    orgs: dict[str, Org],
    roles: dict[str, Role],
    seen: set[str],
) -> tuple[RowResult, _Planned | None]:
    result = RowResult(number, values["username"], values["full_name"])
    org = orgs.get(values["org"])
    errors: dict[str, list[str]] = {}
    if not values["org"]:
        errors["org"] = ["请填写所属单位"]
    elif org is None:
        errors["org"] = [f"单位“{values['org']}”不存在或不在您的管辖范围内"]
    role = roles.get(values["role"])
    if not values["role"]:
        errors["role"] = ["请填写角色"]
    elif role is None:
        errors["role"] = [f"角色“{values['role']}”不存在"]
    if not values["phone"] and not values["email"]:
        errors["phone"] = ["请填写手机号码或电子邮箱（用于接收设置密码的验证码）"]
    region_code = values["region_code"] or (org.region_id if org else None)
    if values["region_code"] and not Region.objects.filter(pk=values["region_code"]).exists():
        errors["region_code"] = [f"行政区划代码 {values['region_code']} 不存在"]
    elif values["region_code"] and not scope.covers_region(values["region_code"]):
        errors["region_code"] = ["管辖地区不在您的管辖范围内"]
    user = new_user(
        errors=errors,
        username=values["username"],
        full_name=values["full_name"],
        org=org or Org(),
        password=None,
        phone=values["phone"],
        email=values["email"],
        name_required=True,
    )
    if user.username and user.username.lower() in seen:
        errors["username"] = ["与上方某行的用户名重复"]
    seen.add(user.username.lower())
    if org is not None and role is not None and "region_code" not in errors:
        try:
            role_checked(role.code, org, region_code)
        except InvalidInput as exc:
            for key, messages in exc.fields.items():
                errors.setdefault(key, []).extend(messages)
    result.org_name = org.name if org else values["org"]
    result.role_name = role.name if role else values["role"]
    result.messages = [m for messages in errors.values() for m in messages]
    if errors or org is None or role is None:
        return result, None
    return result, _Planned(result, user, role, org, region_code)


def accounts_import(*, actor, content: bytes, filename: str, mode: str = "all") -> ImportResult:
    """Check every row, then create the accounts (see the module's docstring)."""
    scope = require(actor, MANAGE)
    if mode not in MODES:
        raise InvalidInput("导入方式无效", fields={"mode": ["请选择“全部正确才导入”或“只导入正确的行”"]})
    filename = PurePath(filename or "accounts.xlsx").name
    if not content:
        raise _file_error("请选择要导入的文件")
    rows = _read(content, filename)
    header_index, columns = _header(rows)
    body = [(header_index + 2 + i, row) for i, row in enumerate(rows[header_index + 1 :])]
    body = [(n, row) for n, row in body if any(_text(c) for c in row)]
    limit = settings.PEIYU_ACCOUNT_IMPORT_MAX_ROWS
    if len(body) > limit:
        raise _file_error(f"一次最多导入{limit}行，本文件有{len(body)}行，请分批导入")
    if not body:
        raise _file_error("文件中表头以下没有数据")
    orgs, roles = _orgs_in(scope), _roles()
    seen: set[str] = set()
    planned: list[_Planned] = []
    result = ImportResult(filename, mode, [], header_index + 1)
    for number, row in body:
        values = {key: _text(row[col]) if col < len(row) else "" for key, col in columns.items()}
        for key in COLUMNS:
            values.setdefault(key, "")
        row_result, plan = _check_row(number, values, scope=scope, orgs=orgs, roles=roles, seen=seen)
        result.rows.append(row_result)
        if plan is not None:
            planned.append(plan)
    if mode == "all" and result.refused:
        planned = []
    try:
        with transaction.atomic():
            for plan in planned:
                plan.user.primary_org = plan.org
                plan.user.must_change_password = True
                plan.user.save()
                audit_record(
                    actor,
                    "user.created",
                    plan.user,
                    after={"username": plan.user.username, "org": plan.org.pk, "role": plan.role.code},
                    region_code=plan.org.region_id or "",
                )
                grant(actor=actor, user=plan.user, role=plan.role, org=plan.org, region_code=plan.region_code)
                plan.result.created = True
            result.created = len(planned)
            audit_record(
                actor,
                "user.imported",
                None,
                after={
                    "file": filename,
                    "mode": mode,
                    "rows": len(result.rows),
                    "created": result.created,
                    "refused": result.refused,
                },
            )
    except IntegrityError as exc:  # a name taken meanwhile: nothing of this import is kept
        raise Conflict("导入期间有用户名被占用，未导入任何账户，请重新导入", code="import_conflict") from exc
    return result


def import_report_xlsx(result: ImportResult) -> bytes:
    def outcome(row: RowResult) -> str:
        if row.created:
            return "已创建"
        return "未导入（有错误）" if row.messages else "未导入（其他行有错误）"

    return xlsx_table(
        "导入结果",
        REPORT_HEADER,
        (
            (r.number, r.username, r.full_name, r.org_name, r.role_name, outcome(r), "；".join(r.messages))
            for r in result.rows
        ),
    )


def import_template_xlsx(example_rows: Sequence[Sequence[str]] = ()) -> bytes:
    """The list to fill in: the header, example rows if given, and a sheet of instructions with the
    roles that can be given."""
    writer = XlsxWriter()
    sheet = writer.sheet("账户")
    sheet.widths([18, 10, 34, 22, 14, 16, 26])
    sheet.freeze("A2")
    sheet.append([names[0] for names in COLUMNS.values()], bold=True)
    for row in example_rows:
        sheet.append(row)
    notes = writer.sheet("填写说明")
    notes.widths([24, 60])
    for line in (
        ("用户名", "登录用的账号，不能与已有账号重复"),
        ("姓名", "本人真实姓名"),
        ("所属单位", "单位全称或统一社会信用代码，须在您的管辖范围内"),
        ("角色", "下列角色名称之一"),
        ("管辖地区代码", "可不填：默认为所属单位的地区"),
        ("手机号码、电子邮箱", "至少填写一项：本人用“忘记密码”接收验证码设置密码"),
    ):
        notes.append(line)
    notes.append(())
    notes.append(("角色", "适用单位"), bold=True)
    kinds = dict(Org.Kind.choices)
    for role in Role.objects.filter(disabled_on__isnull=True).order_by("code"):
        notes.append((role.name, "、".join(str(kinds.get(k, k)) for k in role.org_kinds)))
    return writer.to_bytes()
