"""API of applications: the same services as the pages (DESIGN conventions §1)."""

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from peiyu.accounts.models import Org
from peiyu.core.errors import InvalidInput
from peiyu.core.lookups import filter_given
from peiyu.core.models import Decision
from peiyu.core.pagination import Page, PageQuery, paginate
from peiyu.core.schemas import CheckOut, Id, PathId, check_out

from ..models import Application, Attachment
from ..selectors import scope as selectors
from ..selectors.actions import application_allowed_actions
from ..selectors.drafts import duplicate_warning
from ..selectors.personal import application_form_shown
from ..selectors.quotas import quota_status
from ..services import applications as app_services
from ..services import review as review_services

router = Router(tags=["directory"])


class RouteStepOut(Schema):
    step: str
    label: str
    action: str
    org_kinds: list[str]


class ApplicationOut(Schema):
    id: int
    number: str
    call: str
    institution: str
    institution_id: int
    kind: str
    institution_type: str
    occupation_code: str
    occupation_name: str
    levels: list[str]
    region_code: str
    channel: str
    recommender: str | None
    status: str
    status_label: str
    step: RouteStepOut | None
    step_due: dt.date | None
    checks_failed: list[str]
    checks_overridden: list[str]
    submitted_at: dt.datetime | None
    filing_code: str | None


def attachment_out(a: Attachment) -> dict[str, Any]:
    """One stored material as the API shows it (an application's or a renewal's)."""
    return {"id": a.pk, "purpose": a.purpose, "name": a.original_name, "size": a.size, "sha256": a.sha256}


def _out(app: Application) -> dict[str, Any]:
    return {
        "id": app.pk,
        "number": app.number,
        "call": app.call.code,
        "institution": app.institution.name,
        "institution_id": app.institution_id,
        "kind": app.kind,
        "institution_type": app.institution_type,
        "occupation_code": app.occupation_code,
        "occupation_name": app.occupation_name,
        "levels": app.levels,
        "region_code": app.region_id,
        "channel": app.channel,
        "recommender": app.recommender.name if app.recommender else None,
        "status": app.status,
        "status_label": str(app.get_status_display()),
        "step": app.current_step,
        "step_due": app.step_due,
        "checks_failed": app.checks_failed,
        "checks_overridden": app.checks_overridden,
        "submitted_at": app.submitted_at,
        "filing_code": app.filing_code,
    }


class ApplicationDetailOut(ApplicationOut):
    form: list[dict[str, Any]]
    checks: list[CheckOut]
    policy: str | None
    attachments: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    allowed_actions: list[str]
    warnings: list[CheckOut] = Field(description="草稿的提醒：如重复申报（SEL-5），提交时该项检查不会通过")


class ApplicationListFilter(PageQuery):
    status: str | None = Field(None, max_length=32)
    call: str | None = Field(None, max_length=64)


@router.get("/directory/applications", response=Page[ApplicationOut])
def application_list(request, filters: Query[ApplicationListFilter]):
    qs: QuerySet[Application] = filter_given(
        selectors.applications_visible_to(request.auth), status=filters.status, call__code=filters.call
    )
    return paginate(qs.order_by("-id"), filters, _out)


@router.get("/directory/applications/{application_id}", response=ApplicationDetailOut)
def application_get(request, application_id: PathId):
    app = selectors.application_get_for_reader(request.auth, application_id)
    # (no eligibility decision yet: None finds none)
    decision = Decision.objects.filter(pk=app.eligibility_id).first()  # type: ignore[misc]
    body = _out(app)
    body["form"] = [
        {
            "section": s["section"].title,
            "fields": [
                {
                    "key": r["field"].key,
                    "label": r["field"].label,
                    "value": r.get("value"),
                    "rows": r.get("rows"),
                }
                for r in s["rows"]
            ],
        }
        for s in application_form_shown(request.auth, app)
    ]
    body["checks"] = [check_out(c) for c in (decision.checks if decision else [])]
    body["policy"] = decision.policy_chain if decision else app.policy_chain
    body["attachments"] = [attachment_out(a) for a in app.attachments.filter(removed_at__isnull=True)]
    body["actions"] = [
        {
            "step": a.step,
            "label": a.step_label,
            "outcome": a.outcome,
            "org": a.org.name if a.org else None,
            "comment": a.comment,
            "at": a.at,
        }
        for a in app.actions.select_related("org").order_by("at", "id")
    ]
    body["allowed_actions"] = application_allowed_actions(request.auth, app)
    duplicate = duplicate_warning(app)
    body["warnings"] = [check_out(duplicate.as_dict())] if duplicate else []
    return body


