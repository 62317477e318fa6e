"""The catalog's public response cache (core.cache, ADR 0005): anonymous visitors are served a kept
copy until something the catalog shows changes, a new day begins or the copy expires; signed-in
users are never; a kept page never carries another visitor's CSRF token."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from peiyu.institutions.models import Listing
from peiyu.institutions.selectors import catalog as sel
from peiyu.institutions.services import listings as svc

from .catalog_data import API, BIGDATA, NOW, make

pytestmark = pytest.mark.django_db

LIST = "/catalog/"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)
    sel.forget_memos()


def cached(response) -> str | None:
    return response.get("X-Peiyu-Cache")


def test_anonymous_page_is_kept_and_served_again(client, catalog):
    first = client.get(LIST, {"region": "210100"})
    second = client.get(LIST, {"region": "210100"})
    assert (cached(first), cached(second)) == ("miss", "hit")
    assert second.status_code == 200
    assert second["Content-Type"] == first["Content-Type"]
    assert "L2101020001" in second.content.decode()
    assert cached(client.get(LIST, {"region": "210200"})) == "miss"  # another search, another copy


def test_a_service_write_shows_at_once(client, directory, catalog):
    listing = catalog["sy_ai"]
    url = reverse("catalog:detail", args=[listing.number])
    client.get(url)
    assert cached(client.get(url)) == "hit"
    client.get(API, {"status": "suspended"})
    svc.listing_suspend(actor=directory.sy_official, listing=listing, reason="限期整改期间暂停")
    page = client.get(url)
    assert cached(page) == "miss" and "限期整改期间暂停" in page.content.decode()
    body = client.get(API, {"status": "suspended"}).json()
    assert listing.number in {item["number"] for item in body["items"]}


def test_a_new_listing_shows_in_the_api_at_once(client, world, catalog):
    before = client.get(API, {"occupation": BIGDATA[0]}).json()["count"]
    assert cached(client.get(API, {"occupation": BIGDATA[0]})) == "hit"
    make(world, "L2101020099", occupation=BIGDATA)
    after = client.get(API, {"occupation": BIGDATA[0]})
    assert cached(after) == "miss" and after.json()["count"] == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_write_bumps_at_once_and_again_when_its_transaction_commits(world):
    from django.db import connection, transaction

    from peiyu.institutions.selectors.catalog import CATALOG_GENERATION

    start = CATALOG_GENERATION.current()
    with transaction.atomic():
        make(world, "L2101020098", occupation=BIGDATA)
        make(world, "L2102020097", inst="inst_dl", occupation=BIGDATA)
        during = CATALOG_GENERATION.current()
        assert len(connection.run_on_commit) == 1  # once per transaction, however many rows it wrote
    assert start < during < CATALOG_GENERATION.current()


def test_a_new_day_is_never_served_yesterdays_copy(client, world, catalog, time_machine):
    make(
        world,
        "L2101020096",
        occupation=BIGDATA,
        valid_from=dt.date(2023, 3, 3),
        valid_until=dt.date(2026, 3, 2),
    )
    url = reverse("catalog:detail", args=["L2101020096"])
    assert client.get(url).context["entry"].row.valid
    assert cached(client.get(url)) == "hit"
    time_machine.move_to(dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC), tick=False)
    later = client.get(url)
    assert cached(later) == "miss" and not later.context["entry"].row.valid


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_a_kept_page_carries_each_visitors_own_csrf_token(catalog):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    a = first.get(LIST)
    b = second.get(LIST)
    assert (cached(a), cached(b)) == ("miss", "hit")
    assert _token(a) != _token(b)
    assert "\x00" not in b.content.decode()
    switched = second.post(
        reverse("set_language"), {"language": "en", "next": LIST, "csrfmiddlewaretoken": _token(b)}
    )
    assert switched.status_code == 302
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/api/v1/ping")
    refused = stranger.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": _token(b)})
    assert refused.status_code == 403


def test_each_language_has_its_own_copy(catalog):
    visitor = Client()
    zh = visitor.get(LIST)
    visitor.post(reverse("set_language"), {"language": "en", "next": LIST, "csrfmiddlewaretoken": _token(zh)})
    en = visitor.get(LIST)
    assert cached(en) == "miss" and en["Content-Language"] == "en"
    assert 'lang="en"' in en.content.decode() and 'lang="zh-hans"' in zh.content.decode()


def test_htmx_partial_and_whole_page_are_kept_apart(client, catalog):
    client.get(LIST, {"q": "沈阳"})
    partial = client.get(LIST, {"q": "沈阳"}, headers={"HX-Request": "true"})
    assert cached(partial) == "miss" and "<html" not in partial.content.decode()
    whole = client.get(LIST, {"q": "沈阳"})
    assert cached(whole) == "hit" and "<html" in whole.content.decode()


def test_signed_in_users_are_never_served_a_kept_copy(client, login_as, world, catalog):
    client.get(LIST)
    official = login_as(world.sy_official)
    response = official.get(LIST)
    assert response.status_code == 200 and cached(response) is None


def test_errors_are_not_kept(client, catalog):
    for _ in range(2):
        assert cached(client.get(reverse("catalog:detail", args=["L0000000000"]))) is None
        assert cached(client.get(API, {"region": "abc"})) is None
        assert cached(client.get(API, {"region": "210100"}, headers={"Authorization": "Bearer x"})) is None


def test_no_copies_when_the_cache_is_turned_off(client, catalog, settings):
    settings.PEIYU_PUBLIC_CACHE_SECONDS = 0
    client.get(LIST)
    assert cached(client.get(LIST)) is None


def test_removed_listing_disappears_from_a_kept_search(client, directory, catalog):
    listing: Listing = catalog["sy_ai"]
    assert listing.number in client.get(LIST, {"region": "210100"}).content.decode()
    svc.listing_remove(actor=directory.sy_official, listing=listing, reason="以欺骗手段取得目录资格")
    assert listing.number not in client.get(LIST, {"region": "210100"}).content.decode()
