"""Helpers of the training browser tests: the Fujian world of the training tests' `training` fixture
built on today's date (no clock moved: the live server runs on the real clock), an online platform that
pushes signed batches over HTTP, a 300-row roster workbook, the offline course recorded by the staff and
a class taken all the way to its certificates through the services (for the trainee's journey), and
the browser steps the tests share (logging in and out, the messages, the plan form, screenshots)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re
import time
import urllib.request

from django.utils import timezone

ELECTRICIAN = ("6-31-01-03", "电工")
FZ_REGION = "350102"
HEADER = ["序号", "姓名", "身份证号码", "手机号码", "人员类别", "是否退休"]
SURNAMES = "陈林黄张吴王郑李刘杨许蔡何谢郭周徐曾江罗"
GIVEN = [
    "建华",
    "丽娟",
    "志强",
    "秀英",
    "海峰",
    "晓燕",
    "国平",
    "明辉",
    "春梅",
    "文斌",
    "玉兰",
    "伟东",
    "美玲",
    "金水",
    "桂芳",
]
OFFLINE_DAYS = 8  # the offline course the staff record: 8 days of 7.5 hours = 60 hours
OFFLINE_MINUTES_A_DAY = 450
_serials = itertools.count(1)


def fujian_world():
    """The personas' world with the policies and catalogs, a Fuzhou institution listed for subsidised
    electrician training (五级, 四级), the Fujian province and Fuzhou city officials — as the training
    tests' fixture, but on today's date."""
    from peiyu.accounts.models import Region
    from peiyu.catalogs.models import Occupation
    from peiyu.core.policy import load_policy_files
    from peiyu.institutions.models import Listing
    from peiyu.institutions.tests import factories as directory_factories
    from tests.personas import _org, _user, build_world

    world = build_world()
    load_policy_files()
    directory_factories.load_reference()
    Occupation.objects.get_or_create(
        code=ELECTRICIAN[0],
        defaults={"name": ELECTRICIAN[1], "programme": "skill", "kind": "skill", "confidence": "confirmed"},
    )
    Region.objects.get_or_create(
        code=FZ_REGION, defaults={"name": "鼓楼区", "level": 3, "parent_id": "350100"}
    )
    fj = _org(world, "fj", "福建省人力资源和社会保障厅", "hrss_province", "350000")
    fz = _org(world, "fz", "福州市人力资源和社会保障局", "hrss_city", "350100")
    inst = _org(world, "inst_fz", "福州榕城职业培训学校", "institution", FZ_REGION)
    _user(world, "fj_official", fj, "province_official")
    _user(world, "fz_official", fz, "city_official")
    _user(world, "fz_inst_admin", inst, "institution_admin")
    today = timezone.localdate()
    world.listings = {
        "fz_elec": Listing.objects.create(
            number="LT-FZ-EL",
            programme="subsidised",
            institution=inst,
            institution_name=inst.name,
            kind="training",
            occupation_code=ELECTRICIAN[0],
            occupation_name=ELECTRICIAN[1],
            levels=["五级", "四级"],
            region_id=FZ_REGION,
            valid_from=today - dt.timedelta(days=365),
            valid_until=today + dt.timedelta(days=3 * 365),
            status="active",
        )
    }
    return world


def fz_teacher(world, name="林老师"):
    from peiyu.core.identifiers import id_with_check
    from peiyu.training.services import plans as plan_svc

    return plan_svc.teacher_add(
        actor=world.fz_inst_admin,
        institution=world.orgs["inst_fz"],
        data={
            "name": name,
            "id_number": id_with_check(f"35010219800101{next(_serials) % 1000:03d}"),
            "title_level": "intermediate",
            "title": "高级技师",
        },
    )


class OnlinePlatform:
    """An online platform org, its API user with a bearer token and a signing key; pushes batches of
    learning records to the live server over HTTP, as the platform's own system would."""

    def __init__(self, world, key="fz_plat", name="八闽职业技能在线学习平台") -> None:
        from peiyu.accounts.services.tokens import api_token_create
        from peiyu.training.services import online as online_svc
        from tests.personas import _org, _user

        self.org = _org(world, key, name, "online_platform", None)
        self.user = _user(world, f"{key}_api", self.org, "online_platform", None)
        _token, self.token = api_token_create(actor=self.user, name="学习记录推送")
        self.key, self.secret = online_svc.platform_key_create(actor=self.user, platform=self.org)

    def signed(self, body: bytes) -> dict[str, str]:
        from peiyu.training.services.online import sign

        ts = str(int(time.time()))
        return {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "X-Peiyu-Key": self.key.key_id,
            "X-Peiyu-Timestamp": ts,
            "X-Peiyu-Signature": sign(self.secret, ts, body),
        }

    def push(self, base_url: str, batch_id: str, records: list[dict]) -> tuple[int, dict]:
        body = json.dumps({"batch_id": batch_id, "records": records}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - http to the live server
            f"{base_url}/api/v1/training/online/batches", data=body, headers=self.signed(body), method="POST"
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())


