"""The values printed on the directory's documents, read from stored records: the form's fields
(masked personal data unless `full`), levels, ticked boxes, table totals and the form's digest.

Personal fields of the form (`personal=True`, e.g. the legal representative's ID number) are stored
encrypted; they are printed masked unless the caller passes `full=True` (DESIGN §7: the caller audits
a full view)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

from peiyu.core import crypto
from peiyu.core.documents.pdf import TICKED, UNTICKED, cn_date
from peiyu.core.errors import PolicyMissing
from peiyu.core.identifiers import mask_id_number, mask_name, mask_phone
from peiyu.core.policy import policy_named

from ..models import Application
from ..rules.forms import FORMS, Field, FormSpec, form_key_for

# Totals printed under the volume tables of attachments 1 and 2: (label, column summed, row filter).
TABLE_TOTALS: dict[str, tuple[tuple[str, str, tuple[str, str] | None], ...]] = {
    "volume_5y": (("培训总规模", "trained", None), ("（其中独立培训规模）", "independent", None)),
    "evaluation_5y": (
        ("总规模", "issued", None),
        ("其中自有证书规模", "issued", ("certificate_nature", "自有证书")),
    ),
}


def form_sha256(form: dict[str, Any]) -> str:
    """SHA-256 of the stored form JSON in canonical form (sorted keys, no spaces, UTF-8): the same
    form always prints the same digest, so a paper copy can be matched with the record."""
    canonical = json.dumps(form or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def form_spec_for(application: Application) -> FormSpec:
    return FORMS[form_key_for(application.call.programme, application.kind)]


def policy_levels(application: Application) -> list[str]:
    """The levels of the call's policy profile (CAT-1, CAT-2): the boxes printed on the form."""
    try:
        levels = list(policy_named(application.policy_name or application.call.policy_name)["levels"])
    except PolicyMissing:
        levels = []
    for extra in [*(application.call.levels or []), *(application.levels or [])]:
        if extra not in levels:
            levels.append(extra)
    return levels


def chosen_levels(application: Application) -> list[str]:
    return list(application.levels or (application.form or {}).get("levels") or [])


def reveal(field: Field, value: Any, *, full: bool = False) -> str:
    """A personal field as printed: decrypted, then masked unless `full` (DESIGN §7)."""
    if value in (None, ""):
        return ""
    text = str(value)
    if text.startswith(crypto.PREFIX + ":"):
        try:
            text = crypto.decrypt(text)
        except crypto.DecryptionError:
            return "（无法解密）"
    if full:
        return text
    if field.type == "phone":
        return mask_phone(text)
    if field.type == "id_number":
        return mask_id_number(text)
    return mask_name(text)


def ticks(options: Iterable[str], chosen: Iterable[str]) -> str:
    """'初级☑ 中级☐ 高级☐': the attachment's boxes as text (xlsx, searchable PDF text)."""
    chosen = set(chosen)
    return " ".join(f"{o}{TICKED if o in chosen else UNTICKED}" for o in options)


def yes_no(value: Any) -> str:
    if value is None or value == "":
        return f"是{UNTICKED} 否{UNTICKED}"
    return ticks(["是", "否"], ["是" if value else "否"])


def _int(value: Any) -> int:
    try:
        return int(str(value).strip() or 0)
    except (TypeError, ValueError):
        return 0


def table_totals(key: str, rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """The totals the attachment prints under a volume table, computed from its rows."""
    out = []
    for label, column, condition in TABLE_TOTALS.get(key, ()):
        selected = [r for r in rows if condition is None or r.get(condition[0]) == condition[1]]
        out.append((label, sum(_int(r.get(column)) for r in selected)))
    return out


def cell_text(field: Field, value: Any, *, full: bool = False) -> str:
    """A scalar value (or a table cell) as text."""
    if field.personal:
        return reveal(field, value, full=full)
    if value is None or value == "":
        return ""
    if field.type == "bool":
        return "是" if value else "否"
    if field.type == "date":
        return cn_date(value)
    if field.type == "levels":
        return "、".join(value) if isinstance(value, list) else str(value)
    if field.type == "levels_map":
        return "；".join(f"{k}：{v}" for k, v in value.items()) if isinstance(value, dict) else str(value)
    return str(value)


def form_value(application: Application, field: Field) -> Any:
    """The form's value, or the record's own for the fields the record also holds."""
    form = application.form or {}
    if field.key == "recommendation_reason":
        return application.recommendation_reason or form.get(field.key, "")
    value = form.get(field.key)
    if value not in (None, "", [], {}):
        return value
    fallbacks = {
        "occupation": lambda: application.occupation_name,
        "levels": lambda: application.levels,
        "unit_name": lambda: application.institution.name,
        "uscc": lambda: application.institution.uscc or "",
        "commitment_signatory": lambda: application.commitment_signatory,
    }
    return fallbacks[field.key]() if field.key in fallbacks else value


def recommend_action(application: Application):
    if application.pk is None:
        return None
    actions = application.actions.filter(outcome="recommend").select_related("org")
    if application.recommender_id:
        actions = actions.filter(org_id=application.recommender_id)
    return actions.order_by("-at", "-id").first()


def attachment_label(spec: FormSpec) -> str:
    """'附件1' for the Liaoning forms (source '004 附件1'), '' for the others."""
    m = re.search(r"附件\s*(\d+)", spec.source)
    return f"附件{m.group(1)}" if m else ""
