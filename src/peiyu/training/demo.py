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
import io
import json
import random
import secrets
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from peiyu.accounts.models import Org, User
from peiyu.audit.services import audit_record
from peiyu.core.errors import RuleViolation
from peiyu.core.identifiers import id_with_check
from peiyu.core.policy import policy_for

from .models import Enrolment, RosterImport, TrainingClass, TrainingPlan, TrainingReport, TrainingSession
from .rules.completion import report_due_on
from .services import attendance as att
from .services import classes as cls
from .services import completion as comp
from .services import evaluations, inspections, online, plans, reports
from .services import roster_import as ri
from .services import trainees as tr
from .services.certificates import certificates_issue

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


def _person(rng: random.Random, region: str, serial: int, *, born: dt.date | None = None) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    born = born or dt.date(rng.randint(1972, 2004), rng.randint(1, 12), rng.randint(1, 28))
    return name, id_with_check(f"{region}{born:%Y%m%d}{serial % 1000:03d}")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _back_date(klass: TrainingClass, starts_on: dt.date, ends_on: dt.date) -> None:
    """Demo history: the class (and its plan) began before today."""
    TrainingPlan.objects.filter(pk=klass.plan_id, starts_on__gt=starts_on).update(starts_on=starts_on)
    TrainingClass.objects.filter(pk=klass.pk).update(starts_on=starts_on, ends_on=ends_on)
    audit_record(None, "demo.class_back_dated", klass, after={"starts_on": starts_on.isoformat()})
    klass.refresh_from_db()


def _plan(admin: User, inst: Org, data: dict) -> TrainingPlan:
    plan = plans.plan_create(actor=admin, institution=inst, data=data)
    return plans.plan_file(actor=admin, plan=plan)


def _class(
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


def _enrol_people(admin: User, klass: TrainingClass, people: list[tuple[str, str]]) -> list[Enrolment]:
    out = []
    for name, id_number in people:
        trainee = tr.trainee_register(actor=admin, data={"name": name, "id_number": id_number})
        out.append(tr.enrolment_add(actor=admin, klass=klass, trainee=trainee))
    return out


def _sessions(
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
                "starts_at": _at(day, start).isoformat(),
                "ends_at": _at(day, end).isoformat(),
                "venue": "实训楼301",
            },
        )
        for i, (day, (start, end)) in enumerate(zip(days, hours, strict=True))
    ]


