"""Revoking a role on the staff page (the institution's administrator) and the account page (the security
administrator) asks for the reason: each role's row has its own required reason field, confirmed before it
is sent; the reason typed is what the audit keeps; an empty one is refused in that row, the role kept and
nothing typed elsewhere disturbed; another city's or institution's administrator gets 404."""

import re

import pytest

from peiyu.accounts.models import RoleAssignment
from peiyu.accounts.services.users import account_create
from peiyu.audit.models import AuditEvent

from .test_staff import _officer
from .test_user_admin import TEMP

pytestmark = pytest.mark.django_db


def _revoke_form(page: str, assignment: RoleAssignment) -> str:
    forms = re.findall(r'<form[^>]*class="revoke".*?</form>', page, re.S)
    mine = [f for f in forms if f'name="assignment" value="{assignment.pk}"' in f]
    assert len(mine) == 1, forms
    return mine[0]


def _check_the_form(form: str, assignment: RoleAssignment) -> None:
    assert 'data-confirm="确定撤销该角色？"' in form
    assert re.search(rf'<input type="text" id="revoke-{assignment.pk}" name="reason" required', form)
    assert f'<label for="revoke-{assignment.pk}">撤销理由</label>' in form
    assert 'type="hidden" name="reason"' not in form  # no fixed text sent in the official's name


def test_the_staff_page_asks_for_the_reason_of_a_revocation(world, login_as):
    officer = _officer(world)
    held = RoleAssignment.objects.current().get(user=officer, role__code="applications_officer")
    client = login_as(world.sy_inst_admin)
    url = f"/accounts/staff/{officer.pk}/"
    _check_the_form(_revoke_form(client.get(url).content.decode(), held), held)

    refused = client.post(f"{url}act/", {"action": "revoke", "assignment": held.pk, "reason": "  "})
    assert refused.status_code == 400
    form = _revoke_form(refused.content.decode(), held)
    assert "请填写撤销理由" in form and 'aria-invalid="true"' in form
    assert RoleAssignment.objects.current().filter(pk=held.pk).exists()
    assert "请填写撤销理由" not in refused.content.decode().split('class="card narrow actions"')[-1]

    done = client.post(f"{url}act/", {"action": "revoke", "assignment": held.pk, "reason": "转岗至培训部"})
    assert done.status_code == 302
    assert not RoleAssignment.objects.current().filter(pk=held.pk).exists()
    event = AuditEvent.objects.get(action="role.revoked", object_id=str(officer.pk))
    assert event.reason == "转岗至培训部"


def test_the_account_page_asks_for_the_reason_of_a_revocation(world, login_as):
    user, held = account_create(
        actor=world.sy_secadmin,
        username="hp_new",
        full_name="宋和平",
        org=world.orgs["hp"],
        role_code="district_official",
        password=TEMP,
        phone="13904002101",
    )
    client = login_as(world.sy_secadmin)
    url = f"/accounts/users/{user.pk}/"
    _check_the_form(_revoke_form(client.get(url).content.decode(), held), held)

    long = "理" * 2001
    refused = client.post(f"{url}act/", {"action": "revoke", "assignment": held.pk, "reason": long})
    assert refused.status_code == 400
    form = _revoke_form(refused.content.decode(), held)
    assert "撤销理由" in form and "2000" in form and f'value="{long}"' in form  # kept, said why
    assert RoleAssignment.objects.current().filter(pk=held.pk).exists()

    done = client.post(f"{url}act/", {"action": "revoke", "assignment": held.pk, "reason": "调任市局"})
    assert done.status_code == 302
    assert AuditEvent.objects.get(action="role.revoked", object_id=str(user.pk)).reason == "调任市局"
    # another city's security administrator: the account is not there
    other = login_as(world.dl_secadmin).post(
        f"{url}act/", {"action": "revoke", "assignment": held.pk, "reason": "x"}
    )
    assert other.status_code == 404
