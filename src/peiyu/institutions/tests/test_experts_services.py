"""The expert pool managed in the product (issue 12 §3; SEL-8): officials add, edit, disable and re-enable
experts, every change audited; a disabled expert is never drawn; the units an expert declares (and
withdraws) are what the next draw recuses; another province's official cannot touch the pool."""

from __future__ import annotations

import pytest
from django.db import connection

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from peiyu.institutions.models import Expert, ExpertRelation
from peiyu.institutions.rules import experts as expert_rules
from peiyu.institutions.services import expert_declarations as declarations
from peiyu.institutions.services import experts
from peiyu.institutions.services import panels as panel_services

from .expert_support import OCCUPATION, OTHER_USCC, Journey, hubei_expert, make_expert_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(world, policies):
    return Journey(world)


def events(action: str, expert: Expert) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(expert.pk)).order_by("pk"))


def members(panel) -> set[int]:
    return set(panel.members.exclude(status="declined").values_list("expert_id", flat=True))


# --- adding ------------------------------------------------------------------------------------------------


def test_official_adds_an_expert_with_contact_encrypted_and_the_addition_audited(journey, world):
    expert = experts.expert_create(
        actor=journey.official,
        name="孙立新",
        employer_name="沈阳工业大学",
        title="教授级高工",
        fields="2-02-38-01、2-02-38-03",
        specialty="人工智能",
        phone="138 0013 8000",
        email="sun@example.com",
    )
    assert expert.pool_owner == world.orgs["ln"] and expert.active
    assert expert.fields == ["2-02-38-01", "2-02-38-03"] and expert.phone == "13800138000"
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM institutions_expert WHERE id = %s", [expert.pk])
        stored = cur.fetchone()[0]
    assert stored and "13800138000" not in stored
    (event,) = events("expert.created", expert)
    assert event.after["name"] == "孙立新" and event.after["phone"] is True
    assert "13800138000" not in str(event.after)


def test_bad_input_is_refused_field_by_field_in_chinese_and_nothing_is_stored(journey):
    with pytest.raises(InvalidInput) as exc:
        experts.expert_create(
            actor=journey.official,
            name="",
            employer_name="",
            employer_uscc="91210102MA0Y00001X",
            fields="AI",
            phone="12345",
            email="not-an-address",
        )
    fields = exc.value.fields
    assert set(fields) >= {"name", "employer_uscc", "fields", "phone", "email"}
    assert "校验位" in fields["employer_uscc"][0] and "2-02-38-01" in fields["fields"][0]
    assert not Expert.objects.exists()


def test_only_the_officials_of_a_pool_keeping_body_add_experts(journey, world):
    with pytest.raises(PermissionDenied):
        experts.expert_create(actor=world.sy_official, name="甲", employer_name="乙", fields=[OCCUPATION])


def test_an_employer_given_by_credit_code_is_recused_like_the_applicant_itself(journey, world):
    employed = experts.expert_create(
        actor=journey.official,
        name="任职专家",
        employer_name="（简称）智算",
        employer_uscc=world.orgs["inst_sy"].uscc,
        fields=[OCCUPATION],
    )
    assert employed.employer == world.orgs["inst_sy"]
    journey.pool(3, user=False)
    panel = journey.draw(size=3)
    assert employed.pk not in members(panel)
    assert (
        "任职于申报单位沈阳智算科技有限公司"
        in {e["expert"]: e["reason"] for e in panel.excluded}[employed.pk]
    )


# --- editing, disabling, enabling ------------------------------------------------------------------------------


def test_an_edit_is_audited_with_before_and_after_and_a_phone_change_without_the_number(journey):
    expert = journey.expert("王明远", user=False)
    experts.expert_update(
        actor=journey.official, expert=expert, data={"title": "研究员", "phone": "13912345678"}
    )
    expert.refresh_from_db()
    assert expert.title == "研究员" and expert.phone == "13912345678"
    (event,) = events("expert.updated", expert)
    assert event.before == {"title": "教授"} and event.after == {"title": "研究员", "phone": "已更改"}


def test_a_credit_code_given_alone_links_the_employer_and_keeps_the_name(journey, world):
    expert = journey.expert(user=False, employer_name="智算公司")
    experts.expert_update(
        actor=journey.official, expert=expert, data={"employer_uscc": world.orgs["inst_sy"].uscc}
    )
    expert.refresh_from_db()
    assert expert.employer == world.orgs["inst_sy"] and expert.employer_name == "智算公司"


