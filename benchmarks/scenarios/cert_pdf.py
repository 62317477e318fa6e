"""Issuing signed PDF certificates (issue 14, 13(b); ADR 0013): 10 000 skill certificates issued through
the one issuing service (services.issuance.certificates_create: numbers under the prefix's lock, payload
signatures, status-list positions, bulk insert, decision and audit), then each one's signed PDF rendered
(services.pdf.certificate_pdf: the page, its QR code of the signed payload URL, the SM2 signature block)
over the machine's cores (PEIYU_BENCH_CERT_WORKERS, default 2), every 100th PDF checked with pdf_check.
The figure is certificates per second over the whole run (issue + render + sign).

References measured in the same run, on the same pool: the same number of minimal unsigned reportlab
pages (one line of text, no QR, no signature) — what rendering a page at all costs here — and the SM2
signing rate of one core (Tongsuo).

    .venv/bin/python benchmarks/run.py cert-pdf
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import multiprocessing
import os
import time
from typing import Any

from peiyu_bench import say, scenario

COUNT = int(os.environ.get("PEIYU_BENCH_CERTS", "10000"))
WORKERS = int(os.environ.get("PEIYU_BENCH_CERT_WORKERS", "2"))
CHUNK = 250
SITE = "https://peiyu.example.cn/v/"


def _world():
    """A filed Chengdu evaluation organisation, its administrator and COUNT people who passed."""
    from peiyu.accounts.models import Org, Role, RoleAssignment, User
    from peiyu.core.bulk import insert_rows
    from peiyu.core.crypto import blind_index, encrypt
    from peiyu.core.policy import load_policy_files
    from peiyu.training.models import Trainee

    load_policy_files()
    org = Org.objects.create(name="成都市职业技能评价中心（基准）", kind="institution", region_id="510107")
    admin = User.objects.create_user(
        username="bench_cert_admin", password=None, full_name="基准发证", primary_org=org
    )
    role = Role.objects.get(code="institution_admin")
    RoleAssignment.objects.create(
        user=admin, role=role, org=org, region_id=org.region_id, separation=role.separation
    )
    token = encrypt("510107199001010012")
    now = dt.datetime.now(dt.UTC)
    rows = [
        (
            f"考生{i:05d}",
            token,
            blind_index(f"5101071990{i:08d}", "person_id_number"),
            "",
            "M",
            dt.date(1990, 1, 1),
            "",
            "",
            "",
            now,
            now,
        )
        for i in range(COUNT)
    ]
    columns = ("name", "id_number", "id_index", "phone", "sex", "birth_date", "employer", "education", "category",
               "created_at", "updated_at")  # fmt: skip
    insert_rows(Trainee._meta.db_table, columns, rows)
    holders = list(Trainee.objects.order_by("pk").values_list("pk", "name", "id_index")[:COUNT])
    return admin, org, holders


def _render_chunk(pks: list[int]) -> tuple[int, int, int]:
    """Worker: the signed PDFs of `pks`; (count, bytes, checked)."""
    from peiyu.certificates.models import Certificate
    from peiyu.certificates.services.pdf import certificate_pdf, pdf_check

    n = size = checked = 0
    for cert in Certificate.objects.filter(pk__in=pks).select_related("key").order_by("pk"):
        pdf = certificate_pdf(cert, verify_url=SITE + cert.payload)
        n += 1
        size += len(pdf)
        if cert.pk % 100 == 0:
            if not pdf_check(pdf).ok:
                raise RuntimeError(f"{cert.number}: the signed PDF does not verify")
            checked += 1
    return n, size, checked


def _minimal_chunk(count: int) -> int:
    """Reference worker: `count` one-line unsigned pages of the same size."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    from peiyu.core.documents.fonts import cjk_font

    font = cjk_font()
    for i in range(count):
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=landscape(A4), pageCompression=0, invariant=1)
        c.setFont(font, 14)
        c.drawString(100, 300, f"证书 {i:06d}")
        c.showPage()
        c.save()
    return count


