"""The public institution catalog (CAT-4): searches over --listings generated listings through the HTTP
server, with the public response cache (`catalog`) and without it (`catalog-uncached`), each against
the floor of the same server; and the keyword search alone at --keyword-listings listings
(`catalog-keyword`, 1 000 000 by default, not run by default), against the substring scan it
replaced (ADR 0010), timed in this process."""

from __future__ import annotations

import random
import statistics
import time
from typing import Any
from urllib.parse import quote, urlencode

from peiyu_bench import fmt_http, say, scenario


def _listings(b, n: int) -> None:
    """At least `n` generated listings (and the institutions they need), then ANALYZE."""
    b.reference_data()
    from django.db import connection

    from peiyu.accounts.models import Org
    from peiyu.catalogs.models import Occupation
    from peiyu.demo.scale import generate
    from peiyu.demo.scale_listings import generate_listings
    from peiyu.institutions.models import Listing

    scopes = 2 * max(1, Occupation.objects.active().count())
    orgs_needed = -(-n // scopes) * 5 // 4  # a quarter more institutions than the scopes need
    have = Org.objects.filter(kind=Org.Kind.INSTITUTION).count()
    if have < orgs_needed:
        r = generate(orgs_needed - have, batch=b.args.batch, seed=b.args.seed, users_per_org=0)
        say(f"  institutions: {r.orgs:,} generated in {r.seconds:.1f} s")
    present = Listing.objects.count()
    if present < n:
        # A server started earlier (the floor's) keeps the database open, and with it running the
        # generation of a fresh SQLite database slowed to some 200 rows/s: it is stopped here, and the
        # next measurement starts a fresh one (and measures its floor again).
        b.restart_server()
        last = [0.0]

        def progress(r) -> None:
            if r.seconds - last[0] >= 30:
                last[0] = r.seconds
                say(f"    … {present + r.listings:,} listings ({r.seconds:.0f} s)")

        r = generate_listings(n - present, seed=b.args.seed, batch=b.args.batch, progress=progress)
        shares = ", ".join(f"{k} {v:,}" for k, v in sorted(r.statuses.items()))
        say(
            f"  listings: {r.listings:,} generated in {r.seconds:.1f} s "
            f"({r.rows_per_second:,.0f} rows/s, keyword index included; {shares})"
        )
    with connection.cursor() as cur:
        # the planner statistics a DBA gathers after a bulk load (PostgreSQL's autovacuum would too)
        cur.execute("ANALYZE")


def _words(sample_regions: list[str]) -> tuple[list[str], list[str]]:
    """What people type: the place names as the institutions' names carry them (沈阳, 大连 …) and
    occupation words."""
    from peiyu.accounts.models import Region
    from peiyu.demo.scale_names import PLACEHOLDER_CITIES
    from peiyu.demo.scale_names import short_place as _short

    names = dict(Region.objects.filter(level__lte=2).values_list("code", "name"))
    cities = {r[:4] + "00" for r in sample_regions} - {
        c for c, name in names.items() if name in PLACEHOLDER_CITIES
    }
    city_words = sorted({_short(names[c]) for c in cities if c in names})
    occupation_words = ["人工智能", "大数据", "物联网", "云计算", "区块链", "智能制造", "数字化", "集成电路"]
    return city_words, occupation_words


def _paths(b) -> dict[str, list[str]]:
    """The catalog's data set and the API, page and mixed paths, made once per run."""
    cached = getattr(b, "_catalog_paths", None)
    if cached is not None:
        return cached
    from django.urls import NoReverseMatch, resolve, reverse
    from django.urls.exceptions import Resolver404

    from peiyu.institutions.models import Listing

    b.django()
    try:
        page_url = reverse("catalog:list")
        resolve("/api/v1/catalog/listings")
    except (NoReverseMatch, Resolver404) as exc:
        raise RuntimeError(
            "the catalog is not mounted: the project urls must include the catalog views at catalog/ "
            "(namespace catalog) and the API the institutions.api.catalog router"
        ) from exc
    _listings(b, b.args.listings)

    rng = random.Random(b.args.seed)
    low, high = (
        Listing.objects.order_by("id").values_list("id", flat=True)[0],
        Listing.objects.latest("id").id,
    )
    picked = rng.sample(range(low, high + 1), min(3000, high - low + 1))
    sample = list(
        Listing.objects.filter(id__in=picked)
        .exclude(status="removed")
        .order_by("id")
        .values_list("number", "occupation_code", "region_id", "institution_name")
    )
    rng.shuffle(sample)
    city_words, occupation_words = _words([r[2] for r in sample])
    api_url = "/api/v1/catalog/listings"

    def api(**params) -> str:
        return f"{api_url}?{urlencode(params)}"

    def page(**params) -> str:
        return f"{page_url}?{urlencode(params)}" if params else page_url

    api_paths: list[str] = []
    page_paths: list[str] = []
    for i, (number, occupation, region, name) in enumerate(sample[:400]):
        city, province = region[:4] + "00", region[:2] + "0000"
        api_paths += [
            api(occupation=occupation, region=city),
            api(occupation=occupation, region=province),
            api(region=city),
            api(region=province, status="valid"),
            api(
                programme="dte",
                kind=rng.choice(["training", "evaluation"]),
                level=rng.choice(["初级", "中级", "高级"]),
            ),
            api(occupation=occupation, page=rng.randint(2, 5)),
            f"{api_url}/{quote(number)}",
        ]
        page_paths += [
            page(q=rng.choice(city_words)),
            page(q=rng.choice(occupation_words), region=province),
            page(region=city, occupation=occupation),
            page(region=province, status="valid"),
            page(),
            f"{page_url}{quote(number)}/",
        ]
        if i % 4 == 0:
            # a distinctive part of one institution's name: a rare keyword
            page_paths.append(page(q=name[len(name) // 3 : len(name) // 3 + 2]))
    rng.shuffle(api_paths)
    rng.shuffle(page_paths)
    mix = [p for pair in zip(api_paths, page_paths, strict=False) for p in pair]
    b._catalog_paths = {"api": api_paths, "page": page_paths, "mix": mix}
    return b._catalog_paths


@scenario(
    "catalog", "public institution catalog: searches over --listings listings (API and page) vs the floor"
)
def catalog_scenario(b) -> dict[str, Any]:
    """A mix of public searches: the API (/api/v1/catalog/listings with occupation, region, status,
    level filters, later pages, one listing) and the page (/catalog/ with keyword, region, occupation
    and status filters, one listing; one path in 25 a rare keyword). Reports the API alone and the
    pages alone (each path's first request renders it, the next ones are served from the public
    response cache while nothing changes) and the mix (by then every path has been asked for once),
    each against the floor of the same server. `catalog-uncached` is the same mix without the cache."""
    b.django()
    from django.db import connection

    paths = _paths(b)
    floor = b.floor()
    parts = {}
    for label in ("api", "page", "mix"):
        r = b.http(paths[label])
        parts[label] = r
        say(f"    {label:5} {len(paths[label]):,} paths: {r['line']}")
    main = parts["mix"]
    figure = dict(main["figure"])
    figure.update(
        listings=b.args.listings,
        database=connection.vendor,
        api={k: parts["api"]["figure"][k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms")},
        page={k: parts["page"]["figure"][k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms")},
        api_ratio_pct=parts["api"]["ratio_pct"],
        page_ratio_pct=parts["page"]["ratio_pct"],
    )
    line = (
        f"mix {fmt_http(main['figure'])} vs floor {fmt_http(floor)} (ratio {main['ratio_pct']:.0f}%); "
        f"API alone {fmt_http(parts['api']['figure'])} ({parts['api']['ratio_pct']:.0f}%), "
        f"page alone {fmt_http(parts['page']['figure'])} ({parts['page']['ratio_pct']:.0f}%); "
        f"{b.args.listings:,} listings on {connection.vendor}"
    )
    return {"figure": figure, "reference": main["reference"], "ratio_pct": main["ratio_pct"], "line": line}


@scenario(
    "catalog-uncached",
    "the catalog's mix from a server without the public response cache, vs that server's floor",
)
def catalog_uncached_scenario(b) -> dict[str, Any]:
    """The `catalog` mix (the same paths) from a server with the public response cache off
    (PEIYU_PUBLIC_CACHE_SECONDS=0): what every search costs when nothing is kept — real keyword
    searches vary too much for the cache to help them — against that server's own floor; then the
    page paths alone."""
    b.django()
    from django.db import connection

    paths = _paths(b)
    b.restart_server(PEIYU_PUBLIC_CACHE_SECONDS="0")
    try:
        mix = b.http(paths["mix"])
        say(f"    mix   {len(paths['mix']):,} paths: {mix['line']}")
        pages = b.http(paths["page"])
        say(f"    page  {len(paths['page']):,} paths: {pages['line']}")
    finally:
        b.restart_server()
    figure = dict(mix["figure"])
    figure.update(
        listings=b.args.listings,
        database=connection.vendor,
        page={k: pages["figure"][k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms")},
        page_ratio_pct=pages["ratio_pct"],
    )
    line = (
        f"mix without the public cache {fmt_http(mix['figure'])} vs its floor {fmt_http(mix['reference'])} "
        f"(ratio {mix['ratio_pct']:.0f}%); page alone {fmt_http(pages['figure'])} "
        f"({pages['ratio_pct']:.0f}%); {b.args.listings:,} listings on {connection.vendor}"
    )
    result = {"figure": figure, "reference": mix["reference"], "ratio_pct": mix["ratio_pct"], "line": line}
    if "rounds" in mix:
        line += "; rounds: mix " + ", ".join(f"{r['ratio_pct']:.0f}%" for r in mix["rounds"])
        line += ", page " + ", ".join(f"{r['ratio_pct']:.0f}%" for r in pages["rounds"])
        result.update(line=line, rounds={"mix": mix["rounds"], "page": pages["rounds"]})
    return result


def _timed(func, repeat: int) -> tuple[float, float]:
    """(first call, median of the next `repeat`) in milliseconds."""
    t0 = time.perf_counter()
    func()
    first = (time.perf_counter() - t0) * 1000
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append((time.perf_counter() - t0) * 1000)
    return first, statistics.median(times)


@scenario(
    "catalog-keyword",
    "one keyword search of the catalog at --keyword-listings listings (matching or not), in-process",
    default=False,
)
def catalog_keyword_scenario(b) -> dict[str, Any]:
    """`catalog_search(q=…)` — the first page of a single keyword, as the page and the API ask it — at
    --keyword-listings listings (1 000 000 by default; generated here, the keyword index filled by its
    triggers as they are written): keywords that match (cities, occupation words, two characters of
    one institution's name, part of a catalog number) and keywords that match nothing (absent words,
    characters each present but never together, Latin). The figure is the slowest keyword's median of
    5 calls after its first (the first, cold, is shown too); the reference is the substring scan the
    index replaced — `search_text LIKE '%…%'` over every listing, newest first — for one keyword that
    matches nothing, in the same run."""
    b.django()
    from django.db import connection

    from peiyu.institutions.models import Listing
    from peiyu.institutions.selectors.catalog import SHOWN_STATUSES, catalog_search

    n = b.args.keyword_listings
    _listings(b, n)
    rng = random.Random(b.args.seed)
    high = Listing.objects.latest("id").id
    rows = list(
        Listing.objects.filter(id__gt=high - 50_000)
        .order_by("id")
        .values_list("number", "region_id", "institution_name")
    )
    picked = rng.sample(rows, min(200, len(rows)))
    cities, occupations = _words([r[1] for r in picked])
    old = min(picked, key=lambda r: r[0])  # an old listing's name: its matches are far from the newest
    matching = [
        *rng.sample(cities, min(3, len(cities))),
        *occupations[:3],
        old[2][len(old[2]) // 3 : len(old[2]) // 3 + 2],
        old[0][-7:].lower(),
    ]
    nothing = ["量子纠缠", "鑫鑫鑫", "阳沈", "zzqx", "不存在的机构"]
    results: dict[str, dict[str, float]] = {}
    for word in matching + nothing:
        found = [0]

        def search(word=word, found=found) -> None:
            found[0] = len(catalog_search(q=word).rows)

        first, median = _timed(search, 5)
        results[word] = {"first_ms": round(first, 1), "median_ms": round(median, 1), "rows": found[0]}
        say(f"    {word:10} {found[0]:3} rows: first {first:6.1f} ms, then {median:6.1f} ms")
    worst_match = max(results[w]["median_ms"] for w in matching)
    worst_nothing = max(results[w]["median_ms"] for w in nothing)
    figure_ms = max(worst_match, worst_nothing)

    marks = ", ".join(["%s"] * len(SHOWN_STATUSES))
    table = connection.ops.quote_name(Listing._meta.db_table)

    def scan() -> None:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT id FROM {table} WHERE status IN ({marks}) AND search_text LIKE %s "  # noqa: S608
                "ORDER BY id DESC LIMIT 21",
                [*SHOWN_STATUSES, "%量子纠缠%"],
            )
            cur.fetchall()

    _first, reference_ms = _timed(scan, 2)
    say(f"    the substring scan it replaced (nothing matching): {reference_ms:.1f} ms")
    line = (
        f"one keyword at {n:,} listings on {connection.vendor}: slowest matching {worst_match:.1f} ms, "
        f"slowest matching nothing {worst_nothing:.1f} ms (median of 5 after the first); "
        f"the substring scan it replaced {reference_ms:.0f} ms"
    )
    return {
        "figure": {"ms": figure_ms, "matching_ms": worst_match, "nothing_ms": worst_nothing, "keywords": results,
                   "listings": n, "database": connection.vendor},
        "reference": {"scan_ms": round(reference_ms, 1)},
        "ratio_pct": round(100 * figure_ms / reference_ms, 1) if reference_ms else None,
        "line": line,
    }  # fmt: skip
