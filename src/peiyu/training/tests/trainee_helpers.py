"""Helpers of the trainee and roster tests: classes made directly with the ORM (the classes area has its
own services), a Hubei institution under the hubei-dte profile (TRN-8 limits), ID numbers with correct
check digits and roster files in CSV and xlsx."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

from django.utils import timezone

from peiyu.core.identifiers import id_with_check
from peiyu.training.models import TrainingClass, TrainingPlan
from tests.personas import _org, _user

from .conftest import AI, ELECTRICIAN, listing

_numbers = itertools.count(1)


def hubei(world):
    """A Wuhan institution listed for AI training, its admin, and Wuhan's city official."""
    if "inst_wh" not in world.orgs:
        inst = _org(world, "inst_wh", "武汉光谷数字技能培训学校", "institution", "420100")
        wh = _org(world, "wh", "武汉市人力资源和社会保障局", "hrss_city", "420100")
        _user(world, "wh_inst_admin", inst, "institution_admin")
        _user(world, "wh_official", wh, "city_official")
        world.listings["wh_ai"] = listing(
            inst, "LT-WH-AI", programme="dte", occupation=AI, levels=["初级", "中级"]
        )
    return world


def make_class(world, where: str = "sy", *, status="announced", capacity=50) -> TrainingClass:
    """A filed plan and a class of the institution of `where` (sy: Shenyang, fz: Fuzhou, wh: Wuhan)."""
    if where == "wh":
        hubei(world)
    inst_key, listing_key, programme, occupation, region, level = {
        "sy": ("inst_sy", "sy_ai", "dte", AI, "210102", "初级"),
        "fz": ("inst_fz", "fz_elec", "subsidised", ELECTRICIAN, "350102", "五级"),
        "wh": ("inst_wh", "wh_ai", "dte", AI, "420100", "初级"),
    }[where]
    n = next(_numbers)
    plan = TrainingPlan.objects.create(
        number=f"TP-T-{n:05d}",
        institution=world.orgs[inst_key],
        listing=world.listings[listing_key],
        programme=programme,
        occupation_code=occupation[0],
        occupation_name=occupation[1],
        level=level,
        region_id=region,
        title=f"{occupation[1]}（{level}）培训",
        hours_theory=60,
        hours_practice=40,
        hours_online=30,
        hours_offline=70,
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 6, 30),
        status=TrainingPlan.Status.FILED,
    )
    return TrainingClass.objects.create(
        number=f"TC-T-{n:05d}",
        plan=plan,
        title=f"{plan.title}第{n}期",
        region_id=region,
        capacity=capacity,
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 6, 30),
        status=status,
        announced_at=None if status == TrainingClass.Status.DRAFT else timezone.now(),
    )


def id_number(serial: int, *, born: str = "19900101", region: str = "420102", male: bool = True) -> str:
    """A valid ID number; the 17th digit is odd for a man and even for a woman."""
    seq = (serial % 500) * 2 + (1 if male else 0)
    return id_with_check(f"{region}{born}{seq:03d}")


def person(serial: int, **over) -> dict:
    born = over.pop("born", "19900101")
    male = over.pop("male", True)
    data = {
        "name": over.pop("name", "张" + "伟芳娜秀英敏静丽强磊"[serial % 10] + "明"),
        "id_number": id_number(serial, born=born, male=male),
        "phone": f"138{serial:08d}",
        "category": "在职职工",
    }
    data.update(over)
    return data


HEADER = ["序号", "姓名", "身份证号码", "手机号码", "性别", "人员类别", "是否退休"]


def roster_rows(people: list[dict]) -> list[list[str]]:
    rows = []
    for i, p in enumerate(people, 1):
        retired = {True: "是", False: "否"}.get(p.get("retired"), "")
        rows.append(
            [str(i), p["name"], p["id_number"], p.get("phone", ""), "", p.get("category", ""), retired]
        )
    return rows


def roster_csv(people: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(roster_rows(people))
    return out.getvalue().encode("utf-8-sig")


def roster_xlsx(people: list[dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(HEADER)
    for row in roster_rows(people):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
