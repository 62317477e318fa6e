"""Demo data of evaluation (journey 13, and the Hubei start of journey 14): the Chengdu social evaluation
organisation filed for 电工 by the directory's demo (成都市数字技能评价服务中心) with its exam staff and
examiners, an exam site accepted by the city, a 电工 四级 bank meeting the profile's minimum (imported,
reviewed and approved by three people), the published annual plan, and sessions in every state of
EVL-5's flow — one with candidates in the middle of the theory exam, one whose scores are in notice with
an objection open — and six Hubei DTE sessions whose candidates the training institution forwarded from
its completed class, each taken through the exam to its frozen passing list (hubei_exam.py).

Everything goes through the services on today's date; where an exam must be under way now or over
already, its times are moved ("demo history", support.exam_now). Idempotent: built once."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.functional import lazy

from peiyu.accounts.models import Org, User

from ..models import ExamSite, QuestionBank
from ..services import examiners as examiner_services
from ..services import plans, sites, sites_rooms
from ..services import sessions_steps as steps
from ..services.conditions import conditions_load
from . import exam, hubei
from .bank import build_bank
from .flow import Staff, account, advance, create
from .support import CANDIDATE, ELECTRICIAN, EXAMINERS, STAFF, session_form

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
CHENGDU_KEY = "inst_cd_social"


def chengdu_listing(org: Org):  # type: ignore[no-untyped-def]
    """The organisation's filed 电工 entry (the directory demo's filing), else one on record."""
    from peiyu.institutions.demo.listings import listing_on_record
    from peiyu.institutions.models import Listing

    found = Listing.objects.filter(institution=org, kind="evaluation", occupation_code=ELECTRICIAN[0],
                                   status="active").order_by("pk").first()  # fmt: skip
    return found or listing_on_record(
        org, kind="evaluation", occupation=ELECTRICIAN, programme="skill", policy="chengdu-skill",
        valid_from=timezone.localdate() - dt.timedelta(days=200),
    )  # fmt: skip


def build(orgs: dict[str, Org], users: dict[str, User]) -> None:
    org = orgs[CHENGDU_KEY]
    if QuestionBank.objects.filter(institution=org, occupation_code=ELECTRICIAN[0]).exists():
        return  # idempotent: built once
    conditions_load()
    rng = random.Random(2613)
    listing = chengdu_listing(org)
    staff = exam_staff(org, orgs["platform"])
    admin, people = staff.admin, staff.people
    site = accepted_site(org, admin, users["cd_official"])
    bank = build_bank(org, people)
    annual_plan(org, admin, listing)

    def new(title: str, days: int = 10, **over: str):  # type: ignore[no-untyped-def]
        return create(org, staff, session_form(listing, site, bank, title, days=days, **over))

    new("2026年第九批电工（四级）认定（筹备）")
    advance(new("2026年第八批电工（四级）认定"), staff, rng, to="announced")
    advance(
        new("2026年第七批电工（四级）认定", days=20), staff, rng, to="registration", n=3, prefix="cd_cand_g"
    )
    advance(new("2026年第六批电工（四级）认定"), staff, rng, to="eligibility", n=4, prefix="cd_cand_f")
    advance(new("2026年第五批电工（四级）认定"), staff, rng, to="rooms", n=4, prefix="cd_cand_e")
    advance(new("2026年第四批电工（四级）认定"), staff, rng, to="papers", n=4, prefix="cd_cand_d")
    cancelled = advance(new("2026年电工（四级）夜间批次"), staff, rng, to="announced")
    steps.session_cancel(
        actor=admin, session=cancelled, reason="考点配电改造，本批次取消，已报名考生可改报下一批次。"
    )
    exam.finished(new("2026年第一批电工（四级）认定"), staff, rng, prefix="cd_cand_a", finalise=True)
    exam.finished(new("2026年第二批电工（四级）认定"), staff, rng, prefix="cd_cand_b")
    exam.finished(
        new("2026年第三批电工（四级）认定（阅卷中）"), staff, rng, prefix="cd_cand_c", stop="grading"
    )
    exam.live(new("2026年第十批电工（四级）认定（今日开考）"), staff, rng)
    hubei.dte_session(orgs, users)


def exam_staff(org: Org, platform: Org) -> Staff:
    """The organisation's exam staff accounts and its examiners, registered by the exam administrator."""
    from peiyu.core.identifiers import id_with_check

    people = {u: account(org, u, name, role) for u, name, role in STAFF}
    for username, name, _id in EXAMINERS:
        people[username] = account(org, username, name, "examiner")
    admin = people["cd_demo_exam_admin"]
    for i, (username, name, first17) in enumerate(EXAMINERS, start=1):
        examiner_services.examiner_create(
            actor=admin, name=name, id_number=id_with_check(first17), phone=f"1398100{i:04d}",
            occupations=ELECTRICIAN[0], licence_number=f"KPY510100{i:04d}", licence_level="一级",
            licence_valid_until="2028-12-31", username=username,
            employer_name=["国网成都供电公司", "成都市技师学院", "四川电力职业技术学院"][i % 3],
        )  # fmt: skip
    return Staff(admin, people["cd_demo_proctor"], people["cd_demo_supervisor"], platform, people)


