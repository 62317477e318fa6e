"""What pages show of stored values: citations in words, times in Asia/Shanghai, the API's datetimes with
+08:00, the favicon, and the collapsible menu and confirmation hooks in the page skeleton."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from peiyu.core.renderers import LocalTimeJSONEncoder
from peiyu.core.sources import SEED_DOCUMENTS, citations, cite, document_of
from peiyu.core.templatetags.display import local, seed_document

UTC = dt.UTC


def test_every_seed_document_has_a_title_issuer_and_date():
    assert sorted(SEED_DOCUMENTS) == ["000", "001", "002", "003", "004"]
    assert all(d.title and d.issuer and d.issued for d in SEED_DOCUMENTS.values())
    assert not any(d.title.startswith("《") for d in SEED_DOCUMENTS.values())


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("000 第十四条", "《数字技术工程师培育项目培训机构和评价机构管理办法（试行）》第十四条"),
        ("000 第十条（四）", "《数字技术工程师培育项目培训机构和评价机构管理办法（试行）》第十条第（四）项"),
        ("002 五", "《关于进一步规范职业技能培训管理工作八条措施》第五条"),
        ("003 四（一）", "《关于实施数字技术工程师培育项目有关事项的通知》第四部分第（一）项"),
        ("001 第九条至第十一条", "《成都市职业技能等级评价机构管理办法》第九条至第十一条"),
        (
            "002 五：线上培训课时不超过总课时的40%",
            "《关于进一步规范职业技能培训管理工作八条措施》第五条：线上培训课时不超过总课时的40%",
        ),
        (
            "004 五（二）；附件注5",
            "《关于组织开展国家数字技术工程师培育项目第二批培训机构和评价机构申报工作的通知》第五部分第（二）项、附件注5",
        ),
    ],
)
def test_a_citation_reads_as_the_documents_title_and_the_article_in_words(stored, shown):
    assert cite(stored) == shown


def test_a_citation_of_two_documents_names_both_and_keeps_free_text_as_written():
    text = cite("003 四（一）；000 第十四条")
    assert text.startswith(
        "《关于实施数字技术工程师培育项目有关事项的通知》第四部分第（一）项；《数字技术工程师"
    )
    assert text.endswith("第十四条")
    assert cite("000 第十一条（六）；等级保护三级").endswith("第十一条第（六）项；等级保护三级")
    law = "全国人大常委会关于实施渐进式延迟法定退休年龄的决定（2025年1月1日起施行）"
    assert cite(law) == law and citations(law)[0].document is None
    assert cite("") == "" and cite(None) == ""


def test_no_seed_number_is_left_in_a_cited_text():
    for stored in ("004 §2(3)", "001 第十二条、第十三条；000 第二十条", "004 一（三）；001 第八条"):
        shown = cite(stored)
        assert not any(seed in shown for seed in SEED_DOCUMENTS), shown


def test_a_profile_source_names_its_document_issuer_and_date():
    assert document_of("004 辽宁省人力资源和社会保障厅，2023-05-31") is SEED_DOCUMENTS["004"]
    assert seed_document("001 成都市人力资源和社会保障局，2024-02-02") == (
        "《成都市职业技能等级评价机构管理办法》（成都市人力资源和社会保障局，2024-02-02）"
    )
    assert seed_document("某市文件") == "某市文件"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_datetime_shows_in_shanghai_time_in_both_languages(settings, language):
    moment = dt.datetime(2026, 11, 17, 11, 0, tzinfo=UTC)
    with translation.override(language):
        html = Template("{{ m }}|{{ m|date }}|{{ d }}|{{ m|local }}").render(
            Context({"m": moment, "d": dt.date(2026, 11, 17)})
        )
    assert html == "2026-11-17 19:00|2026-11-17|2026-11-17|2026-11-17 19:00"


def test_an_iso_string_from_stored_facts_shows_as_local_time():
    assert local("2026-11-17T11:00:00+00:00") == "2026-11-17 19:00"
    assert local("2026-11-17T11:00:00Z") == "2026-11-17 19:00"
    assert local("2026-11-17") == "2026-11-17"
    assert local("not a time") == "not a time"
    assert local(None) == ""


def test_the_api_writes_datetimes_with_the_shanghai_offset():
    moment = dt.datetime(2026, 11, 17, 11, 0, tzinfo=UTC)
    body = json.loads(json.dumps({"at": moment, "on": dt.date(2026, 11, 17)}, cls=LocalTimeJSONEncoder))
    assert body == {"at": "2026-11-17T19:00:00+08:00", "on": "2026-11-17"}
    assert dt.datetime.fromisoformat(body["at"]).astimezone(ZoneInfo("UTC")) == moment


@pytest.mark.django_db
def test_every_page_links_a_favicon_and_has_the_menu_button(client):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and "peiyu/favicon.svg" in html
    assert "data-nav-toggle" in html and 'aria-controls="site-menu"' in html and 'id="site-menu"' in html
    assert client.get("/favicon.ico").status_code == 301
