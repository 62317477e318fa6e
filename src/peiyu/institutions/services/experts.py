"""The expert pool of the expert review (SEL-8, 000 Art. 7(3)): who manages it and runs panels (the
officials of the pool owner, the body whose route holds the expert-review step), the facts the pure
rules of rules.panels read, and the pool's writes — adding, editing, disabling and re-enabling an
expert, each audited. The expert's own declarations are in services.expert_declarations, the xlsx
import in services.expert_imports, panels in services.panels, scores in services.scores."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from peiyu.accounts.models import Org, Region, User
from peiyu.accounts.scoping import scope_for
from peiyu.audit.services import audit_record
from peiyu.catalogs.selectors import occupation_alias_map
from peiyu.core.cleaning import clean_reason, clean_text, collect, mobile_phone
from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.identifiers import validate_uscc

from ..models import Application, Expert, ExpertRelation, Panel
from ..rules import experts as expert_rules
from ..rules import panels as rules
from ..selectors.experts import is_expert, is_pool_official, pool_org

# the expert's own data, as audited (the phone is personal data: its change is recorded, not its value)
AUDITED = ("name", "employer_name", "employer", "title", "fields", "specialty", "email", "region", "user")

# --- who ---------------------------------------------------------------------------------------------------


def require_owner(actor, panel: Panel) -> None:
    """Only the officials of the organising body act on a panel; to anyone else it does not exist."""
    if not is_pool_official(actor, panel.owner_id):
        raise NotFound()


def require_pool_official(actor, expert: Expert) -> None:
    """Only the officials of the expert's pool manage the expert; to anyone else it does not exist."""
    if not is_pool_official(actor, expert.pool_owner_id):
        raise NotFound()


# --- facts for the pure rules ---------------------------------------------------------------------------------


def alias_map() -> dict[str, str]:
    """2021 standard codes → 2022 classification codes, so an expert filed under the old code still
    counts for the occupation (CAT-1)."""
    return occupation_alias_map()


def current_relations(expert: Expert) -> list[ExpertRelation]:
    """The relations the expert declared and has not withdrawn (prefetched by `pool`)."""
    cached = getattr(expert, "current_relations", None)
    if cached is not None:
        return list(cached)
    return list(expert.relations.filter(withdrawn_at__isnull=True).select_related("org"))


