"""An anonymous visitor's page frame is rendered once and filled in per request (core.frames): the same
bytes as rendering the template, with the visitor's own CSRF token (and cookie), path, title and
content; signed-in users and visitors with a message waiting get the template rendered as usual."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import add_message, constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.shortcuts import render
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe

from peiyu.core import frames

pytestmark = pytest.mark.django_db

TEMPLATE = "institutions/catalog_detail.html"  # base.html with {{ title }} and {{ content }}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fresh():
    frames.forget_frames()
    yield
    frames.forget_frames()


def _request(path: str = "/catalog/L1/?a=1&b=<x>", user=None):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _without_token(html: str) -> str:
    return TOKEN.sub("T", html)


def test_the_frame_gives_the_same_page_as_the_template_each_time():
    content = mark_safe('<h1>机构 &amp; "名"</h1>')
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for path in ("/catalog/L1/?a=1&b=<x>", "/catalog/?q=%22%E4%BA%91"):
                expected = render(_request(path), TEMPLATE, {"content": content, "title": "甲 & <乙>"})
                got = frames.framed(_request(path), TEMPLATE, content=content, title="甲 & <乙>")
                assert _without_token(got.content.decode()) == _without_token(expected.content.decode())
                assert got.status_code == expected.status_code == 200
    assert len(frames._frames) == 2  # one frame per language, shared by both paths


def test_plain_text_content_is_escaped_and_each_visitor_gets_their_own_token():
    first, second = _request(), _request()
    a = frames.framed(first, TEMPLATE, content="<b>", title="t").content.decode()
    b = frames.framed(second, TEMPLATE, content="<b>", title="t").content.decode()
    assert "<main>\n  \n  &lt;b&gt;\n</main>" in a
    token_a, token_b = TOKEN.search(a).group(1), TOKEN.search(b).group(1)
    assert token_a != token_b
    # each token is the visitor's own: the CSRF cookie is set for them as {% csrf_token %} would
    assert first.META["CSRF_COOKIE_NEEDS_UPDATE"] and second.META["CSRF_COOKIE"] != first.META["CSRF_COOKIE"]


def test_signed_in_users_and_waiting_messages_get_the_template_rendered(django_user_model):
    user = django_user_model.objects.create_user(username="frame_user", password="x" * 12)
    signed_in = frames.framed(_request(user=user), TEMPLATE, content="c", title="t")
    assert user.username in signed_in.content.decode()
    request = _request()
    add_message(request, constants.INFO, "已保存草稿")
    with_message = frames.framed(request, TEMPLATE, content="c", title="t")
    assert "已保存草稿" in with_message.content.decode()
    assert not frames._frames  # neither made nor used a frame
