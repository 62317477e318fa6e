"""Writes of the catalogs app (DESIGN conventions §1): the reference-data loader and the trade import.
Reference data is never deleted (DESIGN §9): what disappears from a source file is disabled."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import PurePath
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import Region
from peiyu.audit.services import audit_record
from peiyu.core.documents.spreadsheets import check_spreadsheet
from peiyu.core.errors import InvalidInput, PermissionDenied
from peiyu.core.permissions import has_capability
from peiyu.core.registry import extensions

from .codes import OCCUPATION_CODE
from .models import Direction, Industry, Level, Occupation, Trade
from .rules import ImportReport, TradeRow, check_region_row, check_trade_rows, match_headers

CAPABILITY = "reference.manage"
REFERENCE_POINT = "reference.load"
BATCH = 500
OCCUPATION_FIELDS = (
    "code",
    "name",
    "alias_codes",
    "code_source",
    "programme",
    "kind",
    "confidence",
    "provenance",
)


def _require(actor) -> None:
    """actor None is the system itself (management commands, migrations of data); a person needs
    the capability to maintain reference data."""
    if actor is not None and not has_capability(actor, CAPABILITY):
        raise PermissionDenied(_("您没有维护参考数据的权限"), code="permission_denied")


def _data_text(name: str) -> str:
    return resources.files("peiyu.catalogs.data").joinpath(name).read_text(encoding="utf-8")


def _counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0}


# --- reference load -------------------------------------------------------------------------------


def reference_load(*, actor=None) -> dict[str, dict[str, int]]:
    """Upsert regions, occupations (with directions), levels and industries from the files shipped in
    catalogs/data. Idempotent: a second run changes nothing. Never deletes; a region absent from the
    file is disabled. One audit event summarises the load."""
    _require(actor)
    today = timezone.localdate()
    with transaction.atomic():
        result = {
            "regions": _load_regions(today),
            "industries": _load_industries(),
            "levels": _load_levels(),
        }
        result["occupations"], result["directions"] = _load_occupations()
        # higher apps' reference data (core.registry.register_extension("reference.load", …)): fn(actor)
        # → {name: {"created": n, "updated": n, "unchanged": n}}, idempotent, e.g. exams' sample blueprints
        for load in extensions(REFERENCE_POINT):
            result.update(load(actor))
        audit_record(actor, "catalogs.reference_loaded", None, after=result, reason=_("加载参考数据"))
    return result


def _load_regions(today) -> dict[str, int]:
    reader = csv.DictReader(io.StringIO(_data_text("regions.csv")))
    rows = [{k: (v or "").strip() for k, v in r.items()} for r in reader]
    known = {r["code"] for r in rows}
    problems = [
        p for r in rows if (p := check_region_row(r["code"], r["name"], r["level"], r["parent_code"], known))
    ]
    if problems or len(known) != len(rows):
        raise InvalidInput(_("行政区划数据文件有误：%(p)s") % {"p": "；".join(problems[:5]) or _("代码重复")})

    existing: dict[str, Any] = {
        r["code"]: r
        for r in Region.objects.values("code", "name", "level", "parent_id", "disabled_on").iterator()
    }
    counts = {**_counts(), "disabled": 0}
    to_create: list[Region] = []
    to_update: list[Region] = []
    # Parents first: a province before its cities before their districts.
    for r in sorted(rows, key=lambda r: (int(r["level"]), r["code"])):
        wanted = {"name": r["name"], "level": int(r["level"]), "parent_id": r["parent_code"] or None}
        have = existing.get(r["code"])
        if have is None:
            to_create.append(Region(code=r["code"], **wanted))
            counts["created"] += 1
        elif any(have[k] != v for k, v in wanted.items()) or have["disabled_on"] is not None:
            # A region back in the file is in force again.
            to_update.append(Region(code=r["code"], disabled_on=None, **wanted))
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    gone = [
        Region(code=code, name=h["name"], level=h["level"], parent_id=h["parent_id"], disabled_on=today)
        for code, h in existing.items()
        if code not in known and h["disabled_on"] is None
    ]
    counts["disabled"] = len(gone)
    Region.objects.bulk_create(to_create, batch_size=BATCH)
    if to_update:
        Region.objects.bulk_update(to_update, ["name", "level", "parent", "disabled_on"], batch_size=BATCH)
    if gone:
        Region.objects.bulk_update(gone, ["disabled_on"], batch_size=BATCH)
    return counts


def _upsert_by_code(model, records: list[dict[str, Any]], fields: tuple[str, ...]) -> dict[str, int]:
    counts = _counts()
    existing = {o.code: o for o in model.objects.filter(code__in=[r["code"] for r in records])}
    to_create, to_update = [], []
    for rec in records:
        obj = existing.get(rec["code"])
        if obj is None:
            to_create.append(model(**rec))
            counts["created"] += 1
        elif any(getattr(obj, f) != rec.get(f) for f in fields):
            for f in fields:
                setattr(obj, f, rec.get(f))
            to_update.append(obj)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, list(fields))
    return counts


def _load_industries() -> dict[str, int]:
    records = [
        {"code": r["code"].strip(), "name": r["name"].strip()}
        for r in csv.DictReader(io.StringIO(_data_text("industries.csv")))
    ]
    return _upsert_by_code(Industry, records, ("name",))


def _load_levels() -> dict[str, int]:
    records = [
        {
            "code": r["code"],
            "name": r["name"],
            "kind": r["kind"],
            "rank": int(r["rank"]),
            "number": r.get("number"),
            "aliases": list(r.get("aliases") or []),
        }
        for r in yaml.safe_load(_data_text("levels.yaml"))
    ]
    return _upsert_by_code(Level, records, ("name", "kind", "rank", "number", "aliases"))


def _load_occupations() -> tuple[dict[str, int], dict[str, int]]:
    """Occupations are matched by name (stable, CAT-1), then by code. A field an administrator has
    corrected since the last load (it differs from `loaded_values`) keeps the correction."""
    counts, dir_counts = {**_counts(), "kept_local_edits": 0}, _counts()
    entries = yaml.safe_load(_data_text("occupations.yaml"))
    bad = [
        str(e.get("code"))
        for e in entries
        for c in [e.get("code"), *(e.get("alias_codes") or [])]
        if not OCCUPATION_CODE.match(str(c or ""))
    ]
    if bad:
        raise InvalidInput(_("职业数据文件中的编码格式不正确：%(codes)s") % {"codes": "、".join(bad)})
    by_name = {o.name: o for o in Occupation.objects.all()}
    by_code = {o.code: o for o in by_name.values()}
    for entry in entries:
        wanted = {f: entry.get(f) for f in OCCUPATION_FIELDS}
        wanted["alias_codes"] = list(wanted["alias_codes"] or [])
        wanted["provenance"] = (wanted["provenance"] or "").strip()
        occ = by_name.get(wanted["name"]) or by_code.get(wanted["code"])
        if occ is None:
            occ = Occupation(**wanted, loaded_values=wanted)
            occ.save()
            counts["created"] += 1
        else:
            loaded, changed, kept = occ.loaded_values or {}, [], False
            for f, value in wanted.items():
                current = getattr(occ, f)
                if current == value:
                    continue
                taken = f == "code" and Occupation.objects.filter(code=value).exclude(pk=occ.pk).exists()
                if (f in loaded and current != loaded[f]) or taken:
                    kept = True
                    continue
                setattr(occ, f, value)
                changed.append(f)
            counts["kept_local_edits"] += int(kept)
            if occ.loaded_values != wanted:
                occ.loaded_values = wanted
                changed.append("loaded_values")
            if changed:
                occ.save(update_fields=changed)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        have = set(occ.directions.values_list("name", flat=True))
        new = [Direction(occupation=occ, name=n) for n in entry.get("directions") or [] if n not in have]
        Direction.objects.bulk_create(new)
        dir_counts["created"] += len(new)
        dir_counts["unchanged"] += len(entry.get("directions") or []) - len(new)
    return counts, dir_counts


# --- trade import ---------------------------------------------------------------------------------

MODES = ("all_or_nothing", "valid_only")
MAX_ROWS = 20000


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().replace("\u3000", "")


def read_table(file_bytes: bytes, filename: str) -> list[list[str]]:
    """The first sheet of an xlsx/xls/ods file (python-calamine) or a CSV file, as rows of strings.
    The upload guard refuses hostile sizes before either reader opens the file."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in {".csv", ".xlsx", ".xlsm", ".xls", ".ods"}:
        check_spreadsheet(file_bytes, PurePath(filename or "").name)
    if suffix == ".csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = file_bytes.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InvalidInput(_("无法识别CSV文件的字符编码，请保存为UTF-8"), code="unreadable_file")
        return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text))]
    if suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(file_bytes)).get_sheet_by_index(0)
            # Keep leading blank rows so row numbers match what the spreadsheet shows.
            return [[_cell(c) for c in row] for row in sheet.to_python(skip_empty_area=False)]
        except Exception as exc:  # calamine raises its own error types for broken files
            raise InvalidInput(_("无法读取电子表格：%(e)s") % {"e": exc}, code="unreadable_file") from exc
    raise InvalidInput(_("不支持的文件类型，请上传 .xlsx 或 .csv 文件"), code="unsupported_file")


