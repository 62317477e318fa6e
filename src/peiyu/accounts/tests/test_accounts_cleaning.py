"""Accounts clean names, usernames, phones and reasons with peiyu.core.cleaning: the same value passes or
fails here as in every other form, with the same Chinese message."""

import pytest

from peiyu.accounts.models import Org, User
from peiyu.accounts.services.orgs import org_create
from peiyu.accounts.services.roles import role_assign, role_revoke
from peiyu.accounts.services.tokens import api_token_create
from peiyu.accounts.services.users import user_create, user_unlock
from peiyu.core.cleaning import CONTROL_MESSAGE, MOBILE_MESSAGE, PHONE_MESSAGE
from peiyu.core.errors import InvalidInput

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ng-Passw0rd!"


def _user(world, **given):
    data = {"username": "new_user", "full_name": "欧阳娜娜", "password": PASSWORD, "phone": ""} | given
    return user_create(actor=world.sy_secadmin, org=world.orgs["sy"], **data)


def test_a_new_users_name_and_phone_follow_the_one_rule(world):
    user = _user(world, username="  new_user ", full_name="阿卜杜拉•买买提", phone="+86 138-0013-8000")
    assert (user.username, user.full_name, user.phone) == ("new_user", "阿卜杜拉·买买提", "13800138000")
    with pytest.raises(InvalidInput) as exc:
        _user(world, username="bad\x00name", full_name="王芳2", phone="12800138000")
    assert exc.value.fields["username"] == [f"用户名{CONTROL_MESSAGE}"]
    assert exc.value.fields["full_name"][0].startswith("姓名含有不允许的字符“2”")
    assert exc.value.fields["phone"] == [MOBILE_MESSAGE]
    with pytest.raises(InvalidInput) as exc:
        _user(world, username=" ")
    assert exc.value.fields["username"] == ["请填写用户名"]
    with pytest.raises(InvalidInput) as exc:
        _user(world, username="new_user")
    assert exc.value.fields["username"] == ["该用户名已被使用"]
    assert User.objects.filter(username="new_user").count() == 1


def test_an_organisations_name_and_phone(world):
    org = org_create(
        actor=world.sysadmin,
        name=" 某培训学校 ",
        kind="institution",
        region_code="210100",
        contact_phone="024 2345 6789",
    )
    assert (org.name, org.contact_phone) == ("某培训学校", "02423456789")
    with pytest.raises(InvalidInput) as exc:
        org_create(
            actor=world.sysadmin, name="甲\x07", kind="institution", region_code="210100", contact_phone="123"
        )
    assert exc.value.fields == {"name": [f"单位名称{CONTROL_MESSAGE}"], "contact_phone": [PHONE_MESSAGE]}
    with pytest.raises(InvalidInput) as exc:
        org_create(actor=world.sysadmin, name="字" * 201, kind="institution", region_code="210100")
    assert exc.value.fields == {"name": ["不能超过200个字"]}
    assert not Org.objects.filter(name__startswith="甲").exists()


def test_reasons_and_token_names(world):
    user = _user(world)
    assignment = role_assign(
        actor=world.sy_secadmin, user=user, role_code="city_official", org=world.orgs["sy"]
    )
    for bad, message in (("  ", "请填写撤销理由"), ("调岗\x00", f"撤销理由{CONTROL_MESSAGE}")):
        with pytest.raises(InvalidInput) as exc:
            role_revoke(actor=world.sy_secadmin, assignment=assignment, reason=bad)
        assert exc.value.fields == {"reason": [message]}
    with pytest.raises(InvalidInput) as exc:
        user_unlock(actor=world.secadmin, user=user, reason="")
    assert exc.value.fields == {"reason": ["请填写解锁理由"]}
    with pytest.raises(InvalidInput) as exc:
        api_token_create(actor=world.sy_inst_admin, name="对" * 101)
    assert exc.value.fields == {"name": ["不能超过100个字"]}
    token, _plain = api_token_create(actor=world.sy_inst_admin, name=" 对接 ")
    assert token.name == "对接"
