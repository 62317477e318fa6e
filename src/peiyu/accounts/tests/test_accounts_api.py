"""The accounts API runs the same services as the pages: the public sign-up, the bureau's decision, the
institution's staff, the security administrator's accounts and bulk import, the password reset; another
city's official gets 404."""

import io
import json

import pytest
from django.test import Client

from peiyu.accounts.models import Org, User
from peiyu.audit.models import AuditEvent

from .test_imports import GOOD, xlsx
from .test_signups import signup_data

pytestmark = pytest.mark.django_db
TEMP = "Temp-Passw0rd!"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_sign_up_then_the_bureau_confirms_through_the_api(world, login_as):
    created = post(Client(), "/api/v1/signups", signup_data())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending" and body["status_label"] == "待确认" and body["due_on"]
    org_id = body["id"]
    dalian = login_as(world.dl_official)
    assert dalian.get(f"/api/v1/signups/{org_id}").status_code == 404
    assert post(dalian, f"/api/v1/signups/{org_id}/decision", {"action": "confirm"}).status_code == 404
    shenyang = login_as(world.sy_official)
    listed = shenyang.get("/api/v1/signups").json()
    assert [s["id"] for s in listed["items"]] == [org_id] and listed["items"][0]["allowed_actions"] == [
        "confirm",
        "return",
    ]
    refused = post(shenyang, f"/api/v1/signups/{org_id}/decision", {"action": "return"})
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    done = post(shenyang, f"/api/v1/signups/{org_id}/decision", {"action": "confirm"})
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    assert Org.objects.get(pk=org_id).status == "confirmed"


def test_a_bad_sign_up_is_a_400_with_chinese_field_messages(db):
    from tests.personas import ensure_regions

    ensure_regions()
    refused = post(Client(), "/api/v1/signups", signup_data(uscc="91210102MA0T9J1A", contact_phone="1"))
    assert refused.status_code == 400
    fields = refused.json()["fields"]
    assert "18位" in fields["uscc"][0] and fields["contact_phone"]


def test_the_institutions_administrator_manages_staff_through_the_api(world, login_as):
    admin = login_as(world.sy_inst_admin)
    created = post(
        admin,
        "/api/v1/staff",
        {"username": "sy_trainer", "full_name": "培训员", "role": "training_admin", "password": TEMP},
    )
    assert created.status_code == 201, created.content
    person = created.json()
    assert [r["role"] for r in person["roles"]] == ["training_admin"] and person["must_change_password"]
    added = post(admin, f"/api/v1/staff/{person['id']}/roles", {"role": "applications_officer"})
    assert {r["role"] for r in added.json()["roles"]} == {"training_admin", "applications_officer"}
    other = login_as(world.dl_inst_admin)
    assert post(other, f"/api/v1/staff/{person['id']}/disable", {"reason": "x"}).status_code == 404
    assert person["id"] not in [p["id"] for p in other.get("/api/v1/staff").json()["items"]]
    disabled = post(admin, f"/api/v1/staff/{person['id']}/disable", {"reason": "离职"})
    assert disabled.status_code == 200 and disabled.json()["is_active"] is False


def test_the_security_administrator_creates_resets_and_imports_through_the_api(world, login_as):
    sec = login_as(world.sy_secadmin)
    created = post(
        sec,
        "/api/v1/accounts",
        {"username": "hp_api", "full_name": "宋和平", "org_id": world.orgs["hp"].pk, "role": "district_official",
         "password": TEMP, "phone": "13904002101"},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    user_id = created.json()["id"]
    assert created.json()["phone_masked"] == "139****2101"
    reset = post(sec, f"/api/v1/accounts/{user_id}/password-reset", {"reason": "遗忘"})
    assert reset.status_code == 200 and User.objects.get(pk=user_id).check_password(
        reset.json()["temporary_password"]
    )
    assert (
        post(login_as(world.dl_secadmin), f"/api/v1/accounts/{user_id}/disable", {"reason": "x"}).status_code
        == 404
    )
    outside = post(
        sec,
        "/api/v1/accounts",
        {"username": "dl_api", "full_name": "张三", "org_id": world.orgs["dl"].pk, "role": "city_official", "password": TEMP},
    )  # fmt: skip
    assert outside.status_code == 404
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "名单.xlsx"
    imported = sec.post("/api/v1/accounts/import", {"file": upload, "mode": "valid"})
    assert imported.status_code == 200, imported.content
    report = imported.json()
    assert report["created"] == 1 and report["rows"][1]["messages"]  # the provincial row is outside Shenyang
    assert AuditEvent.objects.filter(action="user.imported").exists()


def test_the_password_reset_api_never_tells_whether_an_account_exists(db):
    known = post(Client(), "/api/v1/password/reset-codes", {"username": "nobody"})
    assert known.status_code == 200 and "如果该账户存在" in known.json()["message"]
    wrong = post(
        Client(),
        "/api/v1/password/reset",
        {"username": "nobody", "code": "123456", "new_password": TEMP, "new_password_confirm": TEMP},
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "reset_code_wrong"


def test_a_forced_password_change_can_be_made_through_the_api(world, login_as):
    from peiyu.accounts.services.users import user_password_reset

    plain = user_password_reset(actor=world.sy_secadmin, user=world.sy_inst_admin, reason="遗忘")
    client = login_as(User.objects.get(pk=world.sy_inst_admin.pk))
    assert client.get("/api/v1/me").status_code == 403
    new = "Own-Passw0rd-2026!"
    changed = post(
        client,
        "/api/v1/password/change",
        {"old_password": plain, "new_password": new, "new_password_confirm": new},
    )
    assert changed.status_code == 204, changed.content
    assert client.get("/api/v1/me").json()["must_change_password"] is False
