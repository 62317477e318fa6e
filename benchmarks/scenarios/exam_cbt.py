"""Scenarios of the computer-based theory exam (issue 13, benchmarks 14 a, b, d).

- `exam-start`: PEIYU_BENCH_EXAM_CANDIDATES (3 000) approved candidates of one session each pass the
  identity check and receive their sealed paper in their own order (POST /api/v1/exams/cbt/start; the
  answer carries the items): each candidate exactly once, spread over the wrk threads, every answer 200;
  requests/s in steady state (the starts between the 5th and 95th percentile of the server's start
  times, as the floor is measured after a warm-up) and p95 against the floor; the whole run's rate
  beside it. The sitting is opened as `sitting_open` opens it: its
  candidates' attempts prepared, not started (services.cbt_prepare), so a start is one conditional
  UPDATE with its log and audit event.
- `exam-autosave`: the same number of attempts in progress, each device bound to a known secret; each
  request saves one changed answer on top of the revision the client holds (POST
  /api/v1/exams/cbt/answers), cycling through the attempts; every answer 200 (a stale revision would
  be a 409); against the floor.
- `exam-scoring`: PEIYU_BENCH_EXAM_PAPERS (100 000) submitted theory papers of 100 objective items
  (single, multiple, true/false, fill-in) scored by the bulk session scorer
  (services.cbt_scoring.session_score_objective), in this process, against the naive loop (each
  attempt read as a model, each item scored with rules.cbt.score_item, the attempt and the
  registration saved one by one) on a sample of PEIYU_BENCH_EXAM_REFERENCE (2 000) papers.

Like with like: start and autosave are driven at the run's `--connections` (32, as the floor), so the
floor they are compared with is the one every HTTP scenario shares, measured on the same server at
the same connection count: with 4 sync workers, 32 connections keep every worker busy in both
measurements (a worker serves one request at a time, the others wait in the listen queue), and
neither side is starved by having fewer requests in flight than workers. An earlier version drove
the exam at one connection per core against the floor at 32, which compared two busy workers with
four. PEIYU_BENCH_EXAM_CONNECTIONS chooses another count; the floor is then measured again at that
count, so the ratio always compares the same concurrency.

Data is made directly through the models (bulk inserts): a session of a test institution with a sealed
paper of two forms, an open theory sitting, trainees and approved registrations."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import time
from typing import Any

from peiyu_bench import Bench, median_round, say, scenario

CANDIDATES = int(os.environ.get("PEIYU_BENCH_EXAM_CANDIDATES", "3000"))
PAPERS = int(os.environ.get("PEIYU_BENCH_EXAM_PAPERS", "100000"))
REFERENCE = int(os.environ.get("PEIYU_BENCH_EXAM_REFERENCE", "2000"))
# wrk connections of start and autosave: 0 = the run's --connections, the floor's (module docstring)
CONNECTIONS = int(os.environ.get("PEIYU_BENCH_EXAM_CONNECTIONS", "0"))
ITEMS = [("single", 60), ("multiple", 10), ("true_false", 20), ("fill", 10)]


def _content(form: str, number: str) -> dict[str, Any]:
    rng = random.Random(form)
    items = []
    position = 0
    for kind, count in ITEMS:
        for _ in range(count):
            position += 1
            item: dict[str, Any] = {"position": position, "item": position, "version": position, "type": kind,
                                    "area": "A", "difficulty": 2, "points": "1.0", "stem": f"第{position}题题干" * 3}  # fmt: skip
            if kind in ("single", "multiple"):
                item["options"] = [f"选项{c}的文字说明" for c in "甲乙丙丁"]
                item["answer"] = (
                    rng.choice("ABCD") if kind == "single" else "".join(sorted(rng.sample("ABCD", 2)))
                )
            elif kind == "true_false":
                item["answer"] = rng.choice("TF")
            else:
                item["answer"] = [f"答案{position}", f"Answer {position}"]
            items.append(item)
    return {"session": number, "form": form, "kind": "theory", "total_points": "100.0", "items": items}


def _world(n: int, tag: str) -> dict[str, Any]:
    """An institution, its listing, site, a session in its exam step with two sealed forms, an open
    theory sitting, `n` approved candidates (id numbers returned)."""
    from django.db import transaction
    from django.utils import timezone

    from peiyu.accounts.models import Org
    from peiyu.core.crypto import blind_index, sm3_hex
    from peiyu.core.identifiers import id_with_check
    from peiyu.core.policy import load_policy_files
    from peiyu.exams.models import EvaluationSession, ExamRoom, ExamSite, Paper, Registration, Sitting
    from peiyu.institutions.models import Listing
    from peiyu.training.models import Trainee

    load_policy_files()
    now = timezone.now()
    run = f"{tag}{time.strftime('%H%M%S')}"
    with transaction.atomic():
        org = Org.objects.create(name=f"基准测试评价机构{run}", kind="institution", region_id="510107")
        listing = Listing.objects.create(
            number=f"LE-BENCH-{run}", programme="skill", institution=org, institution_name=org.name,
            kind="evaluation", occupation_code="6-31-01-03", occupation_name="电工", levels=["四级"],
            region_id="510107", valid_from=now.date() - dt.timedelta(days=365),
            valid_until=now.date() + dt.timedelta(days=365), status="active",
        )  # fmt: skip
        site = ExamSite.objects.create(institution=org, region_id="510107", name="基准考点", address="成都",
                                       serial=run[-6:], status="accepted")  # fmt: skip
        room = ExamRoom.objects.create(site=site, kind="theory", name="基准考场", seats=n, one_per_desk=True,
                                       desk_spacing_cm=90, computers=n)  # fmt: skip
        starts = now - dt.timedelta(minutes=5)
        session = EvaluationSession.objects.create(
            number=f"KSB{run}", institution=org, listing=listing, region_code="510107", programme="skill",
            occupation_code="6-31-01-03", occupation_name="电工", level="四级", title="基准测试批次", site=site,
            registration_opens_on=now.date(), registration_closes_on=now.date(), theory_starts_at=starts,
            theory_minutes=120, status="exam",
        )  # fmt: skip
        papers = []
        for form in ("A", "B"):
            text = json.dumps(_content(form, session.number), ensure_ascii=False, sort_keys=True)
            papers.append(Paper.objects.create(session=session, form=form, status="sealed", sealed_content=text,
                                               digest=sm3_hex(text.encode()), sealed_at=now, opens_at=starts))  # fmt: skip
        sitting = Sitting.objects.create(session=session, kind="theory", room=room, starts_at=starts,
                                         ends_at=starts + dt.timedelta(hours=3), status="open", opened_at=starts)  # fmt: skip
    started = time.perf_counter()
    draw = random.Random(run)
    for _ in range(50):  # a database that kept earlier runs: draw again until no number is taken
        base = draw.randrange(10**6, 9 * 10**6)
        numbers = [id_with_check(f"510107{dt.date(1970, 1, 1) + dt.timedelta(days=(base + i) // 900):%Y%m%d}{(base + i) % 900 + 100:03d}")
                   for i in range(n)]  # fmt: skip
        indexes = [blind_index(x, "person_id_number") for x in numbers]
        if not any(
            Trainee.objects.filter(id_index__in=indexes[k : k + 5000]).exists() for k in range(0, n, 5000)
        ):
            break
    with transaction.atomic():
        people = Trainee.objects.bulk_create(
            [Trainee(name=f"考生{i}", id_number=num, id_index=blind_index(num, "person_id_number"), sex="M",
                     birth_date=dt.date(1990, 1, 1)) for i, num in enumerate(numbers)], batch_size=2000,
        )  # fmt: skip
        if people[0].pk is None:
            people = list(Trainee.objects.filter(id_index__in=[p.id_index for p in people]).order_by("pk"))
        regs = Registration.objects.bulk_create(
            [Registration(session=session, person=p, source="self", status="approved", seat=str(i + 1),
                          ticket_number=f"{session.number}{i + 1:05d}", theory_sitting=sitting)
             for i, p in enumerate(people)], batch_size=2000,
        )  # fmt: skip
    if regs[0].pk is None:
        regs = list(Registration.objects.filter(session=session).order_by("pk"))
    say(
        f"  set-up: a session with 2 sealed forms of 100 items, {n:,} approved candidates in {time.perf_counter() - started:.1f} s"
    )
    tickets = {r.person_id: r.ticket_number for r in regs}
    pairs = [(num, tickets[p.pk]) for num, p in zip(numbers, people, strict=True)]
    return {"session": session, "sitting": sitting, "papers": papers, "pairs": pairs, "registrations": regs}


def _lua_once(bodies: list[str], path: str, threads: int) -> str:
    """Each wrk thread posts its share of `bodies` once, then stops."""
    listed = ",\n".join(json.dumps(b, ensure_ascii=False) for b in bodies)
    return f"""
