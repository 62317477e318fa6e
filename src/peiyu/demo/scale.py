"""Demo data at scale: institutions, their users and role assignments, and the audit events that
creating them leaves, bulk-written in batches (DESIGN "Performance": the benchmarks run on this).

`generate(scale)` makes `scale` institutions spread over the real district-level regions loaded in
accounts.Region, with valid unified social credit codes (GB 32100: the 9-character organisation code
carries its own GB 11714 check character and the 18th is the USCC check character), Chinese names
from word lists, `users_per_org` users each, and one audit event per created row. The audit events
go through a bulk path that builds the same SM3 chain as `audit_record()`: per batch it locks the
AuditHead of every stream it touches, numbers the events contiguously after the head, links each to
the previous hash and moves the head, so `verify_chain()` passes and concurrent `audit_record()`
calls queue behind the lock rather than fork the chain.

Deterministic: the same seed, scale and starting database give the same rows (timestamps too when
`now` is given). Numbering starts after the organisations already present, so a second run adds
rows rather than colliding."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from peiyu.accounts.models import Org, Region, Role, RoleAssignment, User
from peiyu.audit.chain import GENESIS, row_hash
from peiyu.audit.models import AuditEvent, AuditHead
from peiyu.core.bulk import insert_rows, reserve_ids
from peiyu.core.identifiers import uscc_with_check

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
SYSTEM_ACTOR = "system"
REASON = "演示数据（规模生成）"

# --- word lists --------------------------------------------------------------------------------------
BRAND_CHARS = (
    "智算云数联创华信博远科航鼎瑞星海汇达恒新启明德正弘泰安盛宏图卓越精诚嘉禾沃天宇辰光锐思维拓峰"
    "景睿凌志腾飞晨曦众鑫源聚融通捷朗致远卓"
)
COMPANY_TRADES = (
    "信息技术", "数据科技", "网络科技", "软件", "人工智能", "智能科技", "云计算", "大数据",
    "数字科技", "教育科技", "人力资源服务", "智能制造", "物联网科技", "区块链技术", "信息安全",
)  # fmt: skip
COMPANY_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司")
SCHOOL_KINDS = ("职业培训学校", "职业技能培训学校", "职业技术培训学校", "数字技能培训学校", "培训中心")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
)
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯欣怡佳琪子涵梓轩"
    "一诺雨泽思远博文晓东海燕春梅志强俊杰振华婷婷丹丹晨阳天佑若曦家豪嘉怡"
)
# Prefecture-level names that are placeholders in GB/T 2260 rather than places.
PLACEHOLDER_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@dataclass
class ScaleResult:
    orgs: int = 0
    users: int = 0
    assignments: int = 0
    audit_events: int = 0
    seconds: float = 0.0
    streams: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.orgs + self.users + self.assignments + self.audit_events

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "orgs": self.orgs,
            "users": self.users,
            "assignments": self.assignments,
            "audit_events": self.audit_events,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second, 1),
        }


@dataclass(frozen=True)
class _Place:
    code: str  # district (or city) code the institution is registered in
    city: str  # short place name used in the institution's name
    province: str  # audit stream


# --- identifiers ---------------------------------------------------------------------------------------


def org_code_with_check(first8: str) -> str:
    """GB 11714 organisation code: 8 characters plus a check character (weights 3 7 9 10 5 8 4 2,
    11 − sum mod 11, 10 → X, 11 → 0)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(first8, weights, strict=True))
    check = 11 - total % 11
    return first8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def _base31(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 31)
        out.append(USCC_ALPHABET[r])
    if n:
        raise OverflowError("counter does not fit")
    return "".join(reversed(out))


def uscc_for(index: int, region_code: str, *, school: bool) -> str:
    """A valid USCC unique per index: 91 (enterprise registered with market regulation) + MA…, or
    52 (private non-enterprise unit registered with civil affairs) + MJ…, as issued since 2015.
    The six counter characters start at 1 000 000 (base 31) so they never meet hand-made codes."""
    counter = _base31(31**5 + index, 6)
    org_code = org_code_with_check(("MJ" if school else "MA") + counter)
    return uscc_with_check(("52" if school else "91") + region_code + org_code)


