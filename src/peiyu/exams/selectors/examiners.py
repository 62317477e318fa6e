"""Reads of the examiner registry (EVL-3): the institution sees its own examiners (exam.manage), the
bureaus those of institutions in their region (exam.supervise); an examiner with an account sees her own
record; anyone else gets 404. Personal data is masked by role (accounts.masking)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from peiyu.accounts.masking import OWN, Disclosure, personal_view
from peiyu.accounts.models import Org
from peiyu.accounts.scoping import scope_for
from peiyu.core.errors import NotFound, PermissionDenied
from peiyu.core.lookups import one_or_404

from ..models import Examiner, ExaminerIntegrity, ExaminerRelation
from ..rules import examiners as rules

MANAGE = "exam.manage"
SUPERVISE = "exam.supervise"
MARK = "exam.mark"


def _scope_q(actor: Any) -> Q:
    manage = scope_for(actor, MANAGE).q(org="institution_id")
    supervise = scope_for(actor, SUPERVISE).q(region="institution__region_id")
    return manage | supervise


def examiners_visible_to(actor: Any) -> QuerySet[Examiner]:
    if not (scope_for(actor, MANAGE).granted or scope_for(actor, SUPERVISE).granted):
        raise PermissionDenied("您没有查看考评员的权限", code="permission_denied")
    return Examiner.objects.filter(_scope_q(actor)).select_related("institution", "user")


def examiner_get_for(actor: Any, examiner_id: object) -> Examiner:
    """An examiner of the actor's institution or region, or her own record; otherwise 404."""
    qs = Examiner.objects.select_related("institution", "user", "employer")
    mine = (
        Q(user_id=getattr(actor, "pk", None)) if getattr(actor, "is_authenticated", False) else Q(pk__in=[])
    )
    return one_or_404(qs.filter(_scope_q(actor) | mine), pk=examiner_id)


def may_manage(actor: Any, examiner: Examiner) -> bool:
    return examiner.institution_id in scope_for(actor, MANAGE).org_ids


def own_examiner(actor: Any) -> Examiner:
    """The examiner record linked to the actor's account (404 when there is none)."""
    if not getattr(actor, "is_authenticated", False):
        raise NotFound()
    found = Examiner.objects.filter(user=actor).select_related("institution").first()
    if found is None:
        raise NotFound("您的账户尚未关联考评员档案，请联系所属评价机构的考务负责人", code="examiner_unlinked")
    return found


def has_examiner_record(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and Examiner.objects.filter(user=actor).exists()


def managed_institution(actor: Any, org_id: int | None = None) -> Org:
    """The institution whose examiners the actor manages: the one named (in scope) or her only one."""
    scope = scope_for(actor, MANAGE)
    if not scope.granted:
        raise PermissionDenied("您没有管理考评员的权限", code="permission_denied")
    ids = sorted(scope.org_ids)
    if org_id is not None:
        if org_id not in ids:
            raise NotFound()
        ids = [org_id]
    if not ids:
        raise PermissionDenied("只有评价机构可以管理考评员", code="permission_denied")
    return Org.objects.get(pk=ids[0])


def disclosure(actor: Any, examiner: Examiner, *, what: str) -> Disclosure:
    """How the actor sees the examiner's ID number and phone: her own in full, the institution's staff
    and the region's officials holding the capability in full (audited), everyone else masked."""
    if examiner.user_id is not None and examiner.user_id == getattr(actor, "pk", None):
        return OWN
    return personal_view(
        actor, examiner, what=what, region_code=examiner.institution.region_id, org_id=examiner.institution_id
    )


def relations_of(examiner: Examiner, *, current: bool = True) -> QuerySet[ExaminerRelation]:
    qs = examiner.relations.select_related("org")
    return qs.filter(ended_on__isnull=True) if current else qs.filter(ended_on__isnull=False)


def relation_get_for(examiner: Examiner, relation_id: object) -> ExaminerRelation:
    return one_or_404(examiner.relations.all(), pk=relation_id)


def barred_until(examiner: Examiner) -> dt.date | None:
    return rules.latest_bar(
        examiner.integrity.filter(kind=ExaminerIntegrity.Kind.BREACH).values_list("bars_until", flat=True)
    )


def manages_examiners(actor: Any) -> bool:
    """Whether the actor keeps an institution's examiner register (the add and import forms)."""
    return bool(scope_for(actor, MANAGE).org_ids)
