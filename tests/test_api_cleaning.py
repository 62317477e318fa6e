"""API reasons and texts are cleaned by peiyu.core.cleaning, as the page forms and services clean them:
a control character or a text over the service's cap is a 400 whose field message is the cleaner's
Chinese message (the same words the service would say), never pydantic's English."""

import json

import pytest

from peiyu.core.cleaning import REASON_MAX, clean_reason, clean_text, message_of
from peiyu.core.errors import InvalidInput

pytestmark = pytest.mark.django_db

# (route, body without the text, the text's field, how the service cleans it)
ROUTES = [
    (
        "/api/v1/directory/listings/1/status",
        {"action": "suspend"},
        "reason",
        lambda v: clean_reason(v, label="理由"),
    ),
    (
        "/api/v1/training/classes/1/cancel",
        {},
        "reason",
        lambda v: clean_reason(v, label="取消原因", max_length=REASON_MAX),
    ),
    (
        "/api/v1/training/anomalies/1/resolve",
        {"status": "explained"},
        "resolution",
        lambda v: clean_reason(v, label="处理说明"),
    ),
    (
        "/api/v1/directory/listings/1/terminate",
        {"reason": "业务调整"},
        "handling_plan",
        lambda v: clean_text(v, max_length=20000, multiline=True),
    ),
]
BAD = ["整改\x00", "字" * (REASON_MAX + 1), "a\u202eb"]


def _service_message(clean, value):
    with pytest.raises(InvalidInput) as exc:
        clean(value)
    return message_of(exc.value)


@pytest.fixture
def admin_client(world, login_as):
    return login_as(world.sysadmin)


@pytest.mark.parametrize(("path", "body", "field", "clean"), ROUTES)
@pytest.mark.parametrize("bad", BAD, ids=["nul", "over-cap", "bidi"])
def test_a_bad_text_is_a_400_with_the_services_chinese_message(admin_client, path, body, field, clean, bad):
    if field == "handling_plan" and bad == BAD[1]:
        bad = "字" * 20001
    response = admin_client.post(path, data=json.dumps({**body, field: bad}), content_type="application/json")
    assert response.status_code == 400, response.content
    refusal = response.json()
    expected = _service_message(clean, bad)
    assert refusal["code"] == "invalid_input" and refusal["fields"] == {field: [expected]}
    assert expected in refusal["message"]
    assert "控制字符" in expected or "不能超过" in expected


def test_an_empty_reason_is_refused_as_the_service_refuses_it(admin_client):
    response = admin_client.post(
        "/api/v1/training/classes/1/cancel",
        data=json.dumps({"reason": "  "}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"reason": ["请填写取消原因"]}


def test_the_openapi_spec_keeps_the_caps():
    from peiyu.config.api import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert schemas["CancelIn"]["properties"]["reason"]["maxLength"] == REASON_MAX
    assert schemas["TerminateIn"]["properties"]["handling_plan"]["maxLength"] == 20000