def online_records(
    class_number: str, id_number: str, tag: str, *, first_day: dt.date, hours: int
) -> list[dict]:
    """`hours` of online learning in records of 8 hours a day from `first_day` (Beijing time)."""
    tz = timezone.get_current_timezone()
    out, day = [], first_day
    while hours > 0:
        h = min(8, hours)
        start = dt.datetime.combine(day, dt.time(8, 0), tzinfo=tz)
        out.append(
            {
                "record_id": f"{tag}-{day:%Y%m%d}",
                "class_number": class_number,
                "id_number": id_number,
                "course": "电工基础理论（线上）",
                "started_at": start.isoformat(),
                "ended_at": (start + dt.timedelta(hours=h)).isoformat(),
            }
        )
        hours -= h
        day += dt.timedelta(days=1)
    return out


# --- the roster ------------------------------------------------------------------------------------------------


def id_number(serial: int, *, born: str = "19900101") -> str:
    from peiyu.core.identifiers import id_with_check

    return id_with_check(f"{FZ_REGION}{born}{(serial % 500) * 2 + 1:03d}")


def roster_people(n: int, named: dict[int, str]) -> list[dict]:
    """`n` distinct Fuzhou people; the rows in `named` (index → name) get these names."""
    names = (s + g for s in SURNAMES for g in GIVEN)
    people = []
    for i in range(n):
        name = named.get(i) or next(names)
        people.append(
            {"name": name, "id_number": id_number(i), "phone": f"139{i:08d}", "category": "在职职工"}
        )
    return people


def with_bad_check_digits(people: list[dict], rows: list[int]) -> list[dict]:
    """The people with the ID numbers of `rows` (indexes) given a wrong check digit."""
    out = [dict(p) for p in people]
    for i in rows:
        number = out[i]["id_number"]
        out[i]["id_number"] = number[:17] + ("0" if number[17] != "0" else "1")
    return out


def roster_xlsx(people: list[dict]) -> bytes:
    """The institution's own workbook: a header row, then one person a row."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(HEADER)
    for i, p in enumerate(people, 1):
        sheet.append([i, p["name"], p["id_number"], p["phone"], p["category"], "否"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the offline course ----------------------------------------------------------------------------------------


def offline_course(world, klass, enrolments, *, first_day: dt.date) -> None:
    """The class's offline days, each trainee checked in and out by the staff at the session's times
    (60 hours: what the plan's 60 offline hours require)."""
    from peiyu.training.services import attendance as att

    tz = timezone.get_current_timezone()
    for d in range(OFFLINE_DAYS):
        day = first_day + dt.timedelta(days=d)
        starts = dt.datetime.combine(day, dt.time(8, 30), tzinfo=tz)
        ends = starts + dt.timedelta(minutes=OFFLINE_MINUTES_A_DAY)
        session = att.session_create(
            actor=world.fz_inst_admin,
            klass=klass,
            data={
                "topic": f"电工实操训练（第{d + 1}天）",
                "mode": "offline",
                "kind": "practice",
                "starts_at": starts.isoformat(),
                "ends_at": ends.isoformat(),
            },
        )
        for e in enrolments:
            a = att.attendance_check_in(actor=world.fz_inst_admin, session=session, enrolment=e, at=starts)
            att.attendance_check_out(actor=world.fz_inst_admin, attendance=a, at=ends)


# --- a whole class through the services (the trainee's journey starts after it) -------------------------------


def plan_data(world, *, online: int, starts_on: dt.date, ends_on: dt.date) -> dict:
    return {
        "title": "电工（五级）补贴性培训",
        "programme": "subsidised",
        "occupation_code": ELECTRICIAN[0],
        "level": "五级",
        "cert_type": "certificate",
        "region": FZ_REGION,
        "description": "理论与实操结合，线上学习电工基础理论，线下在实训楼完成接线与排障训练。",
        "hours_theory": 40,
        "hours_practice": 60,
        "hours_online": online,
        "hours_offline": 100 - online,
        "fee": "1200",
        "makeup_fee": "200",
        "exam_fee": "150",
        "refund_terms": "开班前全额退费；开班后按未学课时比例退费。",
        "makeup_terms": "结业考核不合格的可免费补学一次。",
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "schedule": "每周一至周五白天授课，实训楼302室。",
        "commitment": True,
    }


def certified_class(world, platform: OnlinePlatform, person: dict):
    """A Fuzhou class taken to its end through the services: plan filed, class announced and started,
    `person` registered and enrolled by the institution, the offline course, 40 online hours pushed,
    score 88, class completed (pass mark 60) and the certificate issued. Returns (class, certificate)."""
    from peiyu.certificates.models import Certificate
    from peiyu.training.services import certificates as cert_svc
    from peiyu.training.services import classes as class_svc
    from peiyu.training.services import completion as completion_svc
    from peiyu.training.services import online as online_svc
    from peiyu.training.services import plans as plan_svc
    from peiyu.training.services import trainees as trainee_svc

    admin, today = world.fz_inst_admin, timezone.localdate()
    data = plan_data(world, online=40, starts_on=today, ends_on=today + dt.timedelta(days=60))
    data["teachers"] = [fz_teacher(world).pk]
    plan = plan_svc.plan_create(actor=admin, institution=world.orgs["inst_fz"], data=data)
    plan = plan_svc.plan_file(actor=admin, plan=plan)
    klass = class_svc.class_create(
        actor=admin,
        plan=plan,
        data={
            "title": "电工（五级）第一期",
            "region": FZ_REGION,
            "venue": "福州市鼓楼区工业路100号实训楼",
            "capacity": 40,
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=30)).isoformat(),
            "online_platform": platform.org.pk,
            "announcement": "本班面向福州市从业人员招生，理论与实操结合，按计划组织结业考核。",
            "exam_conditions": "年满16周岁，从事或准备从事电工工作。",
        },
    )
    klass = class_svc.class_announce(actor=admin, klass=klass)
    trainee = trainee_svc.trainee_register(actor=admin, data=person)
    enrolment = trainee_svc.enrolment_add(
        actor=admin, klass=klass, trainee=trainee, source="institution", retired=False
    )
    klass = class_svc.class_start(actor=admin, klass=klass)
    offline_course(world, klass, [enrolment], first_day=today + dt.timedelta(days=1))
    body = json.dumps(
        {
            "batch_id": "J8-1",
            "records": online_records(
                klass.number, person["id_number"], "j8", first_day=today + dt.timedelta(days=10), hours=40
            ),
        }
    ).encode()
    headers = platform.signed(body)
    result = online_svc.online_batch_ingest(
        platform_user=platform.user,
        key_id=headers["X-Peiyu-Key"],
        signature=headers["X-Peiyu-Signature"],
        timestamp=headers["X-Peiyu-Timestamp"],
        body=body,
    )
    assert result["accepted"] == 5, result
    completion_svc.scores_record(actor=admin, klass=klass, scores={enrolment.pk: "88"})
    completion_svc.class_complete(actor=admin, klass=klass, pass_mark="60")
    cert_svc.certificates_issue(actor=admin, klass=klass)
    return klass, Certificate.objects.get(kind="training", source_id=enrolment.pk)  # kept by certificates


