"""The experts' confidential scores and votes (SEL-8): one per member and application while the panel
is open; the first score confirms the member's place on the panel."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.cleaning import clean_text, collect
from peiyu.core.errors import (
    InvalidInput,
    InvalidTransition,
    NotFound,
)

from ..flows import PANEL_MEMBER_FLOW
from ..models import Application, ExpertScore, Panel, PanelMember

M = PanelMember.Status
MAX_COMMENT_LENGTH = 2000


def _clean_score(score: Any, vote: Any, comment: Any) -> tuple[Decimal, str, str]:
    errors: dict[str, list[str]] = {}
    value: Decimal | None = None
    try:
        value = Decimal(str(score).strip()) if score is not None and str(score).strip() != "" else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        errors["score"] = ["请填写评分（0–100 之间的数字）"]
    elif not Decimal(0) <= value <= Decimal(100):
        errors["score"] = ["评分须在 0–100 之间"]
    elif value != value.quantize(Decimal("0.1")):
        errors["score"] = ["评分最多保留一位小数"]
    if vote not in ExpertScore.Vote.values:
        errors["vote"] = ["请选择投票意见：推荐、不推荐或弃权"]
    comment = (
        collect(errors, "comment", clean_text, comment, max_length=MAX_COMMENT_LENGTH, multiline=True) or ""
    )
    if errors:
        raise InvalidInput("评分未保存：" + "；".join(m for ms in errors.values() for m in ms), fields=errors)
    assert value is not None
    return value.quantize(Decimal("0.1")), vote, comment


def score_submit(
    *, actor, panel: Panel, application: Application, score, vote: str, comment: str = ""
) -> ExpertScore:
    """An expert's score (0–100) and vote on one application of their open panel. One per member and
    application; submitting again while the panel is open replaces it. Confidential (SEL-8)."""
    require(actor, "expert.review")
    with transaction.atomic():
        panel = Panel.objects.select_for_update().get(pk=panel.pk)
        member = (
            PanelMember.objects.filter(panel=panel, expert__user=actor)
            .exclude(status=M.DECLINED)
            .select_related("expert")
            .first()
        )
        if member is None or not panel.applications.filter(pk=application.pk).exists():
            raise NotFound()
        if panel.status != Panel.Status.OPEN:
            raise InvalidTransition("专家组评议已结束，不能再提交或修改评分", code="panel_closed")
        value, vote, comment = _clean_score(score, vote, comment)
        existing = ExpertScore.objects.filter(member=member, application=application).first()
        before = {"score": existing.score, "vote": existing.vote} if existing else None
        if existing:
            existing.score, existing.vote, existing.comment = value, vote, comment
            existing.submitted_at = timezone.now()
            existing.save(update_fields=["score", "vote", "comment", "submitted_at"])
            result = existing
        else:
            result = ExpertScore.objects.create(
                member=member, application=application, score=value, vote=vote, comment=comment
            )
        if member.status == M.INVITED:
            PANEL_MEMBER_FLOW.transition(member, M.ACCEPTED, actor=actor, reason="提交评分即确认参加")
        audit_record(
            actor,
            "panel.score_submitted",
            result,
            before=before,
            after={"panel": panel.pk, "application": application.number, "score": value, "vote": vote},
            region_code=panel.region_code,
        )
    return result