def accepted_site(org: Org, admin: User, official: User) -> ExamSite:
    site = sites.site_create(actor=admin, institution=org, data={
        "name": "武侯科华考点", "address": "成都市武侯区科华北路65号实训大楼", "contact_name": "唐考务",
        "contact_phone": "028-85551234", "video_monitoring": True, "video_recording": True,
        "video_retention_days": "90"})  # fmt: skip
    for room in (
        {"kind": "theory", "name": "第一机考室", "seats": "40", "one_per_desk": True, "desk_spacing_cm": "90",
         "computers": "40", "video_monitoring": True},
        {"kind": "practical", "name": "电工实训考场", "seats": "12", "video_monitoring": True,
         "equipment": "低压配电柜12台、电动机控制实训台12套", "tools": "万用表、兆欧表、电工工具套装",
         "materials": "导线、接触器、按钮、熔断器"},
        {"kind": "defence", "name": "综合评审室", "seats": "6", "video_monitoring": True},
    ):  # fmt: skip
        sites_rooms.room_save(actor=admin, site=site, data=room)
    sites_rooms.photo_add(actor=admin, site=site, caption="第一机考室全景",
                          upload=SimpleUploadedFile("机考室.jpg", JPEG, content_type="image/jpeg"))  # fmt: skip
    site = sites.site_report(actor=admin, site=site)
    return sites.site_accept(actor=official, site=site, reason="现场核查：座位间距、视频监控与报告一致。")


def annual_plan(org: Org, admin: User, listing) -> None:  # type: ignore[no-untyped-def]
    year = timezone.localdate().year
    plan = plans.plan_create(actor=admin, institution=org, data={
        "title": f"成都市数字技能评价服务中心{year}年职业技能等级认定计划", "year": str(year),
        "notes": "每季度组织电工（四级）认定，理论知识考试为上机考试；收费标准经价格主管部门备案。",
        "entries": [{"occupation": f"{listing.occupation_code}|四级", "times": "每季度第二个月", "place": "武侯科华考点",
                     "conditions": "取得本职业五级证书后从事本职业工作满4年；或连续从事本职业工作满6年。",
                     "fee": "300", "sessions_planned": "4"}],
    })  # fmt: skip
    plans.plan_publish(actor=admin, plan=plan)


def _candidate_does() -> str:
    """What journey 13's candidate types at the identity check: her ID number and the ticket number of
    her approved registration for today's exam (read when printed: the number is issued by the demo)."""
    from peiyu.core.identifiers import id_with_check

    from ..models import Registration

    number = id_with_check(CANDIDATE[2])
    ticket = (
        Registration.objects.filter(person__user__username=CANDIDATE[0], status="approved")
        .exclude(ticket_number="")
        .order_by("-pk")
        .values_list("ticket_number", flat=True)
        .first()
    )
    return f"考生：报名、承诺、准考证、上机考试（身份证号 {number}，准考证号 {ticket or '见“考核报名”'}），查成绩"


LOGINS: list[tuple[str, object]] = [
    (CANDIDATE[0], lazy(_candidate_does, str)()),
    ("cd_demo_exam_admin", "社评组织考务管理员：考核批次、考场编排、组卷封存、发布成绩公示"),
    ("cd_demo_proctor", "监考：监考台，同意考生换机续考"),
    ("cd_demo_supervisor", "内部质量督导员：到岗签到后方可开考（逢考必督）"),
    ("cd_demo_examiner1", "考评员：技能操作评分、主观题阅卷（组长确认成绩）"),
    ("cd_demo_examiner2", "考评员：技能操作评分、主观题阅卷"),
    ("cd_demo_setter", "命题人：导入试题"),
    ("cd_demo_reviewer", "审题人：审题（不得为命题人）"),
    ("cd_demo_approver", "审定人：审定（不得为命题人或审题人）"),
    ("cd_official", "成都市人社局：验收考点、监督考核批次与成绩公示"),
    ("wuhou_official", "武侯区人社局：辖区考核监督"),
]
