"""Records for the completion tests, made directly with the ORM (the class and trainee services belong to
other areas): a filed plan, a running class, trainees with encrypted ID numbers and blind indexes,
enrolments with their minutes; a Hubei (Wuhan) institution and city bureau beside the fixture's world."""

from __future__ import annotations

import datetime as dt
import itertools

from peiyu.accounts.models import Region, Role, RoleAssignment, User
from peiyu.core.crypto import blind_index
from peiyu.core.identifiers import id_with_check
from peiyu.training.models import Enrolment, Trainee, TrainingClass, TrainingPlan
from tests.personas import _org, _user

from .conftest import AI, ELECTRICIAN, listing

_n = itertools.count(1)


def plan(world, *, listing_key="sy_ai", hours_online=30, hours_offline=70, **over) -> TrainingPlan:
    lst = world.listings[listing_key]
    n = next(_n)
    fields = {
        "number": f"TPT{n:06d}",
        "institution": lst.institution,
        "listing": lst,
        "programme": lst.programme,
        "occupation_code": lst.occupation_code,
        "occupation_name": lst.occupation_name,
        "direction": "",
        "level": lst.levels[0],
        "region_id": lst.institution.region_id,
        "title": f"{lst.occupation_name}培训计划{n}",
        "hours_theory": hours_online + hours_offline,
        "hours_practice": 0,
        "hours_online": hours_online,
        "hours_offline": hours_offline,
        "starts_on": dt.date(2026, 1, 5),
        "ends_on": dt.date(2026, 6, 30),
        "status": TrainingPlan.Status.FILED,
        "commitment": True,
    }
    fields.update(over)
    return TrainingPlan.objects.create(**fields)


def klass(p: TrainingPlan, *, status=TrainingClass.Status.RUNNING, region=None) -> TrainingClass:
    n = next(_n)
    return TrainingClass.objects.create(
        number=f"TCT{n:06d}",
        plan=p,
        title=f"{p.occupation_name}第{n}期",
        region_id=region or p.region_id,
        capacity=50,
        starts_on=dt.date(2026, 1, 10),
        ends_on=dt.date(2026, 3, 1),
        status=status,
    )


def trainee(name="张三丰", *, user=None, region="210102") -> Trainee:
    n = next(_n)
    number = id_with_check(f"{region}1990{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}")
    return Trainee.objects.create(
        name=name,
        id_number=number,
        id_index=blind_index(number, "person_id_number"),
        sex="M",
        birth_date=dt.date(1990, 1, 1),
        user=user,
    )


def enrol(k: TrainingClass, t: Trainee, *, offline=0, online=0, score=None) -> Enrolment:
    return Enrolment.objects.create(
        klass=k,
        trainee=t,
        source=Enrolment.Source.INSTITUTION,
        offline_minutes=offline,
        online_minutes=online,
        exam_score=score,
    )


def trainee_user(world, key: str) -> User:
    """A person with the trainee role (scope self, at the platform)."""
    user = User.objects.create_user(username=key, password="Peiyu-Test-2026!", full_name=key)
    role = Role.objects.get(code="trainee")
    RoleAssignment.objects.create(
        user=user, role=role, org=world.orgs["platform"], region_id=None, separation=role.separation
    )
    world.users[key] = user
    return user


def hubei(world):
    """Wuhan's city bureau and an institution in 江岸区 listed for AI training (dte, hubei-dte profile)."""
    Region.objects.get_or_create(
        code="420102", defaults={"name": "江岸区", "level": 3, "parent_id": "420100"}
    )
    wh = _org(world, "wh", "武汉市人力资源和社会保障局", "hrss_city", "420100")
    inst = _org(world, "inst_wh", "武汉光谷数智培训学校", "institution", "420102")
    _user(world, "wh_official", wh, "city_official")
    _user(world, "wh_inst_admin", inst, "institution_admin")
    world.listings["wh_ai"] = listing(
        inst, "LT-WH-AI", programme="dte", occupation=AI, levels=["初级", "中级"]
    )
    return world


def fujian_plan(world, *, hours_online=40, hours_offline=60, **over) -> TrainingPlan:
    return plan(
        world,
        listing_key="fz_elec",
        hours_online=hours_online,
        hours_offline=hours_offline,
        occupation_code=ELECTRICIAN[0],
        **over,
    )
