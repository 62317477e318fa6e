"""Certificates of a Shenyang and a Dalian institution for the scoping walk (CRT-8): one issued certificate
per city (a training certificate of the walk's institution, held by a person of training's register) and
an open invalidation finding on it. The city officials see their own city's certificates and findings
(certificate.view, certificate.invalidate); the other city's answer 404. The holder's wallet pages are
walked with outsiders only (no holder persona in the walk)."""

from __future__ import annotations

PARAMS = ("cert_id", "invalidation_id")
OWNERS = {
    "cert_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    "invalidation_id": {"shenyang": "sy_official", "dalian": "dl_official"},
}
PAGE_RECORDS = {
    # a certificate's page, PDF, reissue and finding form; a finding's page; the holder's card
    "certificates/<int:": "cert_id",
    "certificates/invalidations/<int:": "invalidation_id",
    "certificates/wallet/<int:": "cert_id",
}
PAGE_SUBRECORDS = {"<int:cert_id>": "cert_id", "<int:invalidation_id>": "invalidation_id"}
BODIES = {
    ("post", "/api/v1/certificates/records/{cert_id}/reissue"): lambda w, c: {"kind": "lost", "reason": "x"},
    ("post", "/api/v1/certificates/records/{cert_id}/invalidations"): lambda w, c: {
        "cause": "cheating", "scope": "certificate", "finding": "x"},
    ("post", "/api/v1/certificates/invalidations/{invalidation_id}/actions"): lambda w, c: {
        "action": "dismiss", "text": "x"},
}  # fmt: skip


def records(world) -> dict[str, dict[str, int]]:
    import datetime as dt

    from peiyu.certificates.models import Certificate, Invalidation
    from peiyu.core.crypto import blind_index
    from peiyu.core.identifiers import id_with_check, mask_id_number
    from peiyu.training.models import Trainee

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    for n, (city, org_key, official) in enumerate(
        (("shenyang", "inst_sy", "sy_official"), ("dalian", "inst_dl", "dl_official")), start=1
    ):
        org = world.orgs[org_key]
        number = id_with_check(f"21010219900101{n:02d}1"[:17])
        who = Trainee.objects.create(name=f"证书{city}", id_number=number, sex="M", birth_date=dt.date(1990, 1, 1),
                                     id_index=blind_index(number, "person_id_number"))  # fmt: skip
        cert = Certificate.objects.create(
            kind="training", number=f"PXWALKH{city}", verify_token=f"walk-wallet-{city}", holder=who, holder_name=who.name,
            holder_id_masked=mask_id_number(number), holder_id_index=who.id_index, institution=org,
            issuer_name=org.name, region_code=org.region_id, programme="dte", occupation_code="2-02-38-01",
            occupation_name="人工智能工程技术人员", level="初级", issued_on=dt.date.today(), source_kind="enrolment",
            source_id=900000 + n,
        )  # fmt: skip
        out["cert_id"][city] = cert.pk
        out["invalidation_id"][city] = Invalidation.objects.create(
            certificate=cert, cause="cheating", finding="walk", statement_due=dt.date.today(),
            opened_by=world.users[official],
        ).pk  # fmt: skip
    return out
