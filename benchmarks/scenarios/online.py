"""Scenario `online`: an online platform pushing signed batches of 1 000 learning records to
POST /api/v1/training/online/batches (TRN-4, TRN-5), against the floor of the same server.

Set-up in this process: an online platform org with its API user, bearer token and signing key; one
running class naming it as online platform, with PEIYU_BENCH_ONLINE_TRAINEES (2 000) trainees
enrolled (bulk-created). Bodies of distinct records are built and hashed ahead; each is signed at
send time with a fresh timestamp (the signature covers the timestamp and the body's SHA-256), so no
request is stale or replayed. Load: PEIYU_BENCH_ONLINE_CONNECTIONS (default: one per core)
keep-alive HTTP connections, threads of this process. After a warm-up, batches are posted for
--duration seconds; the figure is accepted records per second and the p50/p95 time per batch.
Every batch must be answered 200 with all its records accepted, or the scenario fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import itertools
import json
import os
import statistics
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from peiyu_bench import Bench, say, scenario

BATCH = 1000
# knobs of this scenario only (the runner's options are shared by every scenario)
TRAINEES = int(os.environ.get("PEIYU_BENCH_ONLINE_TRAINEES", "2000"))
PREPARED_PER_SECOND = 40  # batches built ahead per second of load (more are built on the fly if needed)
# concurrent batches: one per core by default. A batch is a write transaction and SQLite has one
# writer at a time; more connections than cores only make writers queue on its lock (whose busy
# handler retries by sleeping) and the measured throughput falls (8 connections: about 17 000/s here).
CONNECTIONS = int(os.environ.get("PEIYU_BENCH_ONLINE_CONNECTIONS", "0")) or os.cpu_count() or 2


def _setup(trainees: int) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from peiyu.accounts.models import Org, Role, RoleAssignment, User
    from peiyu.accounts.services.tokens import api_token_create
    from peiyu.core.crypto import blind_index
    from peiyu.core.identifiers import id_with_check
    from peiyu.institutions.models import Listing
    from peiyu.training.models import Enrolment, Trainee, TrainingClass, TrainingPlan
    from peiyu.training.services.online import platform_key_create

    today = timezone.localdate()
    run = time.strftime("%H%M%S")
    with transaction.atomic():
        platform = Org.objects.create(name=f"基准测试在线学习平台{run}", kind="online_platform")
        user = User.objects.create_user(
            username=f"bench_platform_{run}", password=None, full_name="平台接口", primary_org=platform
        )
        role = Role.objects.get(code="online_platform")
        RoleAssignment.objects.create(
            user=user, role=role, org=platform, region_id=None, separation=role.separation
        )
        inst = Org.objects.create(name=f"基准测试培训学校{run}", kind="institution", region_id="210102")
        listing = Listing.objects.create(
            number=f"LT-BENCH-{run}", programme="dte", institution=inst, institution_name=inst.name,
            kind="training", occupation_code="2-02-38-01", occupation_name="人工智能工程技术人员",
            levels=["初级"], region_id="210102", valid_from=today - dt.timedelta(days=365),
            valid_until=today + dt.timedelta(days=365), status="active",
        )  # fmt: skip
        plan = TrainingPlan.objects.create(
            number=f"TP-BENCH-{run}", institution=inst, listing=listing, programme="dte",
            occupation_code="2-02-38-01", occupation_name="人工智能工程技术人员", level="初级",
            region_id="210102", title="基准测试计划", hours_theory=60, hours_practice=40, hours_online=40,
            hours_offline=60, starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=30),
            status="filed",
        )  # fmt: skip
        klass = TrainingClass.objects.create(
            number=f"TC-BENCH-{run}", plan=plan, title="基准测试班", region_id="210102",
            starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=30),
            status="running", online_platform=platform,
        )  # fmt: skip
    _token, bearer = api_token_create(actor=user, name="benchmark")
    key, secret = platform_key_create(actor=user, platform=platform)
    started = time.perf_counter()
    born = dt.date(1980, 1, 1)
    numbers = [
        id_with_check(f"150102{born + dt.timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}")
        for n in range(trainees)
    ]
    rows = [
        Trainee(
            name=f"学员{i}",
            id_number=n,
            id_index=blind_index(n, "person_id_number"),
            sex="M",
            birth_date=dt.date(1990, 1, 1),
        )
        for i, n in enumerate(numbers)
    ]
    with transaction.atomic():
        # a re-used --database-url keeps the people of an earlier run: enrol them again, create the rest
        known = set(
            Trainee.objects.filter(id_index__in=[r.id_index for r in rows]).values_list("id_index", flat=True)
        )
        Trainee.objects.bulk_create([r for r in rows if r.id_index not in known], batch_size=1000)
        made = Trainee.objects.filter(id_index__in=[r.id_index for r in rows]).values_list("pk", flat=True)
        Enrolment.objects.bulk_create(
            [Enrolment(klass=klass, trainee_id=pk, source="import") for pk in made], batch_size=1000
        )
    say(
        f"  set-up: 1 platform, 1 running class, {len(numbers):,} trainees enrolled in {time.perf_counter() - started:.1f} s"
    )
    return {"bearer": bearer, "key_id": key.key_id, "secret": secret, "class": klass.number, "ids": numbers}


class _Driver:
    """Threads posting freshly signed batches over keep-alive connections until told to stop."""

    def __init__(self, base: str, setup: dict[str, Any], connections: int) -> None:
        u = urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.s = setup
        self.connections = connections
        self.seq = itertools.count()
        self.lock = threading.Lock()
        self.start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
        self.ready: list[tuple[bytes, str]] = []
        self.reset()

    def reset(self) -> None:
        self.latencies: list[float] = []
        self.accepted = 0
        self.failures: list[str] = []

    def body(self, n: int) -> bytes:
        ids, t0 = self.s["ids"], self.start + dt.timedelta(minutes=n)
        records = []
        for i in range(BATCH):
            start = t0 + dt.timedelta(seconds=i)
            records.append(
                {
                    "record_id": f"bench-{n}-{i}",
                    "class_number": self.s["class"],
                    "id_number": ids[(n * BATCH + i) % len(ids)],
                    "course": "机器学习基础",
                    "started_at": start.isoformat(),
                    "ended_at": (start + dt.timedelta(minutes=30)).isoformat(),
                }
            )
        return json.dumps({"batch_id": f"bench-{n}", "records": records}, ensure_ascii=False).encode()

    def prepare(self, count: int) -> None:
        """Build `count` batches (body and its SHA-256) ahead of the measurement: the signature covers
        the timestamp header and the body's digest, so only the HMAC is computed at send time."""
        for _ in range(count):
            body = self.body(next(self.seq))
            self.ready.append((body, hashlib.sha256(body).hexdigest()))

    def next_batch(self) -> tuple[bytes, str]:
        with self.lock:
            if self.ready:
                return self.ready.pop()
        body = self.body(next(self.seq))
        return body, hashlib.sha256(body).hexdigest()

    def headers(self, digest: str) -> dict[str, str]:
        ts = str(int(time.time()))
        msg = f"{ts}\n{digest}".encode()
        return {
            "Authorization": f"Bearer {self.s['bearer']}",
            "Content-Type": "application/json",
            "X-Peiyu-Key": self.s["key_id"],
            "X-Peiyu-Timestamp": ts,
            "X-Peiyu-Signature": hmac.new(self.s["secret"].encode(), msg, hashlib.sha256).hexdigest(),
        }

    def _worker(self, until: float) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        while time.monotonic() < until:
            body, digest = self.next_batch()
            t = time.perf_counter()
            try:
                conn.request(
                    "POST", "/api/v1/training/online/batches", body=body, headers=self.headers(digest)
                )
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                with self.lock:
                    self.failures.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - t
            with self.lock:
                if resp.status != 200:
                    self.failures.append(f"{resp.status}: {data[:300]!r}")
                    continue
                out = json.loads(data)
                if out["accepted"] != BATCH:
                    self.failures.append(f"accepted {out['accepted']} of {BATCH}: {out['errors'][:3]}")
                self.accepted += out["accepted"]
                self.latencies.append(elapsed)
        conn.close()

    def run(self, seconds: float) -> dict[str, Any]:
        self.reset()
        until = time.monotonic() + seconds
        started = time.perf_counter()
        threads = [threading.Thread(target=self._worker, args=(until,)) for _ in range(self.connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        lat = sorted(self.latencies)

        def pct(p: float) -> float:
            return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else 0.0

        return {
            "records": self.accepted,
            "batches": len(lat),
            "seconds": round(wall, 2),
            "records_per_second": round(self.accepted / wall, 1),
            "batches_per_second": round(len(lat) / wall, 2),
            "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else 0.0,
            "p50_ms": round(pct(0.50), 1),
            "p95_ms": round(pct(0.95), 1),
            "max_ms": round(lat[-1] * 1000, 1) if lat else 0.0,
            "connections": self.connections,
            "failures": len(self.failures),
            "failure_samples": self.failures[:5],
        }


@scenario("online", "online learning records: signed batches of 1 000 pushed by a platform, vs the floor")
def online_scenario(b: Bench) -> dict[str, Any]:
    b.reference_data()
    setup = _setup(TRAINEES)
    floor = b.floor()
    driver = _Driver(b.base_url(), setup, CONNECTIONS)
    started = time.perf_counter()
    driver.prepare(int((b.args.warmup + b.args.duration) * PREPARED_PER_SECOND))
    say(
        f"  {len(driver.ready):,} batches of {BATCH:,} records built and hashed in {time.perf_counter() - started:.1f} s"
    )
    if b.args.warmup > 0:
        driver.run(b.args.warmup)
    figure = driver.run(b.args.duration)
    if figure["failures"] or not figure["batches"]:
        raise RuntimeError(f"{figure['failures']} failed batches: {figure['failure_samples']}")
    line = (
        f"{figure['records_per_second']:,.0f} records/s (batches of {BATCH:,}: {figure['batches_per_second']:.1f} "
        f"batches/s, p50 {figure['p50_ms']:.0f} ms, p95 {figure['p95_ms']:.0f} ms per batch; "
        f"{figure['records']:,} records in {figure['seconds']:.1f} s over {figure['connections']} connections) "
        f"vs floor {floor['rps']:,.0f} req/s, p95 {floor['p95_ms']:.1f} ms"
    )
    ratio = figure["batches_per_second"] / floor["rps"] * 100 if floor["rps"] else 0.0
    return {
        "figure": figure,
        "reference": {"name": "floor", **floor},
        "ratio_pct": round(ratio, 2),
        "line": line,
    }
