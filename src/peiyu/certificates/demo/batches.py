"""Demo data of the issuance pipeline (CRT-3; issue 14 point 11): certificate data made from the exams
demo's finalised sessions (their frozen passing lists), taken through the services by the demo's own
actors to different states of their routes.

- Skill route (Chengdu, 成都市数字技能评价服务中心): the first finalised session's certificates issued by
  the filed organisation (numbered from its unified filing code, signed), waiting to be reported to
  the city; a second finalised one left as data to issue.
- DTE route (Hubei): each finalised DTE session in turn — submitted to the province; confirmed with one
  candidate returned; forwarded to the coordination group office; returned by the office with a reason;
  approved with one candidate returned (a supplementary batch made); issued.

Idempotent: a session that already has a batch is skipped."""

from __future__ import annotations

from typing import Any

from peiyu.accounts.models import Org, User

from ..models import BatchEntry, IssuanceBatch
from ..services import batches as svc
from ..services import batches_review as review
from ..services.batches_issue import batch_issue

REPORT = (
    "本批考核按计划组织，理论知识考试为上机考试，技能操作考核由考评组现场评分；考场视频完整，无违纪情况。"
)
DTE_STATES = ("issued", "submitted", "confirmed", "forwarded", "returned", "approved")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _sessions(programme: str) -> list[Any]:
    from peiyu.exams.models import EvaluationSession

    done = IssuanceBatch.objects.values_list("session_id", flat=True)
    return list(
        EvaluationSession.objects.filter(programme=programme, status="certificates")
        .exclude(pk__in=done)
        .select_related("institution")
        .order_by("pk")
    )


def _issuer(session: Any) -> User | None:
    """A user of the session's institution who issues certificates (the demo's administrators)."""
    from peiyu.accounts.models import RoleAssignment

    for a in (
        RoleAssignment.objects.current()
        .filter(org_id=session.institution_id)
        .select_related("user", "role")
        .order_by("pk")
    ):
        if "certificate.issue" in (a.role.capabilities or []) and a.user.is_active:
            user: User = a.user
            return user
    return None


def build_batches(orgs: dict[str, Org], users: dict[str, User]) -> None:
    for i, session in enumerate(_sessions("skill")):
        actor = _issuer(session)
        if actor is None:
            continue
        batch = svc.batch_create(actor=actor, session_id=session.pk)
        if i == 0:
            batch_issue(actor=actor, batch=batch)
    province, office = (
        users.get("hb_official") or _user("hb_official"),
        users.get("cg_official") or _user("cg_official"),
    )
    if province is None or office is None:
        return
    for i, session in enumerate(_sessions("dte")):
        actor = _issuer(session)
        if actor is not None:
            _dte(svc.batch_create(actor=actor, session_id=session.pk), DTE_STATES[i % len(DTE_STATES)], actor,
                 province, office)  # fmt: skip


def _dte(batch: IssuanceBatch, to: str, actor: User, province: User, office: User) -> None:
    """Take a DTE batch along its route to `to`."""
    entries = list(BatchEntry.objects.filter(batch=batch).order_by("pk"))
    partial = len(entries) > 1
    svc.batch_submit(actor=actor, batch=batch, exam_report=REPORT)
    if to == "submitted":
        return
    returns = (
        {entries[-1].pk: "身份证件复印件与报名信息不一致，请核实后另行报送。"}
        if partial and to == "confirmed"
        else None
    )
    review.batch_confirm(actor=province, batch=batch, returns=returns)
    if to == "confirmed":
        return
    review.batch_forward(actor=province, batch=batch)
    if to == "forwarded":
        return
    if to == "returned":
        review.batch_return(
            actor=office, batch=batch, reason="考核情况报告未附考评人员名单，请补充后重新报送。"
        )
        return
    returns = (
        {entries[0].pk: "技能操作评分记录缺少考评员签字，请补正。"} if partial and to == "approved" else None
    )
    review.batch_approve(actor=office, batch=batch, returns=returns)
    if to == "approved":
        if returns:
            svc.batch_supplement(actor=actor, batch=batch)
        return
    batch_issue(actor=actor, batch=batch)
