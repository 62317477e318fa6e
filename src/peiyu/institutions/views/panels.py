"""Pages of the expert review (SEL-8). The organising official draws a panel for the applications at an
expert-review step they may act on, sees the seed, the algorithm, the candidates, the recused experts
with their reasons, the members and the aggregate per application, and closes the review. The expert
sees "我的评议任务": only their panels and those panels' applications, and scores each one.

Mounted by the app's urls under /directory/ (namespace `directory`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from peiyu.accounts.masking import personal_view
from peiyu.core.checks import refusal_text
from peiyu.core.errors import DomainError, NotFound, PermissionDenied
from peiyu.core.sources import cite

from ..models import Application, ExpertScore
from ..rules import panels as panel_rules
from ..selectors import experts as expert_selectors
from ..selectors import panels as selectors
from ..selectors import scope as app_selectors
from ..selectors.actions import panel_allowed_actions, panel_member_allowed_actions
from ..services import panels as services
from ..services import review, scores

T = TypeVar("T")

DEFAULT_PANEL_SIZE = 5  # the form's initial value only (JOURNEYS 3); the official chooses the size


class PanelDrawForm(forms.Form):
    applications = forms.MultipleChoiceField(
        label=_("评议的申报"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个申报"), "invalid_choice": _("所选申报不可抽取专家")},
    )
    size = forms.IntegerField(
        label=_("专家人数"),
        min_value=1,
        max_value=services.MAX_PANEL_SIZE,
        initial=DEFAULT_PANEL_SIZE,
        error_messages={"required": _("请填写专家人数"), "invalid": _("专家人数应为整数")},
    )
    seed = forms.CharField(
        label=_("随机种子"),
        required=False,
        max_length=services.MAX_SEED_LENGTH,
        help_text=_("可不填，由系统生成；填写后任何人可用同一种子复算抽取结果"),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = choices


class ScoreForm(forms.Form):
    # Validated by the service (one source of the Chinese messages for the UI and the API).
    score = forms.CharField(label=_("评分（0–100）"), required=False, max_length=8)
    vote = forms.ChoiceField(
        label=_("投票"), required=False, choices=ExpertScore.Vote.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("评议意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def _apply_error(form: forms.Form, exc: DomainError) -> None:
    """A refusal on the form: each field message at its field; the refusal's own message on top only
    when it says more than the field messages do — a rule's refusal (with its rule and article) or a
    message for a field the form does not show — never a bare "有误" over the field that says why."""
    unplaced = False
    for field, msgs in exc.fields.items():
        for msg in msgs:
            if field in form.fields:
                form.add_error(field, msg)
            else:
                unplaced = True
    if exc.rules or unplaced or not exc.fields:
        text = refusal_text(exc, fields=unplaced)
        if source := exc.details.get("source"):
            text += gettext("（依据：%(source)s）") % {"source": cite(source)}
        form.add_error(None, text)


def _on_form(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Run a bound form's service call; a refusal lands on the form (None), while out of scope and
    no permission go on to the error page (core.middleware)."""
    try:
        return call()
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        _apply_error(form, exc)
        return None


def _drawable(actor) -> list[Application]:
    """Applications at an expert-review step the actor may act on now, not already under an open panel."""
    qs = (
        app_selectors.applications_visible_to(actor)
        .filter(status=Application.Status.IN_REVIEW)
        .order_by("call__code", "occupation_code", "number")
    )
    out = []
    for app in qs:
        step = app.current_step
        if step and step.get("action") == "expert_review" and review.actor_may_act(actor, app, step):
            out.append(app)
    busy = selectors.open_panel_steps([a.pk for a in out])
    return [a for a in out if (a.pk, a.step) not in busy]


def _require_runner(request) -> None:
    if not selectors.may_run_panels(request.user):
        raise PermissionDenied(gettext("只有专家库管理单位的工作人员可以组织专家评议"))


# --- the organising official -----------------------------------------------------------------------------------


def panel_list(request):
    if not selectors.may_run_panels(request.user):
        if selectors.is_expert(request.user):
            return redirect("directory:expert_assignments")
        raise PermissionDenied(gettext("只有专家库管理单位的工作人员可以组织专家评议"))
    panels = list(selectors.panels_visible_to(request.user).prefetch_related("applications", "members")[:200])
    for p in panels:
        p.step_label = _step_label(p, list(p.applications.all()))  # for the template
    return render(
        request,
        "institutions/panel_list.html",
        {"panels": panels, "drawable": len(_drawable(request.user))},
    )


