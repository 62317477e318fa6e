"""Certificate verification (issue 14, 13(a) and 13(c)).

`cert-verify` (not default: it writes a million rows): public verification by number over
PEIYU_BENCH_CERTIFICATES generated certificates (default 1 000 000; peiyu.demo.scale_certificates, COPY
on PostgreSQL, executemany on SQLite), numbers drawn at random across the whole register
(PEIYU_BENCH_VERIFY_PATHS distinct numbers, default 20 000, cycled by wrk) so no cache holds the
answers: the API (`GET /api/v1/certificates/verify/<n>`) and the page (`/verify/?number=<n>`), each
against the floor of the same server. The server runs with budgets no benchmark can spend (every lookup
is still counted: one shared-counter increment each), since all load comes from one address.

`cert-offline`: offline signature verification as `peiyu cert_verify_offline` does it (a published keys
file read, each payload decoded and its SM2 signature checked through core.sm2, C-backed), on one core,
in this process: payloads/s over PEIYU_BENCH_OFFLINE_PAYLOADS distinct payloads (default 5 000) signed by
five issuers' keys. References in the same run: SM3 hashing of the same payloads (the floor any check
costs) and gmssl's pure-Python SM2 verify (what a verifier without a C library gets)."""

from __future__ import annotations

import json
import os
import random
import time
from typing import Any

from peiyu_bench import Bench, fmt_http, say, scenario

CERTIFICATES = int(os.environ.get("PEIYU_BENCH_CERTIFICATES", "1000000"))
PATHS = int(os.environ.get("PEIYU_BENCH_VERIFY_PATHS", "20000"))
OFFLINE_PAYLOADS = int(os.environ.get("PEIYU_BENCH_OFFLINE_PAYLOADS", "5000"))
UNSPENDABLE = str(10**12)


