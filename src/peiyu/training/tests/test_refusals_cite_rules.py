"""A refusal because of the institution's catalog entry cites the rule that refuses (issue 12): a suspended
entry SUP-7 (001 第三十一条；000 第二十条), an entry out of its validity period DIR-1 (000 第五条；001 第十四条)
— when a plan is filed, through the API and on the page, and when a class is announced — never the filing
rule TRN-2 in their place."""

from __future__ import annotations

import datetime as dt

import pytest

from peiyu.core.errors import RuleViolation
from peiyu.institutions.models import Listing
from peiyu.training.models import TrainingPlan
from peiyu.training.rules import plans as pr
from peiyu.training.services import classes as class_svc
from peiyu.training.services import plans as svc

from .classes_support import fz_class
from .test_plans import sy_plan

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)


def facts(**over) -> pr.ListingFacts:
    base = {
        "number": "ML-1",
        "status": "active",
        "status_label": "有效",
        "kind": "training",
        "levels": ("初级",),
        "valid_from": dt.date(2024, 1, 1),
        "valid_until": dt.date(2026, 12, 31),
        "programme": "dte",
    }
    return pr.ListingFacts(**{**base, **over})


@pytest.mark.parametrize(
    ("over", "rule", "source"),
    [
        ({"status": "suspended", "status_label": "暂停"}, "SUP-7", "000 第二十条"),
        ({"status": "suspended", "programme": "skill"}, "SUP-7", "001 第三十一条"),
        ({"status": "expired", "status_label": "已到期"}, "DIR-1", "000 第五条"),
        ({"valid_until": dt.date(2026, 2, 1)}, "DIR-1", "000 第五条"),  # not yet moved by the tick
        ({"valid_from": dt.date(2026, 6, 1)}, "DIR-1", "000 第五条"),
        ({"status": "forfeited", "status_label": "视为主动放弃"}, "TRN-2", "003 四（一）；000 第十四条"),
        ({"levels": ("中级",)}, "TRN-2", "003 四（一）；000 第十四条"),
    ],
)
def test_the_entry_check_cites_the_rule_that_refuses(over, rule, source):
    check = pr.listing_authorises(facts(**over), level="初级", starts_on=dt.date(2026, 4, 1), today=TODAY)
    assert (check.ok, check.rule, check.source, check.blocking) == (False, rule, source, True)


def test_training_that_starts_after_the_entry_expires_cites_dir1():
    check = pr.listing_authorises(facts(), level="初级", starts_on=dt.date(2027, 1, 5), today=TODAY)
    assert (check.ok, check.rule) == (False, "DIR-1") and "晚于目录条目有效期" in check.message


def test_a_plan_under_a_suspended_entry_is_refused_citing_sup7_and_the_refusal_kept(training):
    plan = sy_plan(training)
    Listing.objects.filter(pk=training.listings["sy_ai"].pk).update(status=Listing.Status.SUSPENDED)
    with pytest.raises(RuleViolation) as exc:
        svc.plan_file(actor=training.sy_inst_admin, plan=plan)
    assert exc.value.rules == ["SUP-7"] and "已暂停" in exc.value.message
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.DRAFT
    assert plan.decision.outcome == "refused" and "SUP-7" in plan.decision.rules
    failed = [c for c in plan.decision.checks if not c["ok"]]
    assert [(c["rule"], c["source"]) for c in failed] == [("SUP-7", "000 第二十条")]


def test_filing_through_the_api_under_an_expired_entry_answers_dir1(training, login_as):
    plan = sy_plan(training)
    Listing.objects.filter(pk=training.listings["sy_ai"].pk).update(status=Listing.Status.EXPIRED)
    response = login_as(training.sy_inst_admin).post(f"/api/v1/training/plans/{plan.pk}/file")
    assert response.status_code == 400
    body = response.json()
    assert body["rules"] == ["DIR-1"] and "有效期" in body["message"]


def test_filing_on_the_page_under_a_suspended_entry_shows_sup7(training, login_as):
    plan = sy_plan(training)
    Listing.objects.filter(pk=training.listings["sy_ai"].pk).update(status=Listing.Status.SUSPENDED)
    client = login_as(training.sy_inst_admin)
    response = client.post(f"/training/plans/{plan.pk}/file/", follow=True)
    text = response.content.decode()
    assert "SUP-7" in text and "已暂停" in text


def test_announcing_a_class_under_an_expired_entry_cites_dir1(training):
    klass = fz_class(training)
    Listing.objects.filter(pk=training.listings["fz_elec"].pk).update(status=Listing.Status.EXPIRED)
    with pytest.raises(RuleViolation) as exc:
        class_svc.class_announce(actor=training.fz_inst_admin, klass=klass)
    assert exc.value.rules == ["DIR-1"]