# --- places --------------------------------------------------------------------------------------------


def _short(name: str) -> str:
    for suffix in (
        "特别行政区",
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "省",
        "市",
        "地区",
        "盟",
    ):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def places() -> list[_Place]:
    """District-level regions in force (cities where a city has no districts loaded), each with the
    short name of its city (or of its province for municipalities)."""
    regions = {r["code"]: r for r in Region.objects.active().values("code", "name", "level", "parent_id")}
    if not regions:
        raise RuntimeError("no regions loaded: run `peiyu reference_load` (or load regions) first")
    with_children = {r["parent_id"] for r in regions.values() if r["parent_id"]}
    out = []
    for code, r in sorted(regions.items()):
        if r["level"] == 1 or (r["level"] == 2 and code in with_children):
            continue
        city = regions.get(r["parent_id"]) if r["level"] == 3 else r
        if city is None or city["name"] in PLACEHOLDER_CITIES:
            city = regions.get(code[:2] + "0000") or r
        out.append(_Place(code=code, city=_short(city["name"]), province=code[:2] + "0000"))
    return out


# --- the generator -------------------------------------------------------------------------------------


class _Table:
    """Rows of one model written with core.bulk.insert_rows (COPY on PostgreSQL, else executemany): the
    ORM's bulk_create spends most of its time compiling SQL per row. Values are given per attname; a
    field not given takes its default (auto_now fields take `now`), so a column added later with a
    default needs no change here. Text, numbers, booleans and keys go as they are; datetimes and JSON
    through the backend's adapters; any other field through its own get_db_prep_save()."""

    PLAIN = frozenset({
        models.CharField, models.TextField, models.SlugField, models.EmailField, models.BooleanField,
        models.IntegerField, models.SmallIntegerField, models.BigIntegerField, models.PositiveIntegerField,
        models.PositiveSmallIntegerField, models.PositiveBigIntegerField, models.ForeignKey,
        models.AutoField, models.BigAutoField,
    })  # fmt: skip

    def __init__(self, model: type[models.Model], now: dt.datetime, *, with_pk: bool = True) -> None:
        ops = connection.ops
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.defaults: dict[str, Any] = {}
        self.adapters: list[Callable[[Any], Any] | None] = []
        for f in self.fields:
            if not f.primary_key:
                auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                self.defaults[f.attname] = now if auto else f.get_default()
            if isinstance(f, models.DateTimeField):
                self.adapters.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.JSONField):
                self.adapters.append(
                    # (mypy cannot type a lambda's bound default)
                    lambda v, enc=f.encoder: None if v is None else ops.adapt_json_value(v, enc)  # type: ignore[misc]
                )
            elif type(f) in self.PLAIN:
                self.adapters.append(None)
            else:  # dates, decimals, encrypted text, anything with its own conversion
                self.adapters.append(lambda v, f=f: f.get_db_prep_save(v, connection))  # type: ignore[misc]
        self.columns = [f.column for f in self.fields]
        self.model = model

    def insert(self, rows: list[dict[str, Any]]) -> int:
        pairs = list(zip(self.fields, self.adapters, strict=True))
        values = []
        for row in rows:
            out = []
            for f, adapt in pairs:
                v = row[f.attname] if f.attname in row else self.defaults[f.attname]
                out.append(v if adapt is None or v is None else adapt(v))
            values.append(out)
        insert_rows(self.model._meta.db_table, self.columns, values)
        return len(rows)

    def reserve_ids(self, n: int) -> list[int]:
        """Primary keys for `n` new rows, taken the way the database would hand them out."""
        ids = reserve_ids(self.model, n)
        if ids is None:
            raise NotImplementedError(f"demo.scale supports SQLite and PostgreSQL, not {connection.vendor}")
        return ids


