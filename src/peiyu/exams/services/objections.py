"""Objections to a score notice and re-marking (EVL-5, EVL-7; seed 001 Art. 19 and 21).

Anyone may object while the notice runs (no account): the candidate concerned chosen from the list, a
name, a mobile phone (stored encrypted) and the facts; the answer is a tracking number. Submissions are
rate-limited per address and per phone (`PEIYU_SCORE_OBJECTIONS_PER_HOUR`). The objector follows the
outcome with the tracking number and the phone given — one answer for every failure.

The institution (exam.manage) accepts an objection for re-marking or dismisses it, each with reasons (a
stored decision); it answers within the profile's `score_notice_working_days` working days after the day
of filing (`due_on`, on its to-do list — the notice period's own length, ADR 0011). An accepted objection
is settled by the re-marking: the institution or the leader of the candidate's panel for that part
records the new score with a note (a Remark with the score and the result before and after, and a
Decision); the candidate's result is recomputed with EVL-7."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from peiyu.accounts.scoping import scope_for
from peiyu.accounts.services.access import require
from peiyu.core.cache import counted_over_limit
from peiyu.core.cleaning import clean_reason, clean_text, collect, mobile_phone, raise_collected
from peiyu.core.crypto import constant_time_equals
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peiyu.core.models import Decision
from peiyu.core.numbering import reference_number
from peiyu.institutions.services.notices import period_end

from ..flows import SCORE_OBJECTION_FLOW
from ..models import Panel, PanelMember, Registration, Remark, ScoreNotice, ScoreObjection
from ..rules import notices as rules
from .notices import score_policy
from .notices_results import result_recompute

O = ScoreObjection.Status  # noqa: E741
NAME_MAX = 64
CONTENT_MIN, CONTENT_MAX = 10, 2000
NOTE_MAX = 1000
THROTTLED = "提交过于频繁，请一小时后再试"
NOT_FOUND = "未找到该受理编号，或联系电话不一致"
PARTS = {"theory": "理论知识", "practical": "技能操作", "review": "综合评审"}
SCORE_FIELDS = {"theory": "theory_score", "practical": "practical_score", "review": "review_score"}
SUBJECT = "exams.scoreobjection"


def _throttled(*keys: str) -> bool:
    """Count one submission against each key (an hour's window); True when any is over the limit."""
    limit = int(getattr(settings, "PEIYU_SCORE_OBJECTIONS_PER_HOUR", 5))
    return counted_over_limit("peiyu:score_objection", keys, limit=limit, ttl=3600)


def objection_submit(
    *, notice: ScoreNotice, registration_id: object, name: str, phone: str, content: str, address: str = ""
) -> ScoreObjection:
    """File an objection while the notice runs; returns it with its tracking number."""
    errors: dict[str, list[str]] = {}
    name = collect(errors, "name", clean_text, name, max_length=NAME_MAX, required=True, label="姓名") or ""
    phone = collect(errors, "phone", mobile_phone, phone, required=True) or ""
    text = collect(errors, "content", clean_text, content, max_length=CONTENT_MAX, multiline=True) or ""
    if "content" not in errors and len(text) < CONTENT_MIN:
        errors["content"] = [f"请写明异议的事实和理由（不少于{CONTENT_MIN}字）"]
    if not str(registration_id or "").strip():
        errors["registration"] = ["请选择异议涉及的考生"]
    raise_collected(errors, "异议信息不完整，请按提示修改")
    if _throttled("ip:" + address, "phone:" + phone):
        raise InvalidInput(THROTTLED, code="throttled", fields={"form": [THROTTLED]})
    today = timezone.localdate()
    with transaction.atomic():
        locked = ScoreNotice.objects.select_for_update().select_related("session").get(pk=notice.pk)
        if locked.status != ScoreNotice.Status.PUBLISHED or not (locked.starts_on <= today <= locked.ends_on):
            raise Conflict("成绩公示期已结束，不再受理异议", code="notice_closed", rule=rules.RULE)
        try:
            reg = Registration.objects.get(
                pk=int(str(registration_id)), session=locked.session, released_at__isnull=False
            )
        except (Registration.DoesNotExist, ValueError) as exc:
            raise InvalidInput(
                "请选择公示名单中的考生", fields={"registration": ["请选择公示名单中的考生"]}
            ) from exc
        days = int(score_policy(locked.session, today)["score_notice_working_days"])
        objection = ScoreObjection.objects.create(
            notice=locked,
            registration=reg,
            tracking_number=reference_number("CJYY", ScoreObjection, "tracking_number"),
            submitter_name=name,
            submitter_phone=phone,
            content=text,
            due_on=period_end(today, days, counts_publication_day=False),
        )
        SCORE_OBJECTION_FLOW.created(
            objection, actor=None, after={"notice": locked.number, "registration": reg.pk}
        )
    return objection


def objection_lookup(*, tracking_number: str, phone: str) -> ScoreObjection:
    """The objector's view: the tracking number and the phone given (one answer for both failures, and
    a constant-time comparison, so a guesser learns nothing)."""
    number = (tracking_number or "").strip().upper()
    given = "".join((phone or "").split())
    found = (
        ScoreObjection.objects.select_related("notice", "notice__session")
        .filter(tracking_number=number)
        .first()
        if number
        else None
    )
    if found is None or not given or not constant_time_equals(found.submitter_phone or "", given):
        raise NotFound(NOT_FOUND)
    return found


def _locked(objection: ScoreObjection) -> ScoreObjection:
    return (
        ScoreObjection.objects.select_for_update(of=("self",))
        .select_related("notice", "notice__session", "registration")
        .get(pk=objection.pk)
    )


def objection_decide(*, actor: Any, objection: ScoreObjection, accept: bool, reason: str) -> ScoreObjection:
    """Accept for re-marking, or dismiss — each with the reasons, a stored decision."""
    reason = clean_reason(reason, label="处理意见", field="reason")
    with transaction.atomic():
        obj = _locked(objection)
        session = obj.notice.session
        require(actor, "exam.manage", org_id=session.institution_id)
        if obj.status != O.OPEN:
            raise Conflict("该异议已处理", code="objection_decided", rule=rules.RULE)
        check = rules.objection_decided(tracking_number=obj.tracking_number, accepted=accept, reason=reason)
        decision = Decision.record(
            SUBJECT,
            obj.pk,
            kind="score_objection",
            outcome="accepted" if accept else "dismissed",
            checks=[check],
            policy=score_policy(session),
        )
        SCORE_OBJECTION_FLOW.transition(
            obj,
            O.ACCEPTED if accept else O.DISMISSED,
            actor=actor,
            reason=reason,
            changes={"handled_by": actor, "resolution": reason, "decision": decision},
            locked=True,
        )
    return obj


def _clean_score(value: object) -> Decimal:
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput("请填写复核成绩", fields={"score": ["请填写 0 至 100 之间的分数"]}) from exc
    if not score.is_finite() or score < 0 or score > 100 or score != score.quantize(Decimal("0.1")):
        raise InvalidInput(
            "复核成绩应在 0 至 100 分之间，最多一位小数",
            fields={"score": ["请填写 0 至 100 之间的分数，最多一位小数"]},
        )
    return score


def may_remark(actor: Any, registration: Registration, part: str) -> bool:
    """The institution, or the leader of the session's current panel for that part (EVL-6: the panel
    leader answers for the panel's scores)."""
    session = registration.session
    if session.institution_id in scope_for(actor, "exam.manage").org_ids:
        return True
    if part not in (Panel.Kind.PRACTICAL, Panel.Kind.REVIEW) or not getattr(actor, "pk", None):
        return False
    return PanelMember.objects.filter(
        panel__session=session,
        panel__kind=part,
        panel__is_current=True,
        role=PanelMember.Role.LEADER,
        examiner__user_id=actor.pk,
    ).exists()


def objection_remark(*, actor: Any, objection: ScoreObjection, part: str, score: object, note: str) -> Remark:
    """Record the re-marking of an accepted objection: the new score of one part with a note, the
    candidate's result recomputed (EVL-7); the objection is settled (resolved)."""
    errors: dict[str, list[str]] = {}
    if part not in PARTS:
        errors["part"] = ["请选择复核科目"]
    note = collect(errors, "note", clean_reason, note, label="复核说明", max_length=NOTE_MAX) or ""
    raise_collected(errors, "复核信息不完整，请按提示修改")
    new = _clean_score(score)
    with transaction.atomic():
        obj = _locked(objection)
        if obj.registration_id is None:
            raise Conflict("该异议未指明考生，无法复核", code="objection_without_candidate", rule=rules.RULE)
        reg = Registration.objects.select_for_update().select_related("session").get(pk=obj.registration_id)
        if not may_remark(actor, reg, part):
            if not scope_for(actor, "exam.manage").granted and not scope_for(actor, "exam.mark").granted:
                raise PermissionDenied("您没有执行此操作的权限", code="permission_denied")
            raise NotFound()
        if obj.status != O.ACCEPTED:
            raise Conflict(
                "只有已受理复核的异议可以录入复核成绩", code="objection_not_accepted", rule=rules.RULE
            )
        if part == "theory" and reg.theory_exempt:
            raise InvalidInput(
                "该考生免考理论知识，无理论成绩可复核", fields={"part": ["该考生免考理论知识"]}
            )
        field = SCORE_FIELDS[part]
        before: Decimal | None = getattr(reg, field)
        result_before = str(reg.result)
        setattr(reg, field, new)
        reg.save(update_fields=[field, "updated_at"])
        result_after = result_recompute(
            actor=actor, registration=reg, reason=f"成绩异议 {obj.tracking_number} 复核"
        )
        check = rules.remark_recorded(
            part=PARTS[part],
            before=None if before is None else str(before),
            after=str(new),
            result_before=result_before,
            result_after=result_after,
            note=note,
        )
        decision = Decision.record(
            "exams.registration",
            reg.pk,
            kind="score_remark",
            outcome="changed" if result_before != result_after else "kept",
            checks=[check],
            policy=score_policy(reg.session),
            rules=["EVL-7"],
        )
        remark = Remark.objects.create(
            objection=obj,
            registration=reg,
            part=part,
            before=before,
            after=new,
            result_before=result_before,
            result_after=result_after,
            note=note,
            remarked_by=actor,
            remarked_at=timezone.now(),
            decision=decision,
        )
        SCORE_OBJECTION_FLOW.transition(
            obj,
            O.RESOLVED,
            actor=actor,
            reason=check.message,
            changes={"resolution": f"{obj.resolution}\n复核：{check.message}。{note}"},
            locked=True,
            audit_extra={"remark": remark.pk, "before": check.facts["before"], "after": str(new)},
        )
    return remark


def _accept(*, actor: Any, objection: ScoreObjection, reason: str = "", **_: Any) -> Any:
    return objection_decide(actor=actor, objection=objection, accept=True, reason=reason)


def _dismiss(*, actor: Any, objection: ScoreObjection, reason: str = "", **_: Any) -> Any:
    return objection_decide(actor=actor, objection=objection, accept=False, reason=reason)


OBJECTION_ACTIONS = {"accept": _accept, "dismiss": _dismiss}