@require_http_methods(["GET", "POST"])
def panel_draw(request):
    _require_runner(request)
    apps = _drawable(request.user)
    by_id = {str(a.pk): a for a in apps}
    choices = [(str(a.pk), a.number) for a in apps]
    form = PanelDrawForm(request.POST or None, choices=choices, initial={"size": DEFAULT_PANEL_SIZE})
    if request.method == "POST" and form.is_valid():
        chosen = [by_id[pk] for pk in form.cleaned_data["applications"]]
        panel = _on_form(
            form,
            lambda: services.panel_draw(
                actor=request.user,
                applications=chosen,
                size=form.cleaned_data["size"],
                seed=form.cleaned_data["seed"] or None,
            ),
        )
        if panel is not None:
            messages.success(request, gettext("已抽取专家组，随机种子：%(seed)s") % {"seed": panel.seed})
            return redirect("directory:panel_detail", pk=panel.pk)
    selected = set(form.data.getlist("applications")) if form.is_bound else set()
    return render(
        request,
        "institutions/panel_draw.html",
        {"form": form, "applications": apps, "selected": selected, "algorithm": panel_rules.ALGORITHM},
    )


def panel_detail(request, pk: int):
    try:
        panel = selectors.panel_get_for(request.user, pk)
    except NotFound:
        selectors.expert_assignment_get_for(request.user, pk)  # 404 unless the actor sits on it
        return redirect("directory:panel_score", pk=pk)
    members: list[Any] = list(selectors.panel_members(panel))
    for m in members:
        m.allowed_actions = panel_member_allowed_actions(request.user, m, panel)
    aggregates = selectors.panel_aggregates(panel)
    apps = list(panel.applications.select_related("institution").order_by("number"))
    scores: list[Any] = list(selectors.scores_visible_to(request.user, panel))
    reproduction = services.panel_reproduce_check(panel)
    people = _People(request, panel, members, reproduction["order"])
    for s in scores:
        s.expert_name = people.name(s.member.expert_id)
    on_panel = [m for m in members if m.status != m.Status.DECLINED]
    done = {(s.member_id, s.application_id) for s in scores}
    rows = [
        {
            "application": a,
            "aggregate": aggregates.get(a.pk),
            "scores": [s for s in scores if s.application_id == a.pk],
            "missing": [m.shown_name for m in on_panel if (m.pk, a.pk) not in done],
        }
        for a in apps
    ]
    return render(
        request,
        "institutions/panel_detail.html",
        {
            "panel": panel,
            "members": members,
            "draw_order": people.draw_order,
            "excluded": people.excluded,
            "rows": rows,
            "reproduction": reproduction,
            "is_open": panel.status == panel.Status.OPEN,
            "allowed_actions": panel_allowed_actions(request.user, panel),
            "step_label": _step_label(panel, apps),
            "source": panel_rules.source(panel.call.programme),
            "rule": panel_rules.RULE,
        },
    )


class _People:
    """The experts of a panel's record as the viewer may see them: names masked unless the viewer may
    see them in full (accounts.masking, the full view audited once), each candidate with their position
    in the draw order and what became of them; expert ids only for the technical-details fold."""

    def __init__(self, request, panel, members: list[Any], order: list[int]) -> None:
        excluded = list(panel.excluded)
        ids = {*order, *(m.expert_id for m in members), *(e["expert"] for e in excluded)}
        experts = selectors.experts_by_id(request.user, ids)
        self._shown = personal_view(
            request.user,
            panel,
            what="panel_detail",
            region_code=panel.region_code,
            org_id=panel.owner_id,
            count=len(ids),
        )
        self._names = {i: e.name for i, e in experts.items()}
        self._names.update({e["expert"]: e.get("name") or "" for e in excluded if e["expert"] not in experts})
        for m in members:
            m.shown_name = self.name(m.expert_id)
            m.replaces_name = self.name(m.replaces.expert_id) if m.replaces_id else ""
        seat = {m.expert_id: m for m in members}
        skipped = {e["expert"] for e in excluded if e.get("stage") == "redraw"}
        self.draw_order = [
            {
                "position": i + 1,
                "id": expert_id,
                "name": self.name(expert_id),
                "employer": experts[expert_id].employer_name if expert_id in experts else "",
                "state": _draw_state(seat.get(expert_id), expert_id in skipped),
            }
            for i, expert_id in enumerate(order)
        ]
        self.excluded = [{**e, "name": self.name(e["expert"])} for e in excluded]

    def name(self, expert_id: int) -> str:
        return self._shown.name(self._names.get(expert_id, "")) or "—"


def _draw_state(member, skipped: bool) -> str:
    if member is not None:
        if member.status == member.Status.DECLINED:
            return gettext("已谢绝")
        return gettext("递补入组") if member.replaces_id else gettext("抽中入组")
    return gettext("补抽时回避，跳过") if skipped else gettext("未抽到")