class _Chain:
    """The heads of the streams, locked batch by batch; hands out contiguous seq and the hash links
    exactly as audit_record() does (chain.row_hash over the same fields)."""

    def __init__(self, table: _Table) -> None:
        self.table = table
        self.heads: dict[str, tuple[int, str]] = {}
        self.rows: list[dict[str, Any]] = []

    def lock(self, streams: Iterable[str]) -> None:
        streams = sorted(set(streams))
        existing = set(AuditHead.objects.filter(stream__in=streams).values_list("stream", flat=True))
        missing = [AuditHead(stream=s, seq=0, hash=GENESIS) for s in streams if s not in existing]
        if missing:
            AuditHead.objects.bulk_create(missing, ignore_conflicts=True)
        # The lock audit_record() takes, in a fixed order so two generators cannot deadlock.
        for h in AuditHead.objects.select_for_update().filter(stream__in=streams).order_by("stream"):
            self.heads[h.stream] = (h.seq, h.hash)

    def append(self, row: dict[str, Any]) -> None:
        seq, prev = self.heads[row["stream"]]
        row["seq"] = seq + 1
        row["hash"] = digest = row_hash(prev, row)
        row["prev_hash"] = prev
        self.rows.append(row)
        self.heads[row["stream"]] = (row["seq"], digest)

    def flush(self) -> int:
        n = self.table.insert(self.rows)
        for stream, (seq, digest) in self.heads.items():
            AuditHead.objects.filter(stream=stream).update(seq=seq, hash=digest)
        self.rows, self.heads = [], {}
        return n


def _event(
    at: dt.datetime, region_code: str, action: str, obj_type: str, obj_id: int, obj_repr: str, after
) -> dict:
    return {
        "stream": region_code[:2] + "0000",
        "at": at,
        "actor_id": None,
        "actor_repr": SYSTEM_ACTOR,
        "org_id": None,
        "region_code": region_code,
        "action": action,
        "object_type": obj_type,
        "object_id": str(obj_id),
        "object_repr": obj_repr[:200],
        "before": None,
        "after": after,
        "reason": REASON,
        "ip": "",
    }


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))


