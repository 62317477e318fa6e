"""The catalog's keyword index (selectors.catalog_index, ADR 0010): the search served by the n-gram index
gives exactly what the substring scan of `search_text` gave, for one- and two-character Chinese
keywords, longer ones, Latin, digits, LIKE's own wildcards and keywords that match nothing, alone and
with the other filters; and every way a listing's search line is written keeps the index in step."""

from __future__ import annotations

import pytest
from django.db import connection

from peiyu.core.policy import region_prefix
from peiyu.institutions.models import Listing
from peiyu.institutions.selectors import catalog as sel
from peiyu.institutions.selectors import catalog_index as idx
from peiyu.institutions.selectors.catalog import catalog_search, listing_search_text

from .catalog_data import AI, BIGDATA, IOT, NOW, TODAY, make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)
    sel.forget_memos()


@pytest.fixture
def many(world, catalog):
    """The hand-made listings plus a few hundred generated ones (names of real places and brands)."""
    from peiyu.catalogs.models import Level, Occupation
    from peiyu.demo.scale import generate
    from peiyu.demo.scale_listings import generate_listings

    for i, (code, name) in enumerate((AI, IOT, BIGDATA)):
        Occupation.objects.get_or_create(
            code=code,
            defaults={"name": name, "programme": "dte", "kind": "professional", "confidence": "confirmed"},
        )
        Level.objects.get_or_create(
            code=f"p{i}",
            defaults={"name": ("初级", "中级", "高级")[i], "kind": "professional", "rank": i + 1},
        )
    generate(60, users_per_org=0, seed=7)
    generate_listings(300, seed=7, today=TODAY)
    return catalog


def scanned(q: str, **filters) -> list[str]:
    """Today's search without the index: every shown listing whose search line holds every keyword as
    a substring (LIKE, as the search did before the index), newest first."""
    terms = sel.catalog_filters(q=q).terms
    rows = Listing.objects.filter(status__in=sel.SHOWN_STATUSES)
    if filters.get("region"):
        rows = rows.filter(region__code__startswith=region_prefix(filters["region"]))
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    for term in terms:
        rows = rows.filter(search_text__contains=term)
    return list(rows.order_by("-id").values_list("number", flat=True))


def searched(q: str, **filters) -> list[str]:
    """Every page of the catalog's search, in order."""
    out: list[str] = []
    offset = 0
    while True:
        page = catalog_search(q=q, page_size=50, offset=offset, **filters)
        out += [r.number for r in page.rows]
        if not page.has_next:
            return out
        offset += 50


def test_grams_are_each_character_and_each_pair_as_hex_utf8():
    assert idx.grams("沈阳") == "e6b288 e998b3 e6b288e998b3"
    assert idx.grams("abab") == "61 62 6162 6261 xabab"  # each once; a Latin run's suffixes of 4 or more
    assert idx.grams("no l2101022") == (
        "6e 6f 20 6c 32 31 30 6e6f 6f20 206c 6c32 3231 3130 3031 3032 3232"
        " xl2101022 x2101022 x101022 x01022 x1022"
    )
    assert idx.sqlite_match(["l2101", "沈阳 1"]) == '"xl2101" * AND "e6b288e998b3" AND "e998b320" AND "2031"'
    assert idx.pg_tsquery(["0000101"]) == "'x0000101':*"  # a number: its run's prefix alone
    assert idx.grams("") == "" and idx.grams(None) == ""
    assert idx.term_grams("沈") == ["e6b288"]
    assert idx.term_grams("aaa") == ["6161"]  # a repeated pair once
    assert idx.sqlite_match(["ab", "c"]) == '"6162" AND "63"'
    # SQLite's entry of a listing also holds its province, city and district; a search within a
    # region asks for the region's token with the grams
    assert idx.listing_grams("沈阳", "210102") == "e6b288 e998b3 e6b288e998b3 r21 r2101 r210102"
    assert (
        idx.listing_grams("", "210100") == "r21 r2101 r210100" and idx.listing_grams("沈", None) == "e6b288"
    )
    assert idx.sqlite_match(["沈阳"], "2101") == '"e6b288e998b3" AND "r2101"'
    assert idx.pg_tsquery(["ab", "c", "沈阳"]) == "'ab' & 'c' & '沈阳'"
    backslash = chr(92)
    assert idx.pg_tsquery(["'" + backslash]) == "'''" + backslash * 2 + "'"  # quote doubled, \ escaped