def expert_facts(expert: Expert, aliases: dict[str, str]) -> rules.ExpertFacts:
    fields = [str(f) for f in (expert.fields or [])]
    fields += [aliases[f] for f in fields if f in aliases]
    relations = current_relations(expert)
    return rules.ExpertFacts(
        id=expert.pk,
        name=expert.name,
        employer_id=expert.employer_id,
        employer_name=expert.employer_name or (expert.employer.name if expert.employer is not None else ""),
        employer_uscc=expert.employer.uscc if expert.employer is not None else None,
        fields=tuple(fields),
        conflict_org_ids=frozenset(r.org_id for r in relations if r.org_id),
        conflict_usccs=frozenset(r.uscc.strip().upper() for r in relations if r.uscc),
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
    """The pool of `org` as the draw reads it: each expert with the declarations in force now."""
    current = ExpertRelation.objects.filter(withdrawn_at__isnull=True).select_related("org")
    return (
        Expert.objects.filter(pool_owner=org)
        .select_related("employer")
        .prefetch_related(Prefetch("relations", queryset=current, to_attr="current_relations"))
    )


# --- cleaning -----------------------------------------------------------------------------------------------------


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


def org_by_uscc(code: str) -> Org | None:
    return Org.objects.filter(uscc=code).first() if code else None


def expert_account(
    username: str, errors: dict[str, list[str]], *, expert: Expert | None = None
) -> User | None:
    """The account to link to an expert: an existing, active account holding the expert role
    (`expert.review`; the security administrator creates it), not linked to another expert."""
    username = (username or "").strip()
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        errors["username"] = [f"账户“{username}”不存在或已停用；专家账户由安全管理员创建"]
        return None
    if not scope_for(user, "expert.review").granted:
        errors["username"] = [f"账户“{username}”没有“评审专家”角色，请先由安全管理员分配"]
        return None
    others = Expert.objects.filter(user=user)
    linked = (others.exclude(pk=expert.pk) if expert is not None else others).first()
    if linked is not None:
        errors["username"] = [f"账户“{username}”已关联专家“{linked.name}”"]
        return None
    return user


def clean_expert(data: Mapping[str, Any], *, expert: Expert | None = None) -> tuple[dict[str, Any], dict]:
    """The expert's own data as stored, from `data` (only the keys given when `expert` is updated):
    (values, field errors in Chinese). One cleaning for the form, the API and each import row."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    new = expert is None

    def given(key: str) -> bool:
        return new or key in data

    if given("name"):
        out["name"] = collect(
            errors, "name", clean_text, data.get("name"), max_length=64, required=True, label="专家姓名"
        )
    if given("employer_uscc") or given("employer_name") or "employer" in data:
        employer = data.get("employer") if isinstance(data.get("employer"), Org) else None
        code = str(data.get("employer_uscc") or "").strip()
        if code and employer is None:
            try:
                code = validate_uscc(code, field="employer_uscc")
                employer = org_by_uscc(code)
            except InvalidInput as exc:
                errors["employer_uscc"] = [exc.message]
        name = collect(
            errors, "employer_name", clean_text, data.get("employer_name"), max_length=200, label="工作单位"
        )
        if not name and expert is not None and "employer_name" not in data:
            name = expert.employer_name  # a new credit code alone keeps the name on record
        name = name or (employer.name if employer else "")
        if employer is None and name:
            # a unit on the platform under exactly this name is the same unit (recusal by org id too)
            same = list(Org.objects.filter(name=name).values_list("pk", flat=True)[:2])
            employer = Org.objects.get(pk=same[0]) if len(same) == 1 else None
        if not name and "employer_name" not in errors:
            errors["employer_name"] = ["请填写工作单位"]
        out["employer_name"], out["employer"] = name or "", employer
    if given("title"):
        out["title"] = (
            collect(errors, "title", clean_text, data.get("title"), max_length=64, label="职称") or ""
        )
    if given("fields"):
        codes = expert_rules.split_codes(data.get("fields"))
        if not codes:
            errors["fields"] = ["请至少填写一个专业领域（职业编码）"]
        elif bad := rules.validate_fields(codes):
            errors["fields"] = [
                f"职业编码“{c}”格式不正确，应为 2-02-38-01 形式（也可填写 2-02-38 表示整个小类）" for c in bad
            ]
        out["fields"] = codes
    if given("specialty"):
        out["specialty"] = (
            collect(errors, "specialty", clean_text, data.get("specialty"), max_length=200, label="专业方向")
            or ""
        )
    if given("phone"):
        out["phone"] = collect(errors, "phone", mobile_phone, data.get("phone")) or ""
    if given("email"):
        email = (
            collect(errors, "email", clean_text, data.get("email"), max_length=254, label="电子邮箱") or ""
        )
        if email and not expert_rules.EMAIL.fullmatch(email):
            errors["email"] = ["电子邮箱格式不正确，应为 name@example.com 形式"]
        out["email"] = email
    if given("region_code"):
        code = str(data.get("region_code") or "").strip()
        out["region"] = Region.objects.filter(pk=code).first() if code else None
        if code and out["region"] is None:
            errors["region_code"] = [f"行政区划代码 {code} 不存在"]
    if given("username"):
        out["user"] = expert_account(str(data.get("username") or ""), errors, expert=expert)
    if new:
        out["conflict_usccs"] = clean_usccs(
            expert_rules.split_codes(data.get("conflict_usccs")), "conflict_usccs", errors
        )
    return out, errors


def snapshot(expert: Expert) -> dict[str, Any]:
    return {
        "name": expert.name,
        "employer": expert.employer_id,
        "employer_name": expert.employer_name,
        "title": expert.title,
        "fields": list(expert.fields or []),
        "specialty": expert.specialty,
        "email": expert.email,
        "region": expert.region_id,
        "user": expert.user_id,
        "active": expert.active,
    }


# --- the pool -----------------------------------------------------------------------------------------------------


def expert_create(*, actor, user: User | None = None, **data: Any) -> Expert:
    """Add an expert to the actor's organisation's pool (SEL-8): name, employer (its credit code links
    a unit on the platform), title, fields (occupation codes), specialty, contact, optionally the
    expert's account (`username`, or `user`) and the units the expert must not review
    (`conflict_usccs`, declared as "other" relations; the expert keeps them current)."""
    owner = pool_org(actor)
    if user is not None:
        data["username"] = user.username
    values, errors = clean_expert(data)
    if errors:
        raise InvalidInput("专家信息有误", fields=errors)
    with transaction.atomic():
        return create_in_pool(actor, owner, values)


def create_in_pool(actor, owner: Org, values: dict[str, Any], *, import_id: int | None = None) -> Expert:
    """Store one cleaned expert (clean_expert) in `owner`'s pool with its declared units, audited; inside
    the caller's transaction (expert_create, the import)."""
    values = dict(values)
    usccs = values.pop("conflict_usccs", [])
    expert = Expert.objects.create(pool_owner=owner, **values)
    for code in usccs:
        org = org_by_uscc(code)
        ExpertRelation.objects.create(
            expert=expert, kind=ExpertRelation.Kind.OTHER, org=org, uscc=code,
            unit_name=org.name if org else "", declared_by=actor,
        )  # fmt: skip
    after = {**snapshot(expert), "pool_owner": owner.pk, "conflict_usccs": usccs, "phone": bool(expert.phone)}
    if import_id is not None:
        after["import"] = import_id
    audit_record(actor, "expert.created", expert, after=after, region_code=owner.region_id or None)
    return expert


def expert_update(*, actor, expert: Expert, data: Mapping[str, Any]) -> Expert:
    """Change what is given of the expert's data (the pool's officials). The phone's change is audited
    as changed, never by value."""
    require_pool_official(actor, expert)
    values, errors = clean_expert(data, expert=expert)
    if errors:
        raise InvalidInput("专家信息有误", fields=errors)
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        before = snapshot(locked)
        phone_changed = "phone" in values and values["phone"] != locked.phone
        changed = [k for k, v in values.items() if getattr(locked, k) != v]
        if not changed:
            return locked
        for key in changed:
            setattr(locked, key, values[key])
        locked.save(update_fields=[*changed, "updated_at"])
        after = snapshot(locked)
        audit_record(
            actor,
            "expert.updated",
            locked,
            before={k: v for k, v in before.items() if after.get(k) != v},
            after={
                **{k: v for k, v in after.items() if before.get(k) != v},
                **({"phone": "已更改"} if phone_changed else {}),
            },
            region_code=locked.pool_owner.region_id or None,
        )
    return locked


def expert_disable(*, actor, expert: Expert, reason: str) -> Expert:
    """Take the expert out of the pool: never drawn again (rules.panels.eligible reads `active`), nor as
    a replacement; kept on record with the reason. Panels already drawn keep their members."""
    require_pool_official(actor, expert)
    reason = clean_reason(reason, label="停用原因", max_length=200)
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        if not locked.active:
            raise Conflict("该专家已停用", code="expert_disabled")
        locked.active, locked.disabled_reason = False, reason
        locked.save(update_fields=["active", "disabled_reason", "updated_at"])
        audit_record(
            actor, "expert.disabled", locked, before={"active": True}, after={"active": False}, reason=reason,
            region_code=locked.pool_owner.region_id or None,
        )  # fmt: skip
    return locked


def expert_enable(*, actor, expert: Expert, reason: str = "") -> Expert:
    """Put a disabled expert back in the pool: drawn again from the next draw on."""
    require_pool_official(actor, expert)
    reason = (reason or "").strip()[:200]
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        if locked.active:
            raise Conflict("该专家在库，无需恢复", code="expert_active")
        before = {"active": False, "disabled_reason": locked.disabled_reason}
        locked.active, locked.disabled_reason = True, ""
        locked.save(update_fields=["active", "disabled_reason", "updated_at"])
        audit_record(
            actor, "expert.enabled", locked, before=before, after={"active": True}, reason=reason,
            region_code=locked.pool_owner.region_id or None,
        )  # fmt: skip
    return locked


def expert_declarations_confirm(*, actor, expert: Expert) -> Expert:
    """The expert confirms that the declarations on record are complete and current (the date shows to
    the pool's officials)."""

    if not is_expert(actor, expert):
        raise NotFound()
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        before = locked.declarations_confirmed_at
        locked.declarations_confirmed_at = timezone.now()
        locked.save(update_fields=["declarations_confirmed_at", "updated_at"])
        audit_record(
            actor,
            "expert.declarations_confirmed",
            locked,
            before={"confirmed_at": before.isoformat() if before else None},
            after={
                "confirmed_at": locked.declarations_confirmed_at.isoformat(),
                "relations": len(current_relations(locked)),
            },
        )
    return locked
