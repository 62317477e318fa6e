"""Writes of examiner panels (EVL-6; seed 001 Art. 20): the institution draws a session's practical
panel (and its comprehensive-review panel where the level requires one, and a marking panel for
subjective theory items) of at least `examiner_panel_min` examiners at random with a recorded seed,
recusal and rotation (rules.panels); the draw's pool, exclusions with reasons and result are its
Decision, citing EVL-6 and the profile version, so anyone can recompute it from the seed
(`panel_reproduce`). A redraw with a reason keeps the old panel in history (`is_current`); the leader
can be changed with a reason while nobody has scored."""

from __future__ import annotations

import secrets
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.checks import Check
from peiyu.core.cleaning import clean_reason
from peiyu.core.errors import Conflict, InvalidInput, RuleViolation
from peiyu.core.identifiers import mask_name
from peiyu.core.models import Decision

from ..models import EvaluationSession, Examiner, ExaminerIntegrity, ExaminerRelation, Panel, PanelMember
from ..rules import panels as rules
from ..selectors.panels import (
    OPEN_SESSION,
    current_panel,
    previous_panel,
    session_candidates,
    session_day,
    session_policy,
)

MAX_SEED_LENGTH = 64
MAX_PANEL_SIZE = 30  # a sanity bound of the form, not a policy figure
MANAGE = "exam.manage"


def _clean_seed(seed: str | None) -> str:
    seed = (seed or "").strip()
    if not seed:
        return secrets.token_hex(16)
    if len(seed) > MAX_SEED_LENGTH or any(not c.isprintable() for c in seed):
        raise InvalidInput(
            "随机种子有误",
            fields={"seed": [f"随机种子最多 {MAX_SEED_LENGTH} 个字符，且不能含控制字符；留空则由系统生成"]},
        )
    return seed


def examiner_facts(institution_id: int) -> list[rules.ExaminerFacts]:
    """The facts of every examiner on the institution's register (disabled ones too, so the record shows
    why they were left out)."""
    examiners = list(Examiner.objects.filter(institution_id=institution_id).order_by("pk"))
    ids = [e.pk for e in examiners]
    relations: dict[int, list[ExaminerRelation]] = {}
    for r in ExaminerRelation.objects.filter(examiner_id__in=ids, ended_on__isnull=True).select_related(
        "org"
    ):
        relations.setdefault(r.examiner_id, []).append(r)
    bars: dict[int, list[Any]] = {}
    for examiner_id, until in ExaminerIntegrity.objects.filter(
        examiner_id__in=ids, kind=ExaminerIntegrity.Kind.BREACH, bars_until__isnull=False
    ).values_list("examiner_id", "bars_until"):
        bars.setdefault(examiner_id, []).append(until)
    out = []
    for e in examiners:
        rel = relations.get(e.pk, [])
        orgs = [r for r in rel if r.kind != ExaminerRelation.Kind.PERSONAL]
        out.append(
            rules.ExaminerFacts(
                id=e.pk,
                name=e.name,
                id_index=e.id_index,
                occupations=tuple(str(c) for c in e.occupations or []),
                licence_valid_until=e.licence_valid_until,
                active=e.is_active,
                barred_until=max(bars[e.pk]) if e.pk in bars else None,
                org_ids=frozenset(
                    [*(r.org_id for r in orgs if r.org_id), *([e.employer_id] if e.employer_id else [])]
                ),
                org_names=rules.normalised_names([*(r.org_name for r in orgs), e.employer_name]),
                person_indexes=frozenset(r.person_index for r in rel if r.person_index),
            )
        )
    return out


def candidate_facts(session: EvaluationSession) -> list[rules.CandidateFacts]:
    out = []
    for reg in session_candidates(session):
        orgs = [o for o in (reg.training_org, reg.employer) if o is not None]
        out.append(
            rules.CandidateFacts(
                label=f"{reg.ticket_number or reg.pk}（{mask_name(reg.person.name)}）",
                person_index=reg.person.id_index,
                org_ids=frozenset(o.pk for o in orgs),
                org_names=rules.normalised_names(o.name for o in orgs),
            )
        )
    return out


