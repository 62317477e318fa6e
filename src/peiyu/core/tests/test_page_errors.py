"""Page error handling lives in one place, core.middleware.DomainErrorMiddleware (issue 11, point 3):
views let domain errors rise; the middleware turns NotFound into a 404, PermissionDenied into a 403 and
any other domain error into the error page with its Chinese message and status. The API keeps its own
handlers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.test import RequestFactory

from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.middleware import DomainErrorMiddleware

pytestmark = pytest.mark.django_db


def _request(path: str = "/somewhere/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def _middleware() -> DomainErrorMiddleware:
    return DomainErrorMiddleware(lambda request: None)


def test_not_found_is_a_404_with_its_message():
    with pytest.raises(Http404, match="记录不存在"):
        _middleware().process_exception(_request(), NotFound())


def test_permission_denied_is_a_403():
    with pytest.raises(DjangoPermissionDenied, match="无权"):
        _middleware().process_exception(_request(), PermissionDenied("无权办理"))


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Conflict("状态已变化，请刷新后重试"), 409),
        (InvalidInput("日期格式不正确", fields={"date": ["日期格式不正确"]}), 400),
        (RuleViolation("超过名额", rule="DIR-9"), 400),
    ],
)
def test_other_domain_errors_render_the_error_page_with_their_status(error, status):
    response = _middleware().process_exception(_request(), error)
    assert response.status_code == status
    text = response.content.decode()
    assert error.message in text
    assert "javascript:" not in text


def test_the_api_and_other_exceptions_are_left_alone():
    assert _middleware().process_exception(_request("/api/v1/x"), NotFound()) is None
    assert _middleware().process_exception(_request(), ValueError("x")) is None


def test_a_missing_public_page_record_is_a_404_through_the_middleware(client):
    response = client.get("/occupations/9-99-99-99/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert "Content-Security-Policy" in response