QUERIES = [
    "沈",  # one character
    "阳",
    "市",
    "智",
    "沈阳",  # two characters: a city as people type it
    "大连",
    "智能",
    "人工智能",  # longer
    "工程技术人员",
    "有限公司",
    "ai",  # Latin and digits (catalog numbers, codes)
    "l2101",
    "ba2101",
    "2-02-38",
    "0001",
    "2026",
    "|",  # the level separator is not searchable: no keyword at all
    "初级",  # a level's name is in the search line too
    "%",  # LIKE's wildcards are plain characters
    "_",
    "'",  # a quote and a backslash: plain characters in the index's query too
    chr(92),
    "沈阳 智能",  # two keywords: both
    "大连 物联网",
    "量子纠缠",  # nothing matches
    "鑫",
    "zzqx",
    "阳沈",  # each character present, the pair never
]


@pytest.mark.parametrize("q", QUERIES)
def test_the_index_gives_exactly_what_the_substring_scan_gave(many, q):
    expected = scanned(q)
    assert searched(q) == expected
    if q in ("沈阳", "智能", "l2101"):
        assert expected  # the comparison is not between two empty lists


@pytest.mark.parametrize(
    ("q", "filters"),
    [
        ("智能", {"region": "210000"}),
        ("沈阳", {"region": "210100"}),
        ("工程", {"status": "expired"}),
        ("大", {"region": "210200", "status": "active"}),
        ("量子", {"region": "210000"}),
    ],
)
def test_with_other_filters_the_index_still_gives_what_the_scan_gave(many, q, filters):
    assert searched(q, **filters) == scanned(q, **filters)


