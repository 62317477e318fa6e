"""A draft application starts with what the platform knows (the organisation record, the institution's
previous answers), warns of a duplicate (SEL-5) from the moment it exists, loses nothing typed after a
failed save (every personal field of every form), and shows its personal data masked or in full by role
(DESIGN §7: the institution and the officials of its region in full, audited; others masked)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from peiyu.audit.models import AuditEvent
from peiyu.core.identifiers import id_with_check, mask_id_number
from peiyu.institutions.models import Application, Call
from peiyu.institutions.rules.forms import FORMS, form_key_for
from peiyu.institutions.selectors.drafts import duplicate_warning, form_prefill
from peiyu.institutions.services import applications as apps

from . import factories as f

pytestmark = pytest.mark.usefixtures("today_in_call")
AI = "2-02-38-01"
CST = dt.timezone(dt.timedelta(hours=8))
LEGAL_REP_ID = id_with_check("21010219800101123")


def draft(actor, call, **kw) -> Application:
    return apps.application_create(
        actor=actor, call=call, kind="training", occupation_code=AI, levels=["初级"], **kw
    )


def test_a_first_draft_starts_with_the_organisation_record(directory, ln_call):
    org = directory.sy_inst_admin.primary_org
    app = draft(directory.sy_inst_admin, ln_call)
    assert app.form["unit_name"] == org.name
    assert app.form["uscc"] == org.uscc
    assert "legal_rep_name" not in app.form  # nothing the platform does not know


def test_a_later_draft_carries_the_previous_answers_but_not_what_it_applies_for(directory, ln_call):
    actor = directory.sy_inst_admin
    first = draft(actor, ln_call, form=f.dte_form(actor.primary_org))
    first.form["recommendation_reason"] = "上一次的推荐理由"  # the recommending body's words stay there
    Application.objects.filter(pk=first.pk).update(form=first.form)
    second = apps.application_create(
        actor=actor, call=ln_call, kind="evaluation", occupation_code=AI, levels=["初级"]
    )
    plain = apps.form_plain(second)
    assert plain["legal_rep_name"] == "王法人"
    assert plain["legal_rep_id_number"] == LEGAL_REP_ID  # carried, still encrypted at rest
    assert second.form["legal_rep_id_number"] != LEGAL_REP_ID
    assert plain["contact_phone"] == "024-22900001"
    assert "recommendation_reason" not in plain
    assert plain["occupation"] != "上一次的推荐理由"
    # fields of the training form only (its teachers) are not forced onto the evaluation form
    assert "teachers" not in plain


def test_the_organisation_record_wins_over_an_outdated_previous_answer(directory, ln_call):
    actor = directory.sy_inst_admin
    org = actor.primary_org
    old = f.dte_form(org)
    old["unit_name"] = "旧名称有限公司"
    draft(actor, ln_call, form=old)
    assert form_prefill(org, ln_call, "evaluation", ln_call.levels)["unit_name"] == org.name


def test_a_previous_answer_the_new_form_refuses_is_left_out(directory, ln_call):
    actor = directory.sy_inst_admin
    first = draft(actor, ln_call, form=f.dte_form(actor.primary_org))
    broken = dict(first.form, staff_count="很多")  # stored by an older form version
    Application.objects.filter(pk=first.pk).update(form=broken)
    prefill = form_prefill(actor.primary_org, ln_call, "evaluation", ln_call.levels)
    assert "staff_count" not in prefill and prefill["legal_rep_name"] == "王法人"


def test_a_duplicate_is_flagged_on_the_draft_citing_sel5(directory, ln_call, login_as):
    actor = directory.sy_inst_admin
    first = draft(actor, ln_call)
    assert duplicate_warning(first) is None
    second = draft(actor, ln_call)
    check = duplicate_warning(second)
    assert check is not None and check.rule == "SEL-5" and not check.ok and first.number in check.message
    client = login_as(actor)
    for url in (
        reverse("directory:application_detail", args=[second.pk]),
        reverse("directory:application_edit", args=[second.pk]),
    ):
        html = client.get(url).content.decode()
        assert "重复申报提醒" in html and "SEL-5" in html and first.number in html
    body = client.get(f"/api/v1/directory/applications/{second.pk}").json()
    assert [w["rule"] for w in body["warnings"]] == ["SEL-5"]
    # another occupation or a withdrawn draft is no duplicate
    apps.application_withdraw(actor=actor, application=first, reason="改为申报其他职业")
    assert duplicate_warning(Application.objects.get(pk=second.pk)) is None


def test_the_draft_page_warns_when_the_draft_is_created(directory, ln_call, login_as):
    actor = directory.sy_inst_admin
    first = draft(actor, ln_call)
    client = login_as(actor)
    response = client.post(
        reverse("directory:application_new"),
        {"call": ln_call.code, "kind": "training", "occupation_code": AI, "levels": ["初级"]},
        follow=True,
    )
    html = response.content.decode()
    assert "重复申报提醒（SEL-5）" in html and first.number in html


def _sensitive_fields():
    """Every personal field of every form (the legal representative's ID number, which a failed save
    used to clear)."""
    for key, spec in FORMS.items():
        for field in spec.fields():
            if field.personal:
                yield key, field.key


def _draft_of(world, ln_call, time_machine, form_key: str) -> tuple[object, Application]:
    if form_key == "chengdu_evaluation":
        time_machine.move_to(dt.datetime(2026, 9, 15, 10, 0, tzinfo=CST), tick=False)
        actor = world.users["cd_social1_admin"]
        call = Call.objects.create(
            code="cd-skill-2026",
            title="成都市2026年职业技能等级评价机构备案",
            programme="skill",
            policy_name="chengdu-skill",
            issuer=world.orgs["cd"],
            region_id="510100",
            kinds=["evaluation"],
            occupation_codes=["6-31-01-03"],
            levels=["五级", "四级", "三级"],
            opens_on=dt.date(2026, 9, 1),
            deadline=dt.date(2026, 10, 31),
            status=Call.Status.PUBLISHED,
            publicity_working_days=5,
        )
        app = apps.application_create(
            actor=actor,
            call=call,
            kind="evaluation",
            occupation_code="6-31-01-03",
            levels=["四级"],
            institution_type="social_organisation",
        )
        return actor, app
    actor = world.sy_inst_admin
    kind = "evaluation" if form_key == "dte_evaluation" else "training"
    app = apps.application_create(actor=actor, call=ln_call, kind=kind, occupation_code=AI, levels=["初级"])
    return actor, app


@pytest.mark.parametrize(("form_key", "field_key"), list(_sensitive_fields()))
def test_nothing_typed_is_lost_after_a_failed_save(
    directory, ln_call, login_as, time_machine, form_key, field_key
):
    actor, app = _draft_of(directory, ln_call, time_machine, form_key)
    assert form_key_for(app.call.programme, app.kind) == form_key
    typed = {
        field_key: LEGAL_REP_ID,
        "legal_rep_name": "王法人",
        "staff_count": "很多",  # the error that fails the save
        "contact_phone": "024-22900001",
    }
    response = login_as(actor).post(reverse("directory:application_edit", args=[app.pk]), typed)
    html = response.content.decode()
    assert "staff_count" not in Application.objects.get(pk=app.pk).form
    assert "error" in html
    for value in typed.values():
        assert f'value="{value}"' in html, value


def test_personal_data_of_a_form_is_full_for_the_institution_and_its_city_and_masked_for_others(
    directory, ln_call, login_as
):
    actor = directory.sy_inst_admin
    app = f.submitted(actor, ln_call)
    url = reverse("directory:application_detail", args=[app.pk])
    api = f"/api/v1/directory/applications/{app.pk}"
    for user in (actor, directory.sy_official, directory.ln_official):
        before = AuditEvent.objects.filter(action="personal_data.viewed", actor_id=user.pk).count()
        assert LEGAL_REP_ID in login_as(user).get(url).content.decode()
        assert LEGAL_REP_ID in login_as(user).get(api).content.decode()
        after = AuditEvent.objects.filter(action="personal_data.viewed", actor_id=user.pk).count()
        assert after == before + 2  # one event per full view, page and API alike
    # the coordination group may read the application but holds no personal_data.view_full
    cg = login_as(directory.cg_official).get(api)
    assert cg.status_code == 200
    assert LEGAL_REP_ID not in cg.content.decode()
    assert mask_id_number(LEGAL_REP_ID) in cg.content.decode()
    assert login_as(directory.dl_official).get(url).status_code == 404
