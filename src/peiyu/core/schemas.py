"""API schemas shared by the apps: the bounded id every route takes, a stored Decision as every app
shows it (the checks with their rule ids, verdicts and the policy version in force), and the one
refusal shape every error response has (`ErrorOut`)."""

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Annotated, Any, Final, TypeVar

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import HttpError, ValidationError
from ninja.params import functions as params
from pydantic import BaseModel, Field, create_model
from pydantic import ValidationError as PydanticError

from .errors import DomainError
from .models import Decision

MAX_ID: Final = 2**63 - 1
"""The largest primary key a database row can have (a signed 64-bit integer)."""

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="记录 id（正整数）")]
"""A record id inside a query or body schema: a positive 64-bit integer, anything else a 400."""

PathId = Annotated[int, params.Path(ge=1, le=MAX_ID, description="记录 id（正整数）")]
"""A record id in a route's path (`/training/classes/{class_id}`), bounded as `Id` is."""


class CheckOut(Schema):
    """One check of a decision: its rule id and how it came out (`verdict`: pass, warn — a failure
    that does not block — or fail)."""

    rule: str
    ok: bool
    blocking: bool = False
    verdict: str = Field(description="pass 通过、warn 提示（不阻止办理）、fail 未通过")
    message: str = ""
    source: str = ""
    facts: dict[str, Any] = Field(default_factory=dict)


class DecisionOut(Schema):
    """A stored automated decision (core.models.Decision): what was checked, the outcome and the
    policy version in force."""

    id: int
    kind: str
    outcome: str
    rules: list[str]
    checks: list[CheckOut]
    policy_name: str
    policy_version: int | None
    policy_chain: str
    created_at: dt.datetime


def check_out(check: Mapping[str, Any]) -> dict[str, Any]:
    """A stored check with its verdict."""
    ok = bool(check.get("ok"))
    blocking = bool(check.get("blocking", False))
    verdict = "pass" if ok else ("fail" if blocking else "warn")
    return {**check, "ok": ok, "blocking": blocking, "verdict": verdict}


def decision_out(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "outcome": d.outcome,
        "rules": list(d.rules),
        "checks": [check_out(c) for c in d.checks or []],
        "policy_name": d.policy_name,
        "policy_version": d.policy_version,
        "policy_chain": d.policy_chain,
        "created_at": d.created_at,
    }


class ErrorOut(Schema):
    """Every refusal of the API, whatever its status: a stable `code` clients match on, the Chinese
    `message`, the ids of the rules that refused it (RULES.md) and the messages per input field."""

    code: str = Field(description="稳定的错误代码，如 invalid_input、not_found、rule_violation")
    message: str = Field(description="中文说明")
    rules: list[str] = Field(default_factory=list, description="拒绝所依据的规则编号")
    fields: dict[str, list[str]] = Field(default_factory=dict, description="各输入项的错误说明")
    details: dict[str, Any] | None = Field(None, description="补充信息，如未通过的检查")


def error_body(
    code: str,
    message: str,
    *,
    rules: Iterable[str] = (),
    fields: Mapping[str, Iterable[str]] | None = None,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The `ErrorOut` body of a refusal that is no DomainError (validation, authentication, …): the
    same shape as `DomainError.as_dict()`, `rules` and `fields` always present (empty when none)."""
    refusal = DomainError(
        message,
        code=code,
        rules=[str(r) for r in rules],
        fields={str(k): [str(m) for m in v] for k, v in (fields or {}).items()},
        details=details,
    )
    return refusal.as_dict()


@lru_cache(maxsize=64)
def _plain(model: type[BaseModel]) -> type[BaseModel]:
    """`model` as a plain pydantic model with the same fields (names, types, defaults, aliases): a ninja
    Schema validates every input through its attribute resolver in Python, which a dict that is already
    the answer does not need."""
    if not issubclass(model, Schema):
        return model
    fields: dict[str, Any] = {name: (f.annotation, f) for name, f in model.model_fields.items()}
    return create_model(f"{model.__name__}Plain", **fields)


def validated_json(model: type[BaseModel], body: Mapping[str, Any], status: int = 200) -> HttpResponse:
    """`body` validated against its published model and written by pydantic's own serializer, for the
    public hot paths (the catalog, certificate verification): ninja's generic response handling
    (validate through its attribute resolver, dump, encode dates through the JSON encoder's fallback)
    costs several times more. The answer has the same fields and values; the operation still names
    `model` as its response, so the published schema is unchanged."""
    return HttpResponse(
        _plain(model).model_validate(body).model_dump_json(), status=status, content_type="application/json"
    )


B = TypeVar("B", bound=BaseModel)


def body_spec(model: type[BaseModel]) -> dict[str, Any]:
    """The `openapi_extra` of an operation that reads its JSON body with `validated_body`: the body
    published as `model`, as ninja would publish a body parameter of that type."""
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def validated_body(model: type[B], request: HttpRequest) -> B:
    """The request's JSON body as an instance of `model`'s plain copy (the same fields), for the hot
    paths that every candidate calls every few seconds (the exam's autosave and start): validated by
    the plain pydantic copy straight from the bytes. ninja's parameter handling (parse, then validate
    through the Schema's attribute resolver) cost several times more. The refusals are ninja's own: a
    body that is not JSON is its 400, a field that does not fit its ValidationError (the API's Chinese
    field messages)."""
    try:
        return _plain(model).model_validate_json(request.body)  # type: ignore[return-value]
    except PydanticError as exc:
        errors = exc.errors(include_url=False)
        if any(e["type"] == "json_invalid" for e in errors):
            raise HttpError(400, "Cannot parse request body") from None
        raise ValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from None
