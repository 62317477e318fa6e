"""The expert pool of the expert review (SEL-8, 000 Art. 7(3)): who manages it and runs panels (the
officials of the pool owner, the body whose route holds the expert-review step), who acts as an expert
(capability `expert.review`, on their own membership and scores only), the facts the pure rules of
rules.panels read, and adding experts to the pool. Panels are in services.panels, scores in
services.scores."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from peiyu.accounts.models import Org, Region
from peiyu.audit.services import audit_record
from peiyu.catalogs.selectors import occupation_alias_map
from peiyu.core.cleaning import clean_text, collect
from peiyu.core.errors import (
    InvalidInput,
    NotFound,
)
from peiyu.core.identifiers import validate_uscc

from ..models import Application, Expert, Panel
from ..rules import panels as rules
from ..selectors.experts import is_pool_official, pool_org

# --- who ---------------------------------------------------------------------------------------------------


def require_owner(actor, panel: Panel) -> None:
    """Only the officials of the organising body act on a panel; to anyone else it does not exist."""
    if not is_pool_official(actor, panel.owner_id):
        raise NotFound()


# --- facts for the pure rules ---------------------------------------------------------------------------------


def alias_map() -> dict[str, str]:
    """2021 standard codes → 2022 classification codes, so an expert filed under the old code still
    counts for the occupation (CAT-1)."""
    return occupation_alias_map()


def expert_facts(expert: Expert, aliases: dict[str, str]) -> rules.ExpertFacts:
    fields = [str(f) for f in (expert.fields or [])]
    fields += [aliases[f] for f in fields if f in aliases]
    return rules.ExpertFacts(
        id=expert.pk,
        name=expert.name,
        employer_id=expert.employer_id,
        employer_name=expert.employer_name or (expert.employer.name if expert.employer is not None else ""),
        employer_uscc=expert.employer.uscc if expert.employer is not None else None,
        fields=tuple(fields),
        conflict_org_ids=frozenset(o.pk for o in expert.conflicts.all()),
        conflict_usccs=frozenset(str(u).strip().upper() for u in (expert.conflict_usccs or []) if u),
        active=expert.active,
    )


def applicant_facts(apps: Sequence[Application]) -> list[rules.ApplicantFacts]:
    related = {
        app.pk: [str(u).strip().upper() for u in (app.form or {}).get("related_usccs") or [] if u]
        for app in apps
    }
    wanted = sorted({u for us in related.values() for u in us})
    org_by_uscc = dict(Org.objects.filter(uscc__in=wanted).values_list("uscc", "pk")) if wanted else {}
    return [
        rules.ApplicantFacts(
            application=app.number,
            org_id=app.institution_id,
            name=app.institution.name,
            occupation_code=app.occupation_code,
            uscc=app.institution.uscc,
            related_usccs=frozenset(related[app.pk]),
            related_org_ids=frozenset(org_by_uscc[u] for u in related[app.pk] if u in org_by_uscc),
        )
        for app in apps
    ]


def pool(org: Org):
    return Expert.objects.filter(pool_owner=org).select_related("employer").prefetch_related("conflicts")


# --- the pool ----------------------------------------------------------------------------------------------------


def clean_usccs(values: Iterable[str] | None, field: str, errors: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for value in values or []:
        if not str(value or "").strip():
            continue
        try:
            code = validate_uscc(str(value), field=field)
        except InvalidInput as exc:
            errors.setdefault(field, []).append(f"{value}：{exc.message}")
            continue
        if code not in out:
            out.append(code)
    return out


def expert_create(
    *,
    actor,
    name: str,
    employer: Org | None = None,
    employer_name: str = "",
    title: str = "",
    fields: Iterable[str] = (),
    conflicts: Iterable[Org] = (),
    conflict_usccs: Iterable[str] = (),
    region_code: str | None = None,
    user=None,
) -> Expert:
    """Add an expert to the actor's organisation's pool (SEL-8) with fields and declared conflicts."""
    owner = pool_org(actor)
    errors: dict[str, list[str]] = {}
    name = collect(errors, "name", clean_text, name, max_length=64, required=True, label="专家姓名") or ""
    employer_name = (employer_name or "").strip() or (employer.name if employer else "")
    if not employer_name:
        errors["employer_name"] = ["请填写工作单位"]
    codes = [str(f).strip() for f in fields or [] if str(f or "").strip()]
    if not codes:
        errors["fields"] = ["请至少填写一个专业领域（职业编码）"]
    elif bad := rules.validate_fields(codes):
        errors["fields"] = [
            f"职业编码“{c}”格式不正确，应为 2-02-38-01 形式（也可填写 2-02-38 表示整个小类）" for c in bad
        ]
    usccs = clean_usccs(conflict_usccs, "conflict_usccs", errors)
    region = None
    if region_code:
        region = Region.objects.filter(pk=region_code).first()
        if region is None:
            errors["region_code"] = [f"行政区划代码 {region_code} 不存在"]
    if user is not None and Expert.objects.filter(user=user).exists():
        errors["user"] = ["该用户已登记为专家"]
    if errors:
        raise InvalidInput("专家信息有误", fields=errors, rule="SEL-8")
    with transaction.atomic():
        expert = Expert.objects.create(
            user=user,
            name=name,
            employer=employer,
            employer_name=employer_name,
            title=(title or "").strip(),
            fields=list(dict.fromkeys(codes)),
            conflict_usccs=usccs,
            region=region,
            pool_owner=owner,
        )
        conflict_orgs = list(conflicts or [])
        if conflict_orgs:
            expert.conflicts.set(conflict_orgs)
        audit_record(
            actor,
            "expert.created",
            expert,
            after={
                "name": name,
                "employer": employer.pk if employer else None,
                "employer_name": employer_name,
                "fields": expert.fields,
                "conflicts": sorted(o.pk for o in conflict_orgs),
                "conflict_usccs": usccs,
                "pool_owner": owner.pk,
                "user": getattr(user, "pk", None),
            },
        )
    return expert
