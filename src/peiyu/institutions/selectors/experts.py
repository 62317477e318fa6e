"""Who acts on the expert pool (SEL-8, 000 Art. 7(3)): the officials of the pool owner (the body whose
route holds the expert-review step) and the experts themselves (capability `expert.review`); and the
pool's reads, scoped: a pool is seen by its own officials only (another body's officials get NotFound
for its experts), an expert sees their own record and declarations. Read by the services
(services.experts, services.panels) and by the allowed actions (selectors.actions)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from peiyu.accounts.models import Org
from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import NotFound, PermissionDenied
from peiyu.core.lookups import one_or_404

from ..models import Expert, ExpertImport, ExpertRelation
from ..rules import panels as rules


def pool_org(actor) -> Org:
    """The actor's organisation, if the actor is an official of a body that keeps an expert pool."""
    org = getattr(actor, "primary_org", None)
    if org is not None:
        for cap in rules.POOL_CAPABILITIES:
            scope = scope_for(actor, cap)
            if scope.granted and (scope.national or (org.region_id and scope.covers_region(org.region_id))):
                return org
    raise PermissionDenied("只有专家库管理单位的工作人员可以管理专家库和专家组", code="not_pool_manager")


def is_pool_official(actor, org_id: int | None) -> bool:
    try:
        return pool_org(actor).pk == org_id
    except PermissionDenied:
        return False


def is_expert(actor, expert: Expert) -> bool:
    return (
        expert.user_id is not None
        and getattr(actor, "pk", None) == expert.user_id
        and scope_for(actor, "expert.review").granted
    )


# --- the pool, as its officials see it ---------------------------------------------------------------------


def experts_visible_to(actor) -> QuerySet[Expert]:
    """The experts of the actor's organisation's pool (its officials only; nobody else sees a pool)."""
    try:
        owner = pool_org(actor)
    except PermissionDenied:
        return Expert.objects.none()
    current = ExpertRelation.objects.filter(withdrawn_at__isnull=True).select_related("org")
    return (
        Expert.objects.filter(pool_owner=owner)
        .select_related("employer", "region", "user", "pool_owner")
        .prefetch_related(Prefetch("relations", queryset=current, to_attr="current_relations"))
        .order_by("-active", "name", "id")
    )


def experts_filtered(actor, *, q: str = "", status: str = "", field: str = "") -> QuerySet[Expert]:
    """The pool searched by name, employer, title or specialty (`q`), in or out of the pool (`status`:
    "active" / "disabled"), and by occupation code or group (`field`)."""
    qs = experts_visible_to(actor)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(employer_name__icontains=q)
            | Q(title__icontains=q)
            | Q(specialty__icontains=q)
        )
    if status == "active":
        qs = qs.filter(active=True)
    elif status == "disabled":
        qs = qs.filter(active=False)
    field = (field or "").strip()[:32]
    if field:
        # an expert of the group (2-02-38-01 when 2-02-38 is asked) or whose field covers the code asked
        # (2-02-38 when 2-02-38-01 is asked); fields is a short JSON list, checked here after a text
        # match on the group's first part narrows the rows in the database
        ids = [
            pk
            for pk, codes in qs.filter(fields__icontains=field.split("-")[0]).values_list("pk", "fields")
            if rules.field_covers(codes or [], field)
            or any(str(c).startswith(field + "-") for c in codes or [])
        ]
        qs = qs.filter(pk__in=ids)
    return qs


def expert_get_for(actor, pk) -> Expert:
    return one_or_404(experts_visible_to(actor), pk=pk)


def relations_of(expert: Expert, *, current: bool | None = None) -> QuerySet[ExpertRelation]:
    qs = ExpertRelation.objects.filter(expert=expert).select_related("org", "declared_by", "withdrawn_by")
    if current is True:
        qs = qs.filter(withdrawn_at__isnull=True)
    elif current is False:
        qs = qs.filter(withdrawn_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def relation_get_for(actor, expert: Expert, pk) -> ExpertRelation:
    """A relation of `expert`, for the expert or the pool's officials (the caller has scoped `expert`)."""
    return one_or_404(relations_of(expert), pk=pk)


def imports_visible_to(actor) -> QuerySet[ExpertImport]:
    try:
        owner = pool_org(actor)
    except PermissionDenied:
        return ExpertImport.objects.none()
    return ExpertImport.objects.filter(pool_owner=owner).select_related("created_by")


def expert_import_get_for(actor, pk) -> ExpertImport:
    return one_or_404(imports_visible_to(actor), pk=pk)


# --- the expert's own record ------------------------------------------------------------------------------


def own_expert(actor) -> Expert:
    """The expert record of the signed-in expert (capability `expert.review`); NotFound for anyone else."""
    if not getattr(actor, "pk", None) or not scope_for(actor, "expert.review").granted:
        raise NotFound()
    return one_or_404(Expert.objects.select_related("pool_owner", "employer"), user_id=actor.pk)


def has_expert_record(actor) -> bool:
    """Whether the signed-in user is an expert of a pool on record (an Expert linked to the account):
    the menu shows "我的回避申报" only then (an expert's account not yet linked gets no dead entry)."""
    if not getattr(actor, "pk", None):
        return False
    return Expert.objects.filter(user_id=actor.pk).exists()


def own_relations(actor) -> QuerySet[ExpertRelation]:
    """The relations in force that the signed-in expert declared (none for anyone who is not an expert)."""
    try:
        return relations_of(own_expert(actor), current=True)
    except NotFound:
        return ExpertRelation.objects.none()


def may_manage_pool(actor) -> bool:
    try:
        pool_org(actor)
    except PermissionDenied:
        return False
    return True
