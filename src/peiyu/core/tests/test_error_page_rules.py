"""The error page shows a refusal's plain message with its rules as tags beside it, each rule id once
(core.checks.refusal_parts): never "依据：rule", never an id both in the text and as a tag."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from peiyu.core.checks import Check, failure_message, refusal_parts
from peiyu.core.errors import RuleViolation
from peiyu.core.middleware import DomainErrorMiddleware

pytestmark = pytest.mark.django_db


def _page(error: RuleViolation) -> str:
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    response = DomainErrorMiddleware(lambda request: None).process_exception(request, error)
    assert response is not None and response.status_code == 400
    return response.content.decode()


def _alert(html: str) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', html, re.S)
    assert found is not None
    return found[1]


@pytest.mark.parametrize(
    ("error", "plain", "tags"),
    [
        (RuleViolation("名额已满", rule="SEL-6"), "名额已满", ["SEL-6"]),
        (RuleViolation("名额已满（SEL-6）", rule="SEL-6"), "名额已满", ["SEL-6"]),
        (RuleViolation("违反TRN-9的规定", rules=["TRN-9"]), "违反TRN-9的规定", []),
        (
            RuleViolation(
                failure_message([Check("TRN-8", False, "学时不足。"), Check("TRN-9", False, "考勤异常")]),
                rules=["TRN-8", "TRN-9"],
            ),
            "学时不足；考勤异常",
            ["TRN-8", "TRN-9"],
        ),
        (
            RuleViolation("TRN-1 与 TRN-10 都不满足", rules=["TRN-1", "TRN-10"]),
            "TRN-1 与 TRN-10 都不满足",
            [],
        ),
    ],
)
def test_each_rule_id_shows_once_as_a_tag_or_in_the_text(error, plain, tags):
    assert refusal_parts(error) == (plain, tags)
    alert = _alert(_page(error))
    assert plain in alert and "依据" not in alert
    for rule in error.rules:
        assert len(re.findall(rf"(?<![A-Z0-9-]){rule}(?![0-9])", alert)) == 1, (rule, alert)
    assert re.findall(r'<span class="badge fail"[^>]*>([^<]+)</span>', alert) == tags


def test_an_id_in_brackets_that_is_no_rule_of_the_refusal_stays():
    error = RuleViolation("不在目录内（CAT-1）", rule="TRN-1")
    assert refusal_parts(error) == ("不在目录内（CAT-1）", ["TRN-1"])
