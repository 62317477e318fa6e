"""Catalog listings at scale (institutions.Listing) for the institutions peiyu.demo.scale made, bulk-
written like them: for read benchmarks and demos of the public catalog."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from peiyu.accounts.models import Org, Region

from .scale import Table
from .scale_names import BRAND_CHARS, person_name, phone_number

# --- catalog listings ----------------------------------------------------------------------------------

# Shares of the listing statuses at scale: most entries are in force, some were suspended, expired,
# forfeited (DIR-3), terminated (DIR-6) or removed from the catalog.
LISTING_STATUS_WEIGHTS = (
    ("active", 0.74),
    ("suspended", 0.04),
    ("expired", 0.08),
    ("forfeited", 0.05),
    ("terminated", 0.05),
    ("removed", 0.04),
)
LISTING_STATUS_REASONS = {
    "suspended": "监督检查发现问题，责令限期整改，整改期间暂停开展培训评价活动",
    "expired": "有效期届满，未申请延续",
    "forfeited": "第一个有效期内未开展培训评价活动，视为主动放弃",
    "terminated": "机构申请注销，在途事项已按处理方案完成",
    "removed": "取消备案，退出目录",
}


@dataclass
class ListingScaleResult:
    listings: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.listings / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "listings": self.listings,
            "statuses": dict(sorted(self.statuses.items())),
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second, 1),
        }


def _listing_years(programme: str) -> tuple[int, int]:
    """(validity_years, reapply_ban_years) from the policy in force for the programme, or from its
    national profile file when policies are not loaded (DIR-1, DIR-3: never literals here)."""
    from peiyu.core.errors import PolicyMissing
    from peiyu.core.policy import POLICY_DIR, parse_profile_file, policy_for

    try:
        policy = policy_for(programme)
        params = {k: policy.get(k) for k in ("validity_years", "reapply_ban_years")}
    except PolicyMissing:
        params = {}
        for path in sorted(POLICY_DIR.glob("*.yaml")):
            data = parse_profile_file(path)
            if data.get("programme") == programme:
                for key in ("validity_years", "reapply_ban_years"):
                    spec = data["parameters"].get(key)
                    if spec is not None and params.get(key) is None:
                        params[key] = spec["value"] if isinstance(spec, dict) else spec
    validity = params.get("validity_years")
    if not validity:
        raise RuntimeError(f"no validity_years for programme {programme}: load the policy profiles first")
    return int(validity), int(params.get("reapply_ban_years") or validity)


def generate_listings(
    n: int,
    *,
    seed: int = 2026,
    batch: int = 10_000,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[ListingScaleResult], None] | None = None,
) -> ListingScaleResult:
    """Create `n` catalog listings (institutions.Listing) for the institutions already present (make
    them with generate() first), `batch` per transaction, bulk-written like generate().

    Each listing is one institution × kind × occupation (from catalogs.Occupation, so programme and
    level kind follow the occupation; trades, where loaded, give skill-level listings) × levels in the institution's own region, with the catalog
    region of its province (DTE) or city (skill), validity dates per the programme's policy
    (DIR-1), and a status drawn from LISTING_STATUS_WEIGHTS: expired and forfeited ones ended in the
    past, forfeited ones carry the reapplication ban (DIR-3). `search_text` is filled by the catalog's
    listing_search_text(), as the services do. No audit events or transition logs are written: these
    rows are for read benchmarks and demos of the public catalog.

    The (institution, kind, occupation) scopes are distinct across the generated rows, so the
    one-live-listing-per-scope constraint holds; `n` may not exceed institutions × 2 kinds ×
    occupations. Deterministic for a seed and a starting database; numbering continues after the
    listings already present."""
    from dateutil.relativedelta import relativedelta

    from peiyu.catalogs.models import Level, LevelKind, Occupation, Programme, Trade
    from peiyu.institutions.models import Kind, Listing
    from peiyu.institutions.rules.listings import validity_end
    from peiyu.institutions.selectors.catalog import CATALOG_GENERATION, listing_search_text

    if n < 0 or batch < 1:
        raise ValueError("n ≥ 0, batch ≥ 1")
    rng = random.Random(seed)
    started = time.perf_counter()
    now = (now or timezone.now()).astimezone(dt.UTC)
    today = today or timezone.localdate()
    occupations = list(
        Occupation.objects.active().order_by("code").values_list("code", "name", "programme", "kind")
    )
    # skill-level evaluation is by trade (工种, CAT-2) where trades are loaded
    occupations += [
        (code, name, Programme.SKILL.value, LevelKind.SKILL.value)
        for code, name in Trade.objects.active().order_by("code").values_list("code", "name")
    ]
    if not occupations:
        raise RuntimeError("no occupations loaded: run `peiyu reference_load` first")
    levels_by_kind: dict[str, list[str]] = {}
    for kind_, name in Level.objects.active().order_by("kind", "rank").values_list("kind", "name"):
        levels_by_kind.setdefault(kind_, []).append(name)
    institutions = list(
        Org.objects.filter(kind=Org.Kind.INSTITUTION, region__isnull=False, is_active=True)
        .order_by("pk")
        .values_list("pk", "name", "region_id", "recommended_by_id", "contact_phone")
    )
    kinds = [Kind.TRAINING.value, Kind.EVALUATION.value]
    scopes = [(k, o) for o in occupations for k in kinds]
    if n > len(institutions) * len(scopes):
        raise ValueError(
            f"{n} listings need at least {-(-n // len(scopes))} institutions ({len(institutions)} present): "
            "run generate() with a larger scale first"
        )
    existing_regions = set(Region.objects.values_list("code", flat=True))
    taken = set(
        Listing.objects.filter(status__in=["active", "suspended"]).values_list(
            "institution_id", "kind", "occupation_code", "programme"
        )
    )
    offset = Listing.objects.count()
    years = {p: _listing_years(p) for p in sorted({o[2] for o in occupations})}
    statuses = [s for s, _w in LISTING_STATUS_WEIGHTS]
    cum, total = [], 0.0
    for _s, w in LISTING_STATUS_WEIGHTS:
        total += w
        cum.append(total)
    table = Table(Listing, now)
    result = ListingScaleResult()

    for start in range(0, n, batch):
        size = min(batch, n - start)
        rows: list[dict[str, Any]] = []
        with transaction.atomic():
            ids = table.reserve_ids(size)
            for j, pk in enumerate(ids):
                i = start + j
                # the i-th listing: institution i mod N, and for it the (i div N)-th of its scopes,
                # starting from a per-institution rotation so occupations spread evenly
                inst_pk, inst_name, region, recommender, phone = institutions[i % len(institutions)]
                kind, (occ_code, occ_name, programme, level_kind) = scopes[
                    (i // len(institutions) + inst_pk * 7) % len(scopes)
                ]
                status = rng.choices(statuses, cum_weights=cum)[0]
                if status in ("active", "suspended") and (inst_pk, kind, occ_code, programme) in taken:
                    status = "expired"  # a hand-made live listing already holds this scope
                validity, ban_years = years[programme]
                if status in ("expired", "forfeited"):
                    valid_until = today - dt.timedelta(days=rng.randrange(1, 2 * 365))
                    valid_from = valid_until + dt.timedelta(days=1) - relativedelta(years=validity)
                else:
                    valid_from = today - dt.timedelta(days=rng.randrange(0, validity * 365 - 30))
                    valid_until = validity_end(valid_from, validity)
                all_levels = levels_by_kind.get(level_kind) or ["—"]
                lo = rng.randrange(len(all_levels))
                levels = all_levels[lo : lo + rng.randint(1, len(all_levels))]
                if programme == "dte":
                    scope_code = region[:2] + "0000"
                else:
                    scope_code = region[:4] + "00"
                number = f"L{region}{valid_from.year}{offset + i + 1:07d}"
                row = {
                    "id": pk,
                    "number": number,
                    "filing_code": f"BA{region}{offset + i + 1:08d}"
                    if programme == "dte" and i % 2
                    else None,
                    "programme": programme,
                    "institution_id": inst_pk,
                    "institution_name": inst_name,
                    "kind": kind,
                    "institution_type": "general",
                    "occupation_code": occ_code,
                    "occupation_name": occ_name,
                    "levels": levels,
                    "region_id": region,
                    "catalog_region_id": scope_code if scope_code in existing_regions else None,
                    "recommender_id": recommender,
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                    "period": 1 if status == "forfeited" else rng.choice((1, 1, 1, 2)),
                    "status": status,
                    "status_reason": LISTING_STATUS_REASONS.get(status, ""),
                    "reapply_banned_until": valid_until + relativedelta(years=ban_years)
                    if status == "forfeited"
                    else None,
                    "address": f"{inst_name[:2]}{rng.choice(BRAND_CHARS)}{rng.choice(BRAND_CHARS)}路{rng.randint(1, 999)}号",
                    "contact_name": person_name(rng),
                    "contact_phone": phone or phone_number(rng),
                    "created_at": now,
                    "updated_at": now,
                }
                row["search_text"] = listing_search_text(_RowView(row))
                rows.append(row)
                result.statuses[status] = result.statuses.get(status, 0) + 1
            table.insert(rows)
            CATALOG_GENERATION.bump_with_commit()  # raw inserts send no signals
        result.listings += len(rows)
        result.seconds = time.perf_counter() - started
        if progress:
            progress(result)
    result.seconds = time.perf_counter() - started
    return result


class _RowView:
    """Attribute access to a row dict, so listing_search_text() reads it like a Listing."""

    __slots__ = ("_row",)

    def __init__(self, row: dict[str, Any]) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        try:
            return self._row[name]
        except KeyError as exc:
            raise AttributeError(name) from exc