def _step_label(panel, apps) -> str:
    """The review step's name as the application's route shows it ("省厅专家评议"), never its code (the
    generic "专家评议" if no route names it)."""
    for app in apps:
        for s in app.route or []:
            if s.get("step") == panel.step and s.get("label"):
                return s["label"]
    return gettext("专家评议")


@require_POST
def panel_member_decline(request, pk: int, member_id: int):
    member = selectors.panel_member_get_for(request.user, pk, member_id)
    is_owner = selectors.panels_visible_to(request.user).filter(pk=pk).exists()
    try:
        replacement = services.panel_member_decline(
            actor=request.user, member=member, reason=request.POST.get("reason", "")
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("directory:panel_detail" if is_owner else "directory:panel_score", pk=pk)
    if is_owner:
        shown = personal_view(
            request.user,
            member.panel,
            what="panel_member_decline",
            region_code=member.panel.region_code,
            org_id=member.panel.owner_id,
            count=1,
        )
        messages.success(
            request,
            gettext("已谢绝，补抽第 %(pos)s 顺位专家 %(name)s")
            % {"pos": replacement.position, "name": shown.name(replacement.expert.name)},
        )
        return redirect("directory:panel_detail", pk=pk)
    messages.success(request, gettext("已谢绝参加该专家组的评议"))
    return redirect("directory:expert_assignments")


@require_POST
def panel_close(request, pk: int):
    panel = selectors.panel_get_for(request.user, pk)
    try:
        services.panel_close(actor=request.user, panel=panel)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("评议已结束，结果供审核参考"))
    return redirect("directory:panel_detail", pk=pk)


# --- the expert ---------------------------------------------------------------------------------------------------


def expert_assignments(request):
    if not selectors.is_expert(request.user):
        raise PermissionDenied(gettext("您不是评审专家"))
    rows = []
    for m in selectors.assignments_for_expert(request.user):
        own = {s.application_id for s in selectors.scores_visible_to(request.user, m.panel)}
        apps = list(m.panel.applications.all())
        rows.append(
            {"member": m, "panel": m.panel, "applications": apps, "scored": sum(a.pk in own for a in apps)}
        )
    return render(
        request,
        "institutions/expert_assignments.html",
        {"rows": rows, "unlinked": not rows and not expert_selectors.has_expert_record(request.user)},
    )


@require_http_methods(["GET", "POST"])
def panel_score(request, pk: int):
    member = selectors.expert_assignment_get_for(request.user, pk)
    panel = member.panel
    apps = list(panel.applications.all())
    own = {s.application_id: s for s in selectors.scores_visible_to(request.user, panel)}
    bound_pk = None
    bound_form = None
    if request.method == "POST":
        try:
            bound_pk = int(request.POST.get("application", ""))
        except ValueError:
            bound_pk = None
        app = next((a for a in apps if a.pk == bound_pk), None)
        if app is None:
            raise NotFound()
        bound_form = ScoreForm(request.POST, prefix=f"a{app.pk}")
        scored = app  # not None from here on; the closure below keeps that
        if bound_form.is_valid():
            saved = _on_form(
                bound_form,
                lambda: scores.score_submit(
                    actor=request.user,
                    panel=panel,
                    application=scored,
                    score=bound_form.cleaned_data["score"],
                    vote=bound_form.cleaned_data["vote"],
                    comment=bound_form.cleaned_data["comment"],
                ),
            )
            if saved is not None:
                messages.success(request, gettext("已保存对 %(number)s 的评分") % {"number": app.number})
                return redirect("directory:panel_score", pk=pk)
    items = []
    for app in apps:
        if app.pk == bound_pk and bound_form is not None:
            form = bound_form
        else:
            s = own.get(app.pk)
            initial = {"score": s.score, "vote": s.vote, "comment": s.comment} if s else {}
            form = ScoreForm(initial=initial, prefix=f"a{app.pk}")
        items.append({"application": app, "form": form, "score": own.get(app.pk)})
    return render(
        request,
        "institutions/expert_score.html",
        {"member": member, "panel": panel, "items": items, "is_open": panel.status == panel.Status.OPEN},
    )


urlpatterns = [
    path("panels/", panel_list, name="panel_list"),
    path("panels/draw/", panel_draw, name="panel_draw"),
    path("panels/<int:pk>/", panel_detail, name="panel_detail"),
    path(
        "panels/<int:pk>/members/<int:member_id>/decline/", panel_member_decline, name="panel_member_decline"
    ),
    path("panels/<int:pk>/close/", panel_close, name="panel_close"),
    path("panels/<int:pk>/score/", panel_score, name="panel_score"),
    path("expert/assignments/", expert_assignments, name="expert_assignments"),
]
