"""Pages of applications: an institution fills and submits its forms; officials work the review steps.
Thin: parse, call one service, render; domain errors become messages on the same page, input kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.models import Org
from peiyu.accounts.scoping import capabilities_of
from peiyu.catalogs.models import Occupation, Trade
from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError, NotFound
from peiyu.core.models import Decision

from ..models import Application, Kind
from ..rules.forms import FORMS, form_key_for
from ..selectors import calls as call_selectors
from ..selectors import drafts, personal
from ..selectors import review as review_sel
from ..selectors import scope as selectors
from ..selectors.actions import application_allowed_actions
from ..selectors.quotas import quota_check, quota_status
from ..services import applications as app_services
from ..services import review as review_services


def _app(request, pk) -> Application:
    return selectors.application_get_for_reader(request.user, pk)


# The verbs of the official acting on the current step of the route (the rest are the institution's).
STEP_VERBS = ("pass", "return", "reject", "notice", "file")


def application_list(request):
    qs = selectors.applications_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Application.Status.values:
        qs = qs.filter(status=status)
    call = request.GET.get("call", "")
    if call:
        qs = qs.filter(call__code=call)
    page = qs.order_by("-updated_at")[:200]
    caps = capabilities_of(request.user)
    return render(
        request,
        "institutions/application_list.html",
        {
            "applications": page,
            "statuses": Application.Status.choices,
            "status": status,
            "can_apply": "application.submit" in caps,
            "calls": _calls_for(request.user)[:50],
        },
    )


def _calls_for(user):
    """The calls accepting applications now from the user's institution's region (a call is shown only
    to the regions it is open to)."""
    org = getattr(user, "primary_org", None)
    return call_selectors.calls_open_to(org.region_id if org is not None and org.region_id else "").order_by(
        "-opens_on"
    )


@require_http_methods(["GET", "POST"])
def application_new(request):
    calls = list(_calls_for(request.user))
    call = next((c for c in calls if c.code == (request.POST.get("call") or request.GET.get("call"))), None)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and call is not None:
        recommender = None
        if request.POST.get("recommender"):
            recommender = Org.objects.filter(
                pk=request.POST["recommender"], kind=Org.Kind.INDUSTRY_AUTHORITY
            ).first()
        try:
            app = app_services.application_create(
                actor=request.user,
                call=call,
                kind=request.POST.get("kind", ""),
                occupation_code=request.POST.get("occupation_code", ""),
                levels=request.POST.getlist("levels"),
                institution_type=request.POST.get("institution_type", "general"),
                channel=request.POST.get("channel", Application.Channel.TERRITORIAL),
                recommender=recommender,
            )
        except DomainError as exc:
            errors = exc.fields or {"form": [exc.message]}
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已创建申报草稿 {app.number}，请填写推荐表")
            duplicate = drafts.duplicate_warning(app)
            if duplicate is not None:
                messages.warning(request, _duplicate_text(duplicate))
            return HttpResponseRedirect(reverse("directory:application_edit", args=[app.pk]))
    subjects = []
    if call is not None:
        model = Trade if call.programme == "skill" else Occupation
        subjects = list(model.objects.filter(code__in=call.occupation_codes).values_list("code", "name"))
    return render(
        request,
        "institutions/application_new.html",
        {
            "calls": calls,
            "call": call,
            "subjects": subjects,
            "kinds": [(k, Kind(k).label) for k in (call.kinds if call else [])],
            "authorities": Org.objects.filter(kind=Org.Kind.INDUSTRY_AUTHORITY, is_active=True).order_by(
                "name"
            ),
            "errors": errors,
            "post": request.POST,
        },
    )


def _duplicate_text(check) -> str:
    return f"重复申报提醒（{check.rule}）：{check.message}。同一机构同一职业同一批次只能申报一次，提交时这一项检查不会通过。"


def application_detail(request, pk: int):
    app = _app(request, pk)
    step = app.current_step
    allowed = application_allowed_actions(request.user, app)
    may_act = bool(step) and any(v in allowed for v in STEP_VERBS)
    is_owner = getattr(request.user, "primary_org_id", None) == app.institution_id
    decision = Decision.objects.filter(pk=app.eligibility_id).first() if app.eligibility_id else None
    quota = quota_status(app, step) if may_act and step else None
    context: dict[str, Any] = {
        "app": app,
        "step": step,
        "may_act": may_act,
        "is_owner": is_owner and "application.submit" in capabilities_of(request.user),
        "decision": decision,
        "checks": decision.checks if decision else [],
        "sections": personal.application_form_shown(request.user, app),
        "attachments": app.attachments.filter(removed_at__isnull=True),
        "actions": app.actions.select_related("org", "actor").order_by("at", "id"),
        "route": review_sel.route_progress(app),
        "quota": quota,
        # what the quota check decides, said before the official acts (the service decides the same way)
        "quota_verdict": quota_check(app, step, quota) if quota and step else None,
        "panel": review_sel.panel_result_safe(app, step["step"])
        if step and step["action"] == "expert_review"
        else None,
        "overridable": [r for r in app.checks_failed if r not in app.checks_overridden],
        "objections": app.objections.all()
        if (may_act or app.status == Application.Status.HELD) and not is_owner
        else [],
        "editable": "submit" in allowed,
        "allowed_actions": allowed,
        "duplicate": drafts.duplicate_warning(app),
    }
    return render(request, "institutions/application_detail.html", context)


def _form_from_post(app: Application, post) -> dict[str, Any]:
    """The spec's fields from a POST: scalars by key, tables as key.<row>.<col>, level maps key.<level>."""
    spec = FORMS[form_key_for(app.call.programme, app.kind)]
    data: dict[str, Any] = {}
    for f in spec.fields():
        if f.key in (
            "occupation",
            "levels",
            "recommendation_reason",
            "recommender_contact",
            "recommender_phone",
        ):
            continue
        if f.type == "table":
            rows = []
            for i in range(1, f.rows + 11):
                row = {c.key: post.get(f"{f.key}.{i}.{c.key}", "").strip() for c in f.columns}
                if any(row.values()):
                    rows.append({k: v for k, v in row.items() if v != ""})
            data[f.key] = rows
        elif f.type == "levels_map":
            data[f.key] = {
                lv: post[f"{f.key}.{lv}"].strip()
                for lv in app.levels
                if post.get(f"{f.key}.{lv}", "").strip()
            }
        elif f.type == "uscc_list":
            data[f.key] = [v for v in post.get(f.key, "").replace("，", ",").split(",") if v.strip()]
        elif f.personal and not post.get(f.key, "").strip():
            continue  # left blank: keep the stored (encrypted) value
        else:
            data[f.key] = post.get(f.key, "").strip()
    return data


