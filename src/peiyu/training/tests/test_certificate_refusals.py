"""Certificates are issued under the institution's catalog entry as it stands on the day of issue (issue 12):
a suspended or removed entry issues none (SUP-7, 000 第二十条 / 001 第三十一条), an entry out of its validity
period none (DIR-1, 000 第五条 / 001 第十四条) — each refusal a stored decision of the class citing its rule
and the profile version, audited, on the page and in the API alike; a terminated entry still issues what its
finished classes earned (DIR-6). Training's page and API issue through the certificates service (ADR 0007 §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from peiyu.audit.models import AuditEvent
from peiyu.core.errors import RuleViolation
from peiyu.core.models import Decision
from peiyu.institutions.models import Listing
from peiyu.training.selectors.completion import enrolment_certificates
from peiyu.training.services import completion as svc
from peiyu.training.services.completion import completion_policy

from .certificates_support import completed_class

pytestmark = pytest.mark.django_db


def _entry(training, **changes) -> Listing:
    Listing.objects.filter(pk=training.listings["sy_ai"].pk).update(**changes)
    return Listing.objects.get(pk=training.listings["sy_ai"].pk)


def _refusals(klass):
    return Decision.objects.filter(
        subject_type="training.trainingclass", subject_id=str(klass.pk), kind="certificate_issue"
    )


@pytest.mark.parametrize(
    ("changes", "rule", "source", "words"),
    [
        ({"status": Listing.Status.SUSPENDED}, "SUP-7", "000 第二十条", "已暂停"),
        ({"status": Listing.Status.REMOVED}, "SUP-7", "000 第二十条", "已退出目录"),
        ({"status": Listing.Status.EXPIRED}, "DIR-1", "000 第五条", "不在有效期内"),
        # still active but past its last day (the tick has not moved it yet)
        ({"valid_until": dt.date(2026, 3, 1)}, "DIR-1", "000 第五条", "不在有效期内"),
    ],
)
def test_an_entry_that_does_not_allow_it_refuses_issuing_as_a_stored_decision(
    training, changes, rule, source, words
):
    klass = completed_class(training)
    entry = _entry(training, **changes)
    with pytest.raises(RuleViolation) as exc:
        svc.certificates_issue(actor=training.sy_inst_admin, klass=klass)
    assert exc.value.rules == [rule] and exc.value.code == "certificates_refused"
    assert entry.number in exc.value.message and words in exc.value.message
    assert not enrolment_certificates(klass.enrolments.values_list("pk", flat=True))
    refusal = _refusals(klass).get()
    assert refusal.outcome == "refused" and refusal.rules == [rule]
    in_force = completion_policy(klass)
    assert (refusal.policy_name, refusal.policy_version) == (in_force.name, in_force.version)
    check = refusal.checks[0]
    assert (check["rule"], check["source"], check["ok"]) == (rule, source, False)
    assert check["facts"]["listing"] == entry.number and exc.value.details["decision"] == refusal.pk
    event = AuditEvent.objects.filter(action="training_class.certificates_refused").get()
    assert event.after["decision"] == refusal.pk and event.after["rules"] == [rule]


def test_a_skill_entry_cites_the_chengdu_article(training):
    klass = completed_class(training)
    _entry(training, status=Listing.Status.SUSPENDED, programme="skill")
    with pytest.raises(RuleViolation):
        svc.certificates_issue(actor=training.sy_inst_admin, klass=klass)
    assert _refusals(klass).get().checks[0]["source"] == "001 第三十一条"


def test_once_reinstated_the_same_class_is_issued_its_certificates(training):
    klass = completed_class(training)
    _entry(training, status=Listing.Status.SUSPENDED)
    with pytest.raises(RuleViolation):
        svc.certificates_issue(actor=training.sy_inst_admin, klass=klass)
    _entry(training, status=Listing.Status.ACTIVE)
    certs = svc.certificates_issue(actor=training.sy_inst_admin, klass=klass)
    assert len(certs) == 2
    issued = _refusals(klass).order_by("pk").last()
    assert issued.outcome == "issued" and issued.policy_version is not None
    entry_check = next(c for c in issued.checks if c["rule"] == "DIR-1")
    assert entry_check["ok"] and entry_check["source"] == "000 第五条"
    assert [d.outcome for d in _refusals(klass).order_by("pk")] == ["refused", "issued"]


def test_a_terminated_entry_still_issues_what_its_classes_earned(training):
    klass = completed_class(training)
    _entry(training, status=Listing.Status.TERMINATED)
    assert len(svc.certificates_issue(actor=training.sy_inst_admin, klass=klass)) == 2


def test_the_page_and_the_api_show_the_refusal_with_its_rule(training, login_as):
    klass = completed_class(training)
    _entry(training, status=Listing.Status.SUSPENDED)
    client = login_as(training.sy_inst_admin)
    page = client.post(reverse("training:class_certificates_issue", args=[klass.pk]))
    text = page.content.decode()
    assert page.status_code == 400 and "已暂停" in text and "SUP-7" in text
    api = client.post(f"/api/v1/training/classes/{klass.pk}/certificates")
    body = api.json()
    assert api.status_code == 400 and body["code"] == "certificates_refused" and body["rules"] == ["SUP-7"]
    assert not enrolment_certificates(klass.enrolments.values_list("pk", flat=True))
    assert _refusals(klass).count() == 2  # each attempt is a decision of its own


def test_the_completion_page_says_why_instead_of_offering_the_button(training, login_as):
    klass = completed_class(training)
    client = login_as(training.sy_inst_admin)
    url = reverse("training:class_completion", args=[klass.pk])
    issue = reverse("training:class_certificates_issue", args=[klass.pk])
    page = client.get(url).content.decode()
    assert f'action="{issue}"' in page and 'id="certificates-refused"' not in page
    _entry(training, status=Listing.Status.SUSPENDED)
    page = client.get(url).content.decode()
    assert f'action="{issue}"' not in page
    assert 'id="certificates-refused"' in page and "SUP-7" in page and "已暂停" in page
