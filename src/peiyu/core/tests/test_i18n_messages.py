"""The page messages added with the sign-in hardening and the shared action tables are wrapped and
translated (ADR 0002): English when the page is in English, the Chinese source otherwise. API messages
stay Chinese (ADR 0002, point 5)."""

from __future__ import annotations

import pytest
from django.utils import translation

from peiyu.core.actions import dispatch
from peiyu.core.errors import InvalidInput


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        (
            "验证码尝试次数过多，请 %(seconds)s 秒后再试",
            "Too many code attempts. Try again in %(seconds)s seconds.",
        ),
        ("验证码尝试次数过多，请稍后再试", "Too many code attempts. Try again later."),
        ("已登记签到：%(name)s", "Check-in recorded: %(name)s"),
        ("密钥 %(key)s 已停用", "Key %(key)s disabled"),
        ("已新建密钥 %(key)s", "Key %(key)s created"),
        ("规则编号", "Rule ID"),
    ],
)
def test_new_page_messages_translate(chinese, english):
    with translation.override("en"):
        assert translation.gettext(chinese) == english
    with translation.override("zh-hans"):
        assert translation.gettext(chinese) == chinese


def test_an_unknown_action_is_refused_in_the_pages_language():
    for language, message in (("zh-hans", "无效的操作"), ("en", "Invalid action")):
        with translation.override(language), pytest.raises(InvalidInput) as exc:
            dispatch({}, "nope")
        assert exc.value.message == message and exc.value.fields == {"action": [message]}
