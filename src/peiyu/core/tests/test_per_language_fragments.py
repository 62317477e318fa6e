"""The page frame's fixed parts (static links, the public menu) are rendered once per language and
reused: the same HTML as rendering them each time, in the language of the request."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from peiyu.core.templatetags import fragments

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    fragments._rendered.clear()
    yield
    fragments._rendered.clear()


def test_a_fragment_is_rendered_once_per_language_and_reused():
    calls = []

    class Counter:
        def __str__(self):
            calls.append(1)
            return "x"

    t = Template(
        '{% load fragments i18n %}{% per_language "t" %}{% translate "登录" %}{{ c }}{% end_per_language %}'
    )
    with translation.override("zh-hans"):
        first = t.render(Context({"c": Counter()}))
        again = t.render(Context({"c": Counter()}))
    with translation.override("en"):
        english = t.render(Context({"c": Counter()}))
    assert first == again == "登录x" and english != first and english.endswith("x")
    assert len(calls) == 2  # once in Chinese, once in English


def test_the_public_frame_is_the_same_with_the_fragments_reused(client):
    first = client.get("/catalog/").content.decode()
    second = client.get("/catalog/").content.decode()
    assert ('href="/catalog/"' in first) and first.count("<nav") == second.count("<nav")
    assert first.split("<main>")[0].replace(_csrf(first), "") == second.split("<main>")[0].replace(
        _csrf(second), ""
    )


def _csrf(html: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_the_tag_wants_one_quoted_name():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}{% per_language %}x{% end_per_language %}")
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}{% per_language name %}x{% end_per_language %}")
