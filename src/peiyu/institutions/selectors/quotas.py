"""The quota a review step enforces (SEL-6), read: its limit, the places taken and by whom, and the check
that decides. The enforcing services (review: recommending; notices: Chengdu's filing) call `quota_check`
again under the quota's row lock; the application page calls it to say beforehand what the step will do,
so the page offers what the service decides (issue 12: 剩余 0 and a 备案 button that files)."""

from __future__ import annotations

from typing import Any

from peiyu.core.checks import Check
from peiyu.core.policy import quota_limit

from ..models import Application, Listing, ReviewAction
from ..rules.sources import article
from .calls import call_profile

S = Application.Status


def quota_region(app: Application) -> str:
    """Quotas count per city (Liaoning: each city's recommendations; Chengdu: citywide catalog)."""
    return app.region_id[:4] + "00"


def _taken(app: Application, step: dict, table: dict, city: str) -> list[tuple[str, str]]:
    """The records holding a place: (number, institution name), oldest first."""
    low, high = city[:4] + "00", city[:4] + "99"
    if table.get("counts") == "social_organisation_listings":
        if app.institution_type != "social_organisation":
            return []  # employers are not counted (001 Art. 8)
        return list(
            Listing.objects.filter(
                programme=app.call.programme,
                occupation_code=app.occupation_code,
                institution_type="social_organisation",
                status__in=[Listing.Status.ACTIVE, Listing.Status.SUSPENDED],
                region_id__gte=low,
                region_id__lte=high,
            )
            .order_by("number")
            .values_list("number", "institution_name")
        )
    return list(
        Application.objects.filter(
            call=app.call,
            kind=app.kind,
            occupation_code=app.occupation_code,
            region_id__gte=low,
            region_id__lte=high,
            actions__step=step["step"],
            actions__outcome=ReviewAction.Outcome.RECOMMEND,
        )
        .exclude(status__in=[S.RETURNED, S.WITHDRAWN, S.DRAFT])
        .exclude(pk=app.pk)
        .order_by("number")
        .values_list("number", "institution__name")
        .distinct()
    )


def quota_status(app: Application, step: dict) -> dict[str, Any] | None:
    """The quota the step enforces for this application: its limit, how many places are taken and by
    which records (`records`: their numbers; `holders`: the institutions' names, as people read them).
    Read-only; the enforcing path recounts under the lock."""
    name = step.get("quota")
    if not name:
        return None
    table = (app.call.quota_table or {}).get(name) or call_profile(app.call).get(name)
    if not table:
        return None
    bucket_region = quota_region(app)
    limit = quota_limit(table, app.region_id)
    taken = _taken(app, step, table, bucket_region)
    return {
        "name": name,
        "rule": "SEL-6",
        "limit": limit,
        "taken": len(taken),
        "remaining": max(limit - len(taken), 0),
        "region": bucket_region,
        "counts": table.get("counts", ""),
        "records": [number for number, _ in taken],
        "holders": [holder for _, holder in taken],
        "key": f"{name}:{app.call.code if table.get('counts') == 'applications' else app.call.programme}:"
        f"{bucket_region}:{app.kind}:{app.occupation_code}",
    }


def quota_check(app: Application, step: dict, status: dict[str, Any] | None = None) -> Check | None:
    """The step's quota as a check: passed with the place the application takes, or failed when every
    place is taken, naming the institutions that hold them (their catalog or application numbers stay in
    the facts). None when the step enforces no quota for this application (employers are not counted in
    Chengdu, 001 Art. 8)."""
    status = status if status is not None else quota_status(app, step)
    if status is None or (
        status["counts"] == "social_organisation_listings" and app.institution_type != "social_organisation"
    ):
        return None
    facts = {k: status[k] for k in ("name", "limit", "taken", "region", "counts", "records", "holders")}
    source = article("quota", app.call.programme)
    if status["taken"] >= status["limit"]:
        what = "社评组织" if status["counts"] == "social_organisation_listings" else "推荐名额"
        message = (
            f"{app.occupation_name}的{what}已满：上限 {status['limit']}，已有 {status['taken']}（"
            + "、".join(status["holders"])
            + "）"
        )
        return Check("SEL-6", False, message, facts, source, blocking=True)
    return Check("SEL-6", True, f"名额 {status['taken'] + 1}/{status['limit']}", facts, source)
