"""The catalog's keyword index (ADR 0010): the public search matches each keyword as a substring of a
listing's `search_text` (Chinese has no spaces to split words on, and a city, an occupation or a part
of a name is typed as it is written). A substring search reads every listing unless an index narrows
it, so each listing's search line is also kept as a set of n-grams — every character and every pair
of adjacent characters — in an inverted index:

- SQLite: the FTS5 table `institutions_listing_grams` (contentless, detail=none: only which listings
  hold a gram), written by triggers on the listing table through the SQL function
  `peiyu_listing_grams`, which each connection gets from `register_sqlite_functions`;
- PostgreSQL: the column `search_grams tsvector`, set by a trigger from the SQL function of the same
  name, under a GIN index; its lexemes are the grams' characters themselves. No extension is needed
  (pg_trgm's trigrams cannot serve the one- and two-character keywords most Chinese searches are).

Every write of `search_text` — a service's save, a bulk insert, an UPDATE — fires the trigger, so the
index is never out of step with the column. On SQLite a gram is the hexadecimal UTF-8 of its one or
two characters ("沈阳" → "e6b288e998b3"), a token FTS5's tokenizer takes whole. A keyword
of one character asks for its character's gram, a longer one for all its pairs; the index gives the
listings holding all of them (a superset of the substring matches), and the search still checks
`search_text LIKE %keyword%` on those, so results are exactly those of the substring search.

On SQLite a listing's entry also holds its region as three tokens — "r" and the first two, four and six
digits of its code (province, city, district) — so a keyword searched within a region asks the index
for both at once (`sqlite_match(terms, region)`): the index intersects them instead of yielding every
listing of the keyword for the search to check its region one by one. PostgreSQL's index needs no
such token: its planner combines the keyword's index with the region's."""

from __future__ import annotations

import re
import time
from typing import Any

GRAMS_TABLE = "institutions_listing_grams"  # SQLite: the FTS5 table
GRAMS_COLUMN = "search_grams"  # PostgreSQL: the tsvector column of institutions_listing
GRAMS_FUNCTION = "peiyu_listing_grams"  # the SQL function both databases' triggers call


_HEX: dict[str, str] = {}  # character → its hex UTF-8 (the few thousand characters the catalog uses)


def _hex(text: str) -> list[str]:
    table = _HEX
    try:
        return [table[c] for c in text]
    except KeyError:
        if len(table) > 65536:
            table.clear()
        for c in text:
            if c not in table:
                table[c] = c.encode().hex()
        return [table[c] for c in text]


# Runs of Latin letters and digits (catalog numbers, filing codes): their pairs are in nearly every
# listing ("00", "21"), so a number's pairs select little. Each run of RUN_MIN or more is also indexed
# by its suffixes of RUN_MIN or more, marked "x" (never a one- or two-character gram): a run typed in a
# keyword lies inside one run of the search line, so it begins one of those suffixes — a prefix query.
RUN = re.compile(r"[0-9a-z]{4,}")
RUN_MIN = 4


def _suffixes(text: str) -> list[str]:
    return ["x" + run[i:] for run in RUN.findall(text) for i in range(len(run) - RUN_MIN + 1)]


def grams(text: str | None) -> str:
    """The distinct grams of `text`, space-separated, in a fixed order (first occurrence): each
    character and each pair of adjacent characters, as hexadecimal UTF-8, then the suffixes of its
    Latin and digit runs ("x" + the suffix). What SQLite's triggers index."""
    if not text:
        return ""
    units = _hex(text)
    return " ".join(dict.fromkeys([*units, *map(str.__add__, units, units[1:]), *_suffixes(text)]))


REGION_MARK = "r"  # SQLite: marks the region's tokens in a listing's entry (never a hex gram, nor an "x" run)


def region_tokens(region_id: str | None) -> list[str]:
    """A listing's region as the index holds it: "r" + its province's, city's and district's digits."""
    code = (region_id or "").strip()
    return list(dict.fromkeys(REGION_MARK + code[:n] for n in (2, 4, 6) if len(code) >= n))


def listing_grams(text: str | None, region_id: str | None) -> str:
    """What SQLite's triggers index for a listing: the grams of its search line, then its region's
    tokens."""
    return " ".join(filter(None, [grams(text), *region_tokens(region_id)]))