def _indexed(term: str) -> set[int]:
    """The listings the index (alone, without the substring check) says hold `term`'s grams."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT rowid FROM institutions_listing_grams WHERE institutions_listing_grams MATCH %s",
                [idx.sqlite_match([term])],
            )
        else:
            cursor.execute(
                "SELECT id FROM institutions_listing WHERE search_grams @@ %s::tsquery",
                [idx.pg_tsquery([term])],
            )
        return {row[0] for row in cursor.fetchall()}


def test_every_write_of_the_search_line_keeps_the_index_in_step(world, catalog):
    listing = catalog["sy_ai"]
    assert listing.pk in _indexed("人工智能")
    # a model save (what the services do)
    listing.occupation_name = "区块链工程技术人员"
    listing.search_text = listing_search_text(listing)
    listing.save()
    assert listing.pk in _indexed("区块链") and listing.pk not in _indexed("人工智能")
    # a queryset update (bulk changes, a rename of the institution)
    Listing.objects.filter(pk=listing.pk).update(search_text="|初级| 鞍山示范培训学校")
    assert listing.pk in _indexed("鞍山") and listing.pk not in _indexed("区块链")
    assert [r.number for r in catalog_search(q="鞍山").rows] == [listing.number]
    # a save that does not touch the search line leaves the index as it was
    Listing.objects.filter(pk=listing.pk).update(contact_name="李四")
    assert listing.pk in _indexed("鞍山")
    # a new listing and a deleted one
    new = make(world, "L2101029999", occupation=BIGDATA)
    assert new.pk in _indexed("l2101029999")
    Listing.objects.filter(pk=new.pk).delete()
    assert new.pk not in _indexed("l2101029999")
    assert catalog_search(q="l2101029999").rows == []


def test_bulk_inserted_listings_are_indexed(many):
    generated = Listing.objects.exclude(number__startswith="L21010200").exclude(
        number__startswith="L21020200"
    )
    some = list(generated.order_by("?").values_list("id", "institution_name")[:20])
    assert some
    for pk, name in some:
        assert pk in _indexed(name.lower()[:4])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
@pytest.mark.parametrize("q", ["工程技术", "有限公司", "人员", "智能 工程", "沈阳"])
def test_on_postgresql_common_keywords_from_the_newest_listings_give_what_the_scan_gave(many, q, monkeypatch):
    from peiyu.institutions.selectors import catalog as catalog_module

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE institutions_listing")
    idx._stats["at"] = -idx.STATS_SECONDS  # read the fresh statistics
    used = []
    real = catalog_module._recent_page
    monkeypatch.setattr(catalog_module, "RECENT_WINDOW", 200)  # fewer than the listings: a real window
    monkeypatch.setattr(catalog_module, "_recent_page", lambda *a: used.append(a) or real(*a))
    expected = scanned(q)
    for offset in (0, 5, 10):
        page = catalog_search(q=q, page_size=5, offset=offset)
        assert [r.number for r in page.rows] == expected[offset : offset + 5]
        assert page.has_next == (len(expected) > offset + 5)
    if q in ("工程技术", "有限公司"):
        assert used  # common enough: the newest listings were read first


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_on_postgresql_a_common_keyword_within_a_province_reads_the_province_newest_first(many, monkeypatch):
    from collections import Counter

    from peiyu.institutions.selectors import catalog as catalog_module

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE institutions_listing")
    idx._stats["at"] = -idx.STATS_SECONDS
    used = []
    real = catalog_module._recent_page
    monkeypatch.setattr(catalog_module, "RECENT_WINDOW", 200)
    monkeypatch.setattr(catalog_module, "_recent_page", lambda *a: used.append(a) or real(*a))
    shown = Listing.objects.filter(status__in=sel.SHOWN_STATUSES, search_text__contains="有限公司")
    codes = Counter(code for code in shown.values_list("region_id", flat=True))
    province = Counter({code[:2]: 0 for code in codes})
    for code, n in codes.items():
        province[code[:2]] += n
    region = province.most_common(1)[0][0] + "0000"
    for offset in (0, 3):
        page = catalog_search(q="有限公司", region=region, page_size=3, offset=offset)
        assert [r.number for r in page.rows] == scanned("有限公司", region=region)[offset : offset + 3]
    assert used  # the province's newest listings were read first (its own index, REGION_WALK)
    with connection.cursor() as cursor:  # … walked newest first, never read whole and sorted
        where = "substr(region_id, 1, 2) = %s ORDER BY id DESC LIMIT 50"
        cursor.execute(f"EXPLAIN SELECT * FROM institutions_listing WHERE {where}", [region[:2]])
        assert "listing_province_newest" in " ".join(row[0] for row in cursor.fetchall())
    used.clear()
    district = codes.most_common(1)[0][0]
    assert not district.endswith("00")  # the generated listings sit in districts
    page = catalog_search(q="有限公司", region=district, page_size=3)
    assert not used  # a district has no such index: its few listings come from the keyword index
    assert [r.number for r in page.rows] == scanned("有限公司", region=district)[:3]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds a table to change it")
def test_after_a_migration_rebuilt_the_listing_table_its_triggers_and_index_come_back(world, catalog):
    listing = catalog["sy_ai"]
    with connection.cursor() as cursor:  # what a table rebuild leaves: no triggers, the index as it was
        cursor.execute("DROP TRIGGER institutions_listing_grams_update")
        cursor.execute("DROP TRIGGER institutions_listing_grams_insert")
    Listing.objects.filter(pk=listing.pk).update(search_text="|初级| 营口示范培训学校")
    assert listing.pk not in _indexed("营口")  # out of step
    idx.keep_triggers(using="default")
    assert listing.pk in _indexed("营口") and listing.pk not in _indexed("人工智能")
    assert [r.number for r in catalog_search(q="营口").rows] == [listing.number]
    Listing.objects.filter(pk=listing.pk).update(search_text="|初级| 盘锦示范培训学校")
    assert listing.pk in _indexed("盘锦")  # the triggers are back


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite takes one index per table")
def test_a_provinces_page_walks_the_provinces_own_index_which_comes_back_after_a_table_rebuild(
    world, catalog
):
    from django.test.utils import CaptureQueriesContext

    def plan() -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            page = catalog_search(region="210000", status="valid")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[0]["sql"])
            return " ".join(str(row[-1]) for row in cursor.fetchall()), [r.number for r in page.rows]

    steps, numbers = plan()
    assert idx.REGION_WALK[2] in steps and numbers and catalog["sy_ai"].number in numbers

    def kept() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = %s", [idx.REGION_WALK[2]])
            return bool(cursor.fetchone()[0])

    with connection.cursor() as cursor:  # what a table rebuild leaves
        cursor.execute(f"DROP INDEX {idx.REGION_WALK[2]}")
    assert not kept()
    idx.keep_triggers(using="default")
    assert kept() and plan() == (steps, numbers)


def test_a_listing_moved_to_another_region_is_found_by_its_keyword_there_and_no_longer_where_it_was(
    world, catalog
):
    listing, elsewhere = catalog["sy_ai"], catalog["dl_ai"]
    before, after = listing.region_id, elsewhere.region_id
    assert before[:4] != after[:4]
    Listing.objects.filter(pk=listing.pk).update(region_id=after)  # the region alone: same search line

    def found(region: str) -> list[str]:
        return [r.number for r in catalog_search(q="人工智能", region=region).rows]

    for region in (after, after[:4] + "00", after[:2] + "0000"):
        assert listing.number in found(region)
    assert listing.number not in found(before) and listing.number not in found(before[:4] + "00")