def _attend(
    admin, sessions: list[TrainingSession], enrolments: list[Enrolment], *, skip: set[int] = frozenset()
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


def _push_online(
    platform_user: User, platform: Org, klass: TrainingClass, enrolments, day: dt.date, minutes: int
):
    key, secret = online.platform_key_create(actor=platform_user, platform=platform)
    records = []
    for i, e in enumerate(enrolments):
        start = _at(day, 19, 0)
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


def _roster_xlsx(rng: random.Random, rows: int, bad: set[int]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["序号", "姓名", "身份证号码", "手机号码", "工作单位", "文化程度"])
    for i in range(rows):
        name, number = _person(rng, "350102", 300 + i)
        if i in bad:  # typed wrong in the school's own sheet: the check digit no longer matches
            number = number[:-1] + ("0" if number[-1] != "0" else "1")
        ws.append([i + 1, name, number, f"139{rng.randint(10**7, 10**8 - 1)}", "福州某电气安装公司", "高中"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build(orgs: dict[str, Org], users: dict[str, User]) -> None:
    if TrainingPlan.objects.filter(institution=orgs["inst_fz_school"]).exists():
        return  # idempotent: built once
    from peiyu.catalogs.models import Occupation
    from peiyu.institutions.demo import listing_on_record

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
    short = _plan(fz_admin, fz, {**base, "title": "电工（四级）技能提升短期班", "hours_theory": 8,
                                 "hours_practice": 8, "hours_online": 6, "hours_offline": 10})  # fmt: skip
    full = _plan(fz_admin, fz, {**base, "title": "电工（四级）职业技能等级培训", "hours_theory": 40,
                                "hours_practice": 60, "hours_online": 40, "hours_offline": 60})  # fmt: skip
    qual = _plan(fz_admin, fz, {**base, "title": "低压电工作业合格证培训", "cert_type": "qualification",
                                "hours_theory": 8, "hours_practice": 8, "hours_online": 4, "hours_offline": 12})  # fmt: skip
    # journey 7: the form refuses more than 40 % online (TRN-4); the refusal stays on the draft
    refused = plans.plan_create(actor=fz_admin, institution=fz, data={
        **base, "title": "电工（四级）线上为主培训（草稿）", "hours_theory": 40, "hours_practice": 60,
        "hours_online": 60, "hours_offline": 40})  # fmt: skip
    with contextlib.suppress(RuleViolation):  # the refusal (TRN-4) is what this draft shows
        plans.plan_file(actor=fz_admin, plan=refused)

    in_days = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    # draft, enrolling (public announcement), waiting for opening, cancelled
    _class(fz_admin, full, "电工（四级）2027年第一期（筹备）", in_days(60), in_days(120))
    cls.class_announce(
        actor=fz_admin,
        klass=_class(fz_admin, full, "电工（四级）周末班（招生中）", in_days(20), in_days(110)),
    )
    waiting = cls.class_announce(
        actor=fz_admin, klass=_class(fz_admin, qual, "低压电工作业合格证第二期", in_days(10), in_days(40))
    )
    _enrol_people(fz_admin, waiting, [_person(rng, "350103", 700 + i) for i in range(12)])
    cls.class_request_opening(actor=fz_admin, klass=waiting)
    cancelled = cls.class_announce(
        actor=fz_admin, klass=_class(fz_admin, short, "电工技能提升短期班（夜班）", in_days(5), in_days(30))
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

    _running(fz_admin, full, qual, users, orgs, rng, zhang_trainee, today)
    _completed(fz_admin, short, users, orgs, rng, zhang_trainee, today)
    _hubei(wh_admin, wh, orgs, users, rng, today)


def _running(fz_admin, full, qual, users, orgs, rng, zhang_trainee, today) -> None:
    """Journey 7: a running class of 300 from the school's roster, check-ins, online records, anomalies;
    beside it a 合格证 class opened by the city and inspected, with one trainee in both at once."""
    klass = _class(fz_admin, full, "电工（四级）2026年第三期", today, today + dt.timedelta(days=100),
                   capacity=320, online_platform=orgs["online"].pk)  # fmt: skip
    klass = cls.class_start(actor=fz_admin, klass=cls.class_announce(actor=fz_admin, klass=klass))
    _back_date(klass, today - dt.timedelta(days=21), today + dt.timedelta(days=79))
    data = _roster_xlsx(rng, 300, bad={41, 157, 288})
    imp = ri.roster_import_start(
        actor=fz_admin, klass=klass, uploaded_file=SimpleUploadedFile("2026年第三期花名册.xlsx", data),
        mode=RosterImport.Mode.VALID_ONLY,
    )  # fmt: skip
    ri.roster_import_run(imp.pk)  # a no-op when the task already ran it
    enrolled = list(Enrolment.objects.filter(klass=klass).select_related("trainee").order_by("pk"))
    zhang = tr.enrolment_add(actor=fz_admin, klass=klass, trainee=zhang_trainee)
    days = [today - dt.timedelta(days=d) for d in (19, 17, 12)]
    sessions = _sessions(fz_admin, klass, days, [(19, 21), (19, 21), (9, 17)], "电工基础与安全用电")
    _attend(fz_admin, sessions, [*enrolled[:80], zhang], skip={3, 17})
    # one late "check-in" typed in after the session ended: flagged as outside the session
    att.attendance_check_in(
        actor=fz_admin,
        session=sessions[0],
        enrolment=enrolled[90],
        at=sessions[0].ends_at + dt.timedelta(minutes=40),
    )
    _push_online(
        users["online_platform"],
        orgs["online"],
        klass,
        [*enrolled[:120], zhang],
        today - dt.timedelta(days=2),
        95,
    )
    # today's session, open now: trainees who registered themselves scan its QR code — four from one phone
    now = timezone.localtime()
    start = now - dt.timedelta(hours=1)
    today_session = att.session_create(actor=fz_admin, klass=klass, data={
        "topic": "照明电路安装与检修（实操）", "mode": "offline", "kind": "practice",
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=4)).isoformat(), "venue": "实训楼301"})  # fmt: skip
    for i in range(4):
        name, number = _person(rng, "350104", 800 + i)
        user, trainee = tr.trainee_self_register(data={
            "username": f"fz_trainee_{i + 1}", "password": "Peiyu@2026demo", "name": name, "id_number": number,
            "phone": f"1370591000{i}"})  # fmt: skip
        tr.enrolment_add(actor=fz_admin, klass=klass, trainee=trainee)
        att.attendance_scan(actor=user, token=today_session.qr_token, device="android-7f3a", ip="10.20.30.40")

    # the 合格证 class: opened by the city, inspected during training; one trainee also sits here
    qual_class = _class(
        fz_admin, qual, "低压电工作业合格证第一期", today, today + dt.timedelta(days=30), capacity=40
    )
    qual_class = cls.class_announce(actor=fz_admin, klass=qual_class)
    cls.class_request_opening(actor=fz_admin, klass=qual_class)
    qual_class = cls.class_decide_opening(actor=users["fz_official"], klass=qual_class, approve=True,
                                          note="场地、师资与备案计划一致，同意开班。")  # fmt: skip
    _back_date(qual_class, today - dt.timedelta(days=19), today + dt.timedelta(days=11))
    both = tr.enrolment_add(actor=fz_admin, klass=qual_class, trainee=enrolled[5].trainee)
    others = _enrol_people(fz_admin, qual_class, [_person(rng, "350105", 600 + i) for i in range(15)])
    qual_sessions = _sessions(fz_admin, qual_class, [days[0]], [(19, 21)], "低压电工安全技术")
    _attend(fz_admin, qual_sessions, [both, *others])
    inspections.inspection_record(actor=users["fz_official"], klass=qual_class, kind="process", data={
        "result": "issues", "inspected_on": (today - dt.timedelta(days=6)).isoformat(),
        "findings": "抽查实操课，实到15人、签到16人，1名学员同一时段在另一班签到，已要求机构说明。"})  # fmt: skip
    from .services.anomalies import anomalies_detect

    anomalies_detect(klass)
    anomalies_detect(qual_class)


def _completed(fz_admin, short, users, orgs, rng, zhang_trainee, today) -> None:
    """A class that ran last month: scores, completion, certificates, evaluations and its report."""
    klass = _class(fz_admin, short, "电工技能提升短期班（2026年第二期）", today, today + dt.timedelta(days=40),
                   capacity=50, online_platform=orgs["online"].pk)  # fmt: skip
    klass = cls.class_start(actor=fz_admin, klass=cls.class_announce(actor=fz_admin, klass=klass))
    first = today - dt.timedelta(days=40)
    _back_date(klass, first, today - dt.timedelta(days=26))
    people = [_person(rng, "350102", 500 + i) for i in range(39)]
    enrolments = _enrol_people(fz_admin, klass, people)
    enrolments.append(tr.enrolment_add(actor=fz_admin, klass=klass, trainee=zhang_trainee))
    days = [first + dt.timedelta(days=d) for d in (1, 6, 13)]
    sessions = _sessions(fz_admin, klass, days, [(9, 13), (9, 13), (14, 16)], "电气控制线路")
    _attend(fz_admin, sessions, enrolments, skip={7, 22})  # two missed sessions: short of hours
    _push_online(users["online_platform"], orgs["online"], klass, enrolments, days[1], 6 * 60)
    scores = {e.pk: Decimal(rng.randint(62, 96)) for e in enrolments}
    scores[enrolments[11].pk] = Decimal("48.5")  # sat the exam and failed
    scores[enrolments[-1].pk] = Decimal("88")
    comp.scores_record(actor=fz_admin, klass=klass, scores=scores)
    policy = policy_for(short.programme, klass.region_id)
    klass = comp.class_complete(
        actor=fz_admin, klass=klass, pass_mark=None if policy.get("pass_score") else 60
    )
    certificates_issue(actor=fz_admin, klass=klass)
    zhang_enrolment = Enrolment.objects.get(klass=klass, trainee=zhang_trainee)
    evaluations.evaluation_submit(actor=users["trainee_zhang"], enrolment=zhang_enrolment, data={
        "content": 5, "teaching": 5, "organisation": 4, "overall": 5, "fees_as_published": True,
        "comment": "实操课安排充足，老师讲解细致；希望增加线上题库练习。"})  # fmt: skip
    inspections.inspection_record(actor=users["fz_official"], klass=klass, kind="certificate", data={
        "result": "passed", "inspected_on": today.isoformat(),
        "findings": "抽查10名学员证书信息与实名制培训记录一致。"})  # fmt: skip
    report = TrainingReport.objects.get(klass=klass)
    reports.report_submit(actor=fz_admin, report=report, narrative=(
        "本期计划招收50人，实际入班40人，结业考核合格者颁发培训合格证书。线上学时按不超过总学时40%计入。"))  # fmt: skip


def _hubei(wh_admin, wh, orgs, users, rng, today) -> None:
    """A Hubei DTE class completed five weeks ago whose report (TRN-6) is now overdue."""
    teacher = plans.teacher_add(actor=wh_admin, institution=wh, data={
        "name": "黄志远", "id_number": id_with_check("42010619800506051"), "title_level": "senior",
        "title": "高级工程师", "specialties": "机器学习、深度学习"})  # fmt: skip
    plan = _plan(wh_admin, wh, {
        "title": "人工智能工程技术人员（初级）培训", "occupation_code": AI[0], "programme": "dte", "level": "初级",
        "region": "420106", "hours_theory": 10, "hours_practice": 6, "hours_online": 0, "hours_offline": 16,
        "fee": "0", "refund_terms": "政府补贴项目，学员不缴费；如有代收费用，退训时全额退还。",
        "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=90)).isoformat(),
        "evaluation_institution": orgs["inst_wh_eval"].pk, "exam_plan": "结业后30日内由湖北数智技能评价中心组织初级考核。",
        "teachers": [teacher.pk], "commitment": True})  # fmt: skip
    klass = cls.class_create(actor=wh_admin, plan=plan, data={
        "title": "人工智能工程技术人员（初级）武汉第一期", "region": "420106", "venue": "武汉市武昌区中北路云启大厦8楼",
        "capacity": 40, "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=20)).isoformat(),
        "announcement": "面向在岗或拟从事人工智能工作的人员招生（不含已退休人员）。",
        "exam_conditions": "完成培训并结业考核合格，可报名参加人工智能工程技术人员（初级）专业技术等级考核。"})  # fmt: skip
    klass = cls.class_start(actor=wh_admin, klass=cls.class_announce(actor=wh_admin, klass=klass))
    start = today - dt.timedelta(days=60)
    _back_date(klass, start, today - dt.timedelta(days=36))
    enrolments = _enrol_people(wh_admin, klass, [_person(rng, "420106", 200 + i) for i in range(18)])
    # TRN-8 under hubei-dte: a retired applicant is refused, and the refusal is kept
    name, number = _person(rng, "420106", 990, born=dt.date(1958, 3, 9))
    retiree = tr.trainee_register(actor=wh_admin, data={"name": name, "id_number": number})
    with contextlib.suppress(RuleViolation):  # the TRN-8 refusal is what this shows
        tr.enrolment_add(actor=wh_admin, klass=klass, trainee=retiree)
    sessions = _sessions(
        wh_admin, klass, [start + dt.timedelta(days=d) for d in (2, 9)], [(9, 17), (9, 17)], "机器学习基础"
    )
    _attend(wh_admin, sessions, enrolments, skip={4})  # one trainee missed the second day: short of hours
    comp.scores_record(
        actor=wh_admin, klass=klass, scores={e.pk: Decimal(rng.randint(64, 95)) for e in enrolments}
    )
    klass = comp.class_complete(actor=wh_admin, klass=klass)
    # demo history: completed 35 days ago, so the report is overdue
    completed = today - dt.timedelta(days=35)
    policy = policy_for("dte", klass.region_id, on=completed)
    TrainingClass.objects.filter(pk=klass.pk).update(completed_at=_at(completed, 17))
    TrainingReport.objects.filter(klass=klass).update(
        due_on=report_due_on(completed, policy.get("training_report_days"))
    )
    audit_record(None, "demo.class_back_dated", klass, after={"completed_on": completed.isoformat()})

