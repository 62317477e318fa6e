"""The shared pager (`_pager.html`): its links keep the list's filters and change only the page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_pager_links_keep_the_filters_and_change_only_the_page():
    request = RequestFactory().get("/training/certificates/", {"q": "李四", "status": "valid", "page": "2"})
    page = Paginator(list(range(95)), 30).get_page(2)
    html = render_to_string("_pager.html", {"page": page}, request=request)
    assert "?q=%E6%9D%8E%E5%9B%9B&amp;status=valid&amp;page=1" in html
    assert "?q=%E6%9D%8E%E5%9B%9B&amp;status=valid&amp;page=3" in html
    assert "第 2 / 4 页，共 95 项" in html


def test_a_single_page_shows_no_pager():
    request = RequestFactory().get("/x/")
    page = Paginator(list(range(5)), 30).get_page(1)
    assert render_to_string("_pager.html", {"page": page}, request=request).strip() == ""