def trades_import(*, actor, file_bytes: bytes, filename: str, mode: str = "all_or_nothing") -> ImportReport:
    """Import trades (工种, CAT-2) from a sheet with columns 工种编码 / 工种名称 / 职业编码. Every faulty
    row is reported (row, column, reason). all_or_nothing writes nothing if any row is faulty;
    valid_only writes the valid rows. Re-importing the same rows changes nothing."""
    _require(actor)
    if mode not in MODES:
        raise InvalidInput(_("导入方式无效"), fields={"mode": [_("应为 all_or_nothing 或 valid_only")]})
    report = ImportReport(filename=filename, mode=mode)
    table = read_table(file_bytes, filename)
    header_at = next((i for i, row in enumerate(table) if any(row)), None)
    if header_at is None:
        raise InvalidInput(_("文件为空"), code="empty_file")
    positions, missing = match_headers(table[header_at])
    if missing:
        raise InvalidInput(
            _("第%(row)s行缺少列：%(cols)s（须有 工种编码、工种名称、职业编码）")
            % {"row": header_at + 1, "cols": "、".join(missing)},
            code="missing_columns",
        )
    rows: list[TradeRow] = []
    for i, raw in enumerate(table[header_at + 1 :], start=header_at + 2):
        if not any(raw):
            continue
        cells = {k: raw[idx] if idx < len(raw) else "" for k, idx in positions.items()}
        rows.append(TradeRow(row=i, **cells))
    if len(rows) > MAX_ROWS:
        raise InvalidInput(_("一次最多导入%(n)s行") % {"n": MAX_ROWS}, code="too_many_rows")
    report.rows_total = len(rows)

    with transaction.atomic():
        stored = {t.code: t for t in Trade.objects.filter(code__in={r.code for r in rows if r.code})}
        valid, errors = check_trade_rows(rows, {c: t.name for c, t in stored.items()})
        report.errors, report.rows_valid = errors, len(valid)
        if errors and mode == "all_or_nothing":
            valid = []
        occupations = _occupations_by_any_code()
        to_create, to_update = [], []
        for r in valid:
            occupation = occupations.get(r.occupation_code)
            trade = stored.get(r.code)
            if trade is None:
                to_create.append(
                    Trade(code=r.code, name=r.name, occupation_code=r.occupation_code, occupation=occupation)
                )
            elif trade.occupation_code != r.occupation_code or trade.occupation_id != getattr(
                occupation, "pk", None
            ):
                trade.occupation_code, trade.occupation = r.occupation_code, occupation
                to_update.append(trade)
            else:
                report.unchanged += 1
        Trade.objects.bulk_create(to_create, batch_size=BATCH)
        if to_update:
            Trade.objects.bulk_update(to_update, ["occupation_code", "occupation"], batch_size=BATCH)
        report.created, report.updated = len(to_create), len(to_update)
        report.written = bool(to_create or to_update)
        summary = report.as_dict()
        summary["errors"] = len(report.errors)
        audit_record(actor, "catalogs.trades_imported", None, after=summary, reason=_("导入工种"))
    return report


def _occupations_by_any_code() -> dict[str, Occupation]:
    found: dict[str, Occupation] = {}
    for occ in Occupation.objects.all():
        for code in occ.all_codes:
            found.setdefault(code, occ)
    return found
