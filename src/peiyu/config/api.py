"""The one NinjaAPI at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).
Authentication: the browser session (CSRF-protected) or a bearer token. Domain errors map to
400/403/404/409 with a stable `code`; a request body that does not parse is a 400 with field
messages; nothing user-caused becomes a 500."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from peiyu.core.errors import DomainError, PermissionDenied

logger = logging.getLogger("peiyu.api")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class SessionAuth(APIKeyCookie):
    """Django's session; officials must also have passed TOTP when it is required. Only a signed-in
    session is checked for CSRF, and only on unsafe methods: an anonymous request (no or an empty
    session cookie) is simply not authenticated here (401), and a request that carries an
    `Authorization: Bearer` header is left to the token (token clients are not subject to CSRF)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, once the session is known to be signed in

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None
        user = self.authenticate(request, request.COOKIES.get(self.param_name))
        if user is None:
            return None
        if request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise PermissionDenied(
                    "安全校验失败：请求缺少有效的 CSRF 令牌，请刷新页面后重试；接口客户端请使用接口令牌",
                    code="csrf_failed",
                )
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if not key or user is None or not user.is_authenticated:
            return None
        if settings.PEIYU_OFFICIAL_OTP_REQUIRED:
            from peiyu.accounts.scoping import is_official

            if is_official(user) and not user.is_verified():
                return None
        return user


class TokenAuth(HttpBearer):
    """A personal API token (`Authorization: Bearer py_…`); never subject to CSRF, since a browser
    does not attach the header to a cross-site request by itself."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from peiyu.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="peiyu API",
    version="1",
    description="培育平台接口：机构目录、培训、考核、证书、监管、补贴。错误返回 {code, message, fields?, rule?}。",
    auth=[SessionAuth(), TokenAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error(request, status: int, body: dict):
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.as_dict())


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "request", []).append(str(err.get("msg", "无效")))
    return _error(request, 400, {"code": "invalid_input", "message": "请求数据有误", "fields": fields})


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(request, 401, {"code": "not_authenticated", "message": "请先登录或提供有效的接口令牌"})


@api.exception_handler(AuthorizationError)
def _authz_error(request, exc):
    return _error(request, 403, {"code": "permission_denied", "message": "您没有执行此操作的权限"})


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, {"code": "not_found", "message": "记录不存在或不在您的管辖范围内"})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    codes = {
        400: "bad_request",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
    }
    return _error(
        request, exc.status_code, {"code": codes.get(exc.status_code, "error"), "message": str(exc)}
    )


@api.exception_handler(Exception)
def _unexpected(request, exc: Exception):
    logger.exception("unhandled API error")
    return _error(request, 500, {"code": "internal_error", "message": "服务器内部错误，已记录"})


def _mount() -> None:
    from peiyu.accounts.api import router as accounts_router
    from peiyu.audit.api import router as audit_router
    from peiyu.catalogs.api import router as catalogs_router
    from peiyu.core.api import router as core_router

    api.add_router("/", core_router)
    api.add_router("/", accounts_router)
    api.add_router("/audit", audit_router)
    api.add_router("/", catalogs_router)
    from peiyu.institutions.api.routers import ROUTERS as institution_routers
    from peiyu.training.api.routers import ROUTERS as training_routers

    for router in [*institution_routers, *training_routers]:
        api.add_router("/", router)


_mount()
