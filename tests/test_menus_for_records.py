"""Menu entries about a person's own record are shown only to accounts that have it (issue 12, point 7):
the trainee's 我的报名 and 我的培训 to a trainee (a linked trainee record or the 学员 role), never to an
expert's account that also holds `person.self`; 我的回避申报 to an expert linked to a pool's record — and
an expert not linked yet is told why and whom to ask, not given a 404."""

from __future__ import annotations

import pytest

from peiyu.accounts.models import Role, RoleAssignment, User
from peiyu.training.services import trainees as trainee_services
from peiyu.training.tests.trainee_helpers import person

pytestmark = pytest.mark.django_db

TRAINEE_ENTRIES = ("我的报名", "我的培训")


def _expert_account(world, username: str) -> User:
    org = world.orgs["platform"]
    user = User.objects.create_user(
        username=username, password="Peiyu-Test-2026!", full_name="孙立新", primary_org=org
    )
    role = Role.objects.get(code="expert")
    RoleAssignment.objects.create(user=user, role=role, org=org, region_id=None, separation=role.separation)
    return user


def _menu(client) -> str:
    page = client.get("/").content.decode()
    return page[page.index('class="main-nav"') :].split("</nav>")[0]


def _link_to_pool(world, user: User) -> None:
    from peiyu.institutions.services import experts

    experts.expert_create(
        actor=world.ln_official,
        name="孙立新",
        employer=None,
        employer_name="沈阳工业大学",
        title="教授",
        fields=["2-02-38-01"],
        region_code="210000",
        user=user,
    )


def test_an_expert_sees_no_trainee_entries_and_declarations_once_linked(world, policies, login_as):
    user = _expert_account(world, "expert_sun")
    client = login_as(user)
    menu = _menu(client)
    assert "专家评议" in menu
    assert not any(entry in menu for entry in TRAINEE_ENTRIES)
    assert "我的回避申报" not in menu  # no pool record linked yet

    page = client.get("/directory/expert/declarations/")
    body = page.content.decode()
    assert page.status_code == 200 and 'id="expert-unlinked"' in body and "expert_sun" in body
    assert 'id="expert-unlinked"' in client.get("/directory/expert/assignments/").content.decode()

    _link_to_pool(world, user)
    client = login_as(User.objects.get(pk=user.pk))
    assert "我的回避申报" in _menu(client)
    body = client.get("/directory/expert/declarations/").content.decode()
    assert 'id="expert-unlinked"' not in body and "沈阳工业大学" in body
    assert 'id="expert-unlinked"' not in client.get("/directory/expert/assignments/").content.decode()


def test_a_trainee_keeps_the_trainee_entries(world, login_as):
    user, _ = trainee_services.trainee_self_register(
        data={"username": "stu_menu", "password": "Xuexi-2026-Anquan!", **person(31)}
    )
    menu = _menu(login_as(user))
    assert all(entry in menu for entry in TRAINEE_ENTRIES)
    assert "我的回避申报" not in menu and "专家评议" not in menu


def test_an_official_without_records_sees_neither(world, login_as):
    menu = _menu(login_as(world.sy_official))
    assert not any(entry in menu for entry in (*TRAINEE_ENTRIES, "我的回避申报"))
    assert login_as(world.sy_official).get("/directory/expert/declarations/").status_code == 404
