"""The application forms, field by field (SEL-12): Liaoning attachment 1 (training institution
recommendation form) and attachment 2 (evaluation institution), and the Chengdu Art. 11 filing
materials. One spec drives validation, the web form, the PDF laid out like the attachment and the xlsx.

A spec is a list of sections; each field has a key, a Chinese label, a type and limits (form_spec);
the forms are in form_dte and form_chengdu; one value is cleaned in form_values. This module is the
registry and validates a whole form: `validate_form` is pure: it returns the cleaned form or raises
InvalidInput with a Chinese message per field, so nothing is saved half-right."""

from __future__ import annotations

from typing import Any

from peiyu.core.errors import InvalidInput
from peiyu.core.identifiers import USCC_RULE

from .form_chengdu import CHENGDU_EVALUATION
from .form_dte import DTE_EVALUATION, DTE_TRAINING
from .form_spec import COMMITMENT_TEXT, Field, FormSpec, Section
from .form_values import clean_value, is_empty

__all__ = [
    "CHENGDU_EVALUATION",
    "COMMITMENT_TEXT",
    "DTE_EVALUATION",
    "DTE_TRAINING",
    "FORMS",
    "REQUIRED_ATTACHMENTS",
    "Field",
    "FormSpec",
    "Section",
    "form_key_for",
    "validate_form",
    "volume_by_year",
]

FORMS = {s.key: s for s in (DTE_TRAINING, DTE_EVALUATION, CHENGDU_EVALUATION)}

# Materials each form requires as uploads (SEL-12; 004 三; 001 第十一条).
REQUIRED_ATTACHMENTS = {
    "dte_training": ["legal_person_certificate", "credit_report"],
    "dte_evaluation": ["legal_person_certificate", "credit_report"],
    "chengdu_evaluation": [
        "legal_person_certificate",
        "licence",
        "financial",
        "system_plan",
        "implementation_plan",
        "credit_report",
        "experience",
    ],
}


def form_key_for(programme: str, kind: str) -> str:
    return "chengdu_evaluation" if programme == "skill" else f"dte_{kind}"


# --- validation ---------------------------------------------------------------------------------------


def validate_form(
    key: str, data: dict[str, Any], *, levels: list[str], partial: bool = False
) -> dict[str, Any]:
    """Clean `data` against form `key`. `partial` (a draft) skips the required checks but still refuses
    malformed values. Raises InvalidInput with one Chinese message per field (tables: `key.row.col`)."""
    spec = FORMS[key]
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    known = {f.key for f in spec.fields()}
    for extra in sorted(set(data) - known):
        errors[extra] = ["表中没有此栏目"]
    for f in spec.fields():
        value = data.get(f.key)
        if is_empty(value):
            if f.required and not partial and f.type != "bool":
                errors[f.key] = ["请填写" + f.label]
            if f.type == "bool" and f.required and not partial and value is None:
                errors[f.key] = ["请选择是或否：" + f.label]
            continue
        if f.type == "table":
            rows, row_errors = _table(f, value, levels, partial)
            errors.update(row_errors)
            clean[f.key] = rows
            continue
        cleaned, message = clean_value(f, value, levels)
        if message:
            errors[f.key] = [f"{f.label}：{message}"]
        clean[f.key] = cleaned
    if not partial and not errors:
        for f in spec.fields():
            if f.type == "table" and len(clean.get(f.key, [])) < f.min_rows:
                errors[f.key] = [f"{f.label}：至少填写{f.min_rows}行"]
    if errors:
        # a field whose check is a rule's (a credit code's check character: SEL-1) makes the error cite it
        bad_code = any(
            f.type == "uscc" and f.key in errors and not is_empty(data.get(f.key)) for f in spec.fields()
        )
        rules = [USCC_RULE] if bad_code else []
        raise InvalidInput("推荐表填写有误，请按提示修改", code="form_invalid", fields=errors, rules=rules)
    return clean


def _table(f: Field, value: Any, levels: list[str], partial: bool) -> tuple[list[dict], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(value, list):
        return [], {f.key: [f"{f.label}：应为表格行"]}
    rows = []
    for i, raw in enumerate(value, start=1):
        if not isinstance(raw, dict):
            errors[f"{f.key}.{i}"] = [f"{f.label}第{i}行：格式不正确"]
            continue
        if all(is_empty(raw.get(c.key)) for c in f.columns):
            continue  # a blank printed row
        row = {}
        for c in f.columns:
            v = raw.get(c.key)
            if is_empty(v):
                if not partial and c.type != "bool":
                    errors[f"{f.key}.{i}.{c.key}"] = [f"{f.label}第{i}行：请填写{c.label}"]
                if c.type == "bool" and not partial and v is None:
                    errors[f"{f.key}.{i}.{c.key}"] = [f"{f.label}第{i}行：请选择{c.label}"]
                continue
            cleaned, message = clean_value(c, v, levels)
            if message:
                errors[f"{f.key}.{i}.{c.key}"] = [f"{f.label}第{i}行 {c.label}：{message}"]
            row[c.key] = cleaned
        rows.append(row)
    return rows, errors


def volume_by_year(key: str, form: dict[str, Any]) -> dict[int, int]:
    """Person-times a year the institution declared (SEL-2): trained (attachment 1) or certificates
    issued (attachment 2), summed per year."""
    table, col = ("volume_5y", "trained") if key == "dte_training" else ("evaluation_5y", "issued")
    out: dict[int, int] = {}
    for row in form.get(table) or []:
        try:
            out[int(row["year"])] = out.get(int(row["year"]), 0) + int(row.get(col) or 0)
        except (KeyError, TypeError, ValueError):
            continue
    return out
