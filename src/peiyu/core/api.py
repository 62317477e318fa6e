"""The core API routes: a ping, the policy profiles and the parameters in force, the working-day
calendar."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from . import calendar, selectors
from .errors import InvalidInput
from .pagination import Page, PageDict, PageQuery, paginate
from .policy import Policy

router = Router(tags=["基础"])


class Ping(Schema):
    status: str


@router.get("/ping", auth=None, response=Ping, summary="最小接口（性能基线）")
def ping(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


class ParamOut(Schema):
    name: str
    value: object | None
    rule: str
    profile: str
    note: str = ""


class PolicyOut(Schema):
    name: str
    version: int
    programme: str
    region_code: str
    chain: str
    parameters: list[ParamOut]


class PolicyQuery(Schema):
    programme: str = Field(..., max_length=16)
    region: str = Field("", pattern=r"^(\d{6})?$")
    on: dt.date | None = None


def _policy_out(p: Policy) -> dict[str, Any]:
    return {
        "name": p.name,
        "version": p.version,
        "programme": p.programme,
        "region_code": p.region_code,
        "chain": p.label,
        "parameters": [
            {"name": n, "value": _jsonable(x.value), "rule": x.rule, "profile": x.profile, "note": x.note}
            for n, x in sorted(p.params.items())
        ],
    }


def _jsonable(value: object) -> object:
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if value is None or isinstance(value, (int, str, list, dict, bool)):
        return value
    return str(value)


@router.get("/policies/in-force", response=PolicyOut, summary="某项目某地区某日适用的政策配置")
def policy_in_force(request: HttpRequest, q: Query[PolicyQuery]) -> dict[str, Any]:
    return _policy_out(selectors.policy_in_force_for(request.user, q.programme, q.region or None, q.on))


class ProfileOut(Schema):
    name: str
    title: str
    programme: str
    region_code: str
    parent: str | None
    latest_version: int | None
    versions: list[dict[str, Any]]


@router.get("/policies", response=Page[ProfileOut], summary="政策配置列表")
def policy_list(request: HttpRequest, page: Query[PageQuery]) -> PageDict[dict[str, Any]]:
    return paginate(selectors.policy_profiles_for(request.user), page)


@router.get("/policies/{name}", response=ProfileOut, summary="政策配置及其版本")
def policy_detail(request: HttpRequest, name: str) -> dict[str, Any]:
    return selectors.policy_profile_get_for(request.user, name)


class WorkingDaysQuery(Schema):
    start: dt.date
    days: int = Field(..., ge=-3660, le=3660)


class WorkingDaysOut(Schema):
    start: dt.date
    days: int
    date: dt.date
    calendar_sources: dict[str, str]


@router.get("/calendar/add-working-days", response=WorkingDaysOut, auth=None, summary="按工作日推算日期")
def add_working_days(request: HttpRequest, q: Query[WorkingDaysQuery]) -> dict[str, Any]:
    try:
        result = calendar.add_working_days(q.start, q.days)
    except OverflowError as exc:
        raise InvalidInput("日期超出范围", fields={"days": ["日期超出范围"]}) from exc
    years = range(min(q.start, result).year, max(q.start, result).year + 1)
    return {
        "start": q.start,
        "days": q.days,
        "date": result,
        "calendar_sources": {str(y): calendar.coverage(y) for y in years},
    }
