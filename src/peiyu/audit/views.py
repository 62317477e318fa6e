from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from peiyu.core.errors import PermissionDenied
from peiyu.core.permissions import has_capability

from .selectors import audit_events_visible_to
from .verify import verify_and_record


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The auditor's page: run the hash-chain verification and see the recent checks."""
    if not has_capability(request.user, "audit.verify"):
        raise PermissionDenied("您没有校验审计链的权限")
    result = verify_and_record(request.user) if request.method == "POST" else None
    recent = audit_events_visible_to(request.user).filter(action="audit.verified").order_by("-id")[:10]
    return render(request, "audit/verify.html", {"result": result, "recent": recent})
