"""The per-trainee archive (TRN-11) across institutions, cut to each reader's part; the trainee's own page
with certificates and QR; trainees' evaluations (TRN-12), given once by the trainee themself."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.registry import todo_for
from peiyu.training.models import TraineeEvaluation
from peiyu.training.selectors import completion as sel
from peiyu.training.selectors.completion import enrolment_certificate
from peiyu.training.services import completion as svc
from peiyu.training.services import evaluations as eval_svc

from . import completion_factories as f

pytestmark = pytest.mark.django_db
GOOD = {"content": "5", "teaching": "4", "organisation": "4", "overall": "5", "comment": "收获很大"}


def history(world):
    """One person trained in Shenyang (completed, certified) and in Fuzhou (still in training)."""
    person = f.trainee_user(world, "trainee_zhang")
    t = f.trainee("张三丰", user=person)
    k_sy = f.klass(f.plan(world))
    e_sy = f.enrol(k_sy, t, offline=4800, online=1200, score=Decimal("88"))
    svc.class_complete(actor=world.sy_inst_admin, klass=k_sy)
    svc.certificates_issue(actor=world.sy_inst_admin, klass=k_sy)
    k_fz = f.klass(f.fujian_plan(world))
    e_fz = f.enrol(k_fz, t, offline=600, online=60)
    return person, t, e_sy, e_fz


def test_the_trainee_sees_their_whole_history(training):
    person, t, e_sy, e_fz = history(training)
    a = sel.trainee_archive(person, t.pk)
    assert (
        a["self_view"] and a["trainee"]["id_number"].startswith("210102") and "*" in a["trainee"]["id_number"]
    )
    assert [r["enrolment_id"] for r in a["enrolments"]] == [e_sy.pk, e_fz.pk]
    assert {r["institution"] for r in a["enrolments"]} == {"沈阳智算科技有限公司", "福州榕城职业培训学校"}
    sy = a["enrolments"][0]
    assert sy["offline_hours"] == "80.0" and sy["online_hours"] == "20.0" and sy["score"] == "88.0"
    assert sy["certificate"]["number"] == "PX2026210102000001"
    assert a["totals"]["ce_hours_by_year"] == {2026: 100} and a["totals"]["offline_hours"] == "90.0"


def test_institutions_and_officials_see_only_their_part(training):
    _person, t, e_sy, e_fz = history(training)
    assert [r["enrolment_id"] for r in sel.trainee_archive(training.sy_inst_admin, t.pk)["enrolments"]] == [
        e_sy.pk
    ]
    assert [r["enrolment_id"] for r in sel.trainee_archive(training.fz_official, t.pk)["enrolments"]] == [
        e_fz.pk
    ]
    assert [r["enrolment_id"] for r in sel.trainee_archive(training.ln_official, t.pk)["enrolments"]] == [
        e_sy.pk
    ]
    for outsider in (training.dl_official, training.dl_inst_admin, training.hb_official):
        with pytest.raises(NotFound):
            sel.trainee_archive(outsider, t.pk)
    with pytest.raises(NotFound):
        sel.trainee_archive(training.sy_official, 999999)


def test_another_trainee_cannot_read_the_archive(training, login_as):
    person, t, *_ = history(training)
    other = f.trainee_user(training, "trainee_li")
    f.trainee("李四", user=other)
    with pytest.raises(NotFound):
        sel.trainee_archive(other, t.pk)
    assert login_as(other).get(f"/training/trainees/{t.pk}/archive/").status_code == 404
    assert login_as(other).get(f"/api/v1/training/trainees/{t.pk}/archive").status_code == 404
    assert login_as(person).get(f"/api/v1/training/trainees/{t.pk}/archive").status_code == 200
    assert login_as(training.dl_official).get(f"/training/trainees/{t.pk}/archive/").status_code == 404
    r = login_as(training.sy_official).get(f"/training/trainees/{t.pk}/archive/")
    assert r.status_code == 200 and "福州榕城" not in r.content.decode()


def test_archive_export(training, login_as):
    person, t, *_ = history(training)
    r = login_as(training.sy_inst_admin).get(f"/training/trainees/{t.pk}/archive.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 1 and rows[0][2] == "沈阳智算科技有限公司" and rows[0][13] == "PX2026210102000001"
    assert len(sel.archive_export(person, t.pk)) > 0


def test_my_training_shows_certificates_with_qr_and_the_evaluation_form(training, login_as):
    person, _t, e_sy, _ = history(training)
    c = login_as(person)
    page = c.get("/training/my/").content.decode()
    assert (
        "PX2026210102000001" in page
        and "<svg" in page
        and "计入2026年度继续教育学时100学时（全国有效）" in page
    )
    assert f'id="evaluate-{e_sy.pk}"' in page
    cert = enrolment_certificate(e_sy.pk)  # kept by the certificates app; its PDF for the holder
    assert f'href="{cert["pdf_url"]}"' in page
    assert c.get(cert["pdf_url"]).content.startswith(b"%PDF")
    todo = [i for i in todo_for(person) if i.kind == "training_evaluation"]
    assert len(todo) == 1
    r = c.post(f"/training/my/enrolments/{e_sy.pk}/evaluation/", {**GOOD, "content": "9"})
    assert r.status_code == 400 and "1至5" in r.content.decode()
    r = c.post(f"/training/my/enrolments/{e_sy.pk}/evaluation/", GOOD)
    assert r.status_code == 302
    assert [i for i in todo_for(person) if i.kind == "training_evaluation"] == []
    assert f'id="evaluate-{e_sy.pk}"' not in c.get("/training/my/").content.decode()


def test_evaluation_once_only_by_the_trainee_after_completion(training):
    person, _t, e_sy, e_fz = history(training)
    with pytest.raises(NotFound):
        eval_svc.evaluation_submit(actor=training.sy_inst_admin, enrolment=e_sy, data=GOOD)
    with pytest.raises(Conflict):
        eval_svc.evaluation_submit(actor=person, enrolment=e_fz, data=GOOD)  # still in training
    with pytest.raises(InvalidInput) as exc:
        eval_svc.evaluation_submit(actor=person, enrolment=e_sy, data={**GOOD, "comment": "长" * 501})
    assert "comment" in exc.value.fields
    ev = eval_svc.evaluation_submit(actor=person, enrolment=e_sy, data=GOOD)
    assert (ev.content, ev.overall, ev.comment) == (5, 5, "收获很大")
    with pytest.raises(Conflict):
        eval_svc.evaluation_submit(actor=person, enrolment=e_sy, data=GOOD)
    assert TraineeEvaluation.objects.count() == 1


def test_evaluation_api(training, login_as):
    person, _t, e_sy, _ = history(training)
    c = login_as(person)
    body = {"content": 4, "teaching": 4, "organisation": 4, "overall": 4}
    r = c.post(f"/api/v1/training/enrolments/{e_sy.pk}/evaluation", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["overall"] == 4
    r = c.post(f"/api/v1/training/enrolments/{e_sy.pk}/evaluation", body, content_type="application/json")
    assert r.status_code == 409
    r = login_as(training.sy_inst_admin).post(
        f"/api/v1/training/enrolments/{e_sy.pk}/evaluation", body, content_type="application/json"
    )
    assert r.status_code == 404
