"""The demo-only page: every demo account grouped by the journey of JOURNEYS.md it is used in, with the
demo password. It exists only while the demo setting is on (PEIYU_DEMO, on in the development settings
`peiyu demo` uses, always off in production); otherwise it is a 404 like any unknown address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .data import DEMO_PASSWORD
from .journeys import by_journey


@login_not_required
@require_GET
def demo_accounts(request):
    if not getattr(settings, "PEIYU_DEMO", False):
        raise Http404()
    return render(request, "demo/accounts.html", {"journeys": by_journey(), "password": DEMO_PASSWORD})


@login_not_required
@require_GET
def demo_certificate_pdf(request, which: str):
    """A demo certificate's signed PDF (`genuine`) or the same file with its level changed on the page
    (`tampered`), made from this installation's demo data and keys: a file signed by another
    installation could not verify here (docs/demo/README.md)."""
    from peiyu.certificates.demo.tampered import GENUINE_NAME, TAMPERED_NAME, demo_files

    if not getattr(settings, "PEIYU_DEMO", False) or which not in ("genuine", "tampered"):
        raise Http404()
    files = demo_files(request.build_absolute_uri("/"))
    if files is None:
        raise Http404()
    _cert, genuine, tampered = files
    response = HttpResponse(genuine if which == "genuine" else tampered, content_type="application/pdf")
    name = GENUINE_NAME if which == "genuine" else TAMPERED_NAME
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
