"""The institution's administrator manages its own staff: accounts, delegable roles, disable and
re-enable, password reset; nobody else's staff (404), not before the bureau confirmed the sign-up."""

import pytest

from peiyu.accounts.models import Org, RoleAssignment, User
from peiyu.accounts.services.signups import org_signup, signup_confirm
from peiyu.accounts.services.staff import (
    staff_create,
    staff_disable,
    staff_enable,
    staff_password_reset,
    staff_role_assign,
    staff_role_revoke,
)
from peiyu.audit.models import AuditEvent
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from .test_signups import signup_data

pytestmark = pytest.mark.django_db
TEMP = "Temp-Passw0rd!"


def _officer(world, username="sy_officer", role="applications_officer"):
    user, _a = staff_create(
        actor=world.sy_inst_admin,
        org=world.orgs["inst_sy"],
        username=username,
        full_name="申报员",
        password=TEMP,
        role_code=role,
        phone="13904003001",
    )
    return user


def test_the_administrator_adds_an_applications_officer_and_a_training_administrator(world):
    officer = _officer(world)
    trainer = _officer(world, "sy_trainer", "training_admin")
    assert officer.must_change_password and officer.primary_org == world.orgs["inst_sy"]
    roles = set(
        RoleAssignment.objects.current()
        .filter(user__in=[officer, trainer])
        .values_list("role__code", flat=True)
    )
    assert roles == {"applications_officer", "training_admin"}
    assert AuditEvent.objects.filter(action="user.created", object_id=str(officer.pk)).exists()
    assert AuditEvent.objects.filter(action="role.assigned", object_id=str(trainer.pk)).exists()


def test_only_the_institutions_own_roles_can_be_given(world):
    with pytest.raises(InvalidInput) as caught:
        _officer(world, role="city_official")
    assert "role" in caught.value.fields
    with pytest.raises(InvalidInput):
        _officer(world, role="expert")  # fits the org kind, but not an institution post
    assert not User.objects.filter(username="sy_officer").exists()


def test_roles_are_given_and_taken_back_and_accounts_disabled_and_enabled(world):
    officer = _officer(world)
    staff_role_assign(actor=world.sy_inst_admin, user=officer, role_code="training_admin")
    with pytest.raises(Conflict):
        staff_role_assign(actor=world.sy_inst_admin, user=officer, role_code="training_admin")
    held = RoleAssignment.objects.current().get(user=officer, role__code="training_admin")
    staff_role_revoke(actor=world.sy_inst_admin, assignment=held, reason="岗位调整")
    assert not RoleAssignment.objects.current().filter(pk=held.pk).exists()
    with pytest.raises(InvalidInput):
        staff_disable(actor=world.sy_inst_admin, user=officer, reason="")
    staff_disable(actor=world.sy_inst_admin, user=officer, reason="离职")
    officer.refresh_from_db()
    assert not officer.is_active
    staff_enable(actor=world.sy_inst_admin, user=officer)
    officer.refresh_from_db()
    assert officer.is_active
    plain = staff_password_reset(actor=world.sy_inst_admin, user=officer, reason="忘记密码")
    officer.refresh_from_db()
    assert officer.check_password(plain) and officer.must_change_password
    assert AuditEvent.objects.filter(action="user.password_reset", object_id=str(officer.pk)).exists()
    assert plain not in str(list(AuditEvent.objects.values_list("after", flat=True)))


def test_another_institutions_administrator_gets_404(world):
    officer = _officer(world)
    with pytest.raises(NotFound):
        staff_disable(actor=world.dl_inst_admin, user=officer, reason="x")
    with pytest.raises(NotFound):
        staff_create(
            actor=world.dl_inst_admin, org=world.orgs["inst_sy"], username="x1", full_name="张三",
            password=TEMP, role_code="training_admin",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # an official does not manage an institution's staff
        staff_disable(actor=world.sy_official, user=officer, reason="x")


def test_nothing_before_the_bureau_confirms_the_sign_up(world):
    org = org_signup(data=signup_data())
    admin = User.objects.get(username="qiming_admin")
    with pytest.raises(Conflict) as caught:
        staff_create(
            actor=admin, org=org, username="q2", full_name="李四", password=TEMP, role_code="training_admin"
        )
    assert "确认" in caught.value.message
    signup_confirm(actor=world.sy_official, org=org)
    admin = User.objects.get(username="qiming_admin")
    user, _a = staff_create(
        actor=admin, org=Org.objects.get(pk=org.pk), username="q2", full_name="李四", password=TEMP,
        role_code="training_admin",
    )  # fmt: skip
    assert user.primary_org_id == org.pk


def test_the_staff_pages_keep_what_was_typed_and_hide_other_institutions(world, login_as):
    officer = _officer(world)
    other = login_as(world.dl_inst_admin)
    assert other.get(f"/accounts/staff/{officer.pk}/").status_code == 404
    assert (
        other.post(f"/accounts/staff/{officer.pk}/act/", {"action": "disable", "reason": "x"}).status_code
        == 404
    )
    own = login_as(world.sy_inst_admin)
    refused = own.post(
        "/accounts/staff/",
        {
            "username": "sy_new",
            "full_name": "王五",
            "role": "training_admin",
            "phone": "139",
            "password": TEMP,
        },
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'value="sy_new"' in text and 'value="王五"' in text and 'value="139"' in text
    assert "手机号码" in text and not User.objects.filter(username="sy_new").exists()
    detail = own.get(f"/accounts/staff/{officer.pk}/")
    assert detail.status_code == 200 and "申报专员" in detail.content.decode()
