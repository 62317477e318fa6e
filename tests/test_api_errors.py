"""The API maps domain errors to 400/403/404/409 with stable codes and Chinese messages; bad input of
any shape never produces a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peiyu.accounts.models import Org
from peiyu.core.identifiers import uscc_with_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world, login_as):
    return login_as(world.sysadmin)


def _post(client, path, body):
    return client.post(
        path, data=json.dumps(body) if not isinstance(body, str) else body, content_type="application/json"
    )


def test_openapi_and_docs_are_served(client, db):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "peiyu API"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"cdn.jsdelivr" not in docs.content


def test_domain_validation_error_is_400_with_chinese_field_messages(admin_client):
    response = _post(
        admin_client,
        "/api/v1/orgs",
        {"name": "某机构", "kind": "institution", "region_code": "210100", "uscc": "91210102MA0Y00001X"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input" and "校验位错误" in body["fields"]["uscc"][0]
    assert not Org.objects.filter(name="某机构").exists()


def test_schema_validation_error_is_400_with_fields(admin_client):
    response = _post(admin_client, "/api/v1/orgs", {"kind": "institution", "region_code": "21"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input" and "name" in body["fields"] and "region_code" in body["fields"]


def test_malformed_json_is_400(admin_client):
    response = _post(admin_client, "/api/v1/orgs", "{not json")
    assert response.status_code == 400


def test_duplicate_credit_code_is_409(admin_client):
    uscc = uscc_with_check("91210102MA0Y00009")
    body = {"name": "甲", "kind": "institution", "region_code": "210100", "uscc": uscc}
    assert _post(admin_client, "/api/v1/orgs", body).status_code == 201
    again = _post(admin_client, "/api/v1/orgs", {**body, "name": "乙"})
    assert again.status_code == 409 and again.json()["code"] == "uscc_taken"


def test_missing_capability_is_403(client, world):
    client.force_login(world.sy_inst_admin)
    response = _post(client, "/api/v1/orgs", {"name": "甲", "kind": "institution", "region_code": "210100"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_unknown_record_is_404(admin_client):
    response = admin_client.get("/api/v1/orgs/999999")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_separation_of_duties_violation_is_400_with_rule(world, login_as):
    c = login_as(world.secadmin)
    response = _post(
        c,
        f"/api/v1/users/{world.auditor.pk}/roles",
        {"role": "sysadmin", "org_id": world.orgs["platform"].pk},
    )
    assert response.status_code == 400
    assert response.json()["rules"] == ["SEC-1"] and response.json()["code"] == "separation_of_duties"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
org_like = st.fixed_dictionaries(
    {},
    optional={
        "name": json_values | st.text(max_size=300),
        "kind": json_values | st.sampled_from(["institution", "hrss_city", "x"]),
        "region_code": json_values | st.from_regex(r"\d{6}", fullmatch=True),
        "uscc": json_values
        | st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYIOZSV", min_size=16, max_size=20),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=org_like | json_values)
def test_no_input_to_org_creation_causes_a_server_error(admin_client, body):
    response = _post(admin_client, "/api/v1/orgs", body)
    assert response.status_code in (201, 400, 404, 409), (body, response.status_code, response.content[:200])


def test_wrong_method_is_405_in_the_one_refusal_shape(admin_client):
    response = admin_client.delete("/api/v1/orgs")
    assert response.status_code == 405
    body = response.json()
    assert body == {
        "code": "method_not_allowed",
        "message": body["message"],
        "rules": [],
        "fields": {},
    }
    assert "不支持此请求方法" in body["message"] and "GET" in body["message"]
    assert "GET" in response["Allow"] and "POST" in response["Allow"]