def _needs(term: str) -> tuple[list[str], list[str]]:
    """What a listing must hold for `term` to be a substring of its search line: (grams as text,
    run prefixes). A term that is one run of RUN_MIN or more needs only its run's prefix; otherwise
    its character (one character) or every adjacent pair, and the prefix of each run in it."""
    runs = RUN.findall(term)
    if runs and runs[0] == term:
        return [], runs
    pairs = [term] if len(term) == 1 else list(map(str.__add__, term, term[1:]))
    return list(dict.fromkeys(pairs)), runs


def term_grams(term: str) -> list[str]:
    """The grams (hex, as SQLite indexes them) a listing must hold for `term`; see _needs."""
    pairs, _runs = _needs(term)
    return [gram.encode().hex() for gram in pairs]


def sqlite_match(terms: list[str], region_prefix: str = "") -> str:
    """An FTS5 MATCH expression: every gram of every term (each quoted: a token, never an operator)
    and each run's prefix query; within a region (its GB/T 2260 prefix: two, four or six digits) the
    region's token too."""
    parts: list[str] = []
    for term in terms:
        pairs, runs = _needs(term)
        parts += [f'"{gram.encode().hex()}"' for gram in pairs]
        parts += [f'"x{run}" *' for run in runs]
    if region_prefix:
        parts.append(f'"{REGION_MARK}{region_prefix}"')
    return " AND ".join(dict.fromkeys(parts))


def pg_tsquery(terms: list[str]) -> str:
    """A tsquery in its text form (cast with ::tsquery, which takes quoted lexemes as written): every
    gram of every term, the characters themselves as PostgreSQL indexes them, and each run's prefix."""
    parts: list[str] = []
    for term in terms:
        pairs, runs = _needs(term)
        parts += [_quoted(gram) for gram in pairs]
        parts += [_quoted("x" + run) + ":*" for run in runs]
    return " & ".join(dict.fromkeys(parts))


# PostgreSQL's statistics of the index column (ANALYZE): the commonest grams and the share of
# listings holding each, read once per process every STATS_SECONDS
STATS_SECONDS = 300.0
_stats: dict[str, Any] = {"at": -STATS_SECONDS, "freq": {}, "floor": 0.0}


def _gram_shares() -> tuple[dict[str, float], float]:
    """(gram → share of listings holding it, for the grams PostgreSQL keeps statistics of; the share
    below which a gram is not among them)."""
    now = time.monotonic()
    if now - _stats["at"] >= STATS_SECONDS:
        from django.db import connection

        freq: dict[str, float] = {}
        floor = 0.0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE tablename = 'institutions_listing' AND attname = %s",
                [GRAMS_COLUMN],
            )
            row = cursor.fetchone()
        if row and row[0]:
            elems, freqs = row
            freq = dict(zip(elems, freqs, strict=False))
            floor = freqs[len(elems)] if len(freqs) > len(elems) else 0.0  # pg_stats: then min, max, …
        _stats.update(at=now, freq=freq, floor=floor)
    return _stats["freq"], _stats["floor"]


def keyword_share(terms: list[str]) -> float:
    """PostgreSQL: the share of the listings holding every gram every term needs, at most — the least
    common gram's share by the statistics of the last ANALYZE; 0.0 when a gram is rarer than the
    statistics keep, a term has a run of letters or digits (its prefix counts as rare), or there are
    no statistics."""
    freq, _floor = _gram_shares()
    least = 1.0
    for term in terms:
        pairs, runs = _needs(term)
        if runs:
            return 0.0
        for gram in pairs:
            least = min(least, freq.get(gram, 0.0))
    return least if freq else 0.0


def _quoted(lexeme: str) -> str:
    """A tsquery lexeme in quotes: a quote doubled, a backslash escaped."""
    return "'" + lexeme.replace(BACKSLASH, BACKSLASH * 2).replace("'", "''") + "'"


BACKSLASH = chr(92)


