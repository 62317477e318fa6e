"""Writes of the expert panels (SEL-8, each citing its programme's article: rules.panels.source):
recusing from the open panels an expert who declared a conflict (the declaration itself is
services.expert_declarations), the draw with recusal and a recorded seed, declines with reproducible
replacement, the reproduction check, and closing the panel so the review step can pass (services.review
reads the result as a reference). The pool and who may act are in services.experts, the scores in
services.scores."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.core.cleaning import clean_reason
from peiyu.core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    RuleViolation,
)

from ..flows import PANEL_FLOW, PANEL_MEMBER_FLOW
from ..models import Application, Expert, ExpertScore, Panel, PanelMember
from ..rules import panels as rules
from ..selectors.experts import is_expert, is_pool_official
from .experts import (
    alias_map,
    applicant_facts,
    expert_facts,
    pool,
    require_owner,
)
from .review import require_step

M = PanelMember.Status
MAX_PANEL_SIZE = 99  # a sanity bound of the form, not a policy figure
MAX_SEED_LENGTH = 64  # Panel.seed


def recuse_from_open_panels(actor, expert: Expert) -> None:
    """An expert who declared a relation leaves every open panel that reviews a unit it recuses them
    from; the next candidate of the recorded order replaces them (services.expert_declarations)."""
    aliases = alias_map()
    fresh = pool(expert.pool_owner).get(pk=expert.pk)
    facts = expert_facts(fresh, aliases)
    memberships = PanelMember.objects.filter(expert=expert, panel__status=Panel.Status.OPEN).exclude(
        status=M.DECLINED
    )
    for member in memberships.select_related("panel"):
        panel = Panel.objects.select_for_update().get(pk=member.panel_id)
        apps = list(panel.applications.select_related("institution").order_by("pk"))
        reasons = [r for a in applicant_facts(apps) for r in rules.recusal_reasons(facts, a)]
        if not reasons:
            continue
        reason = "申报回避：" + "；".join(reasons)
        replacement = _redraw(panel, member, apps, aliases, actor)
        PANEL_MEMBER_FLOW.transition(
            member,
            M.DECLINED,
            actor=actor,
            reason=reason,
            changes={"decline_reason": reason[:200]},
            audit_extra={
                "panel": panel.pk,
                "expert": expert.pk,
                "recused": True,
                "replacement": replacement.expert_id if replacement else None,
            },
        )


# --- the draw -------------------------------------------------------------------------------------------------------


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


def panel_draw(*, actor, applications: Sequence[Application], size: int, seed: str | None = None) -> Panel:
    """Draw a panel of `size` experts from the actor's organisation's pool for a batch of applications
    at the same expert-review step of the same call (SEL-8). Candidates: experts of the field, in the
    pool, with no recusal ground against any applicant of the batch; the seed (given, or generated), the
    algorithm, the sorted candidates and the recused experts with their reasons are stored, so the draw
    can be recomputed (`panel_reproduce`)."""
    ids = sorted({a.pk for a in applications or []})
    if not ids:
        raise InvalidInput("请选择要评议的申报", fields={"applications": ["请至少选择一个申报"]})
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_PANEL_SIZE:
        raise InvalidInput(
            "专家人数有误", fields={"size": [f"专家人数应为 1 至 {MAX_PANEL_SIZE} 之间的整数"]}
        )
    seed = _clean_seed(seed)
    with transaction.atomic():
        apps = list(
            Application.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("call", "institution")
            .order_by("pk")
        )
        if len(apps) != len(ids):
            raise NotFound()
        steps = {app.pk: require_step(actor, app, actions={"expert_review"}) for app in apps}
        if len({a.call_id for a in apps}) > 1 or len({s["step"] for s in steps.values()}) > 1:
            raise InvalidInput(
                "同一专家组只能评议同一申报通知、同一评议环节的申报",
                fields={"applications": ["所选申报不属于同一申报通知或不在同一环节"]},
                rule="SEL-8",
            )
        step = steps[apps[0].pk]
        busy = list(
            Panel.objects.filter(applications__in=apps, step=step["step"], status=Panel.Status.OPEN)
            .values_list("pk", "applications__number")
            .distinct()
        )
        busy = [(pk, number) for pk, number in busy if number in {a.number for a in apps}]
        if busy:
            raise Conflict(
                "以下申报已有评议中的专家组，请先结束评议："
                + "、".join(f"{n}（专家组 #{pk}）" for pk, n in busy),
                code="panel_open",
            )
        owner = actor.primary_org
        aliases = alias_map()
        applicants = applicant_facts(apps)
        experts = [expert_facts(e, aliases) for e in pool(owner)]
        candidates, excluded = rules.eligible(experts, applicants)
        if len(candidates) < size:
            codes = "、".join(sorted({f"{a.occupation_name}（{a.occupation_code}）" for a in apps}))
            raise RuleViolation(
                f"专家库中可抽取的专家不足：需要 {size} 名，相关领域（{codes}）在库且无需回避的专家仅 {len(candidates)} 名"
                f"（另有 {len(excluded)} 名因回避未列入）。请补充专家库，或按职业分批抽取。",
                code="too_few_experts",
                rule=rules.RULE,
                details={
                    "size": size,
                    "eligible": len(candidates),
                    "recused": len(excluded),
                    "source": rules.source(apps[0].call.programme),
                },
            )
        order = rules.shuffled(candidates, seed)
        chosen = order[:size]
        panel = Panel.objects.create(
            call=apps[0].call,
            step=step["step"],
            owner=owner,
            region_id=owner.region_id,
            size=size,
            seed=seed,
            algorithm=rules.ALGORITHM,
            candidates=candidates,
            excluded=[{**e, "stage": "draw"} for e in excluded],
            status=Panel.Status.OPEN,
            created_by=actor,
        )
        panel.applications.set(apps)
        members = PanelMember.objects.bulk_create(
            [
                PanelMember(panel=panel, expert_id=expert_id, position=i + 1)
                for i, expert_id in enumerate(chosen)
            ]
        )
        for member in members:
            PANEL_MEMBER_FLOW.created(
                member, actor=actor, after={"panel": panel.pk, "expert": member.expert_id}
            )
        PANEL_FLOW.created(
            panel,
            actor=actor,
            after={
                "call": apps[0].call.code,
                "step": step["step"],
                "applications": [a.number for a in apps],
                "size": size,
                "seed": seed,
                "algorithm": rules.ALGORITHM,
                "rule": rules.RULE,
                "source": rules.source(apps[0].call.programme),
                "candidates": candidates,
                "excluded": excluded,
                "members": chosen,
            },
            reason=f"{step['label']}：随机抽取专家组（SEL-8）",
        )
    return panel


def _redraw(
    panel: Panel, declined: PanelMember, apps: Sequence[Application], aliases: dict[str, str], actor
) -> PanelMember | None:
    """The replacement of a declined member: the next id of the recorded order not yet used. One that is
    no longer eligible (left the pool, or declared a conflict since) is recorded on the panel as skipped
    and passed over, so the replay stays exact."""
    order = rules.shuffled(panel.candidates, panel.seed)
    used = set(panel.members.values_list("expert_id", flat=True))
    used |= {e["expert"] for e in panel.excluded if e.get("stage") == "redraw"}
    applicants = applicant_facts(apps)
    codes = {a.occupation_code for a in applicants}
    skipped: list[dict[str, Any]] = []
    replacement = None
    while (nxt := rules.next_candidate(order, used)) is not None:
        used.add(nxt)
        expert = pool(panel.owner).filter(pk=nxt).first()
        if expert is None:
            skipped.append({"expert": nxt, "name": "", "reason": "已不在专家库", "stage": "redraw"})
            continue
        facts = expert_facts(expert, aliases)
        reasons = [r for a in applicants for r in rules.recusal_reasons(facts, a)]
        if not facts.active:
            reasons.insert(0, "已不在库")
        if not all(rules.field_covers(facts.fields, c) for c in codes):
            reasons.append("专业领域已变更")
        if reasons:
            skipped.append(
                {"expert": nxt, "name": expert.name, "reason": "；".join(reasons), "stage": "redraw"}
            )
            continue
        replacement = PanelMember.objects.create(
            panel=panel, expert=expert, position=order.index(nxt) + 1, replaces=declined
        )
        PANEL_MEMBER_FLOW.created(
            replacement,
            actor=actor,
            after={"panel": panel.pk, "expert": expert.pk, "replaces": declined.pk},
        )
        break
    if skipped:
        panel.excluded = [*panel.excluded, *skipped]
        panel.save(update_fields=["excluded", "updated_at"])
    return replacement


def panel_member_decline(*, actor, member: PanelMember, reason: str) -> PanelMember:
    """The expert (or the organising official for them) declines; the next candidate of the recorded
    order replaces them. Refused when no candidate remains: the panel is then closed and a new one drawn."""
    reason = (reason or "").strip()
    with transaction.atomic():
        panel = Panel.objects.select_for_update().select_related("owner").get(pk=member.panel_id)
        member = PanelMember.objects.select_related("expert").get(pk=member.pk)
        if not (is_expert(actor, member.expert) or is_pool_official(actor, panel.owner_id)):
            raise NotFound()
        if panel.status != Panel.Status.OPEN:
            raise InvalidTransition("专家组评议已结束，不能再谢绝或补抽", code="panel_closed")
        if member.status == M.DECLINED:
            raise Conflict("该专家已谢绝，已补抽", code="already_declined")
        reason = clean_reason(reason, label="谢绝原因", max_length=200)
        apps = list(panel.applications.select_related("institution").order_by("pk"))
        replacement = _redraw(panel, member, apps, alias_map(), actor)
        if replacement is None:
            raise RuleViolation(
                "候选专家已全部抽取，无法补抽。请结束本专家组后重新抽取，或补充专家库。",
                code="no_candidates_left",
                rule=rules.RULE,
                details={"source": rules.source(panel.call.programme)},
            )
        PANEL_MEMBER_FLOW.transition(
            member,
            M.DECLINED,
            actor=actor,
            reason=reason,
            changes={"decline_reason": reason},
            audit_extra={
                "panel": panel.pk,
                "expert": member.expert_id,
                "replacement": replacement.expert_id,
                "position": replacement.position,
            },
        )
    return replacement


def panel_reproduce(panel: Panel) -> list[int]:
    """Recompute every member (drawn and replacements, in drawing order) from the stored seed, the
    sorted candidates, the number of replacements and the recorded skips. Equal to
    `[m.expert_id for m in panel.members.order_by("position")]` when nothing was tampered with."""
    if panel.algorithm != rules.ALGORITHM:
        raise InvalidInput(f"不支持的抽取算法：{panel.algorithm}", code="unknown_algorithm")
    replacements = PanelMember.objects.filter(panel=panel, replaces__isnull=False).count()
    skipped = [e["expert"] for e in panel.excluded if e.get("stage") == "redraw"]
    return rules.replay(panel.candidates, panel.seed, panel.size, replacements, skipped)


def panel_reproduce_check(panel: Panel) -> dict[str, Any]:
    """What an auditor sees: the recomputed draw, the stored members and whether they are equal."""
    stored = list(
        PanelMember.objects.filter(panel=panel).order_by("position").values_list("expert_id", flat=True)
    )
    recomputed = panel_reproduce(panel)
    return {
        "algorithm": panel.algorithm,
        "seed": panel.seed,
        "candidates": list(panel.candidates),
        "order": rules.shuffled(panel.candidates, panel.seed),
        "recomputed": recomputed,
        "stored": stored,
        "matches": recomputed == stored,
    }


def panel_close(*, actor, panel: Panel) -> Panel:
    """End the review: every member still on the panel must have scored every application. The
    aggregate per application is recorded; the expert-review step may then pass (services.review)."""
    with transaction.atomic():
        panel = Panel.objects.select_for_update().get(pk=panel.pk)
        require_owner(actor, panel)
        if panel.status != Panel.Status.OPEN:
            raise InvalidTransition("专家组评议已结束", code="panel_closed")
        members = list(panel.members.exclude(status=M.DECLINED).select_related("expert").order_by("position"))
        if not members:
            raise RuleViolation("专家组没有在组专家，不能结束评议", code="panel_empty", rule=rules.RULE)
        apps = list(panel.applications.order_by("number"))
        done = set(ExpertScore.objects.filter(member__in=members).values_list("member_id", "application_id"))
        missing: list[dict[str, Any]] = []
        for m in members:
            todo = [a.number for a in apps if (m.pk, a.pk) not in done]
            if todo:
                missing.append({"expert": m.expert_id, "name": m.expert.name, "applications": todo})
        if missing:
            lines = [f"{x['name']}（申报 {'、'.join(x['applications'])}）" for x in missing]
            raise InvalidInput(
                "以下专家尚未完成评分：" + "；".join(lines),
                code="scores_missing",
                fields={"scores": lines},
                details={"missing": missing},
            )
        scores = ExpertScore.objects.filter(member__in=members)
        results = {a.number: rules.aggregate([s for s in scores if s.application_id == a.pk]) for a in apps}
        PANEL_FLOW.transition(
            panel,
            Panel.Status.CLOSED,
            actor=actor,
            reason="专家评议结束（结果供参考，SEL-8）",
            changes={"updated_at": timezone.now()},
            audit_extra={
                "results": results,
                "rule": rules.RULE,
                "source": rules.source(panel.call.programme),
            },
            locked=True,
        )
    return panel
