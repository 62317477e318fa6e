"""Helpers of the class tests: filed Fuzhou plans by certificate type and classes under them."""

from __future__ import annotations

import itertools

from peiyu.core.identifiers import id_with_check
from peiyu.training.services import classes as svc
from peiyu.training.services import plans as plan_svc
from tests.personas import _org, _user

from .conftest import ELECTRICIAN

_serials = itertools.count(500)

GOOD_ANNOUNCEMENT = "本班面向福州市从业人员招生，理论与实操结合，按计划组织结业考核。"
GOOD_CONDITIONS = "年满16周岁，从事或准备从事电工工作；结业考核合格者可申报五级（初级工）职业技能等级认定。"


def fz_teacher(world):
    return plan_svc.teacher_add(
        actor=world.fz_inst_admin,
        institution=world.orgs["inst_fz"],
        data={
            "name": "林老师",
            "id_number": id_with_check(f"35010219800101{next(_serials) % 1000:03d}"),
            "title_level": "intermediate",
            "title": "高级技师",
        },
    )


def fz_authority(world):
    """A Fujian industry authority with one official (for industry-led plans)."""
    if "fj_ia" not in world.orgs:
        org = _org(world, "fj_ia", "福建省工业和信息化厅", "industry_authority", "350000")
        _user(world, "fj_ia_official", org, "industry_official")
    return world.orgs["fj_ia"]


def fz_filed_plan(world, cert_type: str = "certificate", *, online: int = 20, **over):
    data = {
        "title": "电工（五级）补贴性培训",
        "occupation_code": ELECTRICIAN[0],
        "programme": "subsidised",
        "level": "五级",
        "hours_theory": 40,
        "hours_practice": 60,
        "hours_online": online,
        "hours_offline": 100 - online,
        "fee": "1200",
        "makeup_fee": "200",
        "exam_fee": "150",
        "refund_terms": "开班前全额退费；开班后按未学课时比例退费。",
        "makeup_terms": "结业考核不合格的可免费补学一次。",
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
        "region": "350102",
        "cert_type": cert_type,
        "commitment": True,
        "teachers": [fz_teacher(world).pk],
    }
    if cert_type == "industry":
        data["supervising_authority"] = fz_authority(world).pk
    data.update(over)
    plan = plan_svc.plan_create(actor=world.fz_inst_admin, institution=world.orgs["inst_fz"], data=data)
    return plan_svc.plan_file(actor=world.fz_inst_admin, plan=plan)


def class_data(**over):
    data = {
        "title": "电工（五级）2026年第一期",
        "region": "350102",
        "venue": "福州市鼓楼区工业路100号实训楼",
        "capacity": 50,
        "starts_on": "2026-04-10",
        "ends_on": "2026-05-20",
        "announcement": GOOD_ANNOUNCEMENT,
        "exam_conditions": GOOD_CONDITIONS,
    }
    data.update(over)
    return data


def fz_class(world, cert_type: str = "certificate", *, plan=None, announce=False, **over):
    plan = plan or fz_filed_plan(world, cert_type)
    klass = svc.class_create(actor=world.fz_inst_admin, plan=plan, data=class_data(**over))
    if announce:
        klass = svc.class_announce(actor=world.fz_inst_admin, klass=klass)
    return klass
