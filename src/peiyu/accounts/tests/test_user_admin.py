"""The security administrator of a jurisdiction creates officials', experts' and auditors' accounts,
disables, re-enables, resets passwords (changed at the next sign-in) and unlocks, only within the
jurisdiction (another city's gets 404); three-role separation holds."""

import pytest
from django.test import Client

from peiyu.accounts.models import RoleAssignment, User
from peiyu.accounts.services.roles import role_assign
from peiyu.accounts.services.users import account_create, user_disable, user_enable, user_password_reset
from peiyu.audit.models import AuditEvent
from peiyu.core.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation

pytestmark = pytest.mark.django_db
TEMP = "Temp-Passw0rd!"


def _district_official(world, actor=None, username="hp_new"):
    user, _a = account_create(
        actor=actor or world.sy_secadmin,
        username=username,
        full_name="宋和平",
        org=world.orgs["hp"],
        role_code="district_official",
        password=TEMP,
        phone="13904002101",
    )
    return user


def test_a_city_security_administrator_creates_an_official_of_a_district_below(world):
    user = _district_official(world)
    assert user.must_change_password and user.is_active
    assignment = RoleAssignment.objects.current().get(user=user)
    assert assignment.role.code == "district_official" and assignment.region_id == "210102"
    assert AuditEvent.objects.filter(action="user.created", object_id=str(user.pk)).exists()


def test_another_citys_security_administrator_gets_404_everywhere(world, login_as):
    user = _district_official(world)
    with pytest.raises(NotFound):
        _district_official(world, actor=world.dl_secadmin, username="hp_other")
    for write in (
        lambda: user_disable(actor=world.dl_secadmin, user=user, reason="x"),
        lambda: user_enable(actor=world.dl_secadmin, user=user),
        lambda: user_password_reset(actor=world.dl_secadmin, user=user, reason="x"),
    ):
        with pytest.raises(NotFound):
            write()
    client = login_as(world.dl_secadmin)
    assert client.get(f"/accounts/users/{user.pk}/").status_code == 404
    assert (
        client.post(f"/accounts/users/{user.pk}/act/", {"action": "disable", "reason": "x"}).status_code
        == 404
    )
    assert client.get(f"/api/v1/accounts/{user.pk}").status_code == 404
    user.refresh_from_db()
    assert user.is_active


def test_an_official_without_the_capability_is_refused(world):
    with pytest.raises(PermissionDenied):
        _district_official(world, actor=world.sy_official)


def test_field_errors_are_reported_together_in_chinese(world):
    with pytest.raises(InvalidInput) as caught:
        account_create(
            actor=world.sy_secadmin, username="", full_name="", org=world.orgs["hp"],
            role_code="institution_admin", password="weak",
        )  # fmt: skip
    assert set(caught.value.fields) >= {"username", "full_name", "password", "role"}


def test_disable_enable_and_reset_force_a_password_change_at_next_sign_in(world, settings):
    settings.PEIYU_OFFICIAL_OTP_REQUIRED = False  # this test is about the password, not TOTP
    user = _district_official(world)
    user_disable(actor=world.sy_secadmin, user=user, reason="调离")
    user.refresh_from_db()
    assert not user.is_active
    user_enable(actor=world.sy_secadmin, user=user)
    plain = user_password_reset(actor=world.sy_secadmin, user=user, reason="本人遗忘")
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": plain}).status_code == 302
    page = client.get("/home/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/password/change/")
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    assert client.get("/accounts/password/change/").status_code == 200  # the way out stays open
    changed = client.post(
        "/accounts/password/change/",
        {"old_password": plain, "new_password": "Mine-Own-2026!", "new_password_confirm": "Mine-Own-2026!"},
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/home/").status_code == 200


def test_a_failed_password_change_keeps_the_page_and_says_why(world, login_as):
    client = login_as(_district_official(world))
    page = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password": "short", "new_password_confirm": "other"},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "原密码不正确" in text and "两次输入的新密码不一致" in text


def test_three_role_separation_holds_for_accounts_created_here(world):
    user, _a = account_create(
        actor=world.secadmin, username="sec2", full_name="钱二", org=world.orgs["platform"],
        role_code="secadmin", password=TEMP,
    )  # fmt: skip
    with pytest.raises(RuleViolation) as caught:
        role_assign(actor=world.secadmin, user=user, role_code="auditor", org=world.orgs["platform"])
    assert caught.value.rules == ["SEC-1"]


def test_the_security_administrators_pages_create_and_keep_what_was_typed(world, login_as):
    client = login_as(world.sy_secadmin)
    listing = client.get("/accounts/users/")
    assert listing.status_code == 200 and "sy_official" in listing.content.decode()
    assert "dl_official" not in listing.content.decode()
    bad = client.post(
        "/accounts/users/",
        {"username": "hp_x", "full_name": "宋和平", "org": world.orgs["hp"].pk, "role": "district_official",
         "phone": "123", "password": TEMP},
    )  # fmt: skip
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'value="hp_x"' in text and 'value="宋和平"' in text and "手机号码" in text
    good = client.post(
        "/accounts/users/",
        {"username": "hp_x", "full_name": "宋和平", "org": world.orgs["hp"].pk, "role": "district_official",
         "phone": "13904002109", "password": TEMP},
    )  # fmt: skip
    assert good.status_code == 302
    assert User.objects.get(username="hp_x").must_change_password
