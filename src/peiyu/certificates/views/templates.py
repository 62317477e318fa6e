"""Pages of certificate templates (CRT-2): the institution writes the wording of each kind it issues and
activates it (the wording check refuses restricted words field by field; an issuer whose own legal name
carries one is held for the province's official); the official of the issuer's province accepts or
refuses a held template with a reason. Out of scope is 404. Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError
from peiyu.core.schemas import check_out

from ..models import Certificate, CertificateTemplate
from ..rules.templates import DEFAULTS, RESTRICTED
from ..selectors import templates as sel
from ..services import templates as svc

FIELDS = ("kind", "title", "body", "seal_text")


def template_list(request: HttpRequest) -> HttpResponse:
    institutions = sel.managed_institutions(request.user)
    held = list(sel.templates_held_for(request.user))
    if not institutions and not sel.may_decide(request.user):
        raise Http404(_("没有可查看的证书样式"))
    templates = list(sel.templates_visible_to(request.user).filter(institution__in=institutions))
    return render(
        request,
        "certificates/templates_list.html",
        {"institutions": institutions, "templates": templates, "held": held, "defaults": DEFAULTS,
         "kinds": Certificate.Kind.choices},
    )  # fmt: skip


def _form(request: HttpRequest, values: dict[str, Any], *, template: CertificateTemplate | None = None,
          errors: dict[str, list[str]] | None = None, error: str = "", status: int = 200) -> HttpResponse:  # fmt: skip
    return render(
        request,
        "certificates/templates_form.html",
        {"template": template, "values": values, "errors": errors or {}, "error": error,
         "kinds": Certificate.Kind.choices, "institutions": sel.managed_institutions(request.user),
         "restricted": "、".join(RESTRICTED)},
        status=status,
    )  # fmt: skip


def _post(request: HttpRequest) -> dict[str, str]:
    return {name: (request.POST.get(name) or "").strip() for name in (*FIELDS, "institution")}


@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    institutions = sel.managed_institutions(request.user)
    if not institutions:
        raise Http404(_("只有发证机构可以编写证书样式"))
    if request.method == "POST":
        data = _post(request)
        institution = next((o for o in institutions if str(o.pk) == data["institution"]), institutions[0])
        try:
            created = svc.template_save(actor=request.user, institution=institution, kind=data["kind"],
                                        title=data["title"], body=data["body"], seal_text=data["seal_text"])  # fmt: skip
        except DomainError as exc:
            return _form(
                request, data, errors=exc.fields, error=refusal_text(exc, fields=False), status=exc.status
            )
        messages.success(request, _("已保存草稿；启用前平台会检查证书文字（CRT-2）"))
        return HttpResponseRedirect(reverse("certificates:template_detail", args=[created.pk]))
    kind = request.GET.get("kind", "skill")
    wording = DEFAULTS.get(kind, DEFAULTS["skill"])
    values = {"kind": kind, "title": wording.title, "body": wording.body, "seal_text": "",
              "institution": str(institutions[0].pk)}  # fmt: skip
    return _form(request, values)


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = sel.template_get_for(request.user, pk)
    if not sel.can_edit(request.user, template):
        raise Http404()
    if request.method == "POST":
        data = _post(request)
        try:
            svc.template_save(actor=request.user, institution=template.institution, kind=template.kind,
                              title=data["title"], body=data["body"], seal_text=data["seal_text"], template=template)  # fmt: skip
        except DomainError as exc:
            data["kind"] = template.kind
            return _form(request, data, template=template, errors=exc.fields, error=refusal_text(exc, fields=False),
                         status=exc.status)  # fmt: skip
        messages.success(request, _("已保存"))
        return HttpResponseRedirect(reverse("certificates:template_detail", args=[pk]))
    values = {name: getattr(template, name) for name in FIELDS}
    return _form(request, values, template=template)


def _detail(request: HttpRequest, template: CertificateTemplate, *, error: str = "",
            errors: dict[str, list[str]] | None = None, values: dict[str, str] | None = None,
            status: int = 200) -> HttpResponse:  # fmt: skip
    template.refresh_from_db()
    decision = template.decision
    return render(
        request,
        "certificates/templates_detail.html",
        {"t": template, "decision": decision, "checks": [check_out(c) for c in decision.checks] if decision else [],
         "can_edit": sel.can_edit(request.user, template), "can_decide": sel.can_decide(request.user, template),
         "error": error, "errors": errors or {}, "values": values or {}},
        status=status,
    )  # fmt: skip


def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, sel.template_get_for(request.user, pk))


@require_POST
def template_activate(request: HttpRequest, pk: int) -> HttpResponse:
    template = sel.template_get_for(request.user, pk)
    try:
        done = svc.template_activate(actor=request.user, template=template)
    except DomainError as exc:
        return _detail(
            request, template, error=refusal_text(exc, fields=False), errors=exc.fields, status=exc.status
        )
    if done.status == CertificateTemplate.Status.HELD:
        messages.warning(request, _("机构名称含有限用字样，已提交主管部门决定"))
    else:
        messages.success(request, _("已启用该证书样式，此后签发的证书使用它"))
    return HttpResponseRedirect(reverse("certificates:template_detail", args=[pk]))


@require_POST
def template_decide(request: HttpRequest, pk: int) -> HttpResponse:
    template = sel.template_get_for(request.user, pk)
    accept = request.POST.get("decision") == "accept"
    reason = (request.POST.get("reason") or "").strip()
    try:
        svc.template_decide(actor=request.user, template=template, accept=accept, reason=reason)
    except DomainError as exc:
        return _detail(request, template, error=refusal_text(exc, fields=False), errors=exc.fields,
                       values={"reason": reason}, status=exc.status)  # fmt: skip
    messages.success(request, _("已同意使用该证书样式") if accept else _("已决定不同意使用该证书样式"))
    return HttpResponseRedirect(reverse("certificates:template_detail", args=[pk]))


urlpatterns: list[URLPattern] = [
    path("templates/", template_list, name="template_list"),
    path("templates/new/", template_new, name="template_new"),
    path("templates/<int:pk>/", template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", template_edit, name="template_edit"),
    path("templates/<int:pk>/activate/", template_activate, name="template_activate"),
    path("templates/<int:pk>/decide/", template_decide, name="template_decide"),
]
public_urlpatterns: list[URLPattern] = []
