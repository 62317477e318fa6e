#!/usr/bin/env python3
"""peiyu benchmarks (DESIGN "Performance"): each scenario prints its figure and a reference measured in
the same run, on the same machine and the same server, and the run is written to
benchmarks/results/<timestamp>.json.

    .venv/bin/python benchmarks/run.py                      # every default scenario
    .venv/bin/python benchmarks/run.py floor --duration 5   # one scenario, shorter
    .venv/bin/python benchmarks/run.py generate --scale 50000
    .venv/bin/python benchmarks/run.py --list

HTTP scenarios share one gunicorn (peiyu.config.settings.dev, a fresh SQLite database migrated under a
temporary PEIYU_VAR_DIR unless --database-url is given) and one wrk driver; the `floor` is the trivial
GET /api/v1/ping on that server, and every other HTTP scenario is reported against it as
"X req/s, p95 Y ms vs floor Z req/s, p95 W ms (ratio R%)". A new scenario is one function:

    @scenario("verify", "certificate verification by number")
    def verify(b: Bench) -> dict:
        numbers = ...                         # make data with b.django() / peiyu.demo.scale
        return b.http([f"/portal/verify/{n}" for n in numbers])

Targets are not kept here: they are set, and checked against these figures, in the issues.
Loads only 127.0.0.1; every wrk run is bounded by --duration."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
RESULTS = HERE / "results"
REPORT_LUA = HERE / "wrk" / "report.lua"
VENV = ROOT / ".venv"


def _ensure_venv() -> None:
    """Run under the project's venv even when started with the system python3."""
    try:
        import django  # noqa: F401

        import peiyu  # noqa: F401
    except ImportError:
        python = VENV / "bin" / "python"
        if python.exists() and Path(sys.prefix).resolve() != VENV.resolve():
            os.execv(str(python), [str(python), *sys.argv])  # noqa: S606 - same script, the venv's interpreter
        sys.exit("peiyu is not installed: run `make install` first")


# --- scenarios -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    func: Callable[[Bench], dict[str, Any]]
    default: bool


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, title: str, *, default: bool = True):
    def register(func: Callable[[Bench], dict[str, Any]]):
        SCENARIOS[name] = Scenario(name, title, func, default)
        return func

    return register


def say(message: str = "") -> None:
    print(message, flush=True)


def fmt_http(r: dict[str, Any]) -> str:
    return f"{r['rps']:,.0f} req/s, p95 {r['p95_ms']:.1f} ms"


# --- the harness ---------------------------------------------------------------------------------------