class ApplicationIn(Schema):
    call: str
    kind: Literal["training", "evaluation"]
    occupation_code: str
    levels: list[str]
    institution_type: Literal["general", "employer", "social_organisation"] = "general"
    channel: Literal["territorial", "industry"] = "territorial"
    recommender_id: Id | None = None
    form: dict[str, Any] = {}


@router.post("/directory/applications", response={201: ApplicationOut})
def application_create(request, payload: ApplicationIn):
    call = selectors.call_get_public(payload.call)
    recommender = None
    if payload.recommender_id:
        recommender = Org.objects.filter(pk=payload.recommender_id, kind=Org.Kind.INDUSTRY_AUTHORITY).first()
        if recommender is None:
            raise InvalidInput("推荐部门不存在", fields={"recommender_id": ["请选择行业主管部门"]})
    app = app_services.application_create(
        actor=request.auth,
        call=call,
        kind=payload.kind,
        occupation_code=payload.occupation_code,
        levels=payload.levels,
        institution_type=payload.institution_type,
        channel=payload.channel,
        recommender=recommender,
        form=payload.form,
    )
    return Status(201, _out(app))


class ApplicationPatch(Schema):
    form: dict[str, Any] = {}
    levels: list[str] | None = None


@router.patch("/directory/applications/{application_id}", response=ApplicationOut)
def application_update(request, application_id: PathId, payload: ApplicationPatch):
    app = selectors.application_get_for(request.auth, application_id)
    return _out(
        app_services.application_update(
            actor=request.auth, application=app, form=payload.form, levels=payload.levels
        )
    )


@router.post("/directory/applications/{application_id}/attachments", response={201: dict})
def attachment_upload(request, application_id: PathId, purpose: Form[str], file: File[UploadedFile]):
    app = selectors.application_get_for(request.auth, application_id)
    att = app_services.attachment_add(actor=request.auth, application=app, purpose=purpose, uploaded=file)
    return Status(201, attachment_out(att))


class ApplicationSubmitIn(Schema):
    commitment_confirmed: bool
    signatory: str = ""


@router.post("/directory/applications/{application_id}/submit", response=ApplicationOut)
def application_submit(request, application_id: PathId, payload: ApplicationSubmitIn):
    app = selectors.application_get_for(request.auth, application_id)
    return _out(
        app_services.application_submit(
            actor=request.auth,
            application=app,
            commitment_confirmed=payload.commitment_confirmed,
            signatory=payload.signatory,
        )
    )


class ApplicationActionIn(Schema):
    action: Literal["pass", "return", "reject", "override", "file", "withdraw"]
    comment: str = ""
    recommendation_reason: str = ""
    rule: str = ""
    site_visit: bool = False
    expected_step: str | None = None


@router.post("/directory/applications/{application_id}/actions", response=ApplicationOut)
def application_act(request, application_id: PathId, payload: ApplicationActionIn):
    actor = request.auth
    app = selectors.application_get_for(actor, application_id)
    review_services.application_act(
        actor=actor,
        application=app,
        action=payload.action,
        comment=payload.comment,
        recommendation_reason=payload.recommendation_reason,
        rule=payload.rule,
        site_visit=payload.site_visit,
        expected_step=payload.expected_step,
    )
    app.refresh_from_db()
    return _out(app)


@router.get("/directory/applications/{application_id}/quota", response=dict)
def application_quota(request, application_id: PathId):
    """The quota of the current step as the acting official sees it (SEL-6)."""
    app = selectors.application_get_for(request.auth, application_id)
    step = review_services.require_step(request.auth, app)
    return quota_status(app, step) or {}
