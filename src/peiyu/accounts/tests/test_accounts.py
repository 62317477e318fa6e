"""Accounts: three-role separation, lockout, TOTP for officials, tokens, password rules."""

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from peiyu.accounts.models import RoleAssignment, User
from peiyu.accounts.services.roles import role_assign, role_revoke
from peiyu.accounts.services.tokens import api_token_create
from peiyu.accounts.services.users import user_create, user_unlock
from peiyu.audit.models import AuditEvent
from peiyu.core.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def _new_user(world, username="newbie", org="platform"):
    return user_create(
        actor=world.secadmin,
        username=username,
        password="Str0ng-Passw0rd!",
        full_name="新用户",
        org=world.orgs[org],
    )


@pytest.mark.parametrize(
    "first, second", [("sysadmin", "secadmin"), ("secadmin", "auditor"), ("auditor", "sysadmin")]
)
def test_one_person_cannot_hold_two_of_the_three_administrator_roles(world, first, second):
    user = _new_user(world)
    role_assign(actor=world.secadmin, user=user, role_code=first, org=world.orgs["platform"])
    with pytest.raises(RuleViolation) as exc:
        role_assign(actor=world.secadmin, user=user, role_code=second, org=world.orgs["platform"])
    assert exc.value.rule == "SEC-1" and "三员分立" in exc.value.message
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_database_also_refuses_a_second_administrator_role(world):
    user = _new_user(world)
    role_assign(actor=world.secadmin, user=user, role_code="auditor", org=world.orgs["platform"])
    from peiyu.accounts.models import Role

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user, role=Role.objects.get(code="sysadmin"), org=world.orgs["platform"], separation="system"
        )


def test_revoked_administrator_role_frees_the_person_for_another(world):
    user = _new_user(world)
    a = role_assign(actor=world.secadmin, user=user, role_code="auditor", org=world.orgs["platform"])
    role_revoke(actor=world.secadmin, assignment=a, reason="岗位调整")
    role_assign(actor=world.secadmin, user=user, role_code="sysadmin", org=world.orgs["platform"])


def test_business_roles_can_be_combined(world):
    user = _new_user(world, org="sy")
    role_assign(actor=world.sy_secadmin, user=user, role_code="city_official", org=world.orgs["sy"])
    role_assign(actor=world.sy_secadmin, user=user, role_code="auditor", org=world.orgs["sy"])


def test_city_security_admin_cannot_grant_in_another_city(world):
    user = _new_user(world, org="dl")
    with pytest.raises(NotFound):
        role_assign(actor=world.sy_secadmin, user=user, role_code="city_official", org=world.orgs["dl"])


def test_role_must_fit_the_organisation_kind(world):
    user = _new_user(world, org="sy")
    with pytest.raises(InvalidInput, match="不能分配给"):
        role_assign(actor=world.sy_secadmin, user=user, role_code="institution_admin", org=world.orgs["sy"])


def test_nobody_grants_themselves_a_role(world):
    with pytest.raises(PermissionDenied):
        role_assign(
            actor=world.secadmin, user=world.secadmin, role_code="city_official", org=world.orgs["sy"]
        )


def test_officials_without_user_manage_cannot_create_users(world):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=world.sy_official,
            username="x",
            password="Str0ng-Passw0rd!",
            full_name="x",
            org=world.orgs["sy"],
        )


@pytest.mark.parametrize(
    "password, fragment",
    [("short1A!", "太短"), ("alllowercaseletters", "至少三类"), ("12345678901", "只包含数字")],
)
def test_weak_passwords_are_refused_in_chinese(world, password, fragment):
    with pytest.raises(InvalidInput) as exc:
        user_create(
            actor=world.secadmin,
            username="weak",
            password=password,
            full_name="弱",
            org=world.orgs["platform"],
        )
    assert any(fragment in m for m in exc.value.fields["password"])
    assert not User.objects.filter(username="weak").exists()