# --- in the browser ---------------------------------------------------------------------------------------------


def log_in(page, base: str, username: str, password: str, *, device=None, landing=r"/home/$") -> None:
    if "/accounts/login/" not in page.url:
        page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    if device is not None:
        from django_otp.oath import totp

        page.wait_for_url(re.compile(r"/accounts/otp/verify/"))
        page.fill("#id_token", f"{totp(device.bin_key):06d}")
        page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(landing))


def log_out(page) -> None:
    page.locator("header form[action$='/accounts/logout/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def messages_of(page) -> str:
    box = page.locator("main ul.messages")
    return box.inner_text() if box.count() else ""


def shooter(page, screenshots, prefix: str):
    def shot(name: str) -> None:
        page.screenshot(path=str(screenshots / f"{prefix}-{name}.png"), full_page=True)

    return shot


def submit(page) -> None:
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_load_state()


def fill_plan(page, teacher_pk: int, *, online: int, today: dt.date) -> None:
    page.fill("#f-title", "电工（五级）补贴性培训")
    page.select_option("#f-programme", "subsidised")
    page.select_option("#f-occupation", "6-31-01-03")
    page.select_option("#f-level", "五级")
    page.fill("#f-description", "理论与实操结合：线上学习电工基础理论，线下在实训楼完成接线与排障训练。")
    for name, value in [("theory", 40), ("practice", 60), ("online", online), ("offline", 100 - online)]:
        page.fill(f"#f-hours_{name}", str(value))
    page.fill("#f-fee", "1200")
    page.fill("#f-makeup_fee", "200")
    page.fill("#f-exam_fee", "150")
    page.fill("#f-refund_terms", "开班前全额退费；开班后按未学课时比例退费。")
    page.fill("#f-makeup_terms", "结业考核不合格的可免费补学一次。")
    page.fill("#f-starts_on", today.isoformat())
    page.fill("#f-ends_on", (today + dt.timedelta(days=60)).isoformat())
    page.fill("#f-schedule", "每周一至周五白天授课，实训楼302室。")
    page.select_option("#f-teachers", str(teacher_pk))
    page.check("input[name=commitment]")
