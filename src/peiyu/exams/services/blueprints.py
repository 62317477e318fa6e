"""Writes of blueprints (权重表, EVL-2): knowledge areas with weights and cells (area × type × difficulty →
count, points per item) adding up to the blueprint's total points. A reference blueprint (no institution:
the standard's, or the labelled samples of `data/sample_blueprints.yaml`) is maintained by an official
holding reference.manage; an institution's bank approver copies one for its own banks and maintains the
copy. Every save runs rules/blueprints.check_blueprint and refuses with every failed message."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from peiyu.accounts.models import Org
from peiyu.accounts.scoping import scope_for
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import refuse_failed
from peiyu.core.cleaning import clean_text, collect, raise_collected
from peiyu.core.errors import InvalidInput, PermissionDenied
from peiyu.core.permissions import has_capability

from ..models import Blueprint, BlueprintCell, KnowledgeArea, QuestionBank
from ..rules.blueprints import AreaSpec, CellSpec, check_blueprint

SAMPLE_FILE = "sample_blueprints.yaml"
SAMPLE_SOURCE = "示例数据（非国家职业技能标准权重表）"


def _may_maintain(actor: Any, blueprint: Blueprint) -> None:
    """reference.manage for a reference blueprint; the institution's bank approver for its own copy."""
    if blueprint.institution_id is None:
        if actor is not None and not has_capability(actor, "reference.manage"):
            raise PermissionDenied(
                "只有维护参考数据的人员可以修改标准权重表；题库负责人可复制为本机构权重表后修改"
            )
        return
    require(actor, "exam.bank_approve", org_id=blueprint.institution_id)


def parse_layout(data: dict[str, Any]) -> tuple[list[AreaSpec], list[CellSpec], dict[str, list[str]]]:
    """Areas and cells from a form or the API: areas [{code, name, weight}], cells [{area, item_type,
    difficulty, count, points}] (or the YAML's lists); problems of form per field."""
    errors: dict[str, list[str]] = {}
    areas: list[AreaSpec] = []
    for n, a in enumerate(data.get("areas") or [], start=1):
        try:
            areas.append(AreaSpec(str(a.get("code") or "").strip()[:32], str(a.get("name") or "").strip()[:200],
                                  int(str(a.get("weight") or 0))))  # fmt: skip
        except (TypeError, ValueError, AttributeError):
            errors.setdefault("areas", []).append(f"第{n}个知识模块的比重应为整数（%）")
    cells: list[CellSpec] = []
    for n, c in enumerate(data.get("cells") or [], start=1):
        try:
            if isinstance(c, list | tuple):
                area, item_type, difficulty, count, points = c
            else:
                area, item_type, difficulty = c.get("area"), c.get("item_type"), c.get("difficulty")
                count, points = c.get("count"), c.get("points")
            cells.append(CellSpec(str(area or "").strip(), str(item_type or "").strip(),
                                  int(difficulty) if str(difficulty or "").strip() else None, int(str(count)),
                                  Decimal(str(points))))  # fmt: skip
        except (TypeError, ValueError, InvalidOperation, AttributeError):
            errors.setdefault("cells", []).append(f"第{n}行的难度、题量和每题分值应为数字")
    return areas, cells, errors


def _write(blueprint: Blueprint, areas: list[AreaSpec], cells: list[CellSpec]) -> None:
    blueprint.cells.all().delete()
    blueprint.areas.all().delete()
    made = {
        a.code: KnowledgeArea.objects.create(
            blueprint=blueprint, code=a.code, name=a.name, weight=a.weight, position=i
        )
        for i, a in enumerate(areas)
    }
    BlueprintCell.objects.bulk_create(
        BlueprintCell(blueprint=blueprint, area=made[c.area], item_type=c.item_type, difficulty=c.difficulty,
                      count=c.count, points=c.points)
        for c in cells
    )  # fmt: skip


def layout_of(blueprint: Blueprint) -> dict[str, Any]:
    return {
        "areas": [{"code": a.code, "name": a.name, "weight": a.weight} for a in blueprint.areas.all()],
        "cells": [
            [c.area.code, c.item_type, c.difficulty, c.count, str(c.points.normalize())]
            for c in blueprint.cells.select_related("area")
        ],
    }


def _checked(total: int, data: dict[str, Any]) -> tuple[list[AreaSpec], list[CellSpec]]:
    areas, cells, errors = parse_layout(data)
    raise_collected(errors, "权重表填写有误")
    checks = check_blueprint(total, areas, cells)
    refuse_failed(checks, code="blueprint_refused", lead="权重表不能保存：")
    return areas, cells


