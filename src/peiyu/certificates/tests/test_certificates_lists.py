"""Reading certificates within scope (CRT-8, DESIGN §5): the issuer its own, officials their jurisdiction by
region prefix, the coordination group office every DTE certificate, nobody else anything; another city's
official gets 404 on the page, the PDF, the invalidation form and finds nothing in the export; ID numbers
masked except for a full view, which is audited; the export only with certificate.export, audited with
its filter and row count."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from peiyu.audit.models import AuditEvent
from peiyu.certificates.selectors import certificates as sel
from peiyu.certificates.services.certificates import certificates_export
from peiyu.core.errors import NotFound, PermissionDenied

from .certificates_support import DTE, TRAINING, issue, person


@pytest.fixture
def certs(exams):
    wang = person("王小明", "51010719900101001")
    zhou = person("周一鸣", "42010619920301012")
    return {
        "skill": issue(exams, wang),
        "level": issue(exams, zhou, spec=DTE),
        "training": issue(exams, zhou, spec=TRAINING),
        "wang": wang,
        "zhou": zhou,
    }


def _numbers(qs):
    return {c.number for c in qs}


def test_the_issuer_sees_only_its_own_certificates(exams, certs):
    assert _numbers(sel.certificates_visible_to(exams.cd_social1_admin)) == {certs["skill"].number}
    assert _numbers(sel.certificates_visible_to(exams.hb_eval_admin)) == {certs["level"].number}


def test_officials_see_their_jurisdiction_by_region_prefix(exams, certs):
    assert _numbers(sel.certificates_visible_to(exams.cd_official)) == {certs["skill"].number}
    assert _numbers(sel.certificates_visible_to(exams.wuhou_official)) == {certs["skill"].number}
    assert _numbers(sel.certificates_visible_to(exams.hb_official)) == {
        certs["level"].number,
        certs["training"].number,
    }
    assert _numbers(sel.certificates_visible_to(exams.sy_official)) == set()


def test_the_coordination_office_sees_every_dte_certificate_and_no_skill_certificate(exams, certs):
    assert _numbers(sel.certificates_visible_to(exams.cg_official)) == {
        certs["level"].number,
        certs["training"].number,
    }


def test_roles_without_a_certificate_capability_see_nothing(exams, certs):
    for user in (exams.cd_setter, exams.sysadmin, exams.auditor):
        assert not sel.certificates_visible_to(user).exists()


def test_another_citys_official_gets_404_on_the_page_the_pdf_and_the_invalidation_form(
    exams, certs, login_as
):
    c = login_as(exams.sy_official)
    pk = certs["skill"].pk
    for url in (
        f"/certificates/{pk}/",
        f"/certificates/{pk}/certificate.pdf",
        f"/certificates/{pk}/invalidate/",
    ):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/certificates/{pk}/invalidate/", {"cause": "cheating", "finding": "x"}).status_code == 404
    assert c.get(f"/api/v1/certificates/records/{pk}").status_code == 404
    with pytest.raises(NotFound):
        sel.certificate_get_for(exams.sy_official, pk)


def test_another_citys_official_exports_nothing_of_this_city(exams, certs):
    content, count = certificates_export(actor=exams.sy_official, filters=sel.CertificateFilters())
    assert count == 0
    assert certs["skill"].number.encode() not in content


def test_the_list_filters_by_kind_status_occupation_level_dates_and_number(exams, certs, login_as):
    f = sel.CertificateFilters
    hb = exams.hb_official
    assert _numbers(sel.certificates_filtered(hb, f(kind="training"))) == {certs["training"].number}
    assert _numbers(sel.certificates_filtered(hb, f(status="invalidated"))) == set()
    assert _numbers(sel.certificates_filtered(hb, f(occupation="人工智能"))) == _numbers(
        [certs["level"], certs["training"]]
    )
    assert _numbers(sel.certificates_filtered(hb, f(level="中级"))) == set()
    assert _numbers(sel.certificates_filtered(hb, f(q=certs["level"].number))) == {certs["level"].number}
    assert _numbers(sel.certificates_filtered(hb, f(q="周一鸣"))) == _numbers(
        [certs["level"], certs["training"]]
    )
    import datetime as dt

    assert not sel.certificates_filtered(hb, f(issued_from=dt.date(2026, 2, 21))).exists()
    assert sel.certificates_filtered(hb, f(issued_to=dt.date(2026, 2, 20))).count() == 2
    page = login_as(hb).get("/certificates/", {"kind": "level", "issued_from": "2026/2/1"})
    assert page.status_code == 200
    assert (
        certs["level"].number in page.content.decode()
        and certs["training"].number not in page.content.decode()
    )
    bad = login_as(hb).get("/certificates/", {"issued_from": "not a date"})
    assert bad.status_code == 200 and "日期" in bad.content.decode()


def test_id_numbers_are_masked_for_roles_without_full_view_and_a_full_view_is_audited(exams, certs, login_as):
    full = certs["zhou"].id_number
    before = AuditEvent.objects.filter(action="personal_data.viewed").count()
    cg = login_as(exams.cg_official).get(f"/certificates/{certs['level'].pk}/").content.decode()
    assert full not in cg and certs["level"].holder_id_masked in cg
    assert AuditEvent.objects.filter(action="personal_data.viewed").count() == before
    hb = login_as(exams.hb_official).get(f"/certificates/{certs['level'].pk}/").content.decode()
    assert full in hb
    assert AuditEvent.objects.filter(action="personal_data.viewed").count() == before + 1
    api = login_as(exams.cg_official).get("/api/v1/certificates/records").json()
    assert api["count"] == 2 and all(full != i["holder_id_number"] for i in api["items"])


def test_the_export_needs_certificate_export(exams, certs, login_as):
    with pytest.raises(PermissionDenied):
        certificates_export(actor=exams.cd_social1_admin, filters=sel.CertificateFilters())
    assert login_as(exams.wuhou_official).get("/certificates/export.xlsx").status_code == 403


def test_the_export_is_audited_with_its_filter_and_row_count(exams, certs, login_as):
    response = login_as(exams.hb_official).get("/certificates/export.xlsx", {"kind": "level"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == certs["level"].number and len(rows) == 2
    assert rows[1][4] == certs["zhou"].id_number  # the province may see its region's people in full
    event = AuditEvent.objects.filter(action="certificate.exported").latest("id")
    assert event.after["filter"] == {"kind": "level"} and event.after["rows"] == 1


def test_the_export_never_carries_full_id_numbers_to_a_role_that_may_not_see_them(exams, certs):
    content, count = certificates_export(actor=exams.cg_official, filters=sel.CertificateFilters())
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert count == 2
    assert {r[4] for r in rows[1:]} == {certs["level"].holder_id_masked}
    assert certs["zhou"].id_number.encode() not in content


def test_the_detail_page_shows_history_batch_and_the_actions_open_to_the_user(exams, certs, login_as):
    page = login_as(exams.cd_social1_admin).get(f"/certificates/{certs['skill'].pk}/").content.decode()
    assert "换发证书" in page and "提出无效认定" not in page and "颁发" in page
    page = login_as(exams.cd_official).get(f"/certificates/{certs['skill'].pk}/").content.decode()
    assert "提出无效认定" in page and 'id="reissue"' not in page
    assert (
        login_as(exams.cd_official).get(f"/certificates/{certs['skill'].pk}/certificate.pdf").status_code
        == 200
    )


def test_the_issuers_pdf_is_the_signed_certificate(exams, certs, login_as):
    response = login_as(exams.cd_social1_admin).get(f"/certificates/{certs['skill'].pk}/certificate.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
