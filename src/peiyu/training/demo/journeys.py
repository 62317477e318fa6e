"""Training's demo journeys after the set-up: Fuzhou's running classes (roster import, sessions,
check-ins, online records and anomalies), its completed class (scores, certificates, evaluations, report),
and Hubei's DTE class with an overdue report."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from peiyu.audit.services import audit_record
from peiyu.core.errors import RuleViolation
from peiyu.core.identifiers import id_with_check
from peiyu.core.policy import policy_for

from ..models import Enrolment, RosterImport, TrainingClass, TrainingReport
from ..rules.completion import report_due_on
from ..services import attendance as att
from ..services import classes as cls
from ..services import completion as comp
from ..services import evaluations, inspections, plans, reports
from ..services import roster_import as ri
from ..services import trainees as tr
from ..services.certificates import certificates_issue
from .support import (
    AI,
    at,
    attend,
    back_date,
    enrol_people,
    new_class,
    new_plan,
    new_sessions,
    person,
    push_online,
    roster_xlsx,
)


def running(fz_admin, full, qual, users, orgs, rng, zhang_trainee, today) -> None:
    """Journey 7: a running class of 300 from the school's roster, check-ins, online records, anomalies;
    beside it a 合格证 class opened by the city and inspected, with one trainee in both at once."""
    klass = new_class(fz_admin, full, "电工（四级）2026年第三期", today, today + dt.timedelta(days=100),
                   capacity=320, online_platform=orgs["online"].pk)  # fmt: skip
    klass = cls.class_start(actor=fz_admin, klass=cls.class_announce(actor=fz_admin, klass=klass))
    back_date(klass, today - dt.timedelta(days=21), today + dt.timedelta(days=79))
    data = roster_xlsx(rng, 300, bad={41, 157, 288})
    imp = ri.roster_import_start(
        actor=fz_admin, klass=klass, uploaded_file=SimpleUploadedFile("2026年第三期花名册.xlsx", data),
        mode=RosterImport.Mode.VALID_ONLY,
    )  # fmt: skip
    ri.roster_import_run(imp.pk)  # a no-op when the task already ran it
    enrolled = list(Enrolment.objects.filter(klass=klass).select_related("trainee").order_by("pk"))
    zhang = tr.enrolment_add(actor=fz_admin, klass=klass, trainee=zhang_trainee)
    days = [today - dt.timedelta(days=d) for d in (19, 17, 12)]
    sessions = new_sessions(fz_admin, klass, days, [(19, 21), (19, 21), (9, 17)], "电工基础与安全用电")
    attend(fz_admin, sessions, [*enrolled[:80], zhang], skip={3, 17})
    # one late "check-in" typed in after the session ended: flagged as outside the session
    att.attendance_check_in(
        actor=fz_admin,
        session=sessions[0],
        enrolment=enrolled[90],
        at=sessions[0].ends_at + dt.timedelta(minutes=40),
    )
    push_online(
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
        name, number = person(rng, "350104", 800 + i)
        user, trainee = tr.trainee_self_register(data={
            "username": f"fz_trainee_{i + 1}", "password": "Peiyu@2026demo", "name": name, "id_number": number,
            "phone": f"1370591000{i}"})  # fmt: skip
        tr.enrolment_add(actor=fz_admin, klass=klass, trainee=trainee)
        att.attendance_scan(actor=user, token=today_session.qr_token, device="android-7f3a", ip="10.20.30.40")

    # the 合格证 class: opened by the city, inspected during training; one trainee also sits here
    qual_class = new_class(
        fz_admin, qual, "低压电工作业合格证第一期", today, today + dt.timedelta(days=30), capacity=40
    )
    qual_class = cls.class_announce(actor=fz_admin, klass=qual_class)
    cls.class_request_opening(actor=fz_admin, klass=qual_class)
    qual_class = cls.class_decide_opening(actor=users["fz_official"], klass=qual_class, approve=True,
                                          note="场地、师资与备案计划一致，同意开班。")  # fmt: skip
    back_date(qual_class, today - dt.timedelta(days=19), today + dt.timedelta(days=11))
    both = tr.enrolment_add(actor=fz_admin, klass=qual_class, trainee=enrolled[5].trainee)
    others = enrol_people(fz_admin, qual_class, [person(rng, "350105", 600 + i) for i in range(15)])
    qual_sessions = new_sessions(fz_admin, qual_class, [days[0]], [(19, 21)], "低压电工安全技术")
    attend(fz_admin, qual_sessions, [both, *others])
    inspections.inspection_record(actor=users["fz_official"], klass=qual_class, kind="process", data={
        "result": "issues", "inspected_on": (today - dt.timedelta(days=6)).isoformat(),
        "findings": "抽查实操课，实到15人、签到16人，1名学员同一时段在另一班签到，已要求机构说明。"})  # fmt: skip
    from ..services.anomalies import anomalies_detect

    anomalies_detect(klass)
    anomalies_detect(qual_class)


def completed(fz_admin, short, users, orgs, rng, zhang_trainee, today) -> None:
    """A class that ran last month: scores, completion, certificates, evaluations and its report."""
    klass = new_class(fz_admin, short, "电工技能提升短期班（2026年第二期）", today, today + dt.timedelta(days=40),
                   capacity=50, online_platform=orgs["online"].pk)  # fmt: skip
    klass = cls.class_start(actor=fz_admin, klass=cls.class_announce(actor=fz_admin, klass=klass))
    first = today - dt.timedelta(days=40)
    back_date(klass, first, today - dt.timedelta(days=26))
    people = [person(rng, "350102", 500 + i) for i in range(39)]
    enrolments = enrol_people(fz_admin, klass, people)
    enrolments.append(tr.enrolment_add(actor=fz_admin, klass=klass, trainee=zhang_trainee))
    days = [first + dt.timedelta(days=d) for d in (1, 6, 13)]
    sessions = new_sessions(fz_admin, klass, days, [(9, 13), (9, 13), (14, 16)], "电气控制线路")
    attend(fz_admin, sessions, enrolments, skip={7, 22})  # two missed sessions: short of hours
    push_online(users["online_platform"], orgs["online"], klass, enrolments, days[1], 6 * 60)
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


def hubei(wh_admin, wh, orgs, users, rng, today) -> None:
    """A Hubei DTE class completed five weeks ago whose report (TRN-6) is now overdue."""
    teacher = plans.teacher_add(actor=wh_admin, institution=wh, data={
        "name": "黄志远", "id_number": id_with_check("42010619800506051"), "title_level": "senior",
        "title": "高级工程师", "specialties": "机器学习、深度学习"})  # fmt: skip
    plan = new_plan(wh_admin, wh, {
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
    back_date(klass, start, today - dt.timedelta(days=36))
    enrolments = enrol_people(wh_admin, klass, [person(rng, "420106", 200 + i) for i in range(18)])
    # TRN-8 under hubei-dte: a retired applicant is refused, and the refusal is kept
    name, number = person(rng, "420106", 990, born=dt.date(1958, 3, 9))
    retiree = tr.trainee_register(actor=wh_admin, data={"name": name, "id_number": number})
    with contextlib.suppress(RuleViolation):  # the TRN-8 refusal is what this shows
        tr.enrolment_add(actor=wh_admin, klass=klass, trainee=retiree)
    sessions = new_sessions(
        wh_admin, klass, [start + dt.timedelta(days=d) for d in (2, 9)], [(9, 17), (9, 17)], "机器学习基础"
    )
    attend(wh_admin, sessions, enrolments, skip={4})  # one trainee missed the second day: short of hours
    comp.scores_record(
        actor=wh_admin, klass=klass, scores={e.pk: Decimal(rng.randint(64, 95)) for e in enrolments}
    )
    klass = comp.class_complete(actor=wh_admin, klass=klass)
    # demo history: completed 35 days ago, so the report is overdue
    completed = today - dt.timedelta(days=35)
    policy = policy_for("dte", klass.region_id, on=completed)
    TrainingClass.objects.filter(pk=klass.pk).update(completed_at=at(completed, 17))
    TrainingReport.objects.filter(klass=klass).update(
        due_on=report_due_on(completed, policy.get("training_report_days"))
    )
    audit_record(None, "demo.class_back_dated", klass, after={"completed_on": completed.isoformat()})
