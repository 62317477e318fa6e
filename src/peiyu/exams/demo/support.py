"""What every part of evaluation's demo uses: the demo people (exam staff, examiners, candidates), the
bank's item sheet in the import template's columns, and "demo history" — moving a session's exam times
to the moment the demo needs (its theory exam under way now, or finished earlier today), with plain
updates the services themselves never allow, each recorded as a `demo.*` audit event."""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from peiyu.accounts.models import Org, User
from peiyu.audit.services import audit_record
from peiyu.core.identifiers import id_with_check

from ..models import EvaluationSession, ItemType, Paper, Sitting

ELECTRICIAN = ("6-31-01-03", "电工")
AI = ("2-02-38-01", "人工智能工程技术人员")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰宇浩然晨曦子涵梓轩欣怡"
# the candidate of journey 13: the ID number and ticket she types at the identity check are printed
# with the demo accounts (the ticket is the one her approved registration of the running exam holds)
CANDIDATE = ("exam_cand_li", "李晓红", "51010719920304002")
FACTS = {"education": "高中", "years_in_trade": "6", "lower_level": "五级", "lower_level_on": "2021-06-30"}
ANNOUNCEMENT = (
    "本批次面向从事或准备从事电工工作的人员，按电工国家职业技能标准（四级/中级工）组织理论知识考试"
    "（上机考试）和技能操作考核。报名条件、收费标准见本机构公布的年度评价计划。"
)
# the Chengdu organisation's exam staff: username, name, role
STAFF = [
    ("cd_demo_exam_admin", "唐考务", "exam_admin"),
    ("cd_demo_setter", "宋命题", "question_setter"),
    ("cd_demo_reviewer", "许审题", "bank_reviewer"),
    ("cd_demo_approver", "曹审定", "bank_approver"),
    ("cd_demo_proctor", "彭监考", "exam_staff"),
    ("cd_demo_supervisor", "袁督导", "quality_supervisor"),
]
EXAMINERS = [
    ("cd_demo_examiner1", "蔡振东", "51010219700301001"),
    ("cd_demo_examiner2", "蒋文华", "51010419720612002"),
    ("cd_demo_examiner3", "余国强", "51010519750917003"),
    ("cd_demo_examiner4", "杜丽萍", "51010619780224004"),
    ("cd_demo_examiner5", "叶建军", "51010719690810005"),
    ("cd_demo_examiner6", "程秀英", "51010819810405006"),
]


def staff_user(org: Org, username: str, full_name: str, role: str) -> User:
    from peiyu.institutions.demo.support import user_for

    return user_for(org, username, full_name, role)


def person(rng: random.Random, region: str, serial: int) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    born = dt.date(rng.randint(1975, 2002), rng.randint(1, 12), rng.randint(1, 28))
    return name, id_with_check(f"{region}{born:%Y%m%d}{serial % 1000:03d}")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def session_form(listing: Any, site: Any, bank: Any, title: str, *, days: int, **over: Any) -> dict[str, Any]:
    """The create form's values: registration from today for `days`, the exam after it."""
    today = timezone.localdate()
    exam = today + dt.timedelta(days=days + 10)
    values = {
        "listing": str(listing.pk), "level": "四级", "title": title, "site": str(site.pk),
        "bank": str(bank.pk) if bank else "", "capacity": "40", "fee": "300", "announcement": ANNOUNCEMENT,
        "registration_opens_on": today.isoformat(), "registration_closes_on": (today + dt.timedelta(days=days)).isoformat(),
        "theory_starts_at": f"{exam.isoformat()} 09:00", "theory_minutes": "90",
        "practical_on": (exam + dt.timedelta(days=1)).isoformat(), "forms": "2",
    }  # fmt: skip
    values.update(over)
    return values


def exam_now(session: EvaluationSession, starts: dt.datetime, *, minutes: int = 90) -> None:
    """Demo history: the session's theory exam (its sittings, sealed forms) at `starts`, the practical
    and review the same day — so the exam can be sat now, or was this morning."""
    # every sitting on one Beijing day, whatever the hour the demo is built at: the theory no earlier
    # than today's midnight, the practical after it or, late in the evening, before it
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    starts = max(starts, midnight)
    day = timezone.localdate(starts)
    later = starts + dt.timedelta(minutes=minutes + 30)
    other = (later, later + dt.timedelta(minutes=240))
    if timezone.localdate(other[1]) != day:
        other = (starts - dt.timedelta(minutes=270), starts - dt.timedelta(minutes=30))
    if other[0] < midnight:  # a short evening: the practical is squeezed into the morning
        other = (midnight, max(midnight + dt.timedelta(minutes=1), other[1]))
    EvaluationSession.objects.filter(pk=session.pk).update(
        theory_starts_at=starts, practical_on=day, review_on=day if session.review_on else None
    )
    Sitting.objects.filter(session=session, kind="theory").update(
        starts_at=starts, ends_at=starts + dt.timedelta(minutes=minutes)
    )
    Sitting.objects.filter(session=session).exclude(kind="theory").update(
        starts_at=other[0], ends_at=other[1]
    )
    Paper.objects.filter(session=session).exclude(opens_at=None).update(opens_at=starts)
    audit_record(None, "demo.exam_moved", session, after={"theory_starts_at": starts.isoformat()})
    session.refresh_from_db()


def items_xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    from ..services.item_import import HEADER

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("试题")
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class ItemWording:
    """An occupation's words for generated demo items (the bank import's row layout, item_import.HEADER):
    `{topic}` and `{n}` are filled in; `practical` is (criteria, minutes, materials, points)."""

    single: str
    multiple: str
    true_false: str
    short: str
    short_answer: str
    practical_stem: str
    practical: tuple[str, str, str, str]


def item_row(words: ItemWording, topics: dict[str, list[str]], item_type: str, area: str, difficulty: int,
             n: int) -> list[Any]:  # fmt: skip
    """One generated item of the import layout, its answer varied by `n`."""
    topic = topics[area][n % len(topics[area])]
    options = ["", "", "", "", "", ""]
    answer, criteria, points, minutes, materials = "", "", "1", "", ""
    stem = f"【{topic}】第{n}题："
    if item_type == "single":
        stem += words.single
        options[:4] = [f"{topic}说法{c}" for c in "甲乙丙丁"]
        answer = "ABCD"[n % 4]
    elif item_type == "multiple":
        stem += words.multiple
        options[:4] = [f"{topic}做法{c}" for c in "甲乙丙丁"]
        answer, points = ("AC" if n % 2 else "BD"), "2"
    elif item_type == "true_false":
        stem += words.true_false.format(topic=topic)
        answer = "对" if n % 2 else "错"
    elif item_type == "short":
        stem += words.short.format(topic=topic)
        answer, criteria, points = words.short_answer.format(topic=topic), "要点完整|3；表述规范|2", "5"
    else:
        stem = words.practical_stem.format(topic=topic, n=n)
        criteria, minutes, materials, points = words.practical
    return [str(ItemType(item_type).label), area, str(difficulty), stem, *options, answer, criteria, minutes,
            materials, points, ""]  # fmt: skip