def _require_draw(actor: Any, session: EvaluationSession, kind: str) -> None:
    require(actor, MANAGE, org_id=session.institution_id)
    if kind not in Panel.Kind.values:
        raise InvalidInput("请选择考评组类型", fields={"kind": ["请选择考评组类型"]})
    if kind == Panel.Kind.REVIEW and not session.review_required:
        raise Conflict("本批次等级无须综合评审，不抽取综合评审组", code="review_not_required", rule="EVL-7")
    if not EvaluationSession.objects.filter(OPEN_SESSION, pk=session.pk).exists():
        raise Conflict(
            f"批次{session.get_status_display()}，不能抽取考评组（资格审核开始后至评分结束前可抽取）",
            code="session_not_open_for_panels",
        )


def _draw(
    actor: Any, session: EvaluationSession, kind: str, *, size: int | None, seed: str | None,
    leader_id: int | None, reason: str = "", replaces: Panel | None = None,
) -> Panel:  # fmt: skip
    policy = session_policy(session)
    minimum = int(policy["examiner_panel_min"])
    rotation = policy.get("examiner_rotation_min")
    size = minimum if size is None else size
    if isinstance(size, bool) or not isinstance(size, int) or not minimum <= size <= MAX_PANEL_SIZE:
        raise InvalidInput(
            f"考评组人数应为 {minimum} 至 {MAX_PANEL_SIZE} 名",
            fields={"size": [f"考评组不少于 {minimum} 名考评员（最多 {MAX_PANEL_SIZE} 名）"]},
            rule="EVL-6",
        )
    seed = _clean_seed(seed)
    candidates = candidate_facts(session)
    if not candidates:
        raise Conflict("本批次尚无审核通过的考生，不能抽取考评组（回避须对照考生）", code="no_candidates")
    day = session_day(session)
    examiners = examiner_facts(session.institution_id)
    eligible, excluded = rules.partition(examiners, occupation_code=session.occupation_code, on=day,
                                         candidates=candidates)  # fmt: skip
    prev = previous_panel(session, kind)
    prev_ids = sorted(prev.members.values_list("examiner_id", flat=True)) if prev is not None else []
    result = rules.draw_panel(eligible, seed, size=size, previous=prev_ids, rotation_min=rotation)
    check = rules.check_draw(result, size=size, minimum=minimum, rotation_min=rotation)
    if not result.ok:
        raise RuleViolation(
            check.message,
            code="too_few_examiners",
            rule="EVL-6",
            details={"shortfalls": result.shortfalls, "eligible": len(eligible), "excluded": excluded},
        )
    leader = result.members[0]
    if leader_id is not None:
        if leader_id not in result.members:
            raise InvalidInput(
                "考评组长须为抽中的考评员",
                fields={"leader": ["请从抽中的考评员中指定组长，或留空由首位抽中者担任"]},
            )
        leader = leader_id
    names = {e.id: e.name for e in examiners}
    facts = {
        "session": session.number,
        "kind": kind,
        "seed": seed,
        "algorithm": rules.ALGORITHM,
        "day": day.isoformat(),
        "pool": sorted(e.id for e in examiners),
        "eligible": eligible,
        "excluded": excluded,
        "previous_panel": None
        if prev is None
        else {"panel": prev.pk, "session": prev.session.number, "members": prev_ids},
        "order": result.order,
        "members": result.members,
        "leader": leader,
        "names": {str(k): v for k, v in names.items()},
        "replaces": replaces.pk if replaces is not None else None,
        "reason": reason,
    }
    draw_check = Check(
        "EVL-6", True, check.message, {**check.facts, **facts}, source=rules.SOURCE_EVL6, blocking=True
    )
    now = timezone.now()
    decision = Decision.record(
        "exams.panel", "", kind="examiner_panel_draw", outcome="drawn", checks=[draw_check], policy=policy,
        rules=("EVL-6",),
    )  # fmt: skip
    panel = Panel.objects.create(
        session=session, kind=kind, seed=seed, drawn_at=now, drawn_by=actor, decision=decision
    )
    decision.subject_id = str(panel.pk)
    decision.save(update_fields=["subject_id"])
    PanelMember.objects.bulk_create(
        PanelMember(
            panel=panel,
            examiner_id=i,
            role=PanelMember.Role.LEADER if i == leader else PanelMember.Role.MEMBER,
        )
        for i in result.members
    )
    audit_record(actor, "exam_panel.redrawn" if replaces else "exam_panel.drawn", panel, after={
        "session": session.number, "kind": kind, "seed": seed, "members": result.members, "leader": leader,
        "excluded": [e["examiner"] for e in excluded], "decision": decision.pk,
        "replaces": replaces.pk if replaces is not None else None,
    }, reason=reason)  # fmt: skip
    return panel