class Bench:
    """One run: a temporary var dir, at most one Django set-up in this process, at most one gunicorn,
    and the floor measured once and shared by every HTTP scenario."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="peiyu-bench-"))
        self._django = False
        self._reference = False
        self._server: subprocess.Popen | None = None
        self._server_log = self.tmp / "gunicorn.log"
        self._base = ""
        self._floor: dict[str, Any] | None = None
        self._server_env: dict[str, str] = {}
        self._wrk: str | None = None
        env = {
            "PEIYU_VAR_DIR": str(self.tmp / "var"),
            "DJANGO_SETTINGS_MODULE": "peiyu.config.settings.dev",
            "PEIYU_LOG_LEVEL": "WARNING",
            "PEIYU_DEBUG": "0",
        }
        (self.tmp / "var" / "static").mkdir(parents=True)  # STATIC_ROOT: whitenoise warns when missing
        # The database under test is chosen here, never inherited by accident.
        for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
            os.environ.pop(name, None)
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        if args.redis_url:  # the production path's cache (lookup budgets, sessions, the response cache)
            env["REDIS_URL"] = args.redis_url
        os.environ.update(env)

    # -- Django in this process (data set-up for the scenarios) --

    def django(self):
        """Set Django up in this process and migrate the benchmark database once."""
        if not self._django:
            import django
            from django.core.management import call_command

            django.setup()
            started = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            from django.db import connection

            say(
                f"  database: {connection.vendor} {connection.settings_dict['NAME']} (migrated in {time.perf_counter() - started:.1f} s)"
            )
            self._django = True
        from django.db import connection

        return connection

    def reference_data(self) -> None:
        """Roles and GB/T 2260 regions (plus the other reference data) loaded once."""
        if self._reference:
            return
        self.django()
        from peiyu.accounts.models import Region
        from peiyu.accounts.services.roles import roles_load

        roles_load()
        if not Region.objects.exists():
            from peiyu.catalogs.services import reference_load

            reference_load()
        say(f"  reference data: {Region.objects.count():,} regions")
        self._reference = True

    # -- the server --

    def base_url(self) -> str:
        if self._server is None:
            self._start_server()
        return self._base

    def _start_server(self) -> None:
        connection = self.django()
        connection.close()  # the server gets the database to itself while it is measured
        port = free_port()
        gunicorn = Path(sys.executable).parent / "gunicorn"
        cmd = [
            str(gunicorn) if gunicorn.exists() else "gunicorn",
            "peiyu.config.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(self.args.workers),
            "--worker-class", self.args.worker_class,
            "--threads", str(self.args.threads),
            "--backlog", "2048",
            "--log-level", "warning",
            "--error-logfile", str(self._server_log),
            "--chdir", str(ROOT),
        ]  # fmt: skip
        say(
            f"  server: gunicorn {self.args.workers} × {self.args.worker_class} worker(s) on 127.0.0.1:{port}"
        )
        self._server = subprocess.Popen(cmd, env=os.environ.copy(), start_new_session=True)
        self._base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self._server.returncode}:\n{self._tail_log()}")
            try:
                with urllib.request.urlopen(f"{self._base}/healthz", timeout=2) as resp:  # noqa: S310 - loopback
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn did not answer /healthz within 60 s:\n{self._tail_log()}")

    def _tail_log(self) -> str:
        try:
            return "\n".join(self._server_log.read_text(errors="replace").splitlines()[-30:])
        except OSError:
            return "(no log)"

    def stop_server(self) -> None:
        if self._server is None:
            return
        proc, self._server = self._server, None
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)

    def restart_server(self, **env: str) -> None:
        """Serve the next measurements from a fresh server whose environment adds `env` to the run's
        (none: back to the run's own); the floor is measured again on it."""
        self.stop_server()
        for name in self._server_env:
            os.environ.pop(name, None)
        os.environ.update(env)
        self._server_env = dict(env)
        self._floor = None

    # -- the load driver --

    def wrk_binary(self) -> str:
        if self._wrk is None:
            found = shutil.which("wrk")
            if found is None:
                how = "apt-get install -y --no-install-recommends wrk"
                if os.geteuid() != 0:
                    raise RuntimeError(f"wrk is not installed; install it with: sudo {how}")
                say(f"  wrk is not installed; installing Debian's package: {how}")
                subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "wrk"], check=True)
                found = shutil.which("wrk")
                if found is None:
                    raise RuntimeError(f"wrk still missing after `{how}`")
            self._wrk = found
        return self._wrk

    def wrk(
        self, paths: str | list[str], *, duration: float | None = None, connections: int | None = None
    ) -> dict:
        """Drive GET `paths` (cycled, one list per wrk thread) for `duration` seconds after a short
        warm-up; return requests/s, mean/p50/p95/p99/max latency in ms and the error counts."""
        paths = [paths] if isinstance(paths, str) else list(paths)
        if not paths:
            raise ValueError("no paths to request")
        duration = duration or self.args.duration
        connections = connections or self.args.connections
        threads = max(1, min(self.args.wrk_threads, connections))
        script = self.tmp / f"wrk-{time.monotonic_ns()}.lua"
        listed = ",\n".join(json.dumps(p) for p in paths)
        script.write_text(
            f"local paths = {{\n{listed}\n}}\nlocal i = 0\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n\n"
            + REPORT_LUA.read_text()
        )
        url = self.base_url() + paths[0]
        binary = self.wrk_binary()
        if self.args.warmup > 0:
            self._run_wrk(binary, threads, connections, self.args.warmup, script, url)
        result = self._run_wrk(binary, threads, connections, duration, script, url)
        result.update(connections=connections, threads=threads, paths=len(paths))
        return result

    @staticmethod
    def _run_wrk(
        binary: str, threads: int, connections: int, duration: float, script: Path, url: str
    ) -> dict:
        cmd = [binary, "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s", "--timeout", "10s"]
        cmd += ["-s", str(script), url]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
        for line in proc.stdout.splitlines():
            if line.startswith("WRK_JSON "):
                return json.loads(line[len("WRK_JSON ") :])
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")

    # -- comparisons --

    def floor(self) -> dict[str, Any]:
        if self._floor is None:
            result = self.wrk("/api/v1/ping")
            errors = sum(result["errors"].values())
            if errors:
                raise RuntimeError(f"the floor endpoint returned errors: {result['errors']}")
            self._floor = result
        return self._floor

    def http(self, paths: str | list[str], *, max_error_share: float = 0.0) -> dict[str, Any]:
        """Measure `paths` and the floor on the same server; the standard result of an HTTP scenario.

        With `--rounds K` (K > 1) the floor and `paths` are measured one after the other K times and
        the round with the median ratio is reported (every round's figures are kept in the result): on
        a shared machine the load of neighbours drifts between two measurements, and a ratio taken from
        adjacent measurements is the one that says something about this code."""
        results: list[dict[str, Any]] = []
        rounds = max(1, self.args.rounds)
        for _ in range(rounds):
            if rounds > 1:
                self._floor = None  # the floor again, just before this round's figure
            floor = self.floor()
            figure = self.wrk(paths)
            errors = sum(figure["errors"].values())
            if errors > max_error_share * max(figure["requests"], 1):
                raise RuntimeError(f"{errors} failed requests of {figure['requests']}: {figure['errors']}")
            ratio = figure["rps"] / floor["rps"] * 100 if floor["rps"] else 0.0
            results.append({
                "figure": figure,
                "reference": {"name": "floor", **floor},
                "ratio_pct": round(ratio, 1),
                "line": f"{fmt_http(figure)} vs floor {fmt_http(floor)} (ratio {ratio:.0f}%)",
            })  # fmt: skip
        return median_round(results)

    def close(self) -> None:
        self.stop_server()
        if self._django:
            from django.db import connections

            connections.close_all()
        if self.args.keep:
            say(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the scenarios -------------------------------------------------------------------------------------


def median_round(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Of one scenario's rounds (`--rounds`, each a result with its own floor), the one with the median
    ratio; with more than one, its line names every round's ratio and `rounds` keeps their figures."""
    result = sorted(results, key=lambda r: r["ratio_pct"])[len(results) // 2]
    if len(results) > 1:
        result["line"] += f"; median of {len(results)} rounds, ratios " + ", ".join(
            f"{r['ratio_pct']:.0f}%" for r in results
        )
        result["rounds"] = [
            {"ratio_pct": r["ratio_pct"], "rps": r["figure"]["rps"], "p95_ms": r["figure"]["p95_ms"],
             "floor_rps": r["reference"]["rps"]} for r in results
        ]  # fmt: skip
    return result


@scenario("floor", "GET /api/v1/ping: the trivial endpoint every HTTP figure is compared with")
def floor_scenario(b: Bench) -> dict[str, Any]:
    r = b.floor()
    line = (
        f"{fmt_http(r)} (p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms; {r['requests']:,} requests in "
        f"{r['seconds']:.1f} s, {r['connections']} connections, {b.args.workers} workers)"
    )
    return {"figure": r, "reference": None, "line": line}


@scenario("healthz", "GET /healthz: one database round trip, against the floor")
def healthz_scenario(b: Bench) -> dict[str, Any]:
    return b.http("/healthz")


@scenario("generate", "demo.scale.generate: rows/s of the bulk generator vs the ordinary one-row path")
def generate_scenario(b: Bench) -> dict[str, Any]:
    b.reference_data()
    from django.db import connection

    from peiyu.audit.verify import verify_chain
    from peiyu.demo.scale import generate

    ref = ordinary_path(b.args.reference_scale)
    scale = b.args.scale
    step = max(b.args.batch, scale // 10)

    def progress(r) -> None:
        if r.orgs % step < b.args.batch or r.orgs == scale:
            say(f"    … {r.orgs:,}/{scale:,} orgs, {r.rows:,} rows, {r.rows_per_second:,.0f} rows/s")

    res = generate(scale, batch=b.args.batch, seed=b.args.seed, progress=progress)
    figure = res.as_dict()
    if b.args.verify:
        started = time.perf_counter()
        check = verify_chain()
        seconds = time.perf_counter() - started
        if not check.ok:
            raise RuntimeError("audit chain broken after generate: " + check.breaks[0].describe())
        figure["verify"] = {
            "events": check.checked,
            "seconds": round(seconds, 2),
            "events_per_second": round(check.checked / seconds, 1),
        }
    ratio = res.rows_per_second / ref["rows_per_second"] * 100 if ref["rows_per_second"] else 0.0
    line = (
        f"{res.rows_per_second:,.0f} rows/s ({res.rows:,} rows: {res.orgs:,} orgs, {res.users:,} users, "
        f"{res.assignments:,} role assignments, {res.audit_events:,} audit events in {res.seconds:.1f} s on "
        f"{connection.vendor}) vs the ordinary one-row path {ref['rows_per_second']:,.0f} rows/s (ratio {ratio:.0f}%)"
    )
    if "verify" in figure:
        v = figure["verify"]
        line += f"; verify_chain {v['events_per_second']:,.0f} events/s ({v['events']:,} in {v['seconds']} s)"
    return {"figure": figure, "reference": ref, "ratio_pct": round(ratio, 1), "line": line}


def ordinary_path(n: int) -> dict[str, Any]:
    """The same rows as generate() for `n` institutions, written the way services write them: one
    transaction per object, Model.save() and audit_record() per row (no permission checks, no
    password hashing, so the comparison is about the write path)."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db import transaction
    from django.utils import timezone

    from peiyu.accounts.models import Org, Region, Role, RoleAssignment, User
    from peiyu.audit.services import audit_record
    from peiyu.demo.scale_names import places, uscc_for

    spots = places()
    role = Role.objects.get(code="institution_admin")
    offset = Org.objects.count()
    rows = 0
    started = time.perf_counter()
    for i in range(n):
        place = spots[(i * 7919) % len(spots)]
        with transaction.atomic():
            org = Org.objects.create(
                name=f"{place.city}基准{i}信息技术有限公司",
                kind="institution",
                region=Region(code=place.code),
                uscc=uscc_for(offset + i, place.code, school=False),
            )
            audit_record(None, "org.created", org, after={"name": org.name, "uscc": org.uscc})
        rows += 2
        for j in range(2):
            with transaction.atomic():
                user = User(username=f"ref{offset + i:08d}_{j + 1}", full_name="基准用户", primary_org=org)
                user.password = UNUSABLE_PASSWORD_PREFIX + "benchmark"
                user.save()
                audit_record(None, "user.created", user, after={"username": user.username, "org": org.pk})
            with transaction.atomic():
                RoleAssignment.objects.create(
                    user=user, role=role, org=org, region_id=org.region_id, valid_from=timezone.now()
                )
                audit_record(
                    None,
                    "role.assigned",
                    user,
                    after={"role": role.code, "org": org.pk},
                    region_code=org.region_id,
                )
            rows += 4
    seconds = time.perf_counter() - started
    return {
        "name": "ordinary path",
        "orgs": n,
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds, 1),
    }


# --- main ----------------------------------------------------------------------------------------------


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "scenarios", nargs="*", help="scenario names (default: every default scenario; --list shows them)"
    )
    p.add_argument("--list", action="store_true", help="list the scenarios and exit")
    p.add_argument(
        "--duration", type=float, default=10.0, help="seconds of load per HTTP measurement (default 10)"
    )
    p.add_argument(
        "--warmup", type=float, default=2.0, help="seconds of unmeasured load before each (default 2)"
    )
    p.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    p.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure the floor and each HTTP figure alternately this many times; report the median ratio",
    )
    p.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    p.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync)")
    p.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (gthread)")
    p.add_argument(
        "--scale", type=int, default=200_000, help="institutions made by `generate` (default 200000)"
    )
    p.add_argument("--batch", type=int, default=10_000, help="institutions per transaction in `generate`")
    p.add_argument("--reference-scale", type=int, default=300, help="institutions through the ordinary path")
    p.add_argument(
        "--listings", type=int, default=100_000, help="catalog listings made by `catalog` (default 100000)"
    )
    p.add_argument(
        "--keyword-listings",
        type=int,
        default=1_000_000,
        help="catalog listings for `catalog-keyword` (default 1000000)",
    )
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument(
        "--no-verify", dest="verify", action="store_false", help="skip verify_chain() after generate"
    )
    p.add_argument("--database-url", default="", help="benchmark this database instead of a fresh SQLite one")
    p.add_argument(
        "--redis-url", default="", help="give the server and set-up this Redis as their cache (REDIS_URL)"
    )
    p.add_argument("--keep", action="store_true", help="keep the temporary var dir (database, server log)")
    p.add_argument(
        "--no-save", dest="save", action="store_false", help="do not write results/<timestamp>.json"
    )
    return p.parse_args(argv)


def load_scenario_modules() -> None:
    """Scenarios of later areas live in benchmarks/scenarios/*.py; they `from peiyu_bench import
    scenario, say, Bench` (this module, whatever name it runs under)."""
    import importlib.util

    sys.modules.setdefault("peiyu_bench", sys.modules[__name__])
    for path in sorted((Path(__file__).resolve().parent / "scenarios").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"peiyu_bench_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


def main(argv: list[str] | None = None) -> int:
    load_scenario_modules()
    args = parse_args(argv)
    if args.list:
        for s in SCENARIOS.values():
            say(f"{s.name:10} {'' if s.default else '(not default) '}{s.title}")
        return 0
    names = args.scenarios or [s.name for s in SCENARIOS.values() if s.default]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        say(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
        return 2
    _ensure_venv()

    started = dt.datetime.now(dt.UTC)
    run: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "options": {
            **{k: v for k, v in vars(args).items() if k not in ("list", "database_url", "redis_url")},
            "redis": bool(args.redis_url),
        },
        "scenarios": {},
    }
    say(f"peiyu benchmarks · {run['commit'][:12]} · {os.cpu_count()} cores · {', '.join(names)}")
    bench = Bench(args)
    failed = []

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        for name in names:
            s = SCENARIOS[name]
            say(f"\n== {name}: {s.title}")
            t0 = time.perf_counter()
            try:
                result = s.func(bench)
            except Exception as exc:  # one failing scenario must not hide the others
                traceback.print_exc()
                failed.append(name)
                run["scenarios"][name] = {"error": f"{type(exc).__name__}: {exc}"}
                say(f"{name}: FAILED: {exc}")
                continue
            result["wall_seconds"] = round(time.perf_counter() - t0, 1)
            run["scenarios"][name] = result
            say(f"{name}: {result['line']}")
        if bench._django:
            from django.db import connection

            run["machine"]["database"] = connection.vendor
    finally:
        bench.close()

    run["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if args.save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        out.write_text(json.dumps(run, ensure_ascii=False, indent=2) + "\n")
        say(f"\nresults: {out.relative_to(ROOT)}")
    if failed:
        say(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
