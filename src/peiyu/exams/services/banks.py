"""Writes of question banks (EVL-2; seed 001 Art. 17(2), seed 000 Art. 11(2)): an evaluation institution
opens a bank for an occupation, level and direction it is listed for (exam.manage), records where the
bank comes from — developed itself, bought from a qualified provider (provider, qualification, contract),
or the national or provincial bank — and names the persons responsible for writing, transfer, use,
grading and archiving. Each write checks, records its Decision where a rule decides, and audits."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from peiyu.accounts.models import Org
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import refuse_failed
from peiyu.core.cleaning import clean_text, collect, raise_collected
from peiyu.core.errors import Conflict, InvalidInput, RuleViolation
from peiyu.core.models import Decision
from peiyu.institutions.selectors.evaluation_listings import evaluation_listings_of

from ..models import RESPONSIBLE_DUTIES, Blueprint, QuestionBank
from ..rules import banks as br
from ..rules.items import check_area
from ..selectors.banks import blueprints_for

BANK_SUBJECT = "exams.questionbank"
SOURCE_FIELDS = {"provider_name": 200, "provider_qualification": 300, "purchase_contract": 100}


def _listing(institution_id: int, occupation_code: str, level: str) -> Any:
    for listing in evaluation_listings_of(institution_id).filter(occupation_code=occupation_code):
        if level in (listing.levels or []):
            return listing
    return None


def _clean_bank(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    source = (data.get("source") or QuestionBank.Source.OWN).strip()
    if source not in QuestionBank.Source.values:
        errors["source"] = ["请选择题库来源"]
    out["source"] = source
    for name, cap in SOURCE_FIELDS.items():
        out[name] = collect(errors, name, clean_text, data.get(name), max_length=cap) or ""
    if source != QuestionBank.Source.PURCHASED:
        out.update(provider_name="", provider_qualification="", purchase_contract="")
    given = data.get("responsibles") or {}
    responsibles: dict[str, str] = {}
    for key in RESPONSIBLE_DUTIES:
        raw = given.get(key) if isinstance(given, dict) else None
        raw = raw if raw is not None else data.get(f"responsible_{key}")
        responsibles[key] = collect(errors, f"responsible_{key}", clean_text, raw, max_length=50) or ""
    out["responsibles"] = responsibles
    return out


def _checks(fields: dict[str, Any]) -> list[Any]:
    return [
        br.check_bank_source(
            fields["source"],
            provider_name=fields["provider_name"],
            qualification=fields["provider_qualification"],
            contract=fields["purchase_contract"],
        ),
        br.check_responsibles(fields["responsibles"], {k: str(v) for k, v in RESPONSIBLE_DUTIES.items()}),
    ]


def _refuse(checks: list[Any]) -> None:
    fields: dict[str, list[str]] = {}
    for c in checks:
        if not c.ok:
            for label in c.facts.get("missing", []):
                key = {"提供单位": "provider_name", "提供单位资质": "provider_qualification",
                       "购买合同编号": "purchase_contract"}.get(label)  # fmt: skip
                key = key or next(
                    (f"responsible_{k}" for k, v in RESPONSIBLE_DUTIES.items() if str(v) == label), ""
                )
                if key:
                    fields.setdefault(key, []).append(c.message)
    refuse_failed(checks, code="bank_refused", fields=fields)


def _blueprint(institution_id: int, occupation_code: str, level: str, raw: Any) -> Blueprint | None:
    choices = blueprints_for(institution_id, occupation_code, level)
    if raw in (None, ""):
        return choices.first()
    try:
        return choices.get(pk=int(raw))
    except (Blueprint.DoesNotExist, TypeError, ValueError):
        raise InvalidInput(
            "所选权重表不适用于该职业和等级", fields={"blueprint": ["请选择该职业、等级的权重表"]}
        ) from None


def bank_create(*, actor: Any, institution: Org, data: dict[str, Any]) -> QuestionBank:
    """Open a bank for an occupation, level and direction the institution is listed for (DIR-1)."""
    require(actor, "exam.manage", org_id=institution.pk)
    errors: dict[str, list[str]] = {}
    code = (data.get("occupation_code") or "").strip()
    level = (data.get("level") or "").strip()
    direction = collect(errors, "direction", clean_text, data.get("direction"), max_length=100) or ""
    if not code:
        errors["occupation_code"] = ["请选择职业（工种）"]
    if not level:
        errors["level"] = ["请选择等级"]
    fields = _clean_bank(data, errors)
    raise_collected(errors, "题库信息填写有误")
    listing = _listing(institution.pk, code, level)
    if listing is None:
        raise RuleViolation(
            "本机构未列入该职业（工种）、等级的评价机构目录，不能建立题库",
            rule="DIR-1",
            code="not_listed",
            fields={"occupation_code": ["未列入评价机构目录"]},
        )
    checks = _checks(fields)
    _refuse(checks)
    blueprint = _blueprint(institution.pk, code, level, data.get("blueprint"))
    try:
        with transaction.atomic():
            bank = QuestionBank.objects.create(
                institution=institution,
                region_code=institution.region_id or "",
                programme=listing.programme,
                occupation_code=listing.occupation_code,
                occupation_name=listing.occupation_name,
                level=level,
                direction=direction,
                blueprint=blueprint,
                created_by=actor,
                **fields,
            )
            Decision.record(BANK_SUBJECT, bank.pk, kind="bank_created", outcome="created", checks=checks)
            audit_record(actor, "question_bank.created", bank, after=_snapshot(bank))
    except IntegrityError:
        raise Conflict(
            "本机构已有该职业、等级和方向的题库", code="bank_exists", fields={"level": ["题库已存在"]}
        ) from None
    return bank


def bank_update(*, actor: Any, bank: QuestionBank, data: dict[str, Any]) -> QuestionBank:
    """Change the bank's source, responsible persons or blueprint (exam.manage of its institution). A
    blueprint is refused while items carry knowledge areas it lacks (EVL-2)."""
    require(actor, "exam.manage", org_id=bank.institution_id)
    errors: dict[str, list[str]] = {}
    fields = _clean_bank(data, errors)
    raise_collected(errors, "题库信息填写有误")
    checks = _checks(fields)
    _refuse(checks)
    with transaction.atomic():
        locked = QuestionBank.objects.select_for_update().get(pk=bank.pk)
        before = _snapshot(locked)
        if "blueprint" in data and str(data.get("blueprint") or "") != str(locked.blueprint_id or ""):
            blueprint = _blueprint(
                locked.institution_id, locked.occupation_code, locked.level, data["blueprint"]
            )
            if blueprint is not None:
                known = set(blueprint.areas.values_list("code", flat=True))
                used = set(locked.items.values_list("area_code", flat=True).distinct())
                failed = [check_area(code, known, blueprint=blueprint.title) for code in sorted(used - known)]
                refuse_failed(
                    failed, code="blueprint_areas_missing", fields={"blueprint": [c.message for c in failed]}
                )
            locked.blueprint = blueprint
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        Decision.record(BANK_SUBJECT, locked.pk, kind="bank_updated", outcome="updated", checks=checks)
        audit_record(actor, "question_bank.updated", locked, before=before, after=_snapshot(locked))
    return locked


def _snapshot(bank: QuestionBank) -> dict[str, Any]:
    return {
        "occupation_code": bank.occupation_code,
        "level": bank.level,
        "direction": bank.direction,
        "source": bank.source,
        "provider_name": bank.provider_name,
        "provider_qualification": bank.provider_qualification,
        "purchase_contract": bank.purchase_contract,
        "responsibles": bank.responsibles,
        "blueprint": bank.blueprint_id,
    }
