"""API tokens work for writes (issue 11, point 5): a bearer token is never subject to CSRF, on every
write route of the spec; a signed-in browser session still is; an anonymous request, with an empty or
no session cookie, is a 401, not a 403; each refusal is in Chinese with a stable code."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peiyu.accounts.models import ApiToken
from peiyu.accounts.services.tokens import api_token_create
from peiyu.core.crypto import sm3_hex

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
# one token per kind of persona, so every write route meets a caller who may reach its service
PERSONAS = ("sy_inst_admin", "sy_official", "ln_official", "sy_secadmin", "auditor", "sysadmin")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _token(user) -> str:
    """A valid token for any persona (some roles may not create their own: made here directly)."""
    plain = f"py_test_{user.username}_token"
    ApiToken.objects.create(
        user=user,
        name="test",
        prefix=plain[:8],
        digest=sm3_hex(plain.encode()),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return plain


def _write_routes(client) -> list[tuple[str, str]]:
    spec = client.get("/api/v1/openapi.json").json()
    routes = [
        (method, path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in WRITE_METHODS
    ]
    assert len(routes) > 40, "the spec lists the write routes"
    return routes


def _concrete(path: str) -> str:
    """A path with each parameter filled: ids that exist for nobody, numbers that match nothing."""
    return re.sub(r"\{(\w+)\}", lambda m: "999999" if m.group(1).endswith("_id") else "NO-SUCH-NUMBER", path)


def _refused_for_csrf(response) -> bool:
    if response.status_code != 403:
        return False
    body = response.content.decode("utf-8", "replace")
    return "csrf" in body.lower()


def _chinese_refusal(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert CJK.search(body["message"]), body
    assert body["rules"] == [] and body["fields"] == {}, body  # the one refusal shape
    assert "csrf check failed" not in body["message"].lower()


def test_every_write_route_accepts_a_token_without_csrf(world):
    client = Client(enforce_csrf_checks=True)
    tokens = {name: _token(world.users[name]) for name in PERSONAS}
    seen: dict[tuple[str, str], set[int]] = {}
    for method, path in _write_routes(client):
        for persona, plain in tokens.items():
            response = getattr(client, method)(
                _concrete(path),
                data=json.dumps({}),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {plain}",
            )
            where = f"{method.upper()} {path} as {persona}"
            assert not _refused_for_csrf(response), f"{where}: {response.content[:200]!r}"
            assert response.status_code != 401, f"{where}: the token was not accepted"
            assert response.status_code < 500, f"{where}: {response.status_code}"
            seen.setdefault((method, path), set()).add(response.status_code)
    # the walk reached the services (business answers), not only the authentication
    assert any(statuses & {400, 404, 409} for statuses in seen.values())


def test_token_writes_succeed_even_beside_a_session_cookie(world):
    """A browser-like client that also holds a session cookie but no CSRF token: the token decides."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.sy_inst_admin)
    plain = _token(world.sy_inst_admin)
    created = client.post(
        "/api/v1/tokens",
        data=json.dumps({"name": "对接系统"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert created.status_code in (200, 201), created.content
    token_id = created.json()["id"]
    revoked = client.delete(f"/api/v1/tokens/{token_id}", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert revoked.status_code == 204, revoked.content
    assert ApiToken.objects.get(pk=token_id).revoked_at is not None


def test_a_token_of_a_persona_with_the_capability_creates_tokens(world):
    _token_row, plain = api_token_create(actor=world.sy_official, name="对接")
    client = Client(enforce_csrf_checks=True)
    created = client.post(
        "/api/v1/tokens",
        data=json.dumps({"name": "第二个"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert created.status_code in (200, 201), created.content


def test_a_session_write_without_csrf_token_is_refused_in_chinese(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.sy_inst_admin)
    refused = client.post("/api/v1/tokens", data=json.dumps({"name": "x"}), content_type="application/json")
    _chinese_refusal(refused, 403, "csrf_failed")
    assert not ApiToken.objects.filter(user=world.sy_inst_admin).exists()
    # a DELETE and a PATCH are unsafe too
    assert client.delete("/api/v1/tokens/1").status_code == 403


def test_a_session_write_with_the_csrf_token_passes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.sy_inst_admin)
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    created = client.post(
        "/api/v1/tokens",
        data=json.dumps({"name": "浏览器"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=secret,
    )
    assert created.status_code in (200, 201), created.content


def test_session_reads_need_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.sy_inst_admin)
    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("cookie", [None, ""])
def test_anonymous_writes_are_401_not_403(db, cookie):
    from django.conf import settings

    client = Client(enforce_csrf_checks=True)
    if cookie is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    body = json.dumps({"name": "x"})
    for response in (
        client.post("/api/v1/tokens", data=body, content_type="application/json"),
        client.patch("/api/v1/training/plans/1", data=body, content_type="application/json"),
        client.delete("/api/v1/tokens/1"),
        client.get("/api/v1/me"),
    ):
        _chinese_refusal(response, 401, "not_authenticated")


def test_an_invalid_token_is_401_in_chinese(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/tokens",
        data=json.dumps({"name": "x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer py_not_a_token",
    )
    _chinese_refusal(response, 401, "not_authenticated")


def test_an_official_session_without_totp_is_401_on_writes(world, settings):
    settings.PEIYU_OFFICIAL_OTP_REQUIRED = True
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.sy_official)
    response = client.post("/api/v1/tokens", data=json.dumps({"name": "x"}), content_type="application/json")
    _chinese_refusal(response, 401, "not_authenticated")


def test_the_api_docs_send_the_csrf_token_for_session_calls(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.sy_inst_admin)
    page = client.get("/api/v1/docs").content.decode()
    assert 'data-api-csrf="true"' in page
