"""The review route of an application (SEL-7, SEL-9, SEL-10): each step of the route stored on the
application (copied from the profile's `review_routes` at creation) is open only to officials of the
org kinds it names, holding its capability, whose jurisdiction covers the application. A step passes
(recommend, review, expert review, decide), returns the file for correction, or rejects it; the notice
step publishes a batch; a filing step files it. Quotas (SEL-6) are enforced at the step that names them,
under a row lock, counting the real records."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from peiyu.audit.services import audit_record
from peiyu.core.actions import dispatch
from peiyu.core.checks import Check
from peiyu.core.cleaning import REASON_MAX, clean_text
from peiyu.core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    RuleViolation,
)

from ..flows import APPLICATION_FLOW
from ..models import Application, QuotaLock, ReviewAction
from ..rules.sources import article
from ..selectors.actions import PASSING_STEPS
from ..selectors.quotas import quota_check, quota_status
from ..selectors.scope import actor_may_act
from .applications import application_decision, application_withdraw, step_due
from .calls import call_policy

S = Application.Status
A = ReviewAction.Outcome
PASSING = PASSING_STEPS


# --- who may act -----------------------------------------------------------------------------------------


def require_step(
    actor, app: Application, *, actions: Collection[str] | None = None, expected_step: str | None = None
) -> dict:
    """The current step, if `actor` may act on it now; otherwise the right error."""
    step = app.current_step
    if step is None:
        raise InvalidTransition(
            f"申报当前状态为“{app.get_status_display()}”，无待办环节", code="no_open_step"
        )
    if expected_step and step["step"] != expected_step:
        raise InvalidTransition("该申报已进入其他环节，请刷新后重试", code="step_changed")
    if not actor_may_act(actor, app, step):
        raise PermissionDenied(f"“{step['label']}”环节不由您办理", code="not_your_step")
    if actions is not None and step["action"] not in actions:
        raise InvalidTransition(f"当前环节“{step['label']}”不能执行此操作", code="wrong_action")
    return step


def _locked(application: Application) -> Application:
    try:
        return (
            Application.objects.select_for_update()
            .select_related("call", "institution")
            .get(pk=application.pk)
        )
    except Application.DoesNotExist as exc:
        raise NotFound() from exc


def _record(app, step, outcome, actor, comment="", *, decision=None, site_visit=False) -> ReviewAction:
    return ReviewAction.objects.create(
        application=app,
        step=step["step"],
        step_label=step["label"],
        outcome=outcome,
        org=getattr(actor, "primary_org", None),
        actor=actor,
        comment=comment,
        site_visit=site_visit,
        decision=decision,
    )


def _route_rule(app: Application) -> str:
    return call_policy(app.call).rule("review_routes")


# --- quotas (SEL-6) ----------------------------------------------------------------------------------------


def _quota_check(app: Application, step: dict) -> Check | None:
    """The step's quota (SEL-6) as a check, recounted under the quota's row lock (the caller's
    transaction holds it): selectors.quotas.quota_check, the same check the application page shows
    before the official acts. None when the step enforces no quota for this application."""
    status = quota_status(app, step)
    if quota_check(app, step, status) is None:
        return None
    assert status is not None  # a check was given, so the step has a quota
    lock, _ = QuotaLock.objects.get_or_create(key=status["key"][:200])
    QuotaLock.objects.select_for_update().get(pk=lock.pk)
    return quota_check(app, step)  # recount under the lock


def _enforce_quota(app: Application, step: dict) -> Check | None:
    """The quota check, raising the refusal when the quota is full (the official recommends another)."""
    check = _quota_check(app, step)
    if check is not None and not check.ok:
        raise quota_refusal(check)
    return check


def quota_refusal(check: Check) -> RuleViolation:
    return RuleViolation(check.message, code="quota_exhausted", rule=check.rule, details=check.facts)


# --- the step actions -----------------------------------------------------------------------------------


def application_pass(
    *,
    actor,
    application: Application,
    comment: str = "",
    recommendation_reason: str = "",
    site_visit: bool = False,
    expected_step: str | None = None,
) -> Application:
    """Pass the current review step: recommend (with the reason, under the quota), review, expert review
    (the panel's result as reference), decide. The application moves to the next step of its route."""
    with transaction.atomic():
        app = _locked(application)
        step = require_step(actor, app, actions=PASSING, expected_step=expected_step)
        pending = [r for r in app.checks_failed if r not in app.checks_overridden]
        if pending:
            raise RuleViolation(
                "资格检查未通过的项目（" + "、".join(pending) + "）须先说明理由放行或退回修改",
                code="checks_pending",
                rules=pending,
            )
        checks = [Check(_route_rule(app), True, f"{step['label']}：通过", {"step": step["step"]})]
        changes: dict[str, Any] = {}
        if step["action"] == "recommend":
            reason = clean_text(
                recommendation_reason,
                max_length=REASON_MAX,
                multiline=True,
                label="推荐理由",
                field="recommendation_reason",
            )
            if not reason:
                raise InvalidInput(
                    "请填写推荐理由", fields={"recommendation_reason": ["请填写推荐理由"]}, rule="SEL-9"
                )
            changes["recommendation_reason"] = reason
            changes["form"] = {**app.form, "recommendation_reason": reason}
            quota = _enforce_quota(app, step)
            if quota:
                checks.append(quota)
        if step["action"] == "expert_review":
            from ..selectors.panels import panel_result

            result = panel_result(app, step["step"])
            if not result or not result.get("closed"):
                raise RuleViolation(
                    "专家评议尚未完成：请先抽取专家组并结束评议", code="panel_pending", rule="SEL-8"
                )
            source = article("expert_review", app.call.programme)
            checks.append(Check("SEL-8", True, "专家评议结果（供参考）", result, source))
        outcome = A.RECOMMEND if step["action"] == "recommend" else A.PASS
        decision = application_decision(app, "review_step", outcome, checks)
        _record(
            app,
            step,
            outcome,
            actor,
            comment or recommendation_reason,
            decision=decision,
            site_visit=site_visit,
        )
        _advance(app, actor, reason=f"{step['label']}：{outcome.label}", extra=changes)
    return app


def _advance(app: Application, actor, *, reason: str, extra: dict[str, Any] | None = None) -> None:
    """Move to the next step of the route, or into the catalog after the last one."""
    index = app.step_index + 1
    changes = dict(extra or {})
    if index >= len(app.route):
        from .listings import listing_create_from

        APPLICATION_FLOW.transition(
            app,
            S.APPROVED,
            actor=actor,
            reason=reason,
            changes={**changes, "step": "", "step_due": None, "step_index": index},
            locked=True,
        )
        listing_create_from(app, actor=actor)
        return
    nxt = app.route[index]
    changes.update(step_index=index, step=nxt["step"], step_due=step_due(app.call, nxt))
    if app.status == S.IN_REVIEW:
        for key, value in changes.items():
            setattr(app, key, value)
        app.save(update_fields=[*changes, "updated_at"])
        audit_record(actor, "application.step_passed", app, after={"step": nxt["step"]}, reason=reason)
    else:
        APPLICATION_FLOW.transition(
            app, S.IN_REVIEW, actor=actor, reason=reason, changes=changes, locked=True
        )


def application_return(
    *, actor, application: Application, comment: str, expected_step: str | None = None
) -> Application:
    """Back to the institution for correction with comments; on resubmission it returns to this step."""
    if not comment.strip():
        raise InvalidInput("请填写退回修改意见", fields={"comment": ["请填写退回修改意见"]})
    with transaction.atomic():
        app = _locked(application)
        step = require_step(actor, app, expected_step=expected_step)
        if step["action"] == "notice":
            raise InvalidTransition("公示环节不能退回", code="wrong_action")
        _record(app, step, A.RETURN, actor, comment)
        APPLICATION_FLOW.transition(
            app, S.RETURNED, actor=actor, reason=comment, changes={"return_comment": comment}, locked=True
        )
    return app


def application_reject(
    *, actor, application: Application, reason: str, expected_step: str | None = None
) -> Application:
    if not reason.strip():
        raise InvalidInput("请填写不通过理由", fields={"reason": ["请填写不通过理由"]})
    with transaction.atomic():
        app = _locked(application)
        step = require_step(actor, app, expected_step=expected_step)
        decision = application_decision(
            app, "review_step", "rejected", [Check(_route_rule(app), False, reason, {"step": step["step"]})]
        )
        _record(app, step, A.REJECT, actor, reason, decision=decision)
        APPLICATION_FLOW.transition(
            app, S.REJECTED, actor=actor, reason=reason, changes={"reject_reason": reason}, locked=True
        )
    return app


def application_override(*, actor, application: Application, rule: str, reason: str) -> Application:
    """An official passes a failed (non-blocking) eligibility check with a recorded reason."""
    if not reason.strip():
        raise InvalidInput("请填写放行理由", fields={"reason": ["请填写放行理由"]})
    with transaction.atomic():
        app = _locked(application)
        step = require_step(actor, app, actions=PASSING)
        if rule not in app.checks_failed:
            raise InvalidInput(f"{rule} 不是未通过的检查项", fields={"rule": ["请选择未通过的检查项"]})
        if rule in app.checks_overridden:
            raise Conflict(f"{rule} 已说明理由放行", code="already_overridden")
        failed = [
            c
            for c in (app.eligibility.checks if app.eligibility else [])
            if c["rule"] == rule and not c["ok"]
        ]
        checks = [Check(rule, False, c["message"], c.get("facts", {}), c.get("source", "")) for c in failed]
        decision = application_decision(
            app, "eligibility_override", "overridden", checks, overridden_by=actor, override_reason=reason
        )
        _record(app, step, A.OVERRIDE, actor, f"{rule}：{reason}", decision=decision)
        app.checks_overridden = [*app.checks_overridden, rule]
        app.save(update_fields=["checks_overridden", "updated_at"])
        audit_record(actor, "application.check_overridden", app, after={"rule": rule}, reason=reason)
    return app


def applications_at_step_for(actor, qs):
    """Of `qs`, those whose current step the actor may act on (for to-do lists and batch actions)."""
    return [
        a for a in qs.filter(status=S.IN_REVIEW) if a.current_step and actor_may_act(actor, a, a.current_step)
    ]


# --- one table of the review verbs, shared by the page and the API ---------------------------------------


@dataclass(frozen=True)
class ReviewInput:
    """What a review action may carry: a comment (also the reason of a reject, override or withdrawal),
    the recommendation reason, the rule overridden, the site visit flag and the step the page showed."""

    comment: str = ""
    recommendation_reason: str = ""
    rule: str = ""
    site_visit: bool = False
    expected_step: str | None = None


def _file(actor, app: Application, given: ReviewInput) -> Application:
    from .notices import application_file

    return application_file(actor=actor, application=app, expected_step=given.expected_step)


REVIEW_ACTIONS: dict[str, Callable[[Any, Application, ReviewInput], Application]] = {
    "pass": lambda actor, app, given: application_pass(
        actor=actor,
        application=app,
        comment=given.comment,
        recommendation_reason=given.recommendation_reason,
        site_visit=given.site_visit,
        expected_step=given.expected_step,
    ),
    "return": lambda actor, app, given: application_return(
        actor=actor, application=app, comment=given.comment, expected_step=given.expected_step
    ),
    "reject": lambda actor, app, given: application_reject(
        actor=actor, application=app, reason=given.comment, expected_step=given.expected_step
    ),
    "override": lambda actor, app, given: application_override(
        actor=actor, application=app, rule=given.rule, reason=given.comment
    ),
    "file": _file,
    "withdraw": lambda actor, app, given: application_withdraw(
        actor=actor, application=app, reason=given.comment
    ),
}


def application_act(*, actor, application: Application, action: str, **given: Any) -> Application:
    """One verb of REVIEW_ACTIONS on an application; an unknown verb is refused."""
    return dispatch(REVIEW_ACTIONS, action, actor, application, ReviewInput(**given))
