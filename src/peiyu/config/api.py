"""The one NinjaAPI at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).
Authentication: the browser session (CSRF-protected) or a bearer token. Every refusal has one shape,
`core.schemas.ErrorOut` {code, message, rules, fields, details?}: domain errors map to 400/403/404/409
with a stable `code`; a request that does not validate is a 400 with a Chinese message per field;
nothing user-caused becomes a 500. The spec declares these error responses for every operation."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import PathView
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from peiyu.core.errors import DomainError, PermissionDenied
from peiyu.core.renderers import LocalTimeJSONRenderer
from peiyu.core.routing import nested
from peiyu.core.schemas import ErrorOut, error_body

logger = logging.getLogger("peiyu.api")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class SessionAuth(APIKeyCookie):
    """Django's session; officials must also have passed TOTP when it is required. Only a signed-in
    session is checked for CSRF, and only on unsafe methods: an anonymous request (no or an empty
    session cookie) is simply not authenticated here (401), and a request that carries an
    `Authorization: Bearer` header is left to the token (token clients are not subject to CSRF)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # csrf=True makes the API docs send the CSRF token; the check itself is in __call__ (ninja's
        # own, in _get_key, would run before the session is known and refuse token clients)
        super().__init__(csrf=True)

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
        from peiyu.accounts.services.tokens import api_token_authenticate

        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


ERROR_RESPONSES: dict[int, str] = {
    400: "请求有误：输入未通过校验，或业务规则不允许（rules 为规则编号，fields 为各输入项的说明）",
    401: "未登录，或接口令牌无效、已过期",
    403: "没有执行此操作的权限",
    404: "记录不存在或不在您的管辖范围内",
    409: "状态已变化，或与已有记录冲突",
}


class PeiyuAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI spec declares, for every operation, the error responses it can
    give (400/401/403/404/409, each an `ErrorOut`): in one place, not per route. A public operation
    (no authentication) does not declare 401."""

    def _get_urls(self) -> list[Any]:
        # grouped by leading segment: a path is resolved in a few steps, not against every operation
        return nested(super()._get_urls())

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        ref = {"$ref": "#/components/schemas/ErrorOut"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                present = {str(code) for code in responses}
                for status, description in ERROR_RESPONSES.items():
                    if str(status) in present or (status == 401 and not operation.get("security")):
                        continue
                    responses[status] = {
                        "description": description,
                        "content": {"application/json": {"schema": ref}},
                    }
        return schema


api = PeiyuAPI(
    title="peiyu API",
    version="1",
    description="培育平台接口：机构目录、培训、考核、证书、监管、补贴。列表返回 {items, count}，分页参数 "
    "limit、offset；错误返回 {code, message, rules, fields, details?}。",
    auth=[SessionAuth(), TokenAuth()],
    renderer=LocalTimeJSONRenderer(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.as_dict())  # already the ErrorOut shape


# pydantic's error types in Chinese; `{…}` names a value of the error's context
VALIDATION_MESSAGES: dict[str, str] = {
    "missing": "必填",
    "missing_argument": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "int_parsing_size": "数值超出范围",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": "应为有限的数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_digits": "数字不能超过 {max_digits} 位",
    "decimal_max_places": "小数不能超过 {decimal_places} 位",
    "decimal_whole_digits": "整数部分不能超过 {whole_digits} 位",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "string_type": "应为文本",
    "string_too_long": "不能超过 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_unicode": "应为文本",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期，不含时间",
    "datetime_parsing": "时间格式应为 ISO 8601，如 2025-01-31T09:00:00+08:00",
    "datetime_type": "时间格式应为 ISO 8601，如 2025-01-31T09:00:00+08:00",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601，如 2025-01-31T09:00:00+08:00",
    "time_parsing": "时间格式应为 HH:MM",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "set_type": "应为列表",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "dataclass_type": "应为对象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "extra_forbidden": "不允许此项",
    "uuid_parsing": "格式不正确",
    "uuid_type": "格式不正确",
    "url_parsing": "网址格式不正确",
    "url_type": "网址格式不正确",
    "union_tag_invalid": "类型不正确",
    "union_tag_not_found": "缺少类型",
    "none_required": "应为空",
    "bytes_type": "应为文件或文本",
    "bytes_too_long": "内容过长",
}


def validation_message(err: dict[str, Any]) -> str:
    """One pydantic error in Chinese: a cleaner's (core.cleaning_adapters) or a validator's own
    message (`ValueError("…")`) as it is, a
    known error type from the table above, anything else "输入无效"."""
    kind = str(err.get("type", ""))
    if kind == "invalid_input" and err.get("msg"):  # a core.cleaning cleaner's own Chinese message
        return str(err["msg"])
    ctx = {
        k: (", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in (err.get("ctx") or {}).items()
    }
    if kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error") or err.get("msg") or "")
        for prefix in ("Value error, ", "Assertion failed, "):
            text = text.removeprefix(prefix)
        if text and not text.isascii():
            return text
    template = VALIDATION_MESSAGES.get(kind)
    if template is None:
        return "输入无效"
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace(" or ", "、").replace("'", "")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip("：: ") or "输入无效"


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [
            str(p)
            for p in err.get("loc", [])
            if p not in ("body", "query", "path", "payload", "form", "file")
        ]
        fields.setdefault(".".join(loc) or "request", []).append(validation_message(err))
    first = next(iter(fields.items()), None)
    message = "请求数据有误"
    if first is not None:
        message += f"：{first[0]} {first[1][0]}" if first[0] != "request" else f"：{first[1][0]}"
    return _error(request, 400, error_body("invalid_input", message, fields=fields))


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, error_body("not_authenticated", "请先登录或提供有效的接口令牌"))


@api.exception_handler(AuthorizationError)
def _authz_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return _error(request, 403, error_body("permission_denied", "您没有执行此操作的权限"))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, error_body("not_found", "记录不存在或不在您的管辖范围内"))


# ninja's own HttpErrors carry English text: each status has a Chinese message instead
HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求内容无法解析，请检查格式（如 JSON）"),
    401: ("not_authenticated", "请先登录或提供有效的接口令牌"),
    403: ("permission_denied", "您没有执行此操作的权限"),
    404: ("not_found", "记录不存在或不在您的管辖范围内"),
    405: ("method_not_allowed", "不支持此请求方法"),
    409: ("conflict", "状态已变化，请刷新后重试"),
}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, default = HTTP_ERRORS.get(exc.status_code, ("error", "请求无法处理"))
    message = str(exc)
    return _error(request, exc.status_code, error_body(code, default if message.isascii() else message))


def _method_not_allowed(self: PathView) -> HttpResponse:
    """A method the route does not serve (405): the one refusal shape in Chinese, with `Allow`, in
    place of ninja's plain "Method not allowed" (ninja answers it before any exception handler)."""
    allowed = sorted({method for operation in self.operations for method in operation.methods})
    message = f"不支持此请求方法，此接口支持：{'、'.join(allowed)}"
    response = JsonResponse(
        error_body("method_not_allowed", message), status=405, json_dumps_params={"ensure_ascii": False}
    )
    response["Allow"] = ", ".join(allowed)
    return response


PathView._not_allowed = _method_not_allowed  # type: ignore[method-assign]


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error")
    return _error(request, 500, error_body("internal_error", "服务器内部错误，已记录"))


def _mount() -> None:
    from peiyu.accounts.api.routers import ROUTERS as accounts_routers
    from peiyu.audit.api import router as audit_router
    from peiyu.catalogs.api import router as catalogs_router
    from peiyu.certificates.api.routers import FIRST as certificate_first
    from peiyu.core.api import router as core_router
    from peiyu.exams.api.routers import FIRST as exams_first

    api.add_router("/", core_router)
    # public certificate verification and the candidates' exam routes take the heaviest traffic: their
    # routes are tried first (Django matches URL patterns in order, and the API has some hundreds)
    for router in [*certificate_first, *exams_first]:
        api.add_router("/", router)
    for router in accounts_routers:
        api.add_router("/", router)
    api.add_router("/audit", audit_router)
    api.add_router("/", catalogs_router)
    from peiyu.certificates.api.routers import ROUTERS as certificate_routers
    from peiyu.exams.api.routers import ROUTERS as exams_routers
    from peiyu.institutions.api.routers import ROUTERS as institution_routers
    from peiyu.training.api.routers import ROUTERS as training_routers

    for router in [*institution_routers, *training_routers, *exams_routers, *certificate_routers]:
        api.add_router("/", router)


_mount()
