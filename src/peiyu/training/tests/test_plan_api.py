"""API of plans and teachers: the same services and scopes as the pages. Create, patch, file (refused
with the rule id and the failed checks, Fujian TRN-4), withdraw; province and city officials read filed
plans, another city's official and another institution get 404, drafts stay the institution's own;
teachers' ID numbers leave masked; garbage gets a 4xx with fields, never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peiyu.core.identifiers import id_with_check
from peiyu.training.models import TrainingPlan

from .conftest import ELECTRICIAN
from .test_plans import plan_data, teacher

pytestmark = pytest.mark.django_db

BASE = "/api/v1/training"


def _send(client, method: str, url: str, body=None):
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


def _body(world, **over) -> dict:
    data = plan_data(world, **over)
    data["evaluation_institution"] = data["evaluation_institution"] or None
    return data


def test_api_create_patch_file_and_withdraw(training, login_as):
    t = teacher(training, serial=61)
    c = login_as(training.sy_inst_admin)
    r = _send(c, "post", f"{BASE}/plans", _body(training, teachers=[t.pk]))
    assert r.status_code == 201, r.json()
    body = r.json()
    plan_id = body["id"]
    assert body["status"] == "draft" and body["programme"] == "dte" and body["decision"] is None
    assert (
        body["teachers"][0]["id_number_masked"].startswith("210102")
        and "*" in body["teachers"][0]["id_number_masked"]
    )
    assert "id_number" not in body["teachers"][0]

    r = _send(c, "patch", f"{BASE}/plans/{plan_id}", {"title": "人工智能（初级）晚班", "fee": "3600.50"})
    assert r.status_code == 200, r.json()
    assert r.json()["title"] == "人工智能（初级）晚班" and r.json()["fee"] == "3600.50"
    assert r.json()["teachers"] and r.json()["exam_plan"]  # what was not sent is kept

    r = _send(c, "post", f"{BASE}/plans/{plan_id}/file")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "filed" and body["decision"]["outcome"] == "filed"
    assert body["decision"]["policy_name"] == "liaoning-dte-batch2" and body["decision"]["policy_version"]
    assert {"TRN-1", "TRN-2", "TRN-4", "TRN-10", "TRN-12"} <= {
        ch["rule"] for ch in body["decision"]["checks"]
    }
    assert [h["action"] for h in body["history"]][-1] == "training_plan.filed"

    assert _send(c, "patch", f"{BASE}/plans/{plan_id}", {"title": "x"}).status_code == 409
    r = _send(c, "post", f"{BASE}/plans/{plan_id}/withdraw", {"reason": " "})
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    r = _send(c, "post", f"{BASE}/plans/{plan_id}/withdraw", {"reason": "场地调整"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert _send(c, "post", f"{BASE}/plans/{plan_id}/withdraw", {"reason": "再次"}).status_code == 409


def test_api_fujian_online_share_refused_with_trn4_then_filed_at_the_cap(training, login_as):
    t = teacher(training, "inst_fz", "fz_inst_admin", serial=62)
    c = login_as(training.fz_inst_admin)
    body = _body(
        training,
        title="电工（五级）补贴性培训",
        occupation_code=ELECTRICIAN[0],
        programme="subsidised",
        level="五级",
        hours_theory=40,
        hours_practice=60,
        hours_online=41,
        hours_offline=59,
        evaluation_institution=None,
        exam_plan="",
        region="350102",
        teachers=[t.pk],
    )
    plan_id = _send(c, "post", f"{BASE}/plans", body).json()["id"]
    r = _send(c, "post", f"{BASE}/plans/{plan_id}/file")
    assert r.status_code == 400
    err = r.json()
    assert err["rules"] == ["TRN-4"] and "40%" in err["message"]
    assert [ch["rule"] for ch in err["details"]["checks"]] == ["TRN-4"]
    detail = c.get(f"{BASE}/plans/{plan_id}").json()
    assert detail["status"] == "draft" and detail["decision"]["outcome"] == "refused"
    assert detail["decision"]["policy_name"] == "fujian-training"
    assert next(ch for ch in detail["decision"]["checks"] if ch["rule"] == "TRN-4")["verdict"] == "fail"
    r = _send(c, "patch", f"{BASE}/plans/{plan_id}", {"hours_online": 40, "hours_offline": 60})
    assert r.status_code == 200
    assert _send(c, "post", f"{BASE}/plans/{plan_id}/file").json()["status"] == "filed"


def test_api_scope_filed_plans_for_province_and_city_404_for_others(training, login_as):
    t = teacher(training, serial=63)
    inst = login_as(training.sy_inst_admin)
    plan_id = _send(inst, "post", f"{BASE}/plans", _body(training, teachers=[t.pk])).json()["id"]
    sy = login_as(training.sy_official)
    assert sy.get(f"{BASE}/plans/{plan_id}").status_code == 404  # a draft is the institution's own
    assert sy.get(f"{BASE}/plans").json() == {"items": [], "count": 0}
    _send(inst, "post", f"{BASE}/plans/{plan_id}/file")
    for official in (training.sy_official, training.ln_official):
        c = login_as(official)
        assert c.get(f"{BASE}/plans/{plan_id}").status_code == 200
        assert [p["id"] for p in c.get(f"{BASE}/plans", {"status": "filed"}).json()["items"]] == [plan_id]
        # officials read; they neither file nor withdraw
        assert _send(c, "post", f"{BASE}/plans/{plan_id}/withdraw", {"reason": "x"}).status_code == 403
    for outsider in (training.dl_official, training.fz_official, training.dl_inst_admin):
        c = login_as(outsider)
        assert c.get(f"{BASE}/plans/{plan_id}").status_code == 404
        assert c.get(f"{BASE}/plans").json() == {"items": [], "count": 0}
        assert _send(c, "patch", f"{BASE}/plans/{plan_id}", {"title": "x"}).status_code == 404
        assert _send(c, "post", f"{BASE}/plans/{plan_id}/file").status_code == 404
    filtered = inst.get(
        f"{BASE}/plans", {"region": "210100", "q": "人工智能", "cert_type": "certificate"}
    ).json()
    assert [p["id"] for p in filtered["items"]] == [plan_id] and filtered["count"] == 1
    assert inst.get(f"{BASE}/plans", {"region": "350000"}).json() == {"items": [], "count": 0}


def test_api_officials_cannot_create_plans_or_teachers(training, login_as):
    c = login_as(training.sy_official)
    assert _send(c, "post", f"{BASE}/plans", _body(training)).status_code == 403
    teacher_body = {
        "name": "钱老师",
        "id_number": id_with_check("21010219800101088"),
        "title_level": "senior",
    }
    assert _send(c, "post", f"{BASE}/teachers", teacher_body).status_code == 403


def test_api_teachers_are_masked_scoped_and_bad_numbers_named(training, login_as):
    c = login_as(training.sy_inst_admin)
    bad = {"name": "孙老师", "id_number": "210102198001010000", "title_level": "intermediate"}
    r = _send(c, "post", f"{BASE}/teachers", bad)
    assert r.status_code == 400 and "校验位" in r.json()["fields"]["id_number"][0]
    number = id_with_check("21010219800101099")
    r = _send(c, "post", f"{BASE}/teachers", {**bad, "id_number": number, "title_level": "junior"})
    assert r.status_code == 201
    body = r.json()
    assert body["id_number_masked"] == number[:6] + "********" + number[-4:] and body["below_intermediate"]
    assert number not in r.content.decode()
    assert _send(c, "post", f"{BASE}/teachers", {**bad, "id_number": number}).status_code == 409
    assert [t["name"] for t in c.get(f"{BASE}/teachers").json()["items"]] == ["孙老师"]
    official = login_as(training.sy_official).get(f"{BASE}/teachers").json()
    assert [t["name"] for t in official["items"]] == ["孙老师"] and official["count"] == 1
    assert login_as(training.dl_official).get(f"{BASE}/teachers").json() == {"items": [], "count": 0}
    assert login_as(training.dl_inst_admin).get(f"{BASE}/teachers").json() == {"items": [], "count": 0}


def test_api_garbage_gets_a_4xx_never_a_500(training, login_as):
    c = login_as(training.sy_inst_admin)
    assert c.get(f"{BASE}/plans/abc").status_code in (400, 404)
    assert c.get(f"{BASE}/plans/99999999").status_code == 404
    assert _send(c, "post", f"{BASE}/plans/abc/file").status_code in (400, 404)
    assert c.get(f"{BASE}/plans", {"limit": "x", "offset": "-1"}).status_code == 400
    r = _send(c, "post", f"{BASE}/plans", _body(training, starts_on="2026-13-01", hours_theory="many"))
    assert r.status_code == 400 and {"starts_on", "hours_theory"} <= r.json()["fields"].keys()
    r = _send(c, "post", f"{BASE}/plans", _body(training, ends_on="2026-01-01"))
    assert r.status_code == 400 and "ends_on" in r.json()["fields"]
    r = _send(c, "post", f"{BASE}/plans", _body(training, teachers=[123456]))
    assert r.status_code == 400 and "teachers" in r.json()["fields"]
    r = _send(c, "post", f"{BASE}/plans", _body(training, supervising_authority=999999, fee="-1"))
    assert r.status_code == 400
    r = c.post(f"{BASE}/plans", data="not json", content_type="application/json")
    assert r.status_code == 400
    r = _send(c, "post", f"{BASE}/teachers", {"name": "周", "id_number": "x" * 40, "title_level": "none"})
    assert r.status_code == 400
    assert TrainingPlan.objects.count() == 0
    assert c.get(f"{BASE}/plans").json() == {"items": [], "count": 0}


_junk = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=30), st.lists(st.integers(), max_size=3)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.dictionaries(
        st.sampled_from(["title", "occupation_code", "level", "hours_online", "fee", "starts_on", "teachers",
                         "region", "cert_type", "supervising_authority", "evaluation_institution"]),
        _junk,
        max_size=8,
    )
)  # fmt: skip
def test_api_plan_bodies_of_any_shape_never_give_a_500(training, login_as, body):
    c = login_as(training.sy_inst_admin)
    assert _send(c, "post", f"{BASE}/plans", body).status_code in (201, 400, 409)