def register_sqlite_functions(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """connection_created receiver: give a new SQLite connection the function the triggers call."""
    if connection is not None and connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function(GRAMS_FUNCTION, 2, listing_grams, deterministic=True)
        # the one-argument form: what the triggers of an index made before the region's tokens call,
        # until migration 0009 replaces them
        raw.create_function(GRAMS_FUNCTION, 1, grams, deterministic=True)


def connect() -> None:
    """Register the SQLite function on every new connection and on the ones already open, and the
    check after each migrate (idempotent). Called by institutions.hooks."""
    from django.db import connections
    from django.db.backends.signals import connection_created
    from django.db.models.signals import post_migrate

    connection_created.connect(register_sqlite_functions, dispatch_uid="institutions.catalog_index")
    post_migrate.connect(keep_triggers, dispatch_uid="institutions.catalog_index_triggers")
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            register_sqlite_functions(connection=conn)


# --- the schema (migration 0004) ---------------------------------------------------------------------------

# the names written out: GRAMS_TABLE, GRAMS_FUNCTION, GRAMS_COLUMN
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE institutions_listing_grams USING fts5(grams, content='', detail=none, columnsize=0)",
    """CREATE TRIGGER institutions_listing_grams_insert AFTER INSERT ON institutions_listing BEGIN
        INSERT INTO institutions_listing_grams(rowid, grams) VALUES (new.id, peiyu_listing_grams(new.search_text, new.region_id));
    END""",
    """CREATE TRIGGER institutions_listing_grams_delete AFTER DELETE ON institutions_listing BEGIN
        INSERT INTO institutions_listing_grams(institutions_listing_grams, rowid, grams)
        VALUES ('delete', old.id, peiyu_listing_grams(old.search_text, old.region_id));
    END""",
    """CREATE TRIGGER institutions_listing_grams_update
    AFTER UPDATE OF id, search_text, region_id ON institutions_listing
    WHEN old.search_text IS NOT new.search_text OR old.region_id IS NOT new.region_id OR old.id != new.id BEGIN
        INSERT INTO institutions_listing_grams(institutions_listing_grams, rowid, grams)
        VALUES ('delete', old.id, peiyu_listing_grams(old.search_text, old.region_id));
        INSERT INTO institutions_listing_grams(rowid, grams) VALUES (new.id, peiyu_listing_grams(new.search_text, new.region_id));
    END""",
    "INSERT INTO institutions_listing_grams(rowid, grams) "
    "SELECT id, peiyu_listing_grams(search_text, region_id) FROM institutions_listing",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS institutions_listing_grams_insert",
    "DROP TRIGGER IF EXISTS institutions_listing_grams_delete",
    "DROP TRIGGER IF EXISTS institutions_listing_grams_update",
    "DROP TABLE IF EXISTS institutions_listing_grams",
]

# The grams in SQL: each character and each adjacent pair, the characters themselves (a tsvector's
# lexemes may be any text; array_to_tsvector keeps each once).
PG_CREATE = [
    # a loop in PL/pgSQL: four times faster than the same in one SQL statement (generate_series, UNION)
    """CREATE OR REPLACE FUNCTION peiyu_listing_grams(t text) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
        units text[] := string_to_array(t, NULL);
        out text[] := units;
        run text;
    BEGIN
        FOR i IN 1 .. cardinality(units) - 1 LOOP
            out := out || (units[i] || units[i + 1]);
        END LOOP;
        FOR run IN SELECT m[1] FROM regexp_matches(t, '[0-9a-z]{4,}', 'g') AS m LOOP
            FOR i IN 1 .. length(run) - 3 LOOP
                out := out || ('x' || substr(run, i));
            END LOOP;
        END LOOP;
        RETURN array_to_tsvector(out);
    END $$""",
    """CREATE OR REPLACE FUNCTION peiyu_listing_grams_set() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_grams := peiyu_listing_grams(NEW.search_text);
        RETURN NEW;
    END $$""",
    "ALTER TABLE institutions_listing ADD COLUMN search_grams tsvector",
    """CREATE TRIGGER search_grams_set BEFORE INSERT OR UPDATE OF search_text ON institutions_listing
    FOR EACH ROW EXECUTE FUNCTION peiyu_listing_grams_set()""",
    "UPDATE institutions_listing SET search_grams = peiyu_listing_grams(search_text)",
    "CREATE INDEX institutions_listing_grams_gin ON institutions_listing USING gin (search_grams)",
]
PG_DROP = [
    "DROP INDEX IF EXISTS institutions_listing_grams_gin",
    "DROP TRIGGER IF EXISTS search_grams_set ON institutions_listing",
    "ALTER TABLE institutions_listing DROP COLUMN IF EXISTS search_grams",
    "DROP FUNCTION IF EXISTS peiyu_listing_grams_set()",
    "DROP FUNCTION IF EXISTS peiyu_listing_grams(text)",
]


