"""Signing keys and certificate templates of a Shenyang and a Dalian institution for the scoping walk
(CRT-4, CRT-2): each institution's first key (generated through the signing service) and a draft
template. Each institution's administrator sees and manages its own (certificate.keys); the other
city's administrator and officials get 404."""

from __future__ import annotations

PARAMS = ("key_id", "template_id")
OWNERS = {p: {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"} for p in PARAMS}
PAGE_RECORDS = {
    "certificates/keys/<int:pk>/": "key_id",
    "certificates/templates/<int:pk>/": "template_id",
}
BODIES = {
    ("post", "/api/v1/certificates/keys/{key_id}/revoke"): lambda w, c: {"reason": "x"},
    ("put", "/api/v1/certificates/templates/{template_id}"): lambda w, c: {"title": "培训合格证书"},
    ("post", "/api/v1/certificates/templates/{template_id}/decide"): lambda w, c: {"accept": False, "reason": "x"},
}  # fmt: skip


def records(world) -> dict[str, dict[str, int]]:
    from peiyu.certificates.models import CertificateTemplate
    from peiyu.certificates.services.signing import signing_key_for

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    for city, org_key in (("shenyang", "inst_sy"), ("dalian", "inst_dl")):
        org = world.orgs[org_key]
        out["key_id"][city] = signing_key_for(org).pk
        out["template_id"][city] = CertificateTemplate.objects.create(
            institution=org, kind="training", title="培训合格证书", body="完成培训并考核合格"
        ).pk
    return out
