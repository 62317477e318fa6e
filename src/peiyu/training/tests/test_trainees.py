"""Trainees and enrolments (TRN-8, TRN-13): one person per ID number, self-registration, enrolment under
the plan's profile with its decision, capacity under the class lock, scoped reads and pages."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from peiyu.accounts.models import RoleAssignment
from peiyu.audit.models import AuditEvent
from peiyu.core.crypto import blind_index
from peiyu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from peiyu.core.models import Decision
from peiyu.training.models import Enrolment, Trainee, TrainingClass
from peiyu.training.selectors import trainees as sel
from peiyu.training.services import trainees as svc
from tests.personas import _user

from .trainee_helpers import hubei, make_class, person

pytestmark = pytest.mark.django_db


def register(world, serial, admin="sy_inst_admin", **over):
    return svc.trainee_register(actor=getattr(world, admin), data=person(serial, **over))


def test_one_person_per_id_number_registering_again_returns_the_same_trainee(training):
    first = register(training, 1)
    again = register(training, 1, admin="fz_inst_admin")
    assert again.pk == first.pk and Trainee.objects.count() == 1
    assert first.sex == "M" and str(first.birth_date) == "1990-01-01"
    with connection.cursor() as cur:
        cur.execute("SELECT id_number FROM training_trainee WHERE id = %s", [first.pk])
        stored = cur.fetchone()[0]
    assert stored.startswith("sm4:") and first.id_number not in stored
    assert first.id_index == blind_index(first.id_number, "person_id_number")


def test_a_different_name_for_a_registered_id_number_is_refused_not_overwritten(training):
    first = register(training, 2)
    with pytest.raises(InvalidInput) as exc:
        register(training, 2, name="李四")
    assert "name" in exc.value.fields and "不一致" in exc.value.fields["name"][0]
    first.refresh_from_db()
    assert first.name != "李四"


def test_a_wrong_check_digit_is_a_field_error(training):
    data = person(3)
    data["id_number"] = data["id_number"][:17] + ("0" if data["id_number"][17] != "0" else "1")
    with pytest.raises(InvalidInput) as exc:
        svc.trainee_register(actor=training.sy_inst_admin, data=data)
    assert "校验位" in exc.value.fields["id_number"][0]


def self_data(serial, **over):
    return {"username": f"stu{serial}", "password": "Xuexi-2026-Anquan!", **person(serial, **over)}


def test_self_registration_makes_a_trainee_account_at_the_platform(training):
    user, trainee = svc.trainee_self_register(data=self_data(10))
    assert trainee.user_id == user.pk and user.primary_org.kind == "platform"
    assert RoleAssignment.objects.filter(user=user, role__code="trainee").exists()
    assert AuditEvent.objects.filter(action="trainee.self_registered").count() == 1


def test_self_registration_links_a_trainee_the_institution_registered_and_refuses_a_second_account(training):
    existing = register(training, 11)
    user, trainee = svc.trainee_self_register(data=self_data(11))
    assert trainee.pk == existing.pk and trainee.user_id == user.pk
    with pytest.raises(Conflict):
        svc.trainee_self_register(data=self_data(11, username="another"))


def test_self_registration_checks_the_password_with_djangos_validators(training):
    with pytest.raises(InvalidInput) as exc:
        svc.trainee_self_register(data=self_data(12, password="123"))
    assert "password" in exc.value.fields


# --- enrolment -----------------------------------------------------------------------------------------


def test_enrolment_stores_the_eligibility_decision_of_the_plans_profile(training):
    klass = make_class(training, "fz")
    trainee = register(training, 20, admin="fz_inst_admin", born="19500101")  # 76: no limit in Fujian
    e = svc.enrolment_add(actor=training.fz_inst_admin, klass=klass, trainee=trainee, source="institution")
    d = Decision.objects.get(pk=e.decision_id)
    assert d.kind == "enrolment_eligibility" and d.outcome == "eligible" and d.rules == ["TRN-8"]
    assert d.policy_name.startswith("fujian") and "未限制退休人员" in d.checks[1]["message"]


@pytest.mark.parametrize(
    ("over", "words"),
    [
        ({"born": "20110101"}, "未满16周岁"),
        ({"retired": True}, "已退休人员"),
        ({"born": "19600101"}, "推定为已退休"),
    ],
)
def test_hubei_refuses_ineligible_people_with_trn_8(training, over, words):
    klass = make_class(training, "wh")
    retired = over.pop("retired", None)
    trainee = register(training, 21, admin="wh_inst_admin", **over)
    with pytest.raises(RuleViolation) as exc:
        svc.enrolment_add(
            actor=training.wh_inst_admin, klass=klass, trainee=trainee, source="institution", retired=retired
        )
    assert exc.value.rule == "TRN-8" and words in exc.value.message
    assert not Enrolment.objects.filter(klass=klass).exists()
    d = Decision.objects.get(pk=exc.value.details["decision"])
    assert d.outcome == "refused" and d.policy_name == "hubei-dte"


def test_hubei_accepts_a_person_past_the_age_who_declares_not_retired_with_a_note(training):
    klass = make_class(training, "wh")
    trainee = register(training, 22, admin="wh_inst_admin", born="19600101")
    e = svc.enrolment_add(
        actor=training.wh_inst_admin, klass=klass, trainee=trainee, source="institution", retired=False
    )
    assert "声明未退休" in Decision.objects.get(pk=e.decision_id).checks[1]["message"]


def test_the_same_person_twice_in_a_class_is_a_conflict_and_withdrawal_frees_the_place(training):
    klass = make_class(training, capacity=1)
    t1, t2 = register(training, 30), register(training, 31)
    e = svc.enrolment_add(actor=training.sy_inst_admin, klass=klass, trainee=t1)
    with pytest.raises(Conflict) as exc:
        svc.enrolment_add(actor=training.sy_inst_admin, klass=klass, trainee=t1)
    assert exc.value.code == "already_enrolled"
    with pytest.raises(Conflict) as exc:
        svc.enrolment_add(actor=training.sy_inst_admin, klass=klass, trainee=t2)
    assert exc.value.code == "class_full"
    svc.enrolment_withdraw(actor=training.sy_inst_admin, enrolment=e, reason="个人原因")
    assert svc.enrolment_add(actor=training.sy_inst_admin, klass=klass, trainee=t2).status == "enrolled"


def test_a_class_not_enrolling_refuses_and_another_institution_gets_404(training):
    draft = make_class(training, status="draft")
    trainee = register(training, 32)
    with pytest.raises(Conflict):
        svc.enrolment_add(actor=training.sy_inst_admin, klass=draft, trainee=trainee)
    klass = make_class(training)
    with pytest.raises(NotFound):
        svc.enrolment_add(actor=training.fz_inst_admin, klass=klass, trainee=trainee)


def test_a_trainee_user_enrols_themself_in_an_announced_class_only(training):
    user, _trainee = svc.trainee_self_register(data=self_data(40))
    klass = make_class(training)
    e = svc.enrolment_self(actor=user, klass=klass)
    assert e.source == "self"
    running = make_class(training, status="running")
    with pytest.raises(Conflict):
        svc.enrolment_self(actor=user, klass=running)


@pytest.mark.django_db(transaction=True)
def test_two_officials_at_once_never_overfill_a_class(training):
    klass = make_class(training, capacity=1)
    admins = [
        training.sy_inst_admin,
        _user(training, "sy_inst_admin2", training.orgs["inst_sy"], "institution_admin"),
    ]
    people = [register(training, 50), register(training, 51)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(admin, trainee):
        from django.db import connections

        try:
            barrier.wait()
            svc.enrolment_add(actor=admin, klass=TrainingClass.objects.get(pk=klass.pk), trainee=trainee)
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=pair) for pair in zip(admins, people, strict=True)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["class_full", "ok"]
    assert Enrolment.objects.filter(klass=klass).count() == 1


# --- scoped reads and pages ------------------------------------------------------------------------------


def test_scoped_reads_institution_official_and_self(training):
    klass = make_class(training)
    trainee = register(training, 60)
    svc.enrolment_add(actor=training.sy_inst_admin, klass=klass, trainee=trainee)
    assert sel.trainee_get_for(training.sy_inst_admin, trainee.pk) == trainee
    assert sel.trainee_get_for(training.sy_official, trainee.pk) == trainee
    for outsider in (training.dl_official, training.fz_inst_admin, training.dl_inst_admin):
        with pytest.raises(NotFound):
            sel.trainee_get_for(outsider, trainee.pk)
        with pytest.raises(NotFound):
            sel.class_roster(outsider, klass.pk)


def test_roster_page_lists_and_adds_one_trainee(training, login_as):
    klass = make_class(training)
    client = login_as(training.sy_inst_admin)
    url = reverse("training:class_roster", args=[klass.pk])
    r = client.post(url, {"action": "add", **person(70), "retired": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    page = client.get(url).content.decode()
    # the institution's administrator may see its trainees in full (DESIGN §7; audited)
    assert person(70)["name"] in page and person(70)["id_number"] in page
    bad = client.post(url, {"action": "add", **person(71, id_number="123")})
    assert bad.status_code == 400 and "身份证号码" in bad.content.decode()


def test_roster_page_is_404_for_another_institution_and_another_citys_official(training, login_as):
    klass = make_class(training)
    url = reverse("training:class_roster", args=[klass.pk])
    assert login_as(training.dl_inst_admin).get(url).status_code == 404
    assert login_as(training.dl_official).get(url).status_code == 404
    assert login_as(training.sy_official).get(url).status_code == 200


def test_public_self_registration_page_and_self_enrol_button(training, client, login_as):
    url = reverse("trainee_register")
    assert client.get(url).status_code == 200
    r = client.post(url, self_data(80))
    assert r.status_code == 302
    user = Trainee.objects.get(id_index=blind_index(person(80)["id_number"], "person_id_number")).user
    klass = make_class(training)
    r = login_as(user).post(reverse("training:class_self_enrol", args=[klass.pk]))
    assert r.status_code == 302 and Enrolment.objects.filter(klass=klass, trainee__user=user).exists()
    assert client.post(url, self_data(81, password="1")).status_code == 400


def test_export_is_masked_and_audited(training, login_as):
    import io

    from openpyxl import load_workbook

    klass = make_class(training)
    trainee = register(training, 90)
    svc.enrolment_add(actor=training.sy_inst_admin, klass=klass, trainee=trainee)
    r = login_as(training.sy_official).get(reverse("training:class_roster_export", args=[klass.pk]))
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][0] == trainee.name and "*" in rows[1][1]
    assert AuditEvent.objects.filter(action="class_roster.exported").count() == 1


def test_api_roster_and_enrol(training, login_as):
    klass, earlier = make_class(training), make_class(training)
    trainee = register(training, 95)
    svc.enrolment_add(actor=training.sy_inst_admin, klass=earlier, trainee=trainee)
    client = login_as(training.sy_inst_admin)
    r = client.post(
        f"/api/v1/training/classes/{klass.pk}/enrolments",
        {"trainee_id": trainee.pk},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    r = client.post(
        f"/api/v1/training/classes/{klass.pk}/enrolments", person(96), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    roster = client.get(f"/api/v1/training/classes/{klass.pk}/roster").json()
    assert len(roster["items"]) == 2 and "*" not in roster["items"][0]["id_number"]
    assert (
        login_as(training.dl_official).get(f"/api/v1/training/classes/{klass.pk}/roster").status_code == 404
    )
    hubei(training)
    assert (
        login_as(training.wh_official).get(f"/api/v1/training/classes/{klass.pk}/roster").status_code == 404
    )
    stranger = register(training, 97, admin="fz_inst_admin")
    r = client.post(
        f"/api/v1/training/classes/{klass.pk}/enrolments",
        {"trainee_id": stranger.pk},
        content_type="application/json",
    )
    assert r.status_code == 404


def test_an_anonymous_actor_sees_no_enrolments_of_people_without_an_account(training):
    from django.contrib.auth.models import AnonymousUser

    from peiyu.training.selectors.completion import evaluations_to_give

    klass = make_class(training)
    t1 = register(training, 21)
    svc.enrolment_add(actor=training.sy_inst_admin, klass=klass, trainee=t1)
    assert t1.user_id is None
    assert list(sel.enrolled_classes_of(AnonymousUser())) == []
    assert list(evaluations_to_give(AnonymousUser())) == []
    with pytest.raises(PermissionDenied) as exc:
        svc.enrolment_self(actor=AnonymousUser(), klass=klass)
    assert exc.value.code == "not_a_trainee"
