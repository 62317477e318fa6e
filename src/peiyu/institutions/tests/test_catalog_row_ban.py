"""The public catalog list says in the row of a forfeited entry until when its institution may not apply
again (DIR-3), as the entry's own page does; other rows say nothing of it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from peiyu.institutions.selectors import catalog as sel

from .catalog_data import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)
    sel.forget_memos()


def _row_text(html: str, number: str) -> str:
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(number)}(?:(?!</tr>).)*</tr>", html, re.S)
    assert row, number
    return re.sub(r"<[^>]+>", "", row.group(0))


def test_the_row_of_a_forfeited_entry_shows_its_reapply_ban(client, catalog):
    html = client.get(reverse("catalog:list"), {"q": "大连"}).content.decode()
    forfeited = _row_text(html, catalog["dl_forfeited"].number)
    assert "视为主动放弃，2027-12-31前不得再次申报" in forfeited, forfeited
    for key in ("dl_ai", "dl_suspended"):
        assert "不得再次申报" not in _row_text(html, catalog[key].number)
    # the results htmx swaps are built by the same code
    swapped = client.get(reverse("catalog:list"), {"q": "大连"}, HTTP_HX_REQUEST="true").content.decode()
    assert "视为主动放弃，2027-12-31前不得再次申报" in _row_text(swapped, catalog["dl_forfeited"].number)
