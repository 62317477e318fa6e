"""Certificate data batches of a Shenyang and a Dalian session for the scoping walk (CRT-3, CRT-8): a
batch of each city's walk session, submitted to the province, with the walk registration's candidate
as its one entry. The city bureaus see their region's batches (certificate.view); the institution its
own."""

from __future__ import annotations

PARAMS = ("cert_batch_id", "cert_entry_id")
OWNERS = {p: {"shenyang": "sy_official", "dalian": "dl_official"} for p in PARAMS}
PAGE_RECORDS = {"certificates/batches/<int:pk>/": "cert_batch_id"}
PAGE_SUBRECORDS = {"<int:entry_id>": "cert_entry_id"}
BODIES = {
    ("post", "/api/v1/certificates/batches/{cert_batch_id}/actions"): lambda w, c: {"action": "confirm"},
    ("post", "/api/v1/certificates/batches/{cert_batch_id}/entries/{cert_entry_id}/actions"): lambda w, c: {
        "action": "correct", "note": "x"},
}  # fmt: skip


def records(world, sessions: dict[str, int], registrations: dict[str, int]) -> dict[str, dict[str, int]]:
    """`sessions`, `registrations`: the walk's exam session and registration of each city."""
    import datetime as dt

    from django.utils import timezone

    from peiyu.certificates.models import BatchEntry, IssuanceBatch
    from peiyu.exams.models import Registration

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    today = timezone.localdate()
    for city, org_key in (("shenyang", "inst_sy"), ("dalian", "inst_dl")):
        org = world.orgs[org_key]
        batch = IssuanceBatch.objects.create(
            number=f"ZSWALK{city}", session_id=sessions[city], institution=org, region_code=org.region_id,
            programme="dte", kind="level", route="province_cg", status="submitted",
            profile_name="liaoning-dte-batch2", passing_list_digest="0" * 64, exam_on=today,
            submit_due=today + dt.timedelta(days=30), submitted_at=timezone.now(), exam_report="walk",
        )  # fmt: skip
        reg = Registration.objects.select_related("person").get(pk=registrations[city])
        entry = BatchEntry.objects.create(batch=batch, registration_id=reg.pk, holder=reg.person,
                                          holder_name=reg.person.name, row={"ticket_number": "walk"})  # fmt: skip
        out["cert_batch_id"][city] = batch.pk
        out["cert_entry_id"][city] = entry.pk
    return out