def _org_name(rng: random.Random, city: str, school: bool) -> str:
    brand = "".join(rng.sample(BRAND_CHARS, 2))
    if school:
        return f"{city}{brand}{rng.choice(SCHOOL_KINDS)}"
    return f"{city}{brand}{rng.choice(COMPANY_TRADES)}{rng.choice(COMPANY_FORMS)}"


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def generate(
    scale: int,
    *,
    batch: int = 10_000,
    seed: int = 2026,
    users_per_org: int = 2,
    password: str | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[ScaleResult], None] | None = None,
) -> ScaleResult:
    """Create `scale` institutions with `users_per_org` users each (all holding institution_admin
    when that role is loaded) and one audit event per row, `batch` institutions per transaction.

    Users get an unusable password unless `password` is given (hashed once and shared: demo data).
    Requires regions in accounts.Region; industry authorities of a province, where present, become
    the recommending authority of some of its institutions."""
    if scale < 0 or batch < 1 or users_per_org < 0:
        raise ValueError("scale ≥ 0, batch ≥ 1, users_per_org ≥ 0")
    rng = random.Random(seed)
    started = time.perf_counter()
    now = (now or timezone.now()).astimezone(dt.UTC)
    spots = places()
    weights = _weights(spots)
    authorities: dict[str, list[int]] = {}
    for pk, region in (
        Org.objects.filter(kind=Org.Kind.INDUSTRY_AUTHORITY, region__isnull=False)
        .order_by("pk")
        .values_list("pk", "region_id")
    ):
        authorities.setdefault(region[:2], []).append(pk)
    role = Role.objects.filter(code="institution_admin", disabled_on__isnull=True).first()
    shared_hash = make_password(password) if password else None
    offset = Org.objects.count()
    orgs_t, users_t, roles_t = _Table(Org, now), _Table(User, now), _Table(RoleAssignment, now, with_pk=False)
    events_t = _Table(AuditEvent, now, with_pk=False)
    result = ScaleResult()
    tick = dt.timedelta(microseconds=1)
    at = now
    org_type, user_type = Org._meta.label_lower, User._meta.label_lower
    kind = Org.Kind.INSTITUTION.value

    for start in range(0, scale, batch):
        n = min(batch, scale - start)
        chosen = rng.choices(spots, cum_weights=weights, k=n)
        with transaction.atomic():
            chain = _Chain(events_t)
            chain.lock({p.province for p in chosen})
            org_ids = orgs_t.reserve_ids(n)
            orgs: list[dict[str, Any]] = []
            for i, (place, pk) in enumerate(zip(chosen, org_ids, strict=True)):
                school = rng.random() < 0.4
                recommenders = authorities.get(place.code[:2])
                orgs.append(
                    {
                        "id": pk,
                        "name": _org_name(rng, place.city, school),
                        "kind": kind,
                        "region_id": place.code,
                        "uscc": uscc_for(offset + start + i, place.code, school=school),
                        "recommended_by_id": rng.choice(recommenders)
                        if recommenders and rng.random() < 0.7
                        else None,
                        "contact_phone": _phone(rng),
                        "created_at": now
                        - dt.timedelta(days=rng.randrange(1, 3 * 365), seconds=rng.randrange(86_400)),
                    }
                )
            orgs_t.insert(orgs)

            user_ids = iter(users_t.reserve_ids(n * users_per_org)) if users_per_org else iter(())
            users: list[dict[str, Any]] = []
            for i, org in enumerate(orgs):
                for j in range(users_per_org):
                    users.append(
                        {
                            "id": next(user_ids),
                            "username": f"inst{offset + start + i:08d}_{j + 1}",
                            "full_name": _person_name(rng),
                            "password": shared_hash or f"!{rng.getrandbits(160):040x}",
                            "primary_org_id": org["id"],
                            "region": org["region_id"],
                            "date_joined": org["created_at"] + dt.timedelta(minutes=5 + j),
                        }
                    )
            users_t.insert(users)

            assignments = []
            if role is not None:
                assignments = [
                    {
                        "user_id": u["id"],
                        "role_id": role.pk,
                        "org_id": u["primary_org_id"],
                        "region_id": u["region"],
                        "separation": role.separation,
                        "valid_from": u["date_joined"],
                        "valid_to": None,
                        "granted_by_id": None,
                    }
                    for u in users
                ]
                roles_t.insert(assignments)

            for org in orgs:
                at += tick
                after = {
                    "name": org["name"],
                    "kind": kind,
                    "region": org["region_id"],
                    "uscc": org["uscc"],
                    "recommended_by": org["recommended_by_id"],
                    "is_active": True,
                }
                chain.append(
                    _event(at, org["region_id"], "org.created", org_type, org["id"], org["name"], after)
                )
            for u in users:
                at += tick
                after = {"username": u["username"], "org": u["primary_org_id"]}
                chain.append(
                    _event(at, u["region"], "user.created", user_type, u["id"], u["full_name"], after)
                )
            if role is not None:
                for u in users:
                    at += tick
                    after = {"role": role.code, "org": u["primary_org_id"], "region": u["region"]}
                    chain.append(
                        _event(at, u["region"], "role.assigned", user_type, u["id"], u["full_name"], after)
                    )
            for stream, (seq, _digest) in chain.heads.items():
                result.streams[stream] = seq
            result.audit_events += chain.flush()

        result.orgs += len(orgs)
        result.users += len(users)
        result.assignments += len(assignments)
        result.seconds = time.perf_counter() - started
        if progress:
            progress(result)
    result.seconds = time.perf_counter() - started
    return result


def _weights(spots: list[_Place]) -> list[float]:
    """Cumulative weights: provincial capitals and big cities get more institutions than counties
    (districts of a city's first codes weigh more), with a stable per-region jitter."""
    cum, total = [], 0.0
    for p in spots:
        w = 3.0 if p.code[2:4] == "01" else 1.5 if p.code[2:4] in ("02", "03") else 1.0
        w *= 1.5 if p.code[4:6] < "10" else 1.0
        jitter = int(hashlib.sha256(p.code.encode()).hexdigest()[:4], 16) / 65_535
        total += w * (0.5 + jitter)
        cum.append(total)
    return cum


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
    table = _Table(Listing, now)
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
                    "contact_name": _person_name(rng),
                    "contact_phone": phone or _phone(rng),
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