# A province's and a city's listings newest first. PostgreSQL: catalog._recent_page walks them for a
# common keyword within a region. SQLite (the province's only, migration 0010): a province's page
# without keywords walks it (catalog_sql._where). The expressions are those the search writes.
REGION_WALK = {2: "listing_province_newest", 4: "listing_city_newest"}  # prefix length → index
PG_REGION_WALK_CREATE = [
    f"CREATE INDEX IF NOT EXISTS {name} ON institutions_listing ((substr(region_id, 1, {n})), id)"
    for n, name in REGION_WALK.items()
]
PG_REGION_WALK_DROP = [f"DROP INDEX IF EXISTS {name}" for name in REGION_WALK.values()]
SQLITE_REGION_WALK_CREATE = PG_REGION_WALK_CREATE[:1]
SQLITE_REGION_WALK_DROP = PG_REGION_WALK_DROP[:1]
SQLITE_REGION_WALK_MIGRATION = ("institutions", "0010_catalog_province_walk_sqlite")


def create_region_walk(schema_editor) -> None:
    """Migration 0008 (PostgreSQL) and 0010 (SQLite: the province's index only)."""
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": PG_REGION_WALK_CREATE, "sqlite": SQLITE_REGION_WALK_CREATE}.get(vendor, []):
        schema_editor.execute(sql, params=None)


def drop_region_walk(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": PG_REGION_WALK_DROP, "sqlite": SQLITE_REGION_WALK_DROP}.get(vendor, []):
        schema_editor.execute(sql, params=None)


def keep_triggers(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: on SQLite a migration that changes the listing table rebuilds it (a new table, the
    rows copied, the old one dropped), and its triggers and the province's index (REGION_WALK) go
    with the old table. Put them back and rebuild the keyword index from the search lines, so the
    index never falls out of step."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s, %s)",
            [
                GRAMS_TABLE,
                *(f"{GRAMS_TABLE}_{event}" for event in ("insert", "delete", "update")),
                REGION_WALK[2],
            ],
        )
        present = {row[0] for row in cursor.fetchall()}
        if GRAMS_TABLE in present and REGION_WALK[2] not in present and _walk_migrated(connection):
            for sql in SQLITE_REGION_WALK_CREATE:  # the province's index went with the old table too
                cursor.execute(sql)
    present.discard(REGION_WALK[2])
    if GRAMS_TABLE not in present or len(present) == 4:
        return  # not migrated yet, or whole
    reindex_sqlite(connection)


def _walk_migrated(connection: Any) -> bool:
    """Whether migration 0010 (the province's index on SQLite) is applied: only then is it put back."""
    from django.db.migrations.recorder import MigrationRecorder

    return SQLITE_REGION_WALK_MIGRATION in MigrationRecorder(connection).applied_migrations()


def reindex_sqlite(connection: Any) -> None:
    """SQLite: the index's triggers made again (SQLITE_CREATE) and every entry written anew from the
    listings (after a table rebuild; migration 0009, which added the region's tokens)."""
    register_sqlite_functions(connection=connection)
    with connection.cursor() as cursor:
        for sql in SQLITE_DROP[:3]:
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}) VALUES ('delete-all')")  # noqa: S608
        for sql in SQLITE_CREATE[1:]:
            cursor.execute(sql)


def create_index(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = SQLITE_CREATE if vendor == "sqlite" else PG_CREATE if vendor == "postgresql" else []
    if vendor == "sqlite":
        register_sqlite_functions(connection=schema_editor.connection)
    for sql in statements:
        schema_editor.execute(sql, params=None)


def drop_index(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in SQLITE_DROP if vendor == "sqlite" else PG_DROP if vendor == "postgresql" else []:
        schema_editor.execute(sql, params=None)
