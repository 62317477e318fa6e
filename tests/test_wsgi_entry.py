"""The WSGI entry point every server loads (gunicorn, `peiyu serve`) is core.wsgi's frozen application."""

from __future__ import annotations

import gc

from peiyu.core.wsgi import application_frozen


def test_the_configured_application_is_the_frozen_one():
    from django.conf import settings

    assert settings.WSGI_APPLICATION == "peiyu.config.wsgi.application"
    try:
        from peiyu.config import wsgi

        assert wsgi.application_frozen is application_frozen and callable(wsgi.application)
    finally:
        gc.unfreeze()  # importing it froze this test process too
