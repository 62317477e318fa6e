"""The demo's invalidation and reissue: on the certificates the pipeline's demo issued, one declared invalid,
one awaiting the institution's statement, one reissued, a Hubei one awaiting the province's decision —
through the services, built once."""

from __future__ import annotations

from peiyu.certificates.demo.batches import build_batches
from peiyu.certificates.demo.invalidations import build_invalidations
from peiyu.certificates.models import Certificate, Invalidation
from peiyu.core.registry import demo_sections

from .support import chengdu_skill_session, hubei_dte_session


def test_the_demo_shows_certificates_invalidated_awaiting_a_statement_or_a_decision_and_reissued(
    exams, time_machine
):
    chengdu_skill_session(exams, time_machine)
    hubei_dte_session(exams, time_machine, group=1)
    users = {
        "hb_official": exams.hb_official,
        "cg_official": exams.cg_official,
        "cd_official": exams.cd_official,
    }
    build_batches(exams.orgs, users)
    build_invalidations(exams.orgs, users)
    statuses = sorted(Invalidation.objects.values_list("status", flat=True))
    assert statuses == ["decided", "opened", "stated"]
    assert Certificate.objects.filter(status="invalidated", invalidated_on__isnull=False).count() == 1
    assert Certificate.objects.filter(status="superseded", replaced_by__isnull=False).count() == 1
    build_invalidations(exams.orgs, users)
    assert Invalidation.objects.count() == 3
    # the open finding on a score, decided as an official would: the candidate's result is void too
    from peiyu.certificates.services.invalidations import invalidation_decide, invalidation_state
    from peiyu.exams.models import Registration

    on_score = Invalidation.objects.get(scope="score")
    invalidation_state(actor=exams.cd_social1_admin, invalidation=on_score, statement="评分记录已补正说明")
    invalidation_decide(actor=exams.cd_official, invalidation=on_score)
    assert Registration.objects.get(pk=on_score.certificate.source_id).result == "voided"
    names = [s.name for s in demo_sections()]
    assert names.index("certificates_invalidations") > names.index("certificates")
