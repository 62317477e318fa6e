"""The class roster as an xlsx file: ID numbers and phones masked, audited."""

from __future__ import annotations

from django.utils import timezone

from peiyu.audit.services import audit_record
from peiyu.core.documents.xlsx import XlsxWriter
from peiyu.core.identifiers import mask_id_number, mask_phone

from ..models import Enrolment, TrainingClass
from ..rules import eligibility as el
from .trainees import require_class_read

EXPORT_HEADER = ("姓名", "身份证号码", "性别", "年龄", "手机号码", "状态", "线下学时", "线上学时", "来源")


def roster_export(*, actor, klass: TrainingClass) -> bytes:
    """The class roster as xlsx, ID numbers and phones masked; audited."""
    require_class_read(actor, klass)
    today = timezone.localdate()
    book = XlsxWriter()
    sheet = book.sheet("花名册")
    sheet.append(EXPORT_HEADER)
    rows = 0
    enrolments = (
        Enrolment.objects.filter(klass=klass).select_related("trainee").order_by("trainee__name", "pk")
    )
    for e in enrolments.iterator(chunk_size=2000):
        t = e.trainee
        sheet.append([
            t.name,
            mask_id_number(t.id_number),
            t.get_sex_display(),
            el.age_on(t.birth_date, today),
            mask_phone(t.phone),
            e.get_status_display(),
            round(e.offline_minutes / 60, 1),
            round(e.online_minutes / 60, 1),
            e.get_source_display(),
        ])  # fmt: skip
        rows += 1
    content = book.to_bytes()
    audit_record(actor, "class_roster.exported", klass, after={"rows": rows}, region_code=klass.region_id)
    return content
