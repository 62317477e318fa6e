"""The demo-only page: every demo account grouped by the journey of JOURNEYS.md it is used in, with the
demo password. It exists only while the demo setting is on (PEIYU_DEMO, on in the development settings
`peiyu demo` uses, always off in production); otherwise it is a 404 like any unknown address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
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