local bodies = {{
{listed}
}}
local threads = {threads}
local n = 0
local sent = 0
local got = 0
local mine = 0
setup = function(thread) thread:set("id", n); n = n + 1 end
init = function(args)
  mine = 0
  for i = id + 1, #bodies, threads do mine = mine + 1 end
end
request = function()
  local i = id + 1 + sent * threads
  sent = sent + 1
  if i > #bodies then i = id + 1 end
  return wrk.format("POST", "{path}", {{["Content-Type"] = "application/json"}}, bodies[i])
end
response = function(status, headers, body)
  got = got + 1
  if got >= mine then wrk.thread:stop() end
end
"""


def _run_lua(b: Bench, lua: str, *, duration: float, connections: int) -> dict[str, Any]:
    from peiyu_bench import REPORT_LUA

    script = b.tmp / f"wrk-exam-{time.monotonic_ns()}.lua"
    script.write_text(lua + "\n" + REPORT_LUA.read_text())
    threads = max(1, min(b.args.wrk_threads, connections))
    binary, url = b.wrk_binary(), b.base_url() + "/api/v1/ping"
    started = time.perf_counter()
    result = b._run_wrk(binary, threads, connections, duration, script, url)
    wall = time.perf_counter() - started
    if wall < result["seconds"]:
        # the threads stopped early (each candidate once): wrk still reports its whole -d duration, so
        # the rate is the requests over the time they really took
        result.update(seconds=round(wall, 3), rps=round(result["requests"] / wall, 2))
    result.update(connections=connections, threads=threads)
    return result


def _connections(b: Bench) -> int:
    return CONNECTIONS or b.args.connections


def _floor(b: Bench) -> dict[str, Any]:
    """The floor at the connection count the exam is driven at (module docstring)."""
    connections = _connections(b)
    if connections == b.args.connections:
        return b.floor()
    cached = getattr(b, "_exam_floor", None)
    if cached is None or cached["connections"] != connections:
        cached = b.wrk("/api/v1/ping", connections=connections)
        b._exam_floor = cached  # type: ignore[attr-defined]
    return cached


def _against_floor(
    b: Bench, figure: dict[str, Any], label: str, max_error_share: float = 0.0
) -> dict[str, Any]:
    floor = _floor(b)
    errors = sum(figure["errors"].values())
    if errors > max_error_share * figure["requests"]:
        raise RuntimeError(f"{errors} failed requests of {figure['requests']}: {figure['errors']}")
    ratio = figure["rps"] / floor["rps"] * 100 if floor["rps"] else 0.0
    line = (f"{label}: {figure['rps']:,.0f} req/s, p95 {figure['p95_ms']:.1f} ms ({figure['requests']:,} requests) "
            f"vs floor {floor['rps']:,.0f} req/s, p95 {floor['p95_ms']:.1f} ms (ratio {ratio:.0f}%; both at "
            f"{figure['connections']} connections)")  # fmt: skip
    return {
        "figure": figure,
        "reference": {"name": "floor", **floor},
        "ratio_pct": round(ratio, 1),
        "line": line,
    }


@scenario(
    "exam-start", "theory exam start: 3 000 candidates each pass the identity check and get their paper"
)
def exam_start(b: Bench) -> dict[str, Any]:
    b.reference_data()
    from peiyu.exams.services.cbt_prepare import attempts_prepare

    world = _world(CANDIDATES, "S")
    t0 = time.perf_counter()
    prepared = attempts_prepare(actor=None, sitting=world["sitting"])  # as sitting_open does
    say(f"  {prepared:,} attempts prepared (not started) in {time.perf_counter() - t0:.1f} s")
    _floor(b)
    bodies = [json.dumps({"id_number": num, "ticket_number": ticket}) for num, ticket in world["pairs"]]
    connections = _connections(b)
    threads = max(1, min(b.args.wrk_threads, connections))
    # one request per candidate: no warm-up (a second start from another client would be a resumption)
    figure = _run_lua(b, _lua_once(bodies, "/api/v1/exams/cbt/start", threads),
                      duration=max(b.args.duration, 300), connections=connections)  # fmt: skip
    from django.db.models import Max, Min

    from peiyu.exams.models import Attempt

    attempts = Attempt.objects.filter(sitting=world["sitting"], status="in_progress")
    started = attempts.count()
    if started != len(bodies) or figure["requests"] < len(bodies):
        raise RuntimeError(f"{started} attempts started of {len(bodies)} ({figure['requests']} requests)")
    # wrk waits out its -d duration after its threads stopped, so the rate comes from the server's own
    # start times. Steady state, like the floor (measured after a warm-up, for a fixed time): the starts
    # between the 5th and the 95th percentile over the time they took. The whole run (first to last
    # start, plus one mean request) is reported beside it: its tail holds the last connections of a
    # wrk thread that has stopped, on which a sync worker waits until its timeout and is restarted
    span = attempts.aggregate(first=Min("started_at"), last=Max("started_at"))
    seconds = (span["last"] - span["first"]).total_seconds() + figure["mean_ms"] / 1000
    times = list(attempts.order_by("started_at").values_list("started_at", flat=True))
    low, high = int(0.05 * len(times)), int(0.95 * len(times)) - 1
    steady = (high - low) / max((times[high] - times[low]).total_seconds(), 1e-6)
    whole = started / seconds
    figure.update(seconds=round(seconds, 3), rps=round(steady, 2), rps_whole_run=round(whole, 2))
    result = _against_floor(b, figure, f"{started:,} candidates started (steady state, 5–95 % of the starts)")
    result["line"] += f"; whole run {whole:,.0f} req/s over {seconds:.1f} s"
    return result


def _autosave_lua(
    cookies: list[str], positions: list[tuple[str, str]], threads: int, revisions: list[int] | None = None
) -> str:
    """Thread t owns the attempts t+1, t+1+T, …, cycles through them and sends each the revision it
    holds (its own counter, from `revisions` — the stored ones — or 0): no attempt is ever saved twice
    at once, so every save must be a 200."""
    listed = ",\n".join(json.dumps(c) for c in cookies)
    pos = ",\n".join("{" + json.dumps(p) + ", " + json.dumps(v) + "}" for p, v in positions)
    held = ", ".join(str(r) for r in (revisions or []))
    return f"""
