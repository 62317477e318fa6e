"""Application conditions as reference data (EVL-8): loaded from `exams/data/conditions.yaml` (sample
values, labelled as such) and maintained in the product by officials holding `reference.manage` —
add an alternative, change its text and requirements, disable it. Never deleted (DESIGN §9)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Max

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_reason, clean_text, collect, raise_collected
from peiyu.core.errors import InvalidInput

from ..models import ApplicationCondition
from ..rules.conditions import EDUCATION, LEVELS, REQUIREMENT_KEYS, TITLES, level_rank

CAPABILITY = "reference.manage"
TEXT_MAX = 1000


@cache
def _data() -> dict[str, Any]:
    text = resources.files("peiyu.exams.data").joinpath("conditions.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def bridging_levels() -> dict[str, str]:
    """Title → the highest skill level the bridging scheme lets its holder apply for (sample data)."""
    return dict(_data()["bridging"]["highest_level_by_title"])


def conditions_load(*, actor: Any = None) -> dict[str, int]:
    """Load the file's alternatives: a missing one is created, one whose text or requirements changed
    in the file is updated unless an official has edited it in the product since (updated_by set).
    Idempotent; nothing deleted. actor None: the system (demo, setup)."""
    if actor is not None:
        require(actor, CAPABILITY)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for entry in _data()["conditions"]:
            for level, alternatives in entry["levels"].items():
                for number, alt in enumerate(alternatives, start=1):
                    key = {"programme": entry["programme"], "occupation_code": entry["occupation_code"],
                           "level": level, "number": number}  # fmt: skip
                    values = {"text": alt["text"], "requirements": alt["requirements"],
                              "source": entry.get("source", ""), "is_sample": True}  # fmt: skip
                    row = ApplicationCondition.objects.filter(**key).first()
                    if row is None:
                        ApplicationCondition.objects.create(**key, **values)
                        counts["created"] += 1
                    elif row.updated_by_id is None and (row.text, row.requirements) != (
                        alt["text"],
                        alt["requirements"],
                    ):
                        ApplicationCondition.objects.filter(pk=row.pk).update(**values)
                        counts["updated"] += 1
                    else:
                        counts["unchanged"] += 1
        audit_record(actor, "exam_conditions.loaded", None, after=counts, reason="加载申报条件参考数据")
    return counts


def clean_requirements(raw: dict[str, Any], *, programme: str) -> dict[str, Any]:
    """The requirements of an alternative typed in the product, each checked against what the rule
    understands; errors per field in Chinese."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key in ("years_in_trade", "years_since_lower"):
        value = str(raw.get(key) or "").strip()
        if value:
            try:
                number = float(value) if key == "years_in_trade" else int(value)
                if number < 0 or number > 60:
                    raise ValueError
                out[key] = number
            except ValueError:
                errors[key] = ["请填写0至60之间的年数"]
    for key, known in (("education", EDUCATION), ("title", TITLES)):
        value = str(raw.get(key) or "").strip()
        if value:
            if value not in known:
                errors[key] = ["请从列表中选择"]
            out[key] = value
    lower = str(raw.get("lower_level") or "").strip()
    if lower:
        if not level_rank(programme, lower):
            errors["lower_level"] = ["请从列表中选择"]
        out["lower_level"] = lower
    if "years_since_lower" in out and "lower_level" not in out:
        errors["years_since_lower"] = ["填写取证后年限时须选择已取得的等级"]
    kinds = [k for k in raw.get("education_in") or [] if k]
    if kinds:
        unknown = [k for k in kinds if k not in EDUCATION]
        if unknown:
            errors["education_in"] = [f"无法识别的学历：{'、'.join(unknown)}"]
        out["education_in"] = kinds
    for key in ("apprenticeship", "related_major", "training_certificate"):
        if raw.get(key) in (True, "on", "true", "1", "yes"):
            out[key] = True
    if not out and not errors:
        errors["requirements"] = ["请至少填写一项条件要素"]
    raise_collected(errors, "申报条件有误")
    assert set(out) <= set(REQUIREMENT_KEYS)
    return out


def condition_save(
    *, actor: Any, data: dict[str, Any], condition: ApplicationCondition | None = None
) -> ApplicationCondition:
    """Add an alternative to a level, or change one (text, requirements, source); audited with before
    and after. Only officials holding reference.manage."""
    require(actor, CAPABILITY)
    errors: dict[str, list[str]] = {}
    programme = condition.programme if condition else str(data.get("programme") or "")
    level = condition.level if condition else str(data.get("level") or "")
    if programme not in LEVELS:
        errors["programme"] = ["请选择项目"]
    elif not level_rank(programme, level):
        errors["level"] = ["请选择该项目的等级"]
    text = collect(errors, "text", clean_text, data.get("text"), max_length=TEXT_MAX, multiline=True) or ""
    if not text:
        errors.setdefault("text", ["请填写条件原文"])
    source = collect(errors, "source", clean_text, data.get("source"), max_length=300) or ""
    occupation = (
        collect(errors, "occupation_code", clean_text, data.get("occupation_code"), max_length=32) or ""
    )
    try:
        requirements = clean_requirements(dict(data.get("requirements") or {}), programme=programme)
    except InvalidInput as exc:
        errors.update(exc.fields)
        requirements = {}
    raise_collected(errors, "申报条件有误")
    with transaction.atomic():
        if condition is None:
            occupation_code = occupation
            last = ApplicationCondition.objects.filter(
                programme=programme, occupation_code=occupation_code, level=level
            ).aggregate(n=Max("number"))["n"]
            row = ApplicationCondition.objects.create(
                programme=programme, occupation_code=occupation_code, level=level, number=(last or 0) + 1,
                text=text, requirements=requirements, source=source, is_sample=False, updated_by=actor,
            )  # fmt: skip
            audit_record(actor, "exam_condition.created", row, after=_snapshot(row))
            return row
        row = ApplicationCondition.objects.select_for_update().get(pk=condition.pk)
        before = _snapshot(row)
        row.text, row.requirements, row.source, row.updated_by = text, requirements, source, actor
        row.is_sample = False
        row.save(update_fields=["text", "requirements", "source", "updated_by", "is_sample", "updated_at"])
        audit_record(actor, "exam_condition.changed", row, before=before, after=_snapshot(row))
    return row


def condition_set_active(
    *, actor: Any, condition: ApplicationCondition, active: bool, reason: str
) -> ApplicationCondition:
    """Disable an alternative no longer in force (or enable it again), with a reason."""
    require(actor, CAPABILITY)
    reason = clean_reason(reason, field="reason")
    with transaction.atomic():
        row = ApplicationCondition.objects.select_for_update().get(pk=condition.pk)
        before = _snapshot(row)
        row.active, row.updated_by = active, actor
        row.save(update_fields=["active", "updated_by", "updated_at"])
        audit_record(actor, "exam_condition.enabled" if active else "exam_condition.disabled", row,
                     before=before, after=_snapshot(row), reason=reason)  # fmt: skip
    return row


def _snapshot(row: ApplicationCondition) -> dict[str, Any]:
    return {"programme": row.programme, "occupation": row.occupation_code, "level": row.level,
            "number": row.number, "text": row.text, "requirements": row.requirements, "active": row.active}  # fmt: skip