def test_an_account_is_linked_only_if_it_holds_the_expert_role_and_is_free(journey, world):
    expert = journey.expert(user=False)
    with pytest.raises(InvalidInput) as exc:
        experts.expert_update(actor=journey.official, expert=expert, data={"username": "sy_official"})
    assert "评审专家" in exc.value.fields["username"][0]
    account = make_expert_user(world, "new_expert")
    experts.expert_update(actor=journey.official, expert=expert, data={"username": "new_expert"})
    expert.refresh_from_db()
    assert expert.user == account
    other = journey.expert(user=False)
    with pytest.raises(InvalidInput) as exc:
        experts.expert_update(actor=journey.official, expert=other, data={"username": "new_expert"})
    assert "已关联" in exc.value.fields["username"][0]


def test_a_disabled_expert_is_never_drawn_and_is_drawn_again_once_re_enabled(journey):
    pool = journey.pool(4, user=False)
    out = pool[0]
    experts.expert_disable(actor=journey.official, expert=out, reason="长期出国")
    panel = journey.draw(size=3, seed="s1")
    assert out.pk not in panel.candidates and out.pk not in members(panel)
    assert events("expert.disabled", out)[0].reason == "长期出国"
    with pytest.raises(Conflict):
        experts.expert_disable(actor=journey.official, expert=out, reason="again")
    experts.expert_enable(actor=journey.official, expert=out)
    out.refresh_from_db()
    assert out.active and out.disabled_reason == ""
    app = journey.application("LN-2023-0009", journey.world.orgs["inst_dl"])
    second = journey.draw(size=4, seed="s2", apps=[app])
    assert out.pk in second.candidates


def test_a_disabled_expert_is_skipped_as_a_replacement(journey):
    journey.pool(6)
    panel = journey.draw(size=3, seed="replace")
    order = panel_services.rules.shuffled(panel.candidates, panel.seed)
    next_up = Expert.objects.get(pk=order[3])
    experts.expert_disable(actor=journey.official, expert=next_up, reason="退休")
    first = panel.members.order_by("position").first()
    replacement = panel_services.panel_member_decline(actor=journey.official, member=first, reason="出差")
    assert replacement.expert_id == order[4]
    panel.refresh_from_db()
    assert any(e["expert"] == next_up.pk and "已不在库" in e["reason"] for e in panel.excluded)


def test_another_provinces_official_cannot_edit_disable_or_declare_for_this_pool(journey, world):
    expert = journey.expert(user=True)
    for call in (
        lambda: experts.expert_update(actor=world.hb_official, expert=expert, data={"title": "x"}),
        lambda: experts.expert_disable(actor=world.hb_official, expert=expert, reason="x"),
        lambda: experts.expert_enable(actor=world.hb_official, expert=expert),
        lambda: declarations.expert_declare_conflict(actor=world.hb_official, expert=expert, uscc=OTHER_USCC),
    ):
        with pytest.raises(NotFound):
            call()
    hubei = hubei_expert(world)
    with pytest.raises(NotFound):
        experts.expert_disable(actor=journey.official, expert=hubei, reason="x")


# --- declarations (SEL-8 recusal) -------------------------------------------------------------------------------


def test_a_declared_former_employer_excludes_the_expert_until_the_declaration_is_withdrawn(journey, world):
    expert = journey.expert("曾任职专家", user=True)
    journey.pool(3, user=False)
    relation = declarations.expert_declare_conflict(
        actor=expert.user,
        expert=expert,
        kind="former_employer",
        unit_name="大连海数职业培训学校",
        ended_on="2021-06-30",
    )
    assert relation.org == world.orgs["inst_dl"] and relation.uscc == world.orgs["inst_dl"].uscc
    panel = journey.draw(size=3, seed="d1")
    assert expert.pk not in panel.candidates
    assert "已申报与大连海数职业培训学校" in {e["expert"]: e["reason"] for e in panel.excluded}[expert.pk]

    declarations.expert_relation_withdraw(
        actor=expert.user, relation=relation, reason="已离职五年以上，无利害关系"
    )
    app = journey.application("LN-2023-0010", world.orgs["inst_dl"])
    later = journey.draw(size=3, seed="d2", apps=[app])
    assert expert.pk in later.candidates
    relation_events = AuditEvent.objects.filter(
        object_id=str(expert.pk), action__startswith="expert.relation"
    )
    assert [e.action for e in relation_events.order_by("pk")] == [
        "expert.relation_declared",
        "expert.relation_withdrawn",
    ]
    relation.refresh_from_db()
    assert relation.withdrawn_at is not None and relation.withdrawn_by == expert.user


