"""Bulk export of certificate data (CRT-8; seed 001 Art. 32(6): certificate data may not be read beyond
scope, leaked or sold): only for holders of certificate.export, only the certificates the actor may read
(selectors.certificates), recorded on the audit trail with the filter used and the row count. ID numbers
are written in full only for rows the actor may see in full (personal_data.view_full reaching the
certificate's region or institution — that full view audited as well); every other row carries the masked
number stored at issue."""

from __future__ import annotations

from typing import Any

from peiyu.accounts.masking import personal_views
from peiyu.accounts.services.access import require
from peiyu.audit.services import audit_record
from peiyu.core.documents.xlsx import XlsxWriter
from peiyu.core.identifiers import mask_name

from ..models import Certificate
from ..selectors.certificates import EXPORT, CertificateFilters, certificates_filtered

HEADER = ["证书编号", "证书类别", "状态", "姓名", "身份证号码", "职业（工种）", "职业方向", "等级", "发证机构",
          "发证日期", "宣布无效日期"]  # fmt: skip
FIELDS = ("number", "kind", "status", "holder_name", "holder_id_masked", "occupation_name", "direction",
          "level", "issuer_name", "issued_on", "invalidated_on", "region_code", "institution_id")  # fmt: skip


def certificates_export(*, actor: Any, filters: CertificateFilters) -> tuple[bytes, int]:
    """The xlsx of the certificates the actor may read under `filters`, and its row count; audited."""
    require(actor, EXPORT)
    rows = list(certificates_filtered(actor, filters).values(*FIELDS, "holder_id"))
    shown = personal_views(
        actor, [(r["region_code"], r["institution_id"]) for r in rows], what="certificate_export"
    )
    full_ids = {r["holder_id"] for r, d in zip(rows, shown, strict=True) if d.full}
    id_numbers = _id_numbers(full_ids)
    kinds, statuses = dict(Certificate.Kind.choices), dict(Certificate.Status.choices)
    writer = XlsxWriter()
    sheet = writer.sheet("证书数据")
    sheet.widths([24, 16, 12, 12, 22, 28, 16, 8, 30, 12, 12])
    sheet.freeze("A2")
    sheet.append(HEADER, bold=True)
    for r, d in zip(rows, shown, strict=True):
        sheet.append(
            [
                r["number"],
                str(kinds.get(r["kind"], r["kind"])),
                str(statuses.get(r["status"], r["status"])),
                r["holder_name"] if d.full else mask_name(r["holder_name"]),
                id_numbers.get(r["holder_id"], r["holder_id_masked"]) if d.full else r["holder_id_masked"],
                r["occupation_name"],
                r["direction"],
                r["level"],
                r["issuer_name"],
                r["issued_on"].isoformat(),
                r["invalidated_on"].isoformat() if r["invalidated_on"] else "",
            ]
        )
    audit_record(
        actor,
        "certificate.exported",
        None,
        after={
            "filter": filters.as_dict(),
            "rows": len(rows),
            "full_id_rows": sum(1 for d in shown if d.full),
        },
    )
    return writer.to_bytes(), len(rows)


def _id_numbers(holder_ids: set[int]) -> dict[int, str]:
    """The full ID numbers of these people (decrypted), read only for the rows shown in full."""
    if not holder_ids:
        return {}
    rows = Certificate.objects.filter(holder_id__in=holder_ids).values_list("holder_id", "holder__id_number")
    return {pk: str(number or "") for pk, number in rows}
