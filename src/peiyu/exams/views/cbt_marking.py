"""Marking pages (EVL-6), built for a phone: the sessions an examiner marks, then one short answer at a
time — stem, reference answer and criteria, the candidate's answer (no name, no other marks) — with a
score and a comment; saving shows the next."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peiyu.accounts.services.access import require
from peiyu.core.errors import DomainError
from peiyu.core.lookups import one_or_404

from ..models import Attempt
from ..selectors import marking as sel
from ..services import marking as services


def marking_sessions(request: HttpRequest) -> HttpResponse:
    require(request.user, services.MARK)
    return render(
        request, "exams/marking_sessions.html", {"sessions": list(sel.sessions_marked_by(request.user))}
    )


@require_http_methods(["GET", "POST"])
def marking_next(request: HttpRequest, pk: int) -> HttpResponse:
    session = one_or_404(sel.sessions_marked_by(request.user), pk=pk)
    examiner = services.marking_examiner(request.user, session)
    errors: dict[str, list[str]] = {}
    data = {"score": "", "comment": ""}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in data}
        attempt = one_or_404(Attempt.objects.filter(sitting__session=session), pk=request.POST.get("attempt"))
        try:
            services.mark_record(
                actor=request.user, attempt=attempt, position=int(request.POST.get("position") or 0),
                score=data["score"], comment=data["comment"],
            )  # fmt: skip
        except DomainError as exc:
            errors = dict(exc.fields or {})
            errors.setdefault("form", [exc.message])
        else:
            messages.success(request, _("评分已保存"))
            return HttpResponseRedirect(reverse("exams:marking_next", args=[session.pk]))
    task = sel.next_to_mark(examiner, session, services.margin_for(session), now=timezone.now())
    context = {"session": session, "task": task, "errors": errors, "data": data}
    return render(request, "exams/marking_next.html", context, status=400 if errors else 200)


urlpatterns: list[URLPattern] = [
    path("marking/", marking_sessions, name="marking_sessions"),
    path("marking/sessions/<int:pk>/", marking_next, name="marking_next"),
]
