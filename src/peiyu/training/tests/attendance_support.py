"""Helpers of the attendance, online and anomaly tests: classes, trainees and enrolments made directly
with the ORM (the other areas' services are written alongside), an online platform with its API user,
token and signing key."""

from __future__ import annotations

import datetime as dt
import itertools
import json

from peiyu.accounts.services.tokens import api_token_create
from peiyu.core.crypto import blind_index
from peiyu.core.identifiers import id_with_check
from peiyu.training.models import Enrolment, Trainee, TrainingClass, TrainingPlan
from peiyu.training.services import online as online_svc
from tests.personas import _org, _user

from .conftest import AI, DAY

TZ = DAY.tzinfo
_serial = itertools.count(1)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in March 2026, Beijing time."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=TZ)


def sy_class(world, *, number=None, status="running", platform=None, inst="inst_sy", region="210102"):
    """A running class of a filed AI plan of the Shenyang institution (or `inst`), in March 2026."""
    n = next(_serial)
    org = world.orgs[inst]
    plan = TrainingPlan.objects.create(
        number=f"TP-T-{n:05d}",
        institution=org,
        listing=world.listings["sy_ai"],
        programme="dte",
        occupation_code=AI[0],
        occupation_name=AI[1],
        level="初级",
        region_id=region,
        title="人工智能工程技术人员（初级）培训班",
        hours_theory=60,
        hours_practice=40,
        hours_online=30,
        hours_offline=70,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
        status=TrainingPlan.Status.FILED,
    )
    return TrainingClass.objects.create(
        number=number or f"TC-T-{n:05d}",
        plan=plan,
        title=f"人工智能初级班{n}",
        region_id=region,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
        status=status,
        online_platform=platform,
    )


def trainee(world, name="张三", *, user_key=None) -> Trainee:
    n = next(_serial)
    number = id_with_check(f"21010219900101{n % 1000:03d}")
    user = _user(world, user_key, world.orgs["platform"], "trainee") if user_key else None
    return Trainee.objects.create(
        name=name,
        id_number=number,
        id_index=blind_index(number, "person_id_number"),
        sex="M",
        birth_date=dt.date(1990, 1, 1),
        user=user,
    )


def enrol(klass, t, status="enrolled") -> Enrolment:
    return Enrolment.objects.create(klass=klass, trainee=t, status=status, source="institution")


class Platform:
    """An online platform org, its API user, a bearer token and a signing key."""

    def __init__(self, world, key="plat", name="某某在线学习平台") -> None:
        self.org = _org(world, key, name, "online_platform", None)
        self.user = _user(world, f"{key}_api", self.org, "online_platform", None)
        _token, self.token = api_token_create(actor=self.user, name="学习记录推送")
        self.key, self.secret = online_svc.platform_key_create(actor=self.user, platform=self.org)

    def headers(self, body: bytes, *, timestamp=None, secret=None, key_id=None) -> dict[str, str]:
        import time

        ts = str(int(time.time())) if timestamp is None else str(timestamp)
        return {
            "HTTP_AUTHORIZATION": f"Bearer {self.token}",
            "HTTP_X_PEIYU_KEY": key_id or self.key.key_id,
            "HTTP_X_PEIYU_TIMESTAMP": ts,
            "HTTP_X_PEIYU_SIGNATURE": online_svc.sign(secret or self.secret, ts, body),
        }

    def post(self, client, payload, **kw):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return client.post(
            "/api/v1/training/online/batches",
            data=body,
            content_type="application/json",
            **self.headers(body, **kw),
        )


def record(klass, t, rid, start, minutes=45, course="机器学习基础"):
    return {
        "record_id": rid,
        "class_number": klass.number,
        "id_number": t.id_number,
        "course": course,
        "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(minutes=minutes)).isoformat(),
    }
