"""Masking by role (DESIGN §7): `personal_view` gives the full data only to a holder of
personal_data.view_full whose scope reaches the record (its region, or its own organisation), records
one audit event per full view and none for a masked one; everyone else — the public, another city,
a role without the capability — gets the masked forms."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from peiyu.accounts.masking import MASKED, id_tail, may_view_full, personal_view, personal_views, phone_tail
from peiyu.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
ID = "110105199001010021"


def _viewed(user) -> int:
    return AuditEvent.objects.filter(
        action="personal_data.viewed", actor_id=getattr(user, "pk", None)
    ).count()


def test_the_supervising_city_and_the_institution_see_in_full_and_each_view_is_audited(world):
    inst = world.orgs["inst_sy"]
    for user in (world.sy_official, world.ln_official, world.sy_inst_admin):
        before = _viewed(user)
        shown = personal_view(user, inst, what="test", region_code="210102", org_id=inst.pk, count=3)
        assert shown.full and shown.id_number(ID) == ID and shown.name("张三") == "张三"
        assert _viewed(user) == before + 1
        event = AuditEvent.objects.filter(action="personal_data.viewed", actor_id=user.pk).latest("seq")
        assert event.after == {"what": "test", "people": 3}


def test_another_city_another_institution_the_public_and_roles_without_the_capability_see_masked(world):
    inst = world.orgs["inst_sy"]
    for user in (
        world.dl_official,
        world.dl_inst_admin,
        world.cg_official,
        world.ia_official,
        AnonymousUser(),
    ):
        before = AuditEvent.objects.filter(action="personal_data.viewed").count()
        shown = personal_view(user, inst, what="test", region_code="210102", org_id=inst.pk)
        assert shown is MASKED
        assert shown.id_number(ID) == "110105********0021" and shown.name("张三") == "张*"
        assert shown.phone("13800001111") == "138****1111"
        assert AuditEvent.objects.filter(action="personal_data.viewed").count() == before


def test_without_a_place_nothing_is_reachable(world):
    assert not may_view_full(world.ln_official)


def test_a_list_across_places_is_full_only_where_the_scope_reaches_and_audited_once(world):
    before = _viewed(world.sy_official)
    shown = personal_views(
        world.sy_official, [("210102", None), ("210202", None), ("210103", None)], what="x"
    )
    assert [d.full for d in shown] == [True, False, True]
    assert _viewed(world.sy_official) == before + 1
    assert [d.full for d in personal_views(world.dl_inst_admin, [("210102", None)], what="x")] == [False]


def test_tails_tell_namesakes_apart_without_revealing_more_than_four_characters():
    assert id_tail(ID) == "…0021" and phone_tail("13800001111") == "…1111"
    assert id_tail("") == "" and phone_tail(None) == ""
