"""The pipeline's demo section: batches made from the finalised sessions through the services, in the
states of their routes, built once."""

from __future__ import annotations

from peiyu.certificates.demo.batches import build_batches
from peiyu.certificates.models import Certificate, IssuanceBatch
from peiyu.core.registry import demo_sections

from .support import chengdu_skill_session, hubei_dte_session


def test_the_demo_builds_batches_along_their_routes_once(exams, time_machine):
    skill = chengdu_skill_session(exams, time_machine)
    dte = [hubei_dte_session(exams, time_machine, group=g) for g in (1, 2, 3)]
    users = {"hb_official": exams.hb_official, "cg_official": exams.cg_official}
    build_batches(exams.orgs, users)
    states = {b.session_id: b.status for b in IssuanceBatch.objects.all()}
    assert states[skill.pk] == "issued"
    assert [states[s.pk] for s in dte] == ["issued", "submitted", "confirmed"]
    assert (
        Certificate.objects.filter(kind="skill").count() == 3
        and Certificate.objects.filter(kind="level").count() == 3
    )
    build_batches(exams.orgs, users)
    assert IssuanceBatch.objects.count() == 4
    assert "certificates" in [s.name for s in demo_sections()]
