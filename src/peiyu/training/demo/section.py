"""Demo data of training (journeys 7 and 8): Fuzhou's school with its teachers, plans of each Fujian
certificate type and classes in every state — a draft, one enrolling on the portal, a 合格证 class
waiting for the city's opening decision, running classes with a 300-row roster import (three bad ID
numbers), sessions, staff and QR check-ins, pushed online records and the anomalies they show, a
completed class with scores, certificates, evaluations and its report, a cancelled one — and a Hubei
DTE class whose report is overdue on the officials' to-do lists.

Everything goes through the services on today's date. A class that ran in the past is created and
started today and then moved back in time ("demo history"): its dates, sessions and completion are
back-dated with plain updates, which the services themselves never allow."""

from __future__ import annotations

import contextlib
import datetime as dt
import random

from django.utils import timezone

from peiyu.accounts.models import Org, User
from peiyu.audit.services import audit_record
from peiyu.core.errors import RuleViolation
from peiyu.core.identifiers import id_with_check

from ..models import TrainingPlan
from ..services import classes as cls
from ..services import plans
from ..services import trainees as tr
from .journeys import completed, hubei, running
from .support import AI, ELECTRICIAN, MAKEUP, REFUND, enrol_people, new_class, new_plan, person


def build(orgs: dict[str, Org], users: dict[str, User]) -> None:
    if TrainingPlan.objects.filter(institution=orgs["inst_fz_school"]).exists():
        return  # idempotent: built once
    from peiyu.catalogs.models import Occupation
    from peiyu.institutions.demo.listings import listing_on_record

    occupation, created = Occupation.objects.get_or_create(
        code=ELECTRICIAN[0],
        defaults={"name": ELECTRICIAN[1], "programme": "skill", "kind": "skill", "confidence": "to_verify",
                  "provenance": "演示数据：2022年版职业分类大典 6-31-01-03 电工，待核对"},
    )  # fmt: skip
    if created:
        audit_record(None, "demo.occupation_created", occupation, after={"code": occupation.code})
    rng = random.Random(2026)
    today = timezone.localdate()
    fz, wh = orgs["inst_fz_school"], orgs["inst_wh_cloud"]
    fz_admin, wh_admin = users["inst_fz_admin"], users["inst_wh_admin"]
    listing_on_record(
        fz, kind="training", occupation=ELECTRICIAN, valid_from=today - dt.timedelta(days=420),
        policy="fujian-training", programme="subsidised",
    )  # fmt: skip
    listing_on_record(
        wh, kind="training", occupation=AI, valid_from=today - dt.timedelta(days=300), policy="hubei-dte"
    )
    teachers = [
        plans.teacher_add(actor=fz_admin, institution=fz, data=t)
        for t in (
            {"name": "林建华", "id_number": id_with_check("35010219750312041"), "title_level": "senior",
             "title": "高级技师（一级）", "dual_qualified": True, "specialties": "低压电工、电气控制"},
            {"name": "陈秀英", "id_number": id_with_check("35010219830706042"), "title_level": "intermediate",
             "title": "工程师", "specialties": "电工基础、安全用电"},
            {"name": "吴磊", "id_number": id_with_check("35010219960218013"), "title_level": "junior",
             "title": "四级/中级工", "specialties": "实操辅导"},
        )
    ]  # fmt: skip
    base = {
        "occupation_code": ELECTRICIAN[0], "programme": "subsidised", "level": "四级", "region": "350102",
        "fee": "1800", "makeup_fee": "300", "exam_fee": "200", "refund_terms": REFUND, "makeup_terms": MAKEUP,
        "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=150)).isoformat(),
        "schedule": "每周二、四晚上理论课，周六全天实操；线上课程随时学习。", "commitment": True,
        "teachers": [t.pk for t in teachers],
        "description": "依据电工国家职业技能标准（四级），理论与实操并重，突出安全操作规范。",
    }  # fmt: skip
    # a 16-hour plan (6 online) for classes that complete in the demo; a 100-hour one for the big class
    short = new_plan(fz_admin, fz, {**base, "title": "电工（四级）技能提升短期班", "hours_theory": 8,
                                 "hours_practice": 8, "hours_online": 6, "hours_offline": 10})  # fmt: skip
    full = new_plan(fz_admin, fz, {**base, "title": "电工（四级）职业技能等级培训", "hours_theory": 40,
                                "hours_practice": 60, "hours_online": 40, "hours_offline": 60})  # fmt: skip
    qual = new_plan(fz_admin, fz, {**base, "title": "低压电工作业合格证培训", "cert_type": "qualification",
                                "hours_theory": 8, "hours_practice": 8, "hours_online": 4, "hours_offline": 12})  # fmt: skip
    # journey 7: the form refuses more than 40 % online (TRN-4); the refusal stays on the draft
    refused = plans.plan_create(actor=fz_admin, institution=fz, data={
        **base, "title": "电工（四级）线上为主培训（草稿）", "hours_theory": 40, "hours_practice": 60,
        "hours_online": 60, "hours_offline": 40})  # fmt: skip
    with contextlib.suppress(RuleViolation):  # the refusal (TRN-4) is what this draft shows
        plans.plan_file(actor=fz_admin, plan=refused)

    in_days = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    # draft, enrolling (public announcement), waiting for opening, cancelled
    new_class(fz_admin, full, "电工（四级）2027年第一期（筹备）", in_days(60), in_days(120))
    cls.class_announce(
        actor=fz_admin,
        klass=new_class(fz_admin, full, "电工（四级）周末班（招生中）", in_days(20), in_days(110)),
    )
    waiting = cls.class_announce(
        actor=fz_admin, klass=new_class(fz_admin, qual, "低压电工作业合格证第二期", in_days(10), in_days(40))
    )
    enrol_people(fz_admin, waiting, [person(rng, "350103", 700 + i) for i in range(12)])
    cls.class_request_opening(actor=fz_admin, klass=waiting)
    cancelled = cls.class_announce(
        actor=fz_admin,
        klass=new_class(fz_admin, short, "电工技能提升短期班（夜班）", in_days(5), in_days(30)),
    )
    cls.class_cancel(
        actor=fz_admin, klass=cancelled, reason="报名人数不足10人，经与报名学员协商取消，已全额退费。"
    )

    zhang = users["trainee_zhang"]
    zhang_trainee = tr.trainee_register(
        actor=fz_admin,
        data={"name": "张学员", "id_number": id_with_check("35010219950815123"), "phone": "13905910000"},
    )
    zhang_trainee.user = zhang
    zhang_trainee.save(update_fields=["user"])
    audit_record(None, "demo.trainee_linked", zhang_trainee, after={"user": zhang.username})

    running(fz_admin, full, qual, users, orgs, rng, zhang_trainee, today)
    completed(fz_admin, short, users, orgs, rng, zhang_trainee, today)
    hubei(wh_admin, wh, orgs, users, rng, today)
