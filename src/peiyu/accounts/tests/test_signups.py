"""An institution signs itself up; the bureau of its region confirms or returns it; until confirmed it
cannot apply; every move through flows.ORG_FLOW with its audit event; another city sees nothing."""

import datetime as dt

import pytest

from peiyu.accounts.flows import ORG_FLOW
from peiyu.accounts.models import Org, RoleAssignment, User
from peiyu.accounts.selectors.signups import org_confirmed, signups_to_confirm
from peiyu.accounts.services.signups import org_signup, signup_confirm, signup_resubmit, signup_return
from peiyu.accounts.todos import signups_to_confirm as signup_todos
from peiyu.audit.models import AuditEvent
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peiyu.core.identifiers import uscc_with_check

pytestmark = pytest.mark.django_db
PASSWORD = "Qiming-2026!ok"


def signup_data(**over):
    data = {
        "name": "沈阳启明智能科技有限公司",
        "uscc": uscc_with_check("91210102MA0T9J1A7"),
        "region_code": "",
        "legal_rep_name": "高启明",
        "contact_name": "于晓燕",
        "contact_phone": "13904001212",
        "contact_email": "yuxy@example.cn",
        "username": "qiming_admin",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    data.update(over)
    return data


def test_a_sign_up_creates_a_pending_institution_and_its_administrator(world):
    org = org_signup(data=signup_data())
    assert org.status == Org.Status.PENDING and org.kind == Org.Kind.INSTITUTION
    assert org.region_id == "210102"  # from the credit code's registration region
    assert org.signup_due_on is not None and org.signup_due_on > dt.date.today()
    admin = User.objects.get(username="qiming_admin")
    assert admin.primary_org == org and admin.check_password(PASSWORD)
    assert (
        RoleAssignment.objects.current().filter(user=admin, role__code="institution_admin", org=org).exists()
    )
    assert [log.to_status for log in ORG_FLOW.history(org)] == ["pending"]
    assert AuditEvent.objects.filter(action="org.created", object_id=str(org.pk)).exists()
    assert not org_confirmed(org)


def test_a_wrong_sign_up_reports_every_field_in_chinese_and_writes_nothing(world):
    body = uscc_with_check("91210102MA0T9J1A7")[:17]
    wrong_check = body + ("0" if body[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as caught:
        org_signup(
            data=signup_data(
                uscc=wrong_check,
                legal_rep_name="",
                contact_phone="123",
                password="short",
                password_confirm="x",
            )
        )
    fields = caught.value.fields
    assert "校验位" in fields["uscc"][0]
    assert set(fields) >= {"uscc", "legal_rep_name", "contact_phone", "password", "password_confirm"}
    assert not Org.objects.filter(name="沈阳启明智能科技有限公司").exists()
    assert not User.objects.filter(username="qiming_admin").exists()


def test_a_credit_code_already_registered_is_refused(world):
    with pytest.raises(InvalidInput) as caught:
        org_signup(data=signup_data(uscc=world.orgs["inst_sy"].uscc))
    assert "已登记" in caught.value.fields["uscc"][0]


def test_the_bureau_of_the_region_sees_it_on_its_to_do_list_and_confirms(world):
    org = org_signup(data=signup_data())
    todos = signup_todos(world.sy_official)
    assert [t.title for t in todos] == ["确认机构注册：沈阳启明智能科技有限公司"]
    assert todos[0].deadline == org.signup_due_on and todos[0].rule == "SEL-1"
    assert signup_todos(world.dl_official) == []
    signup_confirm(actor=world.sy_official, org=org)
    org.refresh_from_db()
    assert org.status == Org.Status.CONFIRMED and org_confirmed(org)
    assert AuditEvent.objects.filter(action="org.confirmed", object_id=str(org.pk)).exists()
    assert signup_todos(world.sy_official) == []


def test_another_citys_bureau_gets_404_and_an_institution_403(world):
    org = org_signup(data=signup_data())
    assert not signups_to_confirm(world.dl_official).filter(pk=org.pk).exists()
    with pytest.raises(NotFound):
        signup_confirm(actor=world.dl_official, org=org)
    with pytest.raises(PermissionDenied):
        signup_confirm(actor=world.sy_inst_admin, org=org)
    org.refresh_from_db()
    assert org.status == Org.Status.PENDING


def test_a_returned_sign_up_is_corrected_and_resubmitted(world):
    org = org_signup(data=signup_data())
    with pytest.raises(InvalidInput):
        signup_return(actor=world.sy_official, org=org, reason="")
    signup_return(actor=world.sy_official, org=org, reason="法定代表人与营业执照不一致")
    org.refresh_from_db()
    assert org.status == Org.Status.RETURNED
    admin = User.objects.get(username="qiming_admin")
    with pytest.raises(InvalidInput) as caught:
        signup_resubmit(actor=admin, org=org, data=signup_data(legal_rep_name="", uscc=org.uscc))
    assert "legal_rep_name" in caught.value.fields
    signup_resubmit(actor=admin, org=org, data=signup_data(legal_rep_name="高明", uscc=org.uscc))
    org.refresh_from_db()
    assert org.status == Org.Status.PENDING and org.legal_rep_name == "高明"
    assert [log.to_status for log in ORG_FLOW.history(org)] == ["pending", "returned", "pending"]
    with pytest.raises(Conflict):  # a pending sign-up is not resubmitted again
        signup_resubmit(actor=admin, org=org, data=signup_data(uscc=org.uscc))


def test_an_unconfirmed_institution_cannot_apply_for_a_call(world):
    from peiyu.institutions.services.applications import _institution_of

    org = org_signup(data=signup_data())
    admin = User.objects.get(username="qiming_admin")
    from peiyu.core.errors import RuleViolation

    with pytest.raises(RuleViolation) as caught:
        _institution_of(admin)
    assert caught.value.code == "org_not_confirmed" and caught.value.rules == ["SEL-1"]
    assert "确认后方可申报" in caught.value.message
    signup_confirm(actor=world.sy_official, org=org)
    admin = User.objects.get(username="qiming_admin")
    assert _institution_of(admin) == org


def test_a_returned_sign_up_shows_its_reason_and_is_resubmitted_on_the_pages(world, login_as):
    from django.test import Client

    org = org_signup(data=signup_data())
    signup_return(actor=world.sy_official, org=org, reason="请上传与营业执照一致的名称")
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": "qiming_admin", "password": PASSWORD}).status_code == 302
    )
    home = client.get("/home/").content.decode()
    assert "已退回" in home and "请上传与营业执照一致的名称" in home
    form = client.get(f"/accounts/signups/{org.pk}/edit/").content.decode()
    assert 'value="沈阳启明智能科技有限公司"' in form  # the form is pre-filled from the sign-up
    bad = client.post(
        f"/accounts/signups/{org.pk}/edit/", {**signup_data(uscc=org.uscc), "contact_phone": "1"}
    )
    assert bad.status_code == 400 and 'value="高启明"' in bad.content.decode()
    done = client.post(f"/accounts/signups/{org.pk}/edit/", signup_data(uscc=org.uscc))
    assert done.status_code == 302
    org.refresh_from_db()
    assert org.status == Org.Status.PENDING
    dalian = login_as(world.dl_official)
    assert dalian.get(f"/accounts/signups/{org.pk}/").status_code == 404
    assert dalian.post(f"/accounts/signups/{org.pk}/decide/", {"action": "confirm"}).status_code == 404
