"""Exam sites, declared affiliates and archive records of a Shenyang and a Dalian institution for the
scoping walk: a reported site with a room and a photo, a declared branch, and an archive record of the
session `scoping_exams_sessions` made. The bureaus of each city supervise their own (exam.supervise)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

PARAMS = ("site_id", "room_id", "photo_id", "affiliate_id", "archive_record_id")
OWNERS = {p: {"shenyang": "sy_official", "dalian": "dl_official"} for p in PARAMS}
PAGE_RECORDS = {
    "exams/sites/<int:pk>/": "site_id",
    "exams/affiliates/<int:pk>/": "affiliate_id",
    "exams/archives/records/<int:pk>/": "archive_record_id",
}
PAGE_SUBRECORDS = {"<int:room_id>": "room_id", "<int:photo_id>": "photo_id"}
_ROOM = lambda w, c: {"kind": "theory", "name": "x", "seats": 1}  # noqa: E731
BODIES = {
    ("put", "/api/v1/exams/sites/{site_id}"): lambda w, c: {"name": "x", "address": "x"},
    ("post", "/api/v1/exams/sites/{site_id}/rooms"): _ROOM,
    ("put", "/api/v1/exams/sites/{site_id}/rooms/{room_id}"): _ROOM,
    ("post", "/api/v1/exams/sites/{site_id}/photos"): lambda w, c: (
        "multipart", {"photo": SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 16)}),
    ("post", "/api/v1/exams/sites/{site_id}/actions"): lambda w, c: {"action": "accept"},
    ("post", "/api/v1/exams/sites/{site_id}/inspections"): lambda w, c: {"inspected_on": "2026-01-01", "result": "passed"},
    ("post", "/api/v1/exams/affiliates/{affiliate_id}/end"): lambda w, c: {"reason": "x"},
    ("post", "/api/v1/exams/archives/sessions/{exam_session_id}/records"): lambda w, c: (
        "multipart", {"kind": "other", "medium": "paper", "title": "x", "location": "x"}),
    ("post", "/api/v1/exams/archives/records/{archive_record_id}/dispose"): lambda w, c: {"reason": "x"},
}  # fmt: skip


def records(world, sessions: dict[str, int]) -> dict[str, dict[str, int]]:
    """`sessions`: the walk's exam session of each city (scoping_exams_sessions)."""
    from peiyu.exams.models import Affiliate, ArchiveRecord, ExamRoom, ExamSite, SitePhoto

    out: dict[str, dict[str, int]] = {p: {} for p in PARAMS}
    for city, org_key, admin in (
        ("shenyang", "inst_sy", "sy_inst_admin"),
        ("dalian", "inst_dl", "dl_inst_admin"),
    ):
        org, user = world.orgs[org_key], world.users[admin]
        site = ExamSite.objects.create(institution=org, region_id=org.region_id, name=f"walk-site-{city}",
                                       address="x", status="reported")  # fmt: skip
        room = ExamRoom.objects.create(site=site, kind="theory", name="walk", seats=10, one_per_desk=True)
        photo = SitePhoto.objects.create(site=site, file="exam-sites/walk.png", original_name="walk.png",
                                         content_type="image/png", size=1, sha256="0" * 64, uploaded_by=user)  # fmt: skip
        affiliate = Affiliate.objects.create(
            institution=org, kind="branch", name=f"walk-{city}", declared_by=user
        )
        record = ArchiveRecord.objects.create(session_id=sessions[city], kind="other", medium="paper", title="walk",
                                              location="x", created_by=user)  # fmt: skip
        out["site_id"][city], out["room_id"][city], out["photo_id"][city] = site.pk, room.pk, photo.pk
        out["affiliate_id"][city], out["archive_record_id"][city] = affiliate.pk, record.pk
    return out
