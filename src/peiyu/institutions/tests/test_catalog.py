"""The public institution catalog (CAT-4, DIR-1): search and filters, what is hidden, what is shown
as valid, the detail page, the xlsx export, the API, and the query budget of the hot pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from peiyu.core.models import TransitionLog
from peiyu.institutions.models import Listing
from peiyu.institutions.selectors import catalog as sel
from peiyu.institutions.selectors.catalog import catalog_get_public, catalog_search, listing_search_text

from .catalog_data import AI, API, BIGDATA, IOT, NOW, TODAY, make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)
    sel.forget_memos()


def numbers(page) -> set[str]:
    return {r.number for r in page.rows}


# --- the search line ---------------------------------------------------------------------------------------


def test_search_text_puts_levels_first_between_bars_and_is_lowercase():
    listing = Listing(
        number="L2101020001",
        filing_code="BA21",
        institution_name="沈阳 智算  科技有限公司",
        occupation_code="2-02-38-01",
        occupation_name="人工智能工程技术人员",
        levels=["初级", "中级"],
    )
    assert (
        listing_search_text(listing)
        == "|初级|中级| 沈阳 智算 科技有限公司 人工智能工程技术人员 2-02-38-01 l2101020001 ba21"
    )


def test_search_text_never_exceeds_the_column_and_keeps_the_levels():
    listing = Listing(
        number="N1", institution_name="长" * 600, occupation_code="x", occupation_name="y", levels=["高级"]
    )
    text = listing_search_text(listing)
    assert len(text) == Listing._meta.get_field("search_text").max_length
    assert text.startswith("|高级| ")


# --- filters -----------------------------------------------------------------------------------------------


def test_default_search_shows_every_public_status_but_never_removed_listings(catalog):
    page = catalog_search()
    assert numbers(page) == {x.number for k, x in catalog.items() if k != "dl_removed"}
    assert page.total == 7 and not page.total_capped and not page.has_next
    assert [r.number for r in page.rows] == sorted(
        numbers(page), key=lambda n: -Listing.objects.get(number=n).pk
    )


def test_removed_status_cannot_be_asked_for(catalog):
    with pytest.raises(sel.InvalidInput) as exc:
        catalog_search(status="removed")
    assert "status" in exc.value.fields


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"programme": "skill"}, {"sy_skill"}),
        ({"programme": "dte", "kind": "training"}, {"sy_iot", "dl_ai"}),
        ({"kind": "training"}, {"sy_iot", "dl_ai"}),
        ({"occupation": AI[0]}, {"sy_ai", "dl_ai"}),
        ({"occupation": AI[0], "kind": "evaluation"}, {"sy_ai"}),
        ({"level": "高级"}, {"sy_iot"}),
        ({"level": "初级工"}, {"sy_skill"}),  # the alias of 五级 (CAT-2) where levels are loaded
        ({"status": "expired"}, {"sy_expired"}),
        ({"status": "forfeited"}, {"dl_forfeited"}),
        ({"status": "valid"}, {"sy_ai", "sy_iot", "dl_ai"}),
        ({"q": "大连"}, {"dl_ai", "dl_suspended", "dl_forfeited"}),
        ({"q": "物联网"}, {"sy_iot", "dl_suspended"}),
        ({"q": "沈阳 人工智能"}, {"sy_ai"}),
        ({"q": "l2102020001"}, {"dl_ai"}),
        ({"q": "L2102020001"}, {"dl_ai"}),
        ({"q": "ba21010200000001"}, {"sy_ai"}),
        ({"q": "100%_"}, set()),
        ({"region": "210000"}, {"sy_ai", "sy_iot", "sy_expired", "dl_ai", "dl_suspended", "dl_forfeited"}),
        ({"region": "210100"}, {"sy_ai", "sy_iot", "sy_expired"}),
        ({"region": "210202"}, {"dl_ai", "dl_suspended", "dl_forfeited"}),
        ({"region": "510100"}, {"sy_skill"}),
        ({"region": "420000"}, set()),
        ({"region": "210100", "occupation": AI[0]}, {"sy_ai"}),
        ({"region": "210000", "q": "智算"}, {"sy_ai", "sy_iot", "sy_expired"}),
        ({"region": "210000", "level": "中级", "kind": "training"}, {"dl_ai"}),
        ({"region": "210000", "status": "valid"}, {"sy_ai", "sy_iot", "dl_ai"}),
        ({"region": "210000", "occupation": IOT[0]}, {"sy_iot", "dl_suspended"}),
        ({"region": "210100", "status": "valid"}, {"sy_ai", "sy_iot"}),
        ({"region": "210202", "occupation": IOT[0], "status": "suspended"}, {"dl_suspended"}),
        ({"region": "210202", "q": "海数"}, {"dl_ai", "dl_suspended", "dl_forfeited"}),
    ],
)
def test_each_filter_narrows_the_catalog(catalog, filters, expected):
    if filters.get("level") == "初级工":
        from peiyu.catalogs.models import Level

        Level.objects.create(code="skill-5", name="五级", kind="skill", rank=1, number=5, aliases=["初级工"])
    assert numbers(catalog_search(**filters)) == {catalog[k].number for k in expected}


def test_bad_filters_are_named(catalog):
    with pytest.raises(sel.InvalidInput) as exc:
        catalog_search(programme="x", kind="y", region="21", q="长" * 51)
    assert set(exc.value.fields) == {"programme", "kind", "region", "q"}


def test_expired_and_active_outside_its_dates_are_shown_but_not_valid(world, catalog):
    late = make(
        world,
        "L2101020009",
        occupation=("2-02-38-04", "云计算工程技术人员"),
        valid_until=TODAY - dt.timedelta(days=1),
    )
    rows = {r.number: r for r in catalog_search().rows}
    assert rows[catalog["sy_ai"].number].valid and rows[catalog["sy_ai"].number].display_status == "有效"
    assert not rows[catalog["sy_expired"].number].valid
    assert rows[catalog["sy_expired"].number].display_status == "已到期"
    assert not rows[catalog["dl_suspended"].number].valid
    # still marked active (the nightly tick has not run yet), yet past its last day: not valid
    assert not rows[late.number].valid and rows[late.number].display_status == "不在有效期内"
    assert late.number not in numbers(catalog_search(status="valid"))


def test_region_names_are_full_and_skip_placeholder_cities(catalog):
    row = next(r for r in catalog_search(region="210100").rows if r.number == catalog["sy_ai"].number)
    assert row.region_name == "辽宁省沈阳市和平区"
    from peiyu.accounts.models import Region

    Region.objects.create(code="110000", name="北京市", level=1)
    Region.objects.create(code="110100", name="市辖区", level=2, parent_id="110000")
    Region.objects.create(code="110101", name="东城区", level=3, parent_id="110100")
    assert sel.region_full_names({"110101", "999999"}) == {"110101": "北京市东城区", "999999": "999999"}


def test_pages_count_up_to_the_cap_and_text_searches_page_without_counting(world, catalog, monkeypatch):
    for i in range(4):
        make(world, f"L21010201{i:02d}", occupation=(f"2-02-38-1{i}", f"职业{i}"))
    page = catalog_search(page_size=5)
    assert (page.total, page.total_capped, page.has_next, len(page.rows)) == (11, False, True, 5)
    last = catalog_search(page_size=5, page=3)
    assert (last.total, last.total_capped, last.has_next, len(last.rows)) == (11, False, False, 1)
    monkeypatch.setattr(sel, "COUNT_CAP", 8)
    capped = catalog_search(page_size=5)
    assert (capped.total, capped.total_capped) == (8, True)
    text = catalog_search(q="沈阳", page_size=2)
    assert text.has_next and text.total_capped and text.total == 2 and not text.counted
    beyond = catalog_search(page=99)
    assert beyond.rows == [] and not beyond.has_next


# --- pages -------------------------------------------------------------------------------------------------


def test_list_page_is_public_and_filters_by_get_parameters(client, catalog):
    response = client.get(reverse("catalog:list"), {"region": "210100", "status": "valid"})
    assert response.status_code == 200
    html = response.content.decode()
    assert catalog["sy_ai"].number in html and catalog["sy_iot"].number in html
    assert catalog["sy_expired"].number not in html and catalog["dl_ai"].number not in html
    assert '<option value="210100" selected>' in html
    assert reverse("catalog:export") + "?region=210100&amp;status=valid" in html
    assert reverse("catalog:detail", args=[catalog["sy_ai"].number]) in html


def test_list_page_reports_a_bad_filter_and_applies_the_others(client, catalog):
    response = client.get(reverse("catalog:list"), {"status": "removed", "region": "210202"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "已退出目录的条目不公开" in html
    assert catalog["dl_ai"].number in html and catalog["dl_removed"].number not in html
    assert catalog["sy_ai"].number not in html


def test_htmx_request_gets_the_results_partial_only(client, catalog):
    response = client.get(reverse("catalog:list"), {"q": "大连"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "<form" not in html
    assert catalog["dl_ai"].number in html and catalog["sy_ai"].number not in html
    assert "HX-Request" in response["Vary"]


def test_detail_page_shows_dates_status_reason_ban_and_history(client, world, catalog):
    listing = catalog["dl_forfeited"]
    TransitionLog.objects.create(
        subject_type="institutions.listing", subject_id=str(listing.pk), from_status="", to_status="active",
        reason="纳入目录", at=timezone.make_aware(dt.datetime(2022, 1, 1, 9)),
    )  # fmt: skip
    TransitionLog.objects.create(
        subject_type="institutions.listing", subject_id=str(listing.pk), from_status="active",
        to_status="forfeited", reason="DIR-3 第一个有效期内未开展活动", at=timezone.make_aware(dt.datetime(2025, 1, 2, 9)),
    )  # fmt: skip
    TransitionLog.objects.create(  # another listing's history stays out
        subject_type="institutions.listing",
        subject_id=str(catalog["dl_ai"].pk),
        to_status="suspended",
        reason="别的条目",
    )
    response = client.get(reverse("catalog:detail", args=[listing.number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2022-01-01" in html and "2024-12-31" in html
    assert "视为主动放弃" in html and "第一个有效期内未开展培训评价活动" in html
    assert "至 2027-12-31 前不得再次申报该职业" in html
    assert "辽宁省大连市中山区" in html
    assert "有效 → 视为主动放弃" in html and "DIR-3 第一个有效期内未开展活动" in html
    assert "别的条目" not in html
    assert "今日不是有效条目" in html


def test_detail_of_a_valid_listing_says_so(client, catalog):
    html = client.get(reverse("catalog:detail", args=[catalog["sy_ai"].number])).content.decode()
    assert "今日有效" in html and "BA21010200000001" in html and "初级、中级" in html


def test_detail_is_404_for_unknown_and_removed_listings(client, catalog):
    assert client.get(reverse("catalog:detail", args=["NOPE"])).status_code == 404
    assert client.get(reverse("catalog:detail", args=[catalog["dl_removed"].number])).status_code == 404
    with pytest.raises(sel.NotFound):
        catalog_get_public(catalog["dl_removed"].number)


def _workbook(response):
    from openpyxl import load_workbook

    return load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def test_export_is_an_xlsx_with_chinese_headers_and_the_filtered_rows(client, catalog):
    response = client.get(reverse("catalog:export"), {"region": "210000", "status": "valid"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = _workbook(response).active
    rows = list(ws.iter_rows(values_only=True))
    assert "地区：辽宁省" in rows[0][0] and "状态：今日有效" in rows[0][0]
    header = rows[1]
    assert header[:4] == ("目录编号", "机构名称", "项目", "机构类别") and "今日是否有效" in header
    body = {r[0]: r for r in rows[2:]}
    assert set(body) == {catalog["sy_ai"].number, catalog["sy_iot"].number, catalog["dl_ai"].number}
    row = body[catalog["sy_ai"].number]
    assert row[header.index("所在地区")] == "辽宁省沈阳市和平区"
    assert row[header.index("今日是否有效")] == "是"
    assert row[header.index("有效期至")].date() == catalog["sy_ai"].valid_until


def test_export_never_holds_removed_listings_and_says_when_it_is_truncated(client, catalog, monkeypatch):
    monkeypatch.setattr(sel, "EXPORT_CAP", 3)
    response = client.get(reverse("catalog:export"))
    rows = list(_workbook(response).active.iter_rows(values_only=True))
    assert "超过 3 条" in rows[1][0]
    assert len(rows[3:]) == 3
    assert response["X-Peiyu-Export-Truncated"] == "1"
    monkeypatch.setattr(sel, "EXPORT_CAP", 100)
    rows = list(_workbook(client.get(reverse("catalog:export"))).active.iter_rows(values_only=True))
    assert catalog["dl_removed"].number not in {r[0] for r in rows}
    assert len(rows[2:]) == 7


def test_export_refuses_a_bad_filter(client, catalog):
    assert client.get(reverse("catalog:export"), {"status": "removed"}).status_code == 400


def test_control_characters_in_a_search_term_are_refused_in_chinese_never_a_500(client, catalog):
    response = client.get(reverse("catalog:export") + "?q=a%00b")
    assert response.status_code == 400
    assert "关键字含有不可见的控制字符" in response.content.decode()
    page = client.get(reverse("catalog:list") + "?q=a%00b&region=210000")
    assert page.status_code == 200
    assert "关键字含有不可见的控制字符" in page.content.decode()
    assert catalog["sy_ai"].number in page.content.decode()  # the other filters still apply
    assert client.get(API + "?q=a%00b").status_code == 400
    with pytest.raises(sel.InvalidInput) as caught:
        sel.catalog_filters({"q": "a\x0bb", "level": "初级\x00"})
    assert set(caught.value.fields) == {"q", "level"}


def test_export_writes_what_institutions_typed_as_plain_text(client, world, catalog):
    catalog["sy_ai"].institution_name = '=HYPERLINK("http://evil.example","点我")'
    catalog["sy_ai"].save(update_fields=["institution_name"])
    ws = _workbook(client.get(reverse("catalog:export"))).active
    header = [c.value for c in ws[2]]
    cells = [row[header.index("机构名称")] for row in ws.iter_rows(min_row=3)]
    typed = [c for c in cells if str(c.value).startswith("=")]
    assert len(typed) == 1 and typed[0].data_type == "s" and typed[0].quotePrefix


# --- API ---------------------------------------------------------------------------------------------------


def test_api_lists_with_the_same_filters_and_a_valid_flag(client, catalog):
    response = client.get(API, {"occupation": AI[0], "region": "210000"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count", "count_capped", "has_next", "limit", "offset"}
    assert body["count"] == 2 and not body["count_capped"]
    item = next(i for i in body["items"] if i["number"] == catalog["sy_ai"].number)
    assert item["valid"] is True and item["status"] == "active" and item["status_label"] == "有效"
    assert item["valid_from"] == (TODAY - dt.timedelta(days=100)).isoformat()
    assert item["region_name"] == "辽宁省沈阳市和平区" and item["levels"] == ["初级", "中级"]
    assert item["filing_code"] == "BA21010200000001" and item["reapply_banned_until"] is None
    expired = client.get(API, {"status": "expired"}).json()["items"]
    assert [i["valid"] for i in expired] == [False]


def test_api_bodies_match_their_published_schemas(client, catalog):
    from peiyu.institutions.api.catalog import CatalogListingDetailOut, CatalogPageOut

    CatalogPageOut.model_validate(client.get(API, {"limit": 100}).json(), strict=False)
    for listing in catalog.values():
        if listing.status != Listing.Status.REMOVED:
            CatalogListingDetailOut.model_validate(client.get(f"{API}/{listing.number}").json())


def test_api_hides_removed_and_refuses_bad_parameters(client, catalog):
    assert catalog["dl_removed"].number not in {i["number"] for i in client.get(API).json()["items"]}
    for params in (
        {"status": "removed"},
        {"region": "21"},
        {"programme": "x"},
        {"limit": 1000},
        {"offset": -1},
    ):
        response = client.get(API, params)
        assert response.status_code == 400, params
        assert response.json()["code"] == "invalid_input"


def test_api_detail_has_history_and_is_404_for_removed(client, catalog):
    listing = catalog["dl_forfeited"]
    TransitionLog.objects.create(
        subject_type="institutions.listing", subject_id=str(listing.pk), from_status="active",
        to_status="forfeited", reason="DIR-3",
    )  # fmt: skip
    body = client.get(f"{API}/{listing.number}").json()
    assert body["valid"] is False and body["reapply_banned_until"] == "2027-12-31"
    assert [(h["from_label"], h["to_label"], h["reason"]) for h in body["history"]] == [
        ("有效", "视为主动放弃", "DIR-3")
    ]
    removed = client.get(f"{API}/{catalog['dl_removed'].number}")
    assert removed.status_code == 404 and removed.json()["code"] == "listing_not_found"
    assert client.get(f"{API}/NOPE").status_code == 404


def test_api_is_described_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/catalog/listings" in paths and "/api/v1/catalog/listings/{number}" in paths
    params = {p["name"] for p in paths["/api/v1/catalog/listings"]["get"]["parameters"]}
    assert {
        "q",
        "programme",
        "kind",
        "occupation",
        "level",
        "region",
        "status",
        "limit",
        "offset",
    } <= params


# --- query budget ------------------------------------------------------------------------------------------


def test_list_page_and_api_use_a_few_queries_whatever_the_number_of_rows(
    client, world, catalog, django_assert_max_num_queries, settings
):
    settings.PEIYU_PUBLIC_CACHE_SECONDS = 0  # the searches themselves, not kept copies (test_catalog_cache)
    for i in range(15):
        make(world, f"L21020201{i:02d}", inst="inst_dl", occupation=(f"2-02-38-2{i:02d}", f"职业{i}"))
    client.get(reverse("catalog:list"))  # region names and form choices cached
    client.get(API, {"q": "沈阳"})  # PostgreSQL: the keyword index's statistics, read every 5 minutes
    with django_assert_max_num_queries(2):  # page rows, count
        assert client.get(reverse("catalog:list"), {"region": "210000"}).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(API, {"occupation": AI[0]}).status_code == 200
    with django_assert_max_num_queries(1):  # a text search is not counted
        assert client.get(API, {"q": "大连"}).status_code == 200
    sel.forget_memos()
    with django_assert_max_num_queries(6):  # + region names + the form's regions, levels, occupations
        assert client.get(reverse("catalog:list")).status_code == 200
    with django_assert_max_num_queries(4):  # the listing, region names, periods, history
        assert client.get(reverse("catalog:detail", args=[catalog["sy_ai"].number])).status_code == 200


# --- the demo generator ------------------------------------------------------------------------------------


def test_generate_listings_fills_the_catalog_with_searchable_rows(world):
    from peiyu.catalogs.models import Level, Occupation
    from peiyu.demo.scale import generate
    from peiyu.demo.scale_listings import generate_listings

    for i, (code, name) in enumerate((AI, IOT, BIGDATA)):
        Occupation.objects.create(
            code=code, name=name, programme="dte", kind="professional", confidence="confirmed"
        )
        Level.objects.create(code=f"p{i}", name=("初级", "中级", "高级")[i], kind="professional", rank=i + 1)
    generate(20, users_per_org=0, seed=5)
    result = generate_listings(100, seed=5, today=TODAY)
    assert result.listings == 100 == Listing.objects.count()
    assert sum(result.statuses.values()) == 100 and result.statuses["active"] > 50
    listings = list(Listing.objects.select_related("institution"))
    assert all(x.search_text == listing_search_text(x) for x in listings)
    assert all(
        x.region_id == x.institution.region_id and x.institution_name == x.institution.name for x in listings
    )
    assert all(x.valid_until < TODAY for x in listings if x.status in ("expired", "forfeited"))
    assert all(x.reapply_banned_until for x in listings if x.status == "forfeited")
    live = [
        (x.institution_id, x.kind, x.occupation_code) for x in listings if x.status in ("active", "suspended")
    ]
    assert len(live) == len(set(live))
    page = catalog_search(region="210000", page_size=100)
    assert page.rows and all(r.region_code.startswith("21") for r in page.rows)
    assert all(r.status != "removed" for r in page.rows)
    with pytest.raises(ValueError, match="institutions"):
        generate_listings(10_000, seed=5)