def panel_draw(
    *, actor: Any, session: EvaluationSession, kind: str, size: int | None = None, seed: str | None = None,
    leader_id: int | None = None,
) -> Panel:  # fmt: skip
    """Draw the session's panel of `kind` (practical, review, marking). Refused with what is missing (the
    pool's size or the rotation bound, and by how much) when the pool cannot satisfy the constraints,
    and when the session already has a current panel of that kind (redraw it with a reason instead)."""
    _require_draw(actor, session, kind)
    with transaction.atomic():
        locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
        if current_panel(locked, kind) is not None:
            raise Conflict("本批次已有该类考评组；如需更换，请填写原因后重新抽取", code="panel_exists")
        return _draw(actor, locked, kind, size=size, seed=seed, leader_id=leader_id)


def panel_redraw(
    *, actor: Any, panel: Panel, reason: str, size: int | None = None, seed: str | None = None,
    leader_id: int | None = None,
) -> Panel:  # fmt: skip
    """Draw the panel again (a member fell ill, a relation came to light): the old panel stays in the
    history, no longer current. Refused once anyone of the panel has scored."""
    session = panel.session
    _require_draw(actor, session, panel.kind)
    reason = clean_reason(reason, label="重新抽取原因", max_length=300)
    with transaction.atomic():
        EvaluationSession.objects.select_for_update().get(pk=session.pk)
        old = Panel.objects.select_for_update().get(pk=panel.pk)
        if not old.is_current:
            raise Conflict("该考评组已被重新抽取，请在当前考评组上操作", code="panel_not_current")
        if old.score_entries.exists():
            raise Conflict("考评组已有评分，不能重新抽取", code="panel_scored", rule="EVL-6")
        old.is_current = False
        old.save(update_fields=["is_current", "updated_at"])
        return _draw(
            actor, session, old.kind, size=size, seed=seed, leader_id=leader_id, reason=reason, replaces=old
        )


def panel_set_leader(*, actor: Any, panel: Panel, member_id: int, reason: str) -> Panel:
    """Name another member the panel leader (组长评分负责制), with a reason, before anyone has scored."""
    require(actor, MANAGE, org_id=panel.session.institution_id)
    reason = clean_reason(reason, label="更换组长原因", max_length=300)
    with transaction.atomic():
        locked = Panel.objects.select_for_update().get(pk=panel.pk)
        if not locked.is_current or locked.score_entries.exists():
            raise Conflict("考评组已有评分或已被重新抽取，不能更换组长", code="panel_locked")
        member = locked.members.filter(pk=member_id).first()
        if member is None:
            raise InvalidInput("请选择考评组成员", fields={"leader": ["请从考评组成员中选择组长"]})
        before = list(
            locked.members.filter(role=PanelMember.Role.LEADER).values_list("examiner_id", flat=True)
        )
        locked.members.update(role=PanelMember.Role.MEMBER)
        PanelMember.objects.filter(pk=member.pk).update(role=PanelMember.Role.LEADER)
        audit_record(actor, "exam_panel.leader_changed", locked, before={"leader": before},
                     after={"leader": member.examiner_id}, reason=reason)  # fmt: skip
    return locked


def panel_reproduce(panel: Panel) -> dict[str, Any]:
    """Recompute the draw from the stored seed, eligible ids and previous panel: whether it gives the
    stored members (anyone holding the decision's facts can do the same)."""
    facts: dict[str, Any] = {}
    for check in panel.decision.checks or []:
        if check.get("rule") == "EVL-6":
            facts = check.get("facts") or {}
    rotation = Fraction(facts["rotation_min"]) if facts.get("rotation_min") else None
    prev = (facts.get("previous_panel") or {}).get("members") or []
    result = rules.draw_panel(facts.get("eligible") or [], panel.seed, size=len(facts.get("members") or []),
                              previous=prev, rotation_min=rotation)  # fmt: skip
    stored = sorted(panel.members.values_list("examiner_id", flat=True))
    return {
        "algorithm": facts.get("algorithm", rules.ALGORITHM),
        "eligible": facts.get("eligible") or [],
        "order": result.order,
        "recomputed": result.members,
        "stored": facts.get("members") or [],
        "matches": sorted(result.members) == stored and result.members == (facts.get("members") or []),
    }
