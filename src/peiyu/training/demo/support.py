"""What every part of training's demo uses: occupations, names, announcement texts, and helpers that
create plans, classes, enrolments, sessions, check-ins and online records through the services and
move a class back in time ("demo history")."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import secrets

from django.utils import timezone

from peiyu.accounts.models import Org, User
from peiyu.audit.services import audit_record
from peiyu.core.identifiers import id_with_check

from ..models import Enrolment, TrainingClass, TrainingPlan, TrainingSession
from ..services import attendance as att
from ..services import classes as cls
from ..services import online, plans
from ..services import trainees as tr

ELECTRICIAN = ("6-31-01-03", "电工")
AI = ("2-02-38-01", "人工智能工程技术人员")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰宇浩然晨曦子涵梓轩欣怡"
ANNOUNCEMENT = (
    "本班面向福州市从业人员和有意从事电工工作的人员公开招生，理论与实操结合，"
    "线上课程通过海峡在线职业培训平台学习。按培训计划组织结业考核，考核合格颁发培训合格证书。"
)
CONDITIONS = (
    "年满16周岁，从事或准备从事电工工作；完成规定学时且线上学时不超过总学时40%的学员可参加结业考核，"
    "结业考核合格者可按规定申报电工四级（中级工）职业技能等级认定。"
)
REFUND = "开班前申请退训的全额退费；开班后按未学课时比例退费，7个工作日内原路退回。"
MAKEUP = "结业考核不合格的可免费补学一次；补考费按公布标准收取。"


def person(rng: random.Random, region: str, serial: int, *, born: dt.date | None = None) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    born = born or dt.date(rng.randint(1972, 2004), rng.randint(1, 12), rng.randint(1, 28))
    return name, id_with_check(f"{region}{born:%Y%m%d}{serial % 1000:03d}")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def back_date(klass: TrainingClass, starts_on: dt.date, ends_on: dt.date) -> None:
    """Demo history: the class (and its plan) began before today."""
    TrainingPlan.objects.filter(pk=klass.plan_id, starts_on__gt=starts_on).update(starts_on=starts_on)
    TrainingClass.objects.filter(pk=klass.pk).update(starts_on=starts_on, ends_on=ends_on)
    audit_record(None, "demo.class_back_dated", klass, after={"starts_on": starts_on.isoformat()})
    klass.refresh_from_db()


def new_plan(admin: User, inst: Org, data: dict) -> TrainingPlan:
    plan = plans.plan_create(actor=admin, institution=inst, data=data)
    return plans.plan_file(actor=admin, plan=plan)


def new_class(
    admin: User, plan: TrainingPlan, title: str, starts: dt.date, ends: dt.date, **extra
) -> TrainingClass:
    data = {
        "title": title,
        "region": plan.region_id,
        "venue": "福州市鼓楼区工业路100号实训楼三层",
        "capacity": extra.pop("capacity", 60),
        "starts_on": starts.isoformat(),
        "ends_on": ends.isoformat(),
        "announcement": ANNOUNCEMENT,
        "exam_conditions": CONDITIONS,
        **extra,
    }
    return cls.class_create(actor=admin, plan=plan, data=data)


def enrol_people(admin: User, klass: TrainingClass, people: list[tuple[str, str]]) -> list[Enrolment]:
    out = []
    for name, id_number in people:
        trainee = tr.trainee_register(actor=admin, data={"name": name, "id_number": id_number})
        out.append(tr.enrolment_add(actor=admin, klass=klass, trainee=trainee))
    return out


def new_sessions(
    admin, klass, days: list[dt.date], hours: list[tuple[int, int]], topic: str
) -> list[TrainingSession]:
    return [
        att.session_create(
            actor=admin,
            klass=klass,
            data={
                "topic": f"{topic}（第{i + 1}次）",
                "mode": "offline",
                "kind": "theory" if i % 2 == 0 else "practice",
                "starts_at": at(day, start).isoformat(),
                "ends_at": at(day, end).isoformat(),
                "venue": "实训楼301",
            },
        )
        for i, (day, (start, end)) in enumerate(zip(days, hours, strict=True))
    ]


def attend(
    admin,
    sessions: list[TrainingSession],
    enrolments: list[Enrolment],
    *,
    skip: set[int] | frozenset[int] = frozenset(),
):
    for s in sessions:
        for i, e in enumerate(enrolments):
            if i in skip:
                continue
            a = att.attendance_check_in(
                actor=admin,
                session=s,
                enrolment=e,
                at=s.starts_at - dt.timedelta(minutes=5),
                device="staff-pad-01",
            )
            att.attendance_check_out(actor=admin, attendance=a, at=s.ends_at + dt.timedelta(minutes=2))


def push_online(
    platform_user: User, platform: Org, klass: TrainingClass, enrolments, day: dt.date, minutes: int
):
    key, secret = online.platform_key_create(actor=platform_user, platform=platform)
    records = []
    for i, e in enumerate(enrolments):
        start = at(day, 19, 0)
        records.append(
            {
                "record_id": f"HX-{klass.number}-{e.pk}",
                "class_number": klass.number,
                "id_number": e.trainee.id_number,
                "course": "安全用电与电气识图（线上）",
                "started_at": start.isoformat(),
                "ended_at": (start + dt.timedelta(minutes=minutes)).isoformat(),
                "device": f"app-{i}",
            }
        )
    body = json.dumps({"batch_id": f"HX-{klass.number}-{secrets.token_hex(4)}", "records": records}).encode()
    ts = str(int(timezone.now().timestamp()))
    return online.online_batch_ingest(
        platform_user=platform_user,
        key_id=key.key_id,
        signature=online.sign(secret, ts, body),
        timestamp=ts,
        body=body,
    )


def roster_xlsx(rng: random.Random, rows: int, bad: set[int]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["序号", "姓名", "身份证号码", "手机号码", "工作单位", "文化程度"])
    for i in range(rows):
        name, number = person(rng, "350102", 300 + i)
        if i in bad:  # typed wrong in the school's own sheet: the check digit no longer matches
            number = number[:-1] + ("0" if number[-1] != "0" else "1")
        ws.append([i + 1, name, number, f"139{rng.randint(10**7, 10**8 - 1)}", "福州某电气安装公司", "高中"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
