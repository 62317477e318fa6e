"""One API shape (issue 11 §4), walked from the OpenAPI spec so that no route escapes: every list is
`{items, count}` with the same validated `limit`/`offset`; every integer path or query parameter is
bounded, so -1, 0, a huge or a non-numeric value is a 400 or 404 in Chinese, never a 500; every refusal
has the one `ErrorOut` shape; the spec declares the error responses of every operation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peiyu.config.api import api
from peiyu.core.pagination import DEFAULT_LIMIT, MAX_LIMIT

from .test_scoping_walk import OWNERS, _records

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
# signed-in officials and staff tried in turn until one may read a list (each list needs its capability)
LIST_PERSONAS = ["sy_official", "sy_inst_admin", "sy_auditor", "sy_secadmin", "ln_official", "cg_official"]
BAD_IDS = ["-1", "0", str(2**63), "99999999999999999999999", "abc", "1.5"]


def _spec():
    return api.get_openapi_schema()


def _operations():
    for path, methods in _spec()["paths"].items():
        for method, op in methods.items():
            yield path, method, op


def _is_int(schema: dict) -> bool:
    return schema.get("type") == "integer" or any(s.get("type") == "integer" for s in schema.get("anyOf", []))


def _int_params(op: dict, where: str) -> list[str]:
    return [p["name"] for p in op.get("parameters", []) if p["in"] == where and _is_int(p["schema"])]


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _ok_schema(spec: dict, op: dict) -> dict:
    responses = {str(k): v for k, v in op["responses"].items()}
    ok = responses.get("200") or responses.get("201") or {}
    return _resolve(spec, ok.get("content", {}).get("application/json", {}).get("schema", {}))


def _is_list(spec: dict, op: dict) -> bool:
    props = _ok_schema(spec, op).get("properties", {})
    return props.get("items", {}).get("type") == "array" and "count" in props


def _assert_refusal(response, *statuses):
    assert response.status_code in statuses, (response.request["PATH_INFO"], response.status_code)
    body = response.json()
    assert isinstance(body["code"], str) and CHINESE.search(body["message"]), body
    assert isinstance(body["rules"], list) and isinstance(body["fields"], dict), body
    return body


@pytest.fixture
def officials(world, login_as):
    names = set(LIST_PERSONAS) | {p for owners in OWNERS.values() for p in owners.values()}
    return {name: login_as(world.users[name]) for name in names}


# --- the spec -----------------------------------------------------------------------------------------------


def test_the_spec_declares_the_error_responses_of_every_operation(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert set(spec["components"]["schemas"]["ErrorOut"]["properties"]) >= {
        "code",
        "message",
        "rules",
        "fields",
    }
    operations = 0
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            # a public operation (no authentication) cannot answer 401
            expected = {"400", "403", "404", "409"} | ({"401"} if op.get("security") else set())
            missing = expected - set(op["responses"])
            assert not missing, f"{method.upper()} {path} does not declare {sorted(missing)}"
            for status in expected:
                schema = op["responses"][status]["content"]["application/json"]["schema"]
                assert schema == ERROR_REF, (method, path, status)
            operations += 1
    assert operations > 80


def test_no_route_answers_a_bare_list():
    spec = _spec()
    for path, method, op in _operations():
        schema = _ok_schema(spec, op)
        assert schema.get("type") != "array", (
            f"{method.upper()} {path} answers a bare list, not {{items, count}}"
        )


def test_every_list_route_takes_limit_and_offset():
    spec = _spec()
    lists = [(path, op) for path, method, op in _operations() if method == "get" and _is_list(spec, op)]
    assert len(lists) >= 25
    for path, op in lists:
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        assert {"limit", "offset"} <= names, path


def test_there_is_one_decision_schema_and_one_refusal_schema():
    src = Path(__file__).resolve().parents[1] / "src" / "peiyu"
    decision = [p for p in src.rglob("*.py") if re.search(r"^class \w*DecisionOut\b", p.read_text(), re.M)]
    assert [p.relative_to(src).as_posix() for p in decision] == ["core/schemas.py"]
    errors = [p for p in src.rglob("*.py") if re.search(r"^class \w*Error\w*Out\b", p.read_text(), re.M)]
    assert [p.relative_to(src).as_posix() for p in errors] == ["core/schemas.py"]


# --- lists ------------------------------------------------------------------------------------------------


def test_every_list_route_answers_items_and_count_with_validated_paging(world, officials):
    records = _records(world)
    spec = _spec()
    walked = 0
    for path, method, op in _operations():
        if method != "get" or not _is_list(spec, op):
            continue
        params = re.findall(r"{(\w+)}", path)
        concrete = path
        for p in params:
            concrete = concrete.replace(f"{{{p}}}", str(records[p]["shenyang"]))
        personas = [OWNERS[params[0]]["shenyang"]] if params else LIST_PERSONAS
        c = next((officials[p] for p in personas if officials[p].get(concrete).status_code == 200), None)
        assert c is not None, f"GET {concrete}: no official may read it"
        body = c.get(concrete).json()
        assert isinstance(body["items"], list) and isinstance(body["count"], int), concrete
        assert body["count"] >= len(body["items"]), concrete
        walked += 1
        assert len(body["items"]) <= DEFAULT_LIMIT
        one = c.get(concrete, {"limit": 1}).json()
        assert len(one["items"]) <= 1 and one["count"] == body["count"], concrete
        if body["count"] >= 2:
            second = c.get(concrete, {"limit": 1, "offset": 1}).json()["items"]
            assert second and second != one["items"], concrete
        beyond = c.get(concrete, {"offset": body["count"]}).json()
        assert beyond["items"] == [] and beyond["count"] == body["count"], concrete
        for bad in ({"limit": 0}, {"limit": -1}, {"limit": MAX_LIMIT + 1}, {"limit": "abc"}, {"offset": -1},
                    {"offset": "1.5"}, {"offset": 10**30}):  # fmt: skip
            refused = _assert_refusal(c.get(concrete, bad), 400)
            assert refused["code"] == "invalid_input" and set(refused["fields"]) == set(bad), (concrete, bad)
            assert all(CHINESE.search(m) for m in next(iter(refused["fields"].values()))), refused
    assert walked >= 25


# --- bounded integers -------------------------------------------------------------------------------------


def test_every_integer_path_parameter_refuses_bad_values_in_chinese(world, officials, client):
    records = _records(world)
    walked = 0
    for path, method, op in _operations():
        names = _int_params(op, "path")
        if not names:
            continue
        c = officials["sy_official"] if op.get("security") else client
        for name in names:
            for bad in BAD_IDS:
                concrete = path
                for p in re.findall(r"{(\w+)}", path):
                    value = bad if p == name else str(records.get(p, {}).get("shenyang", 1))
                    concrete = concrete.replace(f"{{{p}}}", value)
                response = getattr(c, method)(concrete, data={}, content_type="application/json")
                body = _assert_refusal(response, 400)
                assert name in body["fields"], (method, concrete, body)
                walked += 1
    assert walked >= 60 * len(BAD_IDS)


def test_every_integer_query_parameter_refuses_bad_values_in_chinese(world, officials, client):
    records = _records(world)
    walked = 0
    for path, method, op in _operations():
        names = _int_params(op, "query")
        if not names:
            continue
        concrete = path
        for p in re.findall(r"{(\w+)}", path):
            concrete = concrete.replace(f"{{{p}}}", str(records[p]["shenyang"]))
        if op.get("security"):
            personas = [OWNERS[p]["shenyang"] for p in re.findall(r"{(\w+)}", path)][:1] or LIST_PERSONAS[:1]
            c = officials[personas[0]]
        else:
            c = client
        for name in names:
            for bad in BAD_IDS:
                response = getattr(c, method)(concrete, {name: bad})
                assert response.status_code < 500, (method, concrete, name, bad)
                if response.status_code >= 400:
                    _assert_refusal(response, 400, 403, 404)
                if bad in (str(2**63), "99999999999999999999999", "abc", "1.5"):
                    body = _assert_refusal(response, 400)
                    assert name in body["fields"], (concrete, name, bad, body)
                walked += 1
    assert walked >= 25 * len(BAD_IDS)


# --- refusals ----------------------------------------------------------------------------------------------


def test_every_handler_answers_the_one_refusal_shape(world, login_as, client):
    official = login_as(world.sy_official)
    anonymous = _assert_refusal(client.get("/api/v1/me"), 401)
    assert anonymous == {
        "code": "not_authenticated",
        "message": anonymous["message"],
        "rules": [],
        "fields": {},
    }
    missing = _assert_refusal(official.get("/api/v1/orgs/999999"), 404)
    assert missing["code"] == "not_found" and missing["rules"] == [] and missing["fields"] == {}
    unparsable = official.post("/api/v1/orgs", "{not json", content_type="application/json")
    assert _assert_refusal(unparsable, 400)["code"] == "bad_request"
    denied = login_as(world.sy_inst_admin).post(
        "/api/v1/orgs",
        {"name": "甲", "kind": "institution", "region_code": "210100"},
        content_type="application/json",
    )
    assert _assert_refusal(denied, 403)["code"] == "permission_denied"
    refused = login_as(world.sysadmin).post(
        "/api/v1/orgs",
        {"name": "某机构", "kind": "institution", "region_code": "210100", "uscc": "91210102MA0Y00001X"},
        content_type="application/json",
    )
    assert _assert_refusal(refused, 400)["fields"]["uscc"] and refused.json()["rules"] == []
    separation = login_as(world.secadmin).post(
        f"/api/v1/users/{world.auditor.pk}/roles",
        {"role": "sysadmin", "org_id": world.orgs["platform"].pk},
        content_type="application/json",
    )
    assert _assert_refusal(separation, 400)["rules"] == ["SEC-1"] and separation.json()["fields"] == {}


def test_validation_messages_reach_the_client_in_chinese(world, login_as):
    official = login_as(world.sysadmin)
    fields = _assert_refusal(official.get("/api/v1/orgs", {"limit": 0, "offset": "x"}), 400)["fields"]
    assert fields == {"limit": ["不能小于 1"], "offset": ["应为整数"]}
    fields = _assert_refusal(official.get("/api/v1/orgs", {"limit": 501}), 400)["fields"]
    assert fields == {"limit": [f"不能大于 {MAX_LIMIT}"]}
    body = _assert_refusal(
        official.post(
            "/api/v1/orgs", {"kind": "institution", "name": "甲" * 201}, content_type="application/json"
        ),
        400,
    )
    assert body["fields"]["name"] == ["不能超过200个字"]  # core.cleaning's words, as the page form says
    assert body["message"].startswith("请求数据有误：")
    missing = _assert_refusal(
        official.post("/api/v1/orgs", {"name": "甲"}, content_type="application/json"), 400
    )
    assert missing["fields"]["kind"] == ["必填"]
    pattern = _assert_refusal(official.get("/api/v1/regions", {"parent": "21"}), 400)
    assert pattern["fields"] == {"parent": ["格式不正确"]}
    choice = _assert_refusal(
        login_as(world.sy_official).get("/api/v1/training/anomalies", {"status": "nope"}), 400
    )
    assert choice["fields"]["status"][0].startswith("应为以下之一：")