@require_http_methods(["GET", "POST"])
def application_edit(request, pk: int):
    app = _app(request, pk)
    if app.status not in app_services.EDITABLE:
        messages.info(request, "申报已提交，不能修改")
        return HttpResponseRedirect(reverse("directory:application_detail", args=[app.pk]))
    errors: dict[str, list[str]] = {}
    values = None
    if request.method == "POST":
        values = _form_from_post(app, request.POST)
        try:
            app = app_services.application_update(actor=request.user, application=app, form=values)
        except DomainError as exc:
            errors = exc.fields
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存")
            if request.POST.get("then") == "submit":
                return HttpResponseRedirect(
                    reverse("directory:application_detail", args=[app.pk]) + "#submit"
                )
            return HttpResponseRedirect(reverse("directory:application_edit", args=[app.pk]))
    return render(
        request,
        "institutions/application_edit.html",
        {
            "app": app,
            "sections": review_sel.form_editor(app, values, errors),
            "errors": errors,
            "notes": FORMS[form_key_for(app.call.programme, app.kind)].notes,
            "duplicate": drafts.duplicate_warning(app),
        },
    )


@require_POST
def attachment_upload(request, pk: int):
    app = _app(request, pk)
    try:
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError("请选择文件", fields={"file": ["请选择文件"]})
        app_services.attachment_add(
            actor=request.user, application=app, purpose=request.POST.get("purpose", ""), uploaded=upload
        )
    except DomainError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, "材料已上传")
    return HttpResponseRedirect(reverse("directory:application_detail", args=[app.pk]) + "#attachments")


def attachment_download(request, pk: int, attachment_id: int):
    app = _app(request, pk)
    att = selectors.attachment_get(app, attachment_id)
    return FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.original_name, content_type=att.content_type
    )


@require_POST
def attachment_remove(request, pk: int, attachment_id: int):
    app = _app(request, pk)
    attachment = selectors.attachment_get(app, attachment_id)
    try:
        app_services.attachment_remove(actor=request.user, attachment=attachment)
    except NotFound:
        raise  # out of scope: the 404 page (core.middleware)
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("directory:application_detail", args=[app.pk]) + "#attachments")


@require_POST
def application_submit(request, pk: int):
    app = _app(request, pk)
    try:
        app_services.application_submit(
            actor=request.user,
            application=app,
            commitment_confirmed=request.POST.get("commitment") == "on",
            signatory=request.POST.get("signatory", ""),
        )
    except DomainError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, "已提交。资格检查结果见下方。")
    return HttpResponseRedirect(reverse("directory:application_detail", args=[app.pk]))


@require_POST
def application_act(request, pk: int):
    """One review action on the current step; `expected_step` guards against acting on a stale page."""
    app = _app(request, pk)
    action = request.POST.get("action", "")
    expected = request.POST.get("expected_step") or None
    post = request.POST
    try:
        review_services.application_act(
            actor=request.user,
            application=app,
            action=action,
            comment=post.get("comment", ""),
            recommendation_reason=post.get("recommendation_reason", ""),
            rule=post.get("rule", ""),
            site_visit=post.get("site_visit") == "on",
            expected_step=expected,
        )
    except DomainError as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, "已办理")
    return HttpResponseRedirect(reverse("directory:application_detail", args=[app.pk]))


def review_queue(request):
    """Applications waiting at a step the official may act on, grouped by step, with deadlines."""
    groups = review_sel.review_queue(request.user)
    return render(
        request,
        "institutions/review_queue.html",
        {"groups": groups, "today": timezone.localdate(), "letters": review_sel.letters_for(request.user)},
    )


urlpatterns = [
    path("applications/", application_list, name="application_list"),
    path("applications/new/", application_new, name="application_new"),
    path("applications/<int:pk>/", application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", application_submit, name="application_submit"),
    path("applications/<int:pk>/act/", application_act, name="application_act"),
    path("applications/<int:pk>/attachments/", attachment_upload, name="attachment_upload"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/",
        attachment_download,
        name="attachment_download",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/remove/",
        attachment_remove,
        name="attachment_remove",
    ),
    path("review/", review_queue, name="review_queue"),
]