def test_grants_are_audited(world):
    user = _new_user(world, org="sy")
    role_assign(actor=world.sy_secadmin, user=user, role_code="city_official", org=world.orgs["sy"])
    event = AuditEvent.objects.filter(action="role.assigned").latest("id")
    assert event.actor_id == world.sy_secadmin.pk and event.after["role"] == "city_official"
    assert event.region_code == "210100"


# --- login, lockout, TOTP --------------------------------------------------------------------------


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_failed_logins_lock_the_account(client, world):
    for _ in range(5):
        response = _login(client, "sy_inst_admin", "wrong-password")
    assert response.status_code == 429
    assert "账户已锁定" in response.content.decode()
    # even the right password is refused while locked
    assert _login(client, "sy_inst_admin", PASSWORD).status_code == 429
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()
    user_unlock(actor=world.secadmin, user=world.sy_inst_admin, reason="本人致电核实")
    assert _login(client, "sy_inst_admin", PASSWORD).status_code == 302


def test_four_failures_then_success_does_not_lock(client, world):
    for _ in range(4):
        _login(client, "dl_inst_admin", "wrong")
    assert _login(client, "dl_inst_admin", PASSWORD).status_code == 302


def test_failed_login_shows_a_chinese_message(client, world):
    response = _login(client, "sy_official", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_official_must_enrol_then_verify_totp(client, world):
    assert _login(client, "sy_official", PASSWORD).status_code == 302
    response = client.get("/home/")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/otp/setup/")
    page = client.get("/accounts/otp/setup/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.sy_official, confirmed=False)
    wrong = client.post(
        "/accounts/otp/setup/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
    )
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    device.throttle_reset()  # a failure throttles the device briefly; the test does not wait
    assert client.post("/accounts/otp/setup/", {"token": f"{totp(device.bin_key):06d}"}).status_code == 302
    assert client.get("/home/").status_code == 200
    # next login: verify, not enrol
    client.post("/accounts/logout/")
    _login(client, "sy_official", PASSWORD)
    response = client.get("/home/")
    assert response["Location"].endswith("/accounts/otp/verify/")
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert client.post("/accounts/otp/verify/", {"token": f"{totp(device.bin_key):06d}"}).status_code == 302
    assert client.get("/home/").status_code == 200


def test_unverified_official_is_refused_by_the_session_api(client, world):
    _login(client, "sy_official", PASSWORD)
    assert client.get("/api/v1/me").status_code == 401


def test_institution_users_are_not_forced_to_totp(client, world):
    _login(client, "sy_inst_admin", PASSWORD)
    assert client.get("/home/").status_code == 200


@override_settings(PEIYU_OFFICIAL_OTP_REQUIRED=False)
def test_session_idle_timeout_is_configured(client, world, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    _login(client, "sy_official", PASSWORD)
    client.get("/home/")
    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


def test_expired_session_goes_back_to_login(client, world, settings):
    import time_machine

    settings.PEIYU_OFFICIAL_OTP_REQUIRED = False
    _login(client, "sy_inst_admin", PASSWORD)
    assert client.get("/home/").status_code == 200
    from django.utils import timezone

    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE + 5)):
        response = client.get("/home/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_logout_is_audited(client, world):
    _login(client, "sy_inst_admin", PASSWORD)
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="auth.logout", actor_id=world.sy_inst_admin.pk).exists()


# --- API tokens ------------------------------------------------------------------------------------


def test_token_authenticates_and_revoked_token_does_not(client, world):
    token, plain = api_token_create(actor=world.sy_inst_admin, name="对接")
    assert token.digest != plain and plain not in token.digest
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert me.status_code == 200 and me.json()["username"] == "sy_inst_admin"
    assert (
        client.delete(f"/api/v1/tokens/{token.pk}", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 204
    )
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401


def test_unauthenticated_api_answers_401_in_json(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_regions_are_never_deleted_one_by_one_or_in_bulk(world):
    from peiyu.accounts.models import Region
    from peiyu.core.errors import Conflict

    with pytest.raises(Conflict):
        Region.objects.get(code="210202").delete()
    with pytest.raises(Conflict):
        Region.objects.filter(code__startswith="2102").delete()
    assert Region.objects.filter(code="210202").exists()