local cookies = {{
{listed}
}}
local answers = {{
{pos}
}}
local threads = {threads}
local n = 0
local k = 0
local rev = {{{held}}}
local mine = {{}}
setup = function(thread) thread:set("id", n); n = n + 1 end
init = function(args)
  for i = id + 1, #cookies, threads do mine[#mine + 1] = i end
end
request = function()
  k = k + 1
  local i = mine[((k - 1) % #mine) + 1]
  local r = rev[i] or 0
  rev[i] = r + 1
  local a = answers[(k % #answers) + 1]
  local body = '{{"revision":' .. r .. ',"answers":{{"' .. a[1] .. '":"' .. a[2] .. '"}}}}'
  return wrk.format("POST", "/api/v1/exams/cbt/answers",
    {{["Content-Type"] = "application/json", ["Cookie"] = "peiyu_exam=" .. cookies[i]}}, body)
end
"""


@scenario("exam-autosave", "theory exam autosave: one changed answer per request on top of the held revision")
def exam_autosave(b: Bench) -> dict[str, Any]:
    b.reference_data()
    from django.utils import timezone

    from peiyu.exams.models import Attempt

    world = _world(CANDIDATES, "A")
    now = timezone.now()
    secrets_ = [
        hashlib.sha256(f"bench-{i}".encode()).hexdigest()[:40] for i in range(len(world["registrations"]))
    ]
    Attempt.objects.bulk_create(
        [Attempt(registration=r, sitting=world["sitting"], paper=world["papers"][i % 2], shuffle_seed=f"{i:032x}",
                 status="in_progress", started_at=now, deadline_at=now + dt.timedelta(hours=2), last_seen_at=now,
                 device_token=hashlib.sha256(secrets_[i].encode()).hexdigest(), devices=1)
         for i, r in enumerate(world["registrations"])], batch_size=2000,
    )  # fmt: skip
    ids = {
        reg: (pk, paper)
        for reg, pk, paper in Attempt.objects.filter(sitting=world["sitting"]).values_list(
            "registration_id", "pk", "paper_id"
        )
    }
    # the cookie the start sets: <attempt>-<form>.<secret>
    cookies = [f"{ids[r.pk][0]}-{ids[r.pk][1]}.{secrets_[i]}" for i, r in enumerate(world["registrations"])]
    positions = [(str(p), v) for p, v in zip(range(1, 61), "ABCD" * 15, strict=False)]
    attempt_ids = [ids[r.pk][0] for r in world["registrations"]]
    connections = _connections(b)
    threads = max(1, min(b.args.wrk_threads, connections))
    rounds: list[dict[str, Any]] = []
    for _ in range(max(1, b.args.rounds)):
        if b.args.rounds > 1:  # the floor again, just before this round (README: --rounds)
            b._floor = None
            b._exam_floor = None  # type: ignore[attr-defined]
        _floor(b)
        # each round starts from the revisions stored so far; no warm-up run: it would advance them
        stored = dict(Attempt.objects.filter(pk__in=attempt_ids).values_list("pk", "revision"))
        lua = _autosave_lua(cookies, positions, threads, [stored[pk] for pk in attempt_ids])
        figure = _run_lua(b, lua, duration=b.args.duration, connections=connections)
        # a request wrk re-sends on a new connection after its answer was lost arrives with a revision
        # the server has already passed: a 409, as it should be; a few in a thousand are tolerated
        rounds.append(_against_floor(b, figure, "autosaves", max_error_share=0.001))
        rounds[-1]["line"] += f"; {figure['errors']['status']} refused as stale"
    return median_round(rounds)


@scenario("exam-scoring", "theory scoring: 100 000 submitted papers by the bulk scorer vs the naive loop")
def exam_scoring(b: Bench) -> dict[str, Any]:
    b.reference_data()
    from django.db import connection
    from django.utils import timezone

    from peiyu.exams.models import Attempt, Registration
    from peiyu.exams.rules.cbt import score_item, tenths
    from peiyu.exams.selectors.cbt import content_by_id, forget_cached_papers
    from peiyu.exams.services.cbt_scoring import session_score_objective

    world = _world(PAPERS, "D")
    now = timezone.now()
    contents = {p.pk: _content(p.form, world["session"].number) for p in world["papers"]}
    rng = random.Random(7)

    def answers(paper_id: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for item in contents[paper_id]["items"]:
            if rng.random() < 0.7:
                out[str(item["position"])] = item["answer"][0] if item["type"] == "fill" else item["answer"]
            elif item["type"] in ("single", "multiple"):
                out[str(item["position"])] = rng.choice("ABCD")
        return out

    started = time.perf_counter()
    rows = []
    for i, r in enumerate(world["registrations"]):
        paper = world["papers"][i % 2]
        rows.append(Attempt(registration=r, sitting=world["sitting"], paper=paper, shuffle_seed=f"{i:032x}",
                            status="submitted", started_at=now, deadline_at=now, submitted_at=now,
                            answers=answers(paper.pk), revision=1))  # fmt: skip
    Attempt.objects.bulk_create(rows, batch_size=5000)
    say(
        f"  {len(rows):,} submitted papers written in {time.perf_counter() - started:.1f} s on {connection.vendor}"
    )
    forget_cached_papers()
    run = session_score_objective(actor=None, session=world["session"], now=now)
    scored = Attempt.objects.filter(sitting=world["sitting"], objective_score__isnull=False).count()
    theory = Registration.objects.filter(session=world["session"], theory_score__isnull=False).count()
    if scored != len(rows) or theory != len(rows):
        raise RuntimeError(f"scored {scored}, theory scores {theory} of {len(rows)}")
    # the naive loop on a sample, scoring the same way
    sample = list(
        Attempt.objects.filter(sitting=world["sitting"])
        .order_by("pk")
        .values_list("pk", flat=True)[:REFERENCE]
    )
    t0 = time.perf_counter()
    for pk in sample:
        a = Attempt.objects.select_related("registration").get(pk=pk)
        content = content_by_id(a.paper_id, now=now)
        got = sum(tenths(it["points"]) for it in content["items"]
                  if score_item(it["type"], it.get("answer"), (a.answers or {}).get(str(it["position"]))))  # fmt: skip
        a.objective_score = a.score = got / 10
        a.save(update_fields=["objective_score", "score"])
        a.registration.theory_score = got / 10
        a.registration.save(update_fields=["theory_score"])
    naive = len(sample) / (time.perf_counter() - t0)
    ratio = run.per_second / naive if naive else 0.0
    line = (f"{run.per_second:,.0f} papers/s ({run.attempts:,} papers of 100 items, {run.theory_scores:,} theory scores "
            f"written, {run.seconds:.2f} s on {connection.vendor}) vs the naive per-attempt ORM loop "
            f"{naive:,.0f} papers/s ({len(sample):,} papers; {ratio:.0f}×)")  # fmt: skip
    figure = {
        "papers": run.attempts,
        "seconds": round(run.seconds, 3),
        "papers_per_second": round(run.per_second, 1),
    }
    return {"figure": figure, "reference": {"name": "naive ORM loop", "papers_per_second": round(naive, 1)},
            "ratio_pct": round(ratio * 100, 1), "line": line}  # fmt: skip
