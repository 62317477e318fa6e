"""Test state of registration: the application conditions loaded from the reference file, a Chengdu
electrician session in its registration step, a candidate account (学员 role, no Trainee record yet),
the employer's listing marked as an employer-type institution (ACT-6), and a Hubei DTE session with a
completed training class whose trainees hold certificates."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from peiyu.exams.models import EvaluationSession
from peiyu.exams.services.conditions import conditions_load

from . import factories as f

GOOD_FACTS = {
    "education": "高中",
    "years_in_trade": "6",
    "lower_level": "五级",
    "lower_level_on": "2021-06-30",
}


def candidate(world: Any, key: str = "cand1") -> Any:
    from tests.personas import _user

    return _user(world, key, world.orgs["platform"], "trainee", None)


def open_session(
    world: Any, *, listing_key: str = "cd_elec", level: str = "四级", capacity: int = 40
) -> EvaluationSession:
    conditions_load()
    s = f.session(world, status="registration", listing_key=listing_key, level=level)
    s.capacity = capacity
    s.registration_opens_on = f.DAY.date() - dt.timedelta(days=1)
    s.save(update_fields=["capacity", "registration_opens_on"])
    return s


def employer_listing(world: Any) -> None:
    from peiyu.institutions.models import Listing

    Listing.objects.filter(pk=world.listings["cd_turner"].pk).update(institution_type="employer")
    world.listings["cd_turner"].refresh_from_db()


def xlsx(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header or ["姓名", "身份证号码", "用工形式", "学历", "专业相关", "本职业工作年限", "已取得等级", "取证日期",
                         "已签署承诺书"])  # fmt: skip
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def dte_world(world: Any) -> tuple[EvaluationSession, list[Any]]:
    """A Hubei AI 初级 session open for registration and two certified trainees of a completed class of
    the Hubei training institution (and one whose certificate is revoked)."""
    from peiyu.certificates.models import Certificate
    from peiyu.core.identifiers import mask_id_number
    from peiyu.training.models import Enrolment, TrainingClass, TrainingPlan

    conditions_load()
    s = f.session(world, status="registration", listing_key="hb_ai", level="初级")
    s.registration_opens_on = f.DAY.date() - dt.timedelta(days=1)
    s.save(update_fields=["registration_opens_on"])
    org = world.orgs["hb_train"]
    lst = world.listings["hb_ai_training"]
    plan = TrainingPlan.objects.create(
        number="JH-HB-AI-1", institution=org, listing=lst, programme="dte", occupation_code=lst.occupation_code,
        occupation_name=lst.occupation_name, level="初级", region_id=org.region_id, title="人工智能初级培训计划",
        starts_on=dt.date(2025, 11, 1), ends_on=dt.date(2026, 1, 31), status="filed",
    )  # fmt: skip
    klass = TrainingClass.objects.create(
        plan=plan, number="BJ-HB-AI-1", title="人工智能初级第1期", region_id=org.region_id,
        starts_on=dt.date(2025, 11, 1), ends_on=dt.date(2026, 1, 20), status="completed",
    )  # fmt: skip
    certs = []
    for i, (name, first17) in enumerate([("王晓雨", "42010219950101002"), ("赵子墨", "42010219960202003"),
                                         ("孙撤销", "42010219970303004")]):  # fmt: skip
        person = f.person(name, first17)
        e = Enrolment.objects.create(klass=klass, trainee=person, source="institution", status="completed")
        certs.append(Certificate.objects.create(  # a training certificate (kept by the certificates app)
            kind="training", number=f"PX2026420100{i:06d}", verify_token=f"tok{i}".ljust(43, "x"), holder=person,
            holder_name=name, holder_id_masked=mask_id_number(person.id_number), holder_id_index=person.id_index,
            institution=org, issuer_name=org.name, region_code=org.region_id, programme="dte",
            occupation_code=lst.occupation_code, occupation_name=lst.occupation_name, level="初级",
            issued_on=dt.date(2026, 2, 1), details={"hours": 120, "ce_hours": 120, "ce_year": 2026},
            source_kind="enrolment", source_id=e.pk, status="invalidated" if i == 2 else "valid"))  # fmt: skip
    return s, certs
