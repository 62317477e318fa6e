"""The exam administrator's many evaluation entries fold into one 考核 menu; someone who sees only one or
two of them (a proctor, an examiner) keeps them in the bar as they are."""

from __future__ import annotations

import re

from django.test import Client

from peiyu.accounts.context_processors import NavGroup, grouped
from peiyu.core.registry import NavItem


def _menu(client: Client) -> str:
    html = client.get("/home/").content.decode()
    return re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)  # type: ignore[union-attr]


def test_the_exam_administrators_entries_fold_into_one_group(exams):
    c = Client()
    c.force_login(exams.users["cd_exam_admin"])
    menu = _menu(c)
    group = re.search(r'<details class="nav-group"><summary>考核</summary>(.*?)</details>', menu, re.S)
    assert group, menu
    inside = group.group(1)
    for label in ("考核站点", "考核批次", "试卷管理", "报名与资格审核", "考核成绩", "考核档案"):
        assert label in inside
    outside = menu.replace(group.group(0), "")
    assert "考核批次" not in outside and "工作台" in outside


def test_a_proctor_keeps_the_few_entries_unfolded(exams):
    c = Client()
    c.force_login(exams.users["cd_proctor"])
    menu = _menu(c)
    assert "nav-group" not in menu and "监考台" in menu


def test_a_group_folds_only_from_three_entries_and_keeps_its_place():
    def item(key: str, order: int, group: str = "") -> NavItem:
        return NavItem(key, key, "home", "home.view", order=order, group=group)

    two = grouped([item("a", 1), item("g1", 2, "G"), item("b", 3), item("g2", 4, "G")])
    assert [i.key for i in two if isinstance(i, NavItem)] == ["a", "g1", "b", "g2"]
    three = grouped([item("a", 1), item("g1", 2, "G"), item("b", 3), item("g2", 4, "G"), item("g3", 5, "G")])
    assert isinstance(three[1], NavGroup) and [i.key for i in three[1].items] == ["g1", "g2", "g3"]
    assert [getattr(i, "key", "group") for i in three] == ["a", "group", "b"]