def blueprint_save(*, actor: Any, blueprint: Blueprint, data: dict[str, Any]) -> Blueprint:
    """Replace the areas and cells of a blueprint (and its title) after the checks pass. A blueprint
    whose knowledge area an item of a bank uses keeps that area (EVL-2: items are tagged with it)."""
    _may_maintain(actor, blueprint)
    errors: dict[str, list[str]] = {}
    title = collect(
        errors, "title", clean_text, data.get("title", blueprint.title), max_length=200, required=True
    )
    raise_collected(errors, "权重表填写有误")
    areas, cells = _checked(blueprint.total_points, data)
    with transaction.atomic():
        locked = Blueprint.objects.select_for_update().get(pk=blueprint.pk)
        used = set()
        for bank in locked.banks.all():
            used |= set(bank.items.values_list("area_code", flat=True).distinct())
        gone = sorted(used - {a.code for a in areas})
        if gone:
            raise InvalidInput(
                f"知识模块{'、'.join(gone)}已有试题使用，不能删除",
                fields={"areas": [f"{'、'.join(gone)}已有试题使用"]},
            )
        before = layout_of(locked)
        locked.title = title or locked.title
        locked.save(update_fields=["title", "updated_at"])
        _write(locked, areas, cells)
        audit_record(actor, "blueprint.saved", locked, before=before, after=layout_of(locked))
    return locked


def blueprint_copy(*, actor: Any, blueprint: Blueprint, bank: QuestionBank) -> Blueprint:
    """The institution's own copy of the bank's reference blueprint, for its bank approver to maintain;
    the bank uses the copy from now on (same knowledge areas, so its items keep their tags)."""
    institution: Org = bank.institution
    require(actor, "exam.bank_approve", org_id=institution.pk)
    with transaction.atomic():
        copy = Blueprint.objects.create(
            programme=blueprint.programme, occupation_code=blueprint.occupation_code,
            occupation_name=blueprint.occupation_name, level=blueprint.level, direction=blueprint.direction,
            title=f"{blueprint.title.replace('（示例）', '')}（{institution.name}）", duration_minutes=blueprint.duration_minutes,
            total_points=blueprint.total_points, is_sample=blueprint.is_sample,
            source=f"复制自“{blueprint.title}”", institution=institution, created_by=actor,
        )  # fmt: skip
        layout = layout_of(blueprint)
        areas, cells, _errors = parse_layout(layout)
        _write(copy, areas, cells)
        audit_record(actor, "blueprint.copied", copy, after={"from": blueprint.pk, "bank": bank.pk, **layout_of(copy)},
                     region_code=institution.region_id or "")  # fmt: skip
        QuestionBank.objects.filter(pk=bank.pk).update(blueprint=copy)
        audit_record(
            actor,
            "question_bank.updated",
            bank,
            before={"blueprint": blueprint.pk},
            after={"blueprint": copy.pk},
        )
    return copy


def _sorted(layout: dict[str, Any]) -> tuple[Any, ...]:
    return (
        sorted((a["code"], a["name"], a["weight"]) for a in layout["areas"]),
        sorted((c[0], c[1], c[2] or 0, c[3], c[4]) for c in layout["cells"]),
    )


def may_maintain(actor: Any, blueprint: Blueprint) -> bool:
    if blueprint.institution_id is None:
        return has_capability(actor, "reference.manage")
    return blueprint.institution_id in scope_for(actor, "exam.bank_approve").org_ids


def sample_blueprints_load(actor: Any = None) -> dict[str, dict[str, int]]:
    """Load the labelled sample blueprints of the demo occupations (idempotent: a second run changes
    nothing; a sample already used by a bank is left as it is). Called by catalogs.reference_load through
    the "reference.load" extension; the loader has checked the actor's reference.manage."""
    text = resources.files("peiyu.exams.data").joinpath(SAMPLE_FILE).read_text(encoding="utf-8")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for spec in yaml.safe_load(text)["blueprints"]:
        title = f"{spec['occupation_name']}{spec['level']}理论知识权重表（示例）"
        areas, cells = _checked(100, spec)
        wanted = {"areas": [{"code": a.code, "name": a.name, "weight": a.weight} for a in areas],
                  "cells": [[c.area, c.item_type, c.difficulty, c.count, str(c.points.normalize())] for c in cells]}  # fmt: skip
        found = Blueprint.objects.filter(
            occupation_code=spec["occupation_code"], level=spec["level"], is_sample=True, institution__isnull=True,
            title=title,
        ).first()  # fmt: skip
        if found is None:
            found = Blueprint.objects.create(
                programme=spec["programme"], occupation_code=spec["occupation_code"],
                occupation_name=spec["occupation_name"], level=spec["level"], title=title,
                duration_minutes=spec.get("duration_minutes", 90), is_sample=True, source=SAMPLE_SOURCE,
            )  # fmt: skip
            _write(found, areas, cells)
            counts["created"] += 1
        elif _sorted(layout_of(found)) != _sorted(wanted) and not found.banks.exists():
            _write(found, areas, cells)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return {"sample_blueprints": counts}
