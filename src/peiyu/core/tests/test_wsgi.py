"""core.wsgi: the application every server runs, its start-up frozen for the garbage collector."""

from __future__ import annotations

import gc
import json
from wsgiref.util import setup_testing_defaults

from peiyu.core.wsgi import application_frozen


def test_the_application_serves_with_its_start_up_frozen():
    gc.unfreeze()
    try:
        handler = application_frozen()
        assert gc.get_freeze_count() > 0  # the start-up's objects: never walked by a collection again
        environ: dict = {"PATH_INFO": "/api/v1/ping", "HTTP_HOST": "testserver"}
        setup_testing_defaults(environ)
        answered: list[str] = []
        body = b"".join(handler(environ, lambda status, headers: answered.append(status)))
        assert answered == ["200 OK"] and json.loads(body)
    finally:
        gc.unfreeze()