def _register(b: Bench, n: int) -> None:
    """At least `n` certificates in the benchmark database, then ANALYZE."""
    b.reference_data()
    from django.db import connection

    from peiyu.certificates.models import Certificate
    from peiyu.demo.scale_certificates import generate_certificates

    present = Certificate.objects.filter(source_kind="scale").count()
    if present < n:
        last = [0.0]

        def progress(r) -> None:
            if r.seconds - last[0] >= 20:
                last[0] = r.seconds
                say(f"    … {present + r.certificates:,} certificates ({r.seconds:.0f} s)")

        r = generate_certificates(n - present, seed=b.args.seed, batch=20_000, progress=progress)
        say(
            f"  certificates: {r.certificates:,} generated in {r.seconds:.1f} s ({r.rows_per_second:,.0f} rows/s, "
            f"{r.invalid:,} invalidated) on {connection.vendor}"
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def _numbers(b: Bench, count: int) -> list[str]:
    """`count` numbers of certificates drawn at random over the whole register."""
    from peiyu.certificates.models import Certificate

    qs = Certificate.objects.filter(source_kind="scale")
    low = qs.order_by("status_index").values_list("status_index", flat=True).first() or 0
    high = qs.order_by("-status_index").values_list("status_index", flat=True).first() or 0
    rng = random.Random(b.args.seed)
    picked = rng.sample(range(low, high + 1), min(count, high - low + 1))
    numbers: list[str] = []
    for start in range(0, len(picked), 5000):
        chunk = picked[start : start + 5000]
        numbers += qs.filter(status_index__in=chunk).values_list("number", flat=True)
    rng.shuffle(numbers)
    return numbers


def _judge(measured: dict[str, Any]) -> str:
    r, floor = measured["figure"], measured["reference"]
    rounds = measured.get("rounds")
    each = (", rounds " + ", ".join(f"{x['ratio_pct']:.0f}%" for x in rounds)) if rounds else ""
    return (
        f"{fmt_http(r)}, p99 {r['p99_ms']:.1f} ms, {sum(r['errors'].values())} errors "
        f"({measured['ratio_pct']:.0f}% of the floor {floor['rps']:,.0f} req/s{each})"
    )


@scenario(
    "cert-verify",
    "certificate verification by number over 1 000 000 certificates, random numbers: API and page vs the floor",
    default=False,
)
def cert_verify(b: Bench) -> dict[str, Any]:
    _register(b, CERTIFICATES)
    numbers = _numbers(b, PATHS)
    say(f"  {len(numbers):,} distinct numbers drawn at random")
    from django.db import connection

    connection.close()
    b.restart_server(
        PEIYU_VERIFY_HITS_PER_WINDOW=UNSPENDABLE,
        PEIYU_VERIFY_MISSES_PER_WINDOW=UNSPENDABLE,
    )
    api = b.http([f"/api/v1/certificates/verify/{n}" for n in numbers])
    page = b.http([f"/verify/?number={n}" for n in numbers])
    b.restart_server()
    floor = api["reference"]
    from peiyu.certificates.models import Certificate

    register = Certificate.objects.count()
    line = (
        f"API {_judge(api)}; page {_judge(page)}; floor {fmt_http(floor)}, "
        f"p99 {floor['p99_ms']:.1f} ms ({register:,} certificates, {len(numbers):,} random numbers, "
        f"{connection.vendor})"
    )
    return {
        "figure": {
            "api": api["figure"],
            "page": page["figure"],
            "certificates": register,
            "numbers": len(numbers),
        },
        "reference": api["reference"],
        "ratio_pct": api["ratio_pct"],
        "page_ratio_pct": page["ratio_pct"],
        **({"rounds": {"api": api["rounds"], "page": page["rounds"]}} if "rounds" in api else {}),
        "line": line,
    }


def _offline_material(n: int) -> tuple[dict[str, Any], list[str]]:
    """A published keys file of five issuers and `n` distinct signed payloads of real format."""
    import datetime as dt

    from peiyu.certificates.rules.payload import PayloadFields, payload_encode
    from peiyu.core import sm2

    def key_id_for(public: str) -> str:  # as services.signing names keys, without Django
        return "k" + sm2.sm3_digest(bytes.fromhex(public)).hex()[:16]

    pairs = [sm2.generate() for _ in range(5)]
    keys = {
        "keys": [
            {"key_id": key_id_for(public), "public_key": public, "status": "active", "revoked_at": None}
            for _, public in pairs
        ]
    }
    payloads = []
    for i in range(n):
        private, public = pairs[i % 5]
        fields = PayloadFields(
            number=f"S000051{i:06d}2641{i % 100000:05d}"[:22],
            kind="skill",
            holder_name=f"持证人{i}",
            occupation_code="6-31-01-03",
            level="四级",
            issued_on=dt.date(2026, 4, 20),
            key_id=key_id_for(public),
        )
        payloads.append(payload_encode(fields, lambda data, p=private: sm2.sign(p, data)))
    return keys, payloads


def _rate(func, items: list[Any], seconds: float) -> tuple[float, int]:
    """Calls per second of `func` over `items` (cycled) for about `seconds`."""
    done, started = 0, time.perf_counter()
    while True:
        for item in items:
            func(item)
        done += len(items)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done / elapsed, done


@scenario(
    "cert-offline", "offline SM2 verification of QR payloads against a keys file, one core, vs SM3 and gmssl"
)
def cert_offline(b: Bench) -> dict[str, Any]:
    # pure: rules.payload, rules.verification and core.sm2 need no Django and no database
    from peiyu.certificates.rules.payload import payload_verify
    from peiyu.certificates.rules.verification import keys_from_document, payload_of
    from peiyu.core import sm2

    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if cores:
        os.sched_setaffinity(0, {min(cores)})  # one core (this process is single-threaded anyway)
    try:
        return _offline(b, payload_verify, keys_from_document, payload_of, sm2)
    finally:
        if cores:
            os.sched_setaffinity(0, cores)


def _offline(b: Bench, payload_verify, keys_from_document, payload_of, sm2) -> dict[str, Any]:
    keys_doc, payloads = _offline_material(OFFLINE_PAYLOADS)
    text = json.dumps(keys_doc)
    public, revoked = keys_from_document(json.loads(text))
    failures = [p for p in payloads if not payload_verify(payload_of(p), public, revoked=revoked).ok]
    if failures:
        raise RuntimeError(f"{len(failures)} payloads did not verify")
    seconds = max(3.0, b.args.duration / 2)
    rate, done = _rate(lambda p: payload_verify(payload_of(p), public, revoked=revoked), payloads, seconds)
    sm3_rate, _ = _rate(lambda p: sm2.sm3_digest(p.encode("ascii")), payloads, 1.0)
    gm = _gmssl_rate(payloads[:40], public)
    line = (
        f"{rate:,.0f} payloads/s verified on one core ({done:,} checks of {len(payloads):,} distinct payloads, "
        f"5 keys; core.sm2 via Tongsuo) vs SM3 of the same payloads {sm3_rate:,.0f}/s"
        + (f", gmssl pure-Python SM2 verify {gm:,.1f}/s (×{rate / gm:,.0f})" if gm else "")
    )
    return {
        "figure": {"payloads_per_second": round(rate, 1), "checks": done, "distinct": len(payloads)},
        "reference": {
            "name": "sm3",
            "per_second": round(sm3_rate, 1),
            "gmssl_verify_per_second": round(gm, 2),
        },
        "ratio_pct": round(rate / sm3_rate * 100, 2) if sm3_rate else 0.0,
        "line": line,
    }


def _gmssl_rate(payloads: list[str], public: dict[str, str]) -> float:
    """gmssl's pure-Python verification of the same payloads (SM3 with Z_A, as GB/T 32918 asks)."""
    try:
        from gmssl import sm2 as gm_sm2
    except ImportError:
        return 0.0
    from peiyu.certificates.rules.payload import payload_decode

    decoded = [payload_decode(p) for p in payloads]

    def check(d) -> None:
        crypt = gm_sm2.CryptSM2(private_key="", public_key=public[d.key_id][2:])
        if not crypt.verify_with_sm3(d.signature.hex(), d.signed):
            raise RuntimeError("gmssl refused a valid signature")

    started = time.perf_counter()
    for d in decoded:
        check(d)
    return len(decoded) / (time.perf_counter() - started)
