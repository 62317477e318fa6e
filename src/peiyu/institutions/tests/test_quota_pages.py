"""The quota of a review step (SEL-6) as the pages show it: the refusal names the institutions that hold the
places (their catalog or application numbers stay in the decision's facts); the application page says
beforehand what the step will do, from the same check the service decides with — Chengdu's filing
beyond the quota is offered only as 记录不予备案, Liaoning's recommending beyond it not at all; the filing
receipt sits next to the unified filing code."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command

from peiyu.core.errors import RuleViolation
from peiyu.core.models import Decision
from peiyu.institutions.models import Application, Listing
from peiyu.institutions.selectors.actions import application_allowed_actions
from peiyu.institutions.services import notices, review
from peiyu.institutions.todos import institution_todos

from . import factories as f
from .test_notices import AFTER_END, CST, PUBLISH_DAY, at_notice_cd, chengdu_call, reload, travel

S = Application.Status
pytestmark = pytest.mark.usefixtures("today_in_call")


@pytest.fixture
def three_filed(directory, time_machine):
    """Three social organisations of a Chengdu trade filed; the fourth waits at the filing step."""
    travel(time_machine, dt.datetime(2026, 9, 15, 10, 0, tzinfo=CST))
    call = chengdu_call(directory)
    socials = [at_notice_cd(directory, call, f"cd_social{i}") for i in range(1, 5)]
    travel(time_machine, PUBLISH_DAY)
    notices.notice_publish(actor=directory.cdc_official, applications=socials)
    travel(time_machine, AFTER_END)
    call_command("tick")
    for app in socials[:3]:
        notices.application_file(actor=directory.cd_official, application=app)
    return [reload(a) for a in socials]


def _filed_names(socials) -> list[str]:
    return [a.institution.name for a in socials[:3]]


def test_the_full_quota_is_said_before_filing_and_the_button_says_it_will_refuse(
    directory, three_filed, login_as
):
    fourth = three_filed[3]
    page = login_as(directory.cd_official).get(f"/directory/applications/{fourth.pk}/").content.decode()
    act = page[page.index('id="act"') :]
    assert re.search(r"剩余\s*<strong>0</strong>", act)
    full = re.search(r'<p class="notice" id="quota-full">(.*?)</p>', act, re.S).group(1)
    assert "SEL-6" in full and "社评组织已满" in full and "不予备案" in full
    assert all(name in full for name in _filed_names(three_filed))
    assert "ML" not in full  # the catalog numbers are not the names people know
    assert "备案并生成统一编码" not in act and "记录不予备案（名额已满）" in act
    assert 'data-confirm="名额已满，将记录不予备案' in act
    # once a place is free again the page offers filing as before
    Listing.objects.filter(application=three_filed[2]).update(status=Listing.Status.REMOVED)
    page = login_as(directory.cd_official).get(f"/directory/applications/{fourth.pk}/").content.decode()
    act = page[page.index('id="act"') :]
    assert "备案并生成统一编码" in act and 'id="quota-full"' not in act


def test_the_refusal_names_the_institutions_holding_the_places(directory, three_filed, login_as):
    fourth = three_filed[3]
    names = _filed_names(three_filed)
    numbers = list(Listing.objects.filter(application__in=three_filed[:3]).values_list("number", flat=True))
    with pytest.raises(RuleViolation) as exc:
        notices.application_file(actor=directory.cd_official, application=fourth)
    assert all(name in exc.value.message for name in names), exc.value.message
    assert not any(number in exc.value.message for number in numbers)
    fourth = reload(fourth)
    assert fourth.status == S.REJECTED
    assert all(name in fourth.reject_reason for name in names) and "SEL-6" in fourth.reject_reason
    assert not any(number in fourth.reject_reason for number in numbers)
    # the numbers stay in the decision's facts (a technical detail)
    check = next(c for c in Decision.objects.get(pk=fourth.actions.last().decision_id).checks if not c["ok"])
    assert sorted(check["facts"]["records"]) == sorted(numbers)
    assert sorted(check["facts"]["holders"]) == sorted(names)
    # the refused organisation's own page and to-do list
    admin = directory.users["cd_social4_admin"]
    own = login_as(admin).get(f"/directory/applications/{fourth.pk}/").content.decode()
    assert all(name in own for name in names) and not any(number in own for number in numbers)
    todo = next(t for t in institution_todos(admin) if t.url.endswith(f"/{fourth.pk}/"))
    assert all(name in todo.detail for name in names) and not any(number in todo.detail for number in numbers)


def test_recommending_beyond_the_quota_is_not_offered(directory, ln_call, login_as):
    # Dalian may recommend 2 evaluation institutions per occupation (004 一（三）)
    for k in ("dl2", "dl3"):
        f.new_institution(directory, k, "210202", f"52210202MJ0Q0000{k[-1]}")
    users = [directory.dl_inst_admin, directory.dl2_admin, directory.dl3_admin]
    submitted = [
        f.submitted(u, ln_call, kind="evaluation", form=f.dte_form(u.primary_org, kind="evaluation"))
        for u in users
    ]
    third = submitted[2]
    assert "pass" in application_allowed_actions(directory.dl_official, third)
    for app in submitted[:2]:
        review.application_pass(actor=directory.dl_official, application=app, recommendation_reason="好")
    allowed = application_allowed_actions(directory.dl_official, reload(third))
    assert "pass" not in allowed and {"return", "reject"} <= set(allowed)
    page = login_as(directory.dl_official).get(f"/directory/applications/{third.pk}/").content.decode()
    full = re.search(r'<p class="notice" id="quota-full">(.*?)</p>', page, re.S).group(1)
    assert "推荐名额已满" in full and "不能推荐" in full
    assert all(a.institution.name in full for a in submitted[:2])
    assert 'name="recommendation_reason"' not in page
    with pytest.raises(RuleViolation):  # the service decides the same
        review.application_pass(actor=directory.dl_official, application=third, recommendation_reason="好")


def test_the_filing_receipt_sits_next_to_the_filing_code(directory, three_filed, login_as):
    filed = three_filed[0]
    admin = directory.users["cd_social1_admin"]
    page = login_as(admin).get(f"/directory/applications/{filed.pk}/").content.decode()
    head = re.search(r'<p class="muted">(.*?)</p>', page, re.S).group(1)
    assert filed.filing_code in head
    assert f'href="/directory/applications/{filed.pk}/filing-receipt.pdf"' in head
    assert page.count("filing-receipt.pdf") == 1