def _parallel(func: Any, parts: list[Any]) -> tuple[list[Any], float]:
    """`func` over `parts` on WORKERS forked processes (forked: the scenario module, loaded from a file,
    cannot be pickled by name); the results and the wall time."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    gc.collect()
    gc.freeze()  # the children's collections then skip the parent's objects (no copy-on-write of its heap)

    def work(mine: list[Any]) -> None:
        try:
            queue.put([func(p) for p in mine])
        except Exception as exc:
            queue.put(exc)

    started = time.perf_counter()
    procs = [ctx.Process(target=work, args=(parts[i::WORKERS],)) for i in range(WORKERS)]
    for proc in procs:
        proc.start()
    results: list[Any] = []
    for _ in procs:
        got = queue.get()
        if isinstance(got, Exception):
            raise got
        results += got
    for proc in procs:
        proc.join()
    gc.unfreeze()
    return results, time.perf_counter() - started


@scenario(
    "cert-pdf", "issuing 10 000 signed PDF certificates (issue, render, sign) vs minimal unsigned pages"
)
def cert_pdf_scenario(b) -> dict[str, Any]:
    b.reference_data()
    from django.db import connections

    from peiyu.certificates.rules.numbering import NumberPlan
    from peiyu.certificates.services.issuance import IssueRow, certificates_create
    from peiyu.core import sm2

    admin, org, holders = _world()
    say(f"  {len(holders):,} people who passed, issuing on {WORKERS} worker(s)")

    rows = [
        IssueRow(holder_id=pk, holder_name=name, id_masked="510107********0012", id_index=index,
                 occupation_code="6-31-01-03", occupation_name="电工", direction="", level="四级",
                 details={}, source_kind="registration", source_id=pk)
        for pk, name, index in holders
    ]  # fmt: skip
    plan = NumberPlan(
        prefix="S000051999999264", width=6
    )  # 22 characters (CRT-4); site serial 999999: the benchmark
    started = time.perf_counter()
    certs = []
    for i in range(0, len(rows), 2000):
        certs += certificates_create(
            actor=admin, kind="skill", institution=org, programme="skill", region_code=org.region_id,
            plan=plan, rows=rows[i : i + 2000], issued_on=dt.date(2026, 12, 1), decision=None,
        )  # fmt: skip
    issue_seconds = time.perf_counter() - started
    say(f"  issued {len(certs):,} (numbered, payload signed, recorded) in {issue_seconds:.2f} s")
    pks = [c.pk for c in certs]
    del certs, rows, holders
    chunks = [pks[i : i + CHUNK] for i in range(0, len(pks), CHUNK)]
    started = time.perf_counter()
    _render_chunk(chunks[0])
    say(
        f"  in this process: {len(chunks[0])} PDFs at {len(chunks[0]) / (time.perf_counter() - started):.0f}/s"
    )
    connections.close_all()  # the workers fork without the parent's connection and open their own
    done, render_seconds = _parallel(_render_chunk, chunks)
    minimal_done, minimal_seconds = _parallel(_minimal_chunk, [len(c) for c in chunks])
    minimal = sum(minimal_done)
    count = sum(n for n, _s, _c in done)
    size = sum(s for _n, s, _c in done)
    checked = sum(c for _n, _s, c in done)
    private, _public = sm2.generate()
    started = time.perf_counter()
    for i in range(2000):
        sm2.sign(private, b"%d" % i)
    sign_rate = 2000 / (time.perf_counter() - started)

    total = issue_seconds + render_seconds
    figure = {
        "certificates": count, "workers": WORKERS, "issue_seconds": round(issue_seconds, 2),
        "render_sign_seconds": round(render_seconds, 2), "per_second": round(count / total, 1),
        "render_per_second": round(count / render_seconds, 1), "mean_pdf_bytes": size // max(count, 1),
        "pdfs_checked": checked,
    }  # fmt: skip
    reference = {
        "minimal_pages": minimal, "minimal_seconds": round(minimal_seconds, 2),
        "minimal_per_second": round(minimal / minimal_seconds, 1), "sm2_signs_per_second_one_core": round(sign_rate),
    }  # fmt: skip
    line = (
        f"{count:,} signed PDF certificates in {total:.1f} s = {count / total:.0f}/s (issue {issue_seconds:.1f} s, "
        f"render + sign on {WORKERS} cores {render_seconds:.1f} s = {count / render_seconds:.0f}/s; "
        f"{size // max(count, 1):,} bytes each, {checked} checked) vs minimal unsigned pages "
        f"{minimal / minimal_seconds:.0f}/s on the same pool; SM2 signing {sign_rate:.0f}/s on one core"
    )
    return {"figure": figure, "reference": reference, "line": line}