def test_a_relation_to_a_related_unit_of_the_applicant_also_recuses(journey):
    expert = journey.expert(user=True)
    journey.pool(3, user=False)
    declarations.expert_declare_conflict(
        actor=expert.user, expert=expert, kind="relative", uscc=journey.sub.uscc, note="配偶在该公司任职"
    )
    panel = journey.draw(size=3)
    assert "关联单位" in {e["expert"]: e["reason"] for e in panel.excluded}[expert.pk]


def test_a_declaration_needs_a_unit_that_can_be_matched_and_a_past_end_date(journey):
    expert = journey.expert(user=True)
    with pytest.raises(InvalidInput) as exc:
        declarations.expert_declare_conflict(
            actor=expert.user, expert=expert, kind="nonsense", unit_name="不存在的公司", ended_on="2999-01-01"
        )
    assert set(exc.value.fields) == {"kind", "uscc", "ended_on"} and exc.value.rules == ["SEL-8"]
    assert "信用代码" in exc.value.fields["uscc"][0]
    declarations.expert_declare_conflict(
        actor=expert.user, expert=expert, uscc=OTHER_USCC, unit_name="某公司"
    )
    with pytest.raises(Conflict):
        declarations.expert_declare_conflict(
            actor=expert.user, expert=expert, uscc=OTHER_USCC, kind="part_time"
        )
    assert ExpertRelation.objects.filter(expert=expert).count() == 1


def test_an_expert_cannot_touch_another_experts_declarations(journey):
    one, two = journey.expert(user=True), journey.expert(user=True)
    relation = declarations.expert_declare_conflict(actor=one.user, expert=one, uscc=OTHER_USCC)
    with pytest.raises(NotFound):
        declarations.expert_declare_conflict(actor=two.user, expert=one, uscc=OTHER_USCC)
    with pytest.raises(NotFound):
        declarations.expert_relation_withdraw(actor=two.user, relation=relation, reason="x")
    with pytest.raises(NotFound):
        experts.expert_declarations_confirm(actor=two.user, expert=one)


def test_the_expert_confirms_the_declarations_are_current(journey):
    expert = journey.expert(user=True)
    experts.expert_declarations_confirm(actor=expert.user, expert=expert)
    expert.refresh_from_db()
    assert expert.declarations_confirmed_at is not None
    assert events("expert.declarations_confirmed", expert)[0].after["relations"] == 0
    with pytest.raises(NotFound):
        experts.expert_declarations_confirm(actor=journey.official, expert=expert)


def test_conflict_usccs_given_at_creation_are_declared_relations(journey, world):
    expert = experts.expert_create(
        actor=journey.official, name="甲", employer_name="东北大学", fields=[OCCUPATION],
        conflict_usccs=f"{world.orgs['inst_sy'].uscc}、{OTHER_USCC}",
    )  # fmt: skip
    relations = list(expert.relations.order_by("pk"))
    assert [r.uscc for r in relations] == [world.orgs["inst_sy"].uscc, OTHER_USCC]
    assert relations[0].org == world.orgs["inst_sy"] and relations[1].org is None
    assert all(r.kind == "other" and r.declared_by == journey.official for r in relations)


# --- pure rules ------------------------------------------------------------------------------------------------------


def test_codes_are_split_as_people_write_them():
    assert expert_rules.split_codes("2-02-38-01、2-02-38-03，2-02-38-01\n4-04-05-03") == [
        "2-02-38-01",
        "2-02-38-03",
        "4-04-05-03",
    ]
    assert expert_rules.split_codes(["a b", None, ""]) == ["A", "B"]


def test_the_header_row_is_found_below_a_title_and_missing_columns_are_named():
    table = [
        ["辽宁省专家库名单"],
        [],
        ["序号", "专家 姓名", "工作单位", "专业领域(职业编码)", "手机"],
        ["1", "甲"],
    ]
    at, positions, missing = expert_rules.find_header(table)
    assert at == 2 and missing == [] and positions == {"name": 1, "employer_name": 2, "fields": 3, "phone": 4}
    at, _, missing = expert_rules.find_header([["姓名", "职称"]])
    assert at == 0 and missing == ["工作单位", "专业领域（职业编码）"]
