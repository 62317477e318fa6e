"""Completion of a class (TRN-4, TRN-6, EVL-7): hours short → failed; online above the profile's cap not
credited (Fujian 0.40); the pass mark from the profile or stated by the institution; scores checked per
field; one Decision per class with the policy stamp; transitions logged; scoped."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from peiyu.core.errors import Conflict, InvalidInput, NotFound
from peiyu.core.models import Decision, TransitionLog
from peiyu.training.models import Enrolment, TrainingClass, TrainingReport
from peiyu.training.rules import completion as cr
from peiyu.training.selectors import completion as sel
from peiyu.training.services import completion as svc

from . import completion_factories as f

pytestmark = pytest.mark.django_db


# --- pure rules --------------------------------------------------------------------------------------------


def test_online_minutes_above_the_cap_are_not_credited():
    h = cr.hours(offline_minutes=3000, online_minutes=3000, total_hours=100, max_ratio=Decimal("0.40"))
    assert h.required_minutes == 6000
    assert h.online_cap == 2400
    assert h.credited_online == 2400 and h.uncredited_online == 600
    assert h.done == 5400 and not h.complete


def test_without_a_ratio_every_online_minute_counts():
    checks = cr.eligibility(1000, 5000, 100, None, profile="x")
    assert checks[0].rule == "TRN-4" and "未设定" in checks[0].message
    assert checks[1].rule == "TRN-6" and checks[1].ok
    assert checks[1].facts["hours_done"] == "100.0"


@pytest.mark.parametrize(
    ("raw", "error"),
    [("", "请填写成绩"), ("abc", "成绩应为数字"), ("100.1", "成绩应在0至100之间"), ("-1", "成绩应在0至100之间"),
     ("59.55", "成绩最多保留一位小数"), ("NaN", "成绩应为数字")],
)  # fmt: skip
def test_bad_scores_are_named(raw, error):
    assert cr.parse_score(raw) == (None, error)


def test_score_with_one_decimal_is_kept():
    assert cr.parse_score(" 59.5 ") == (Decimal("59.5"), None)


# --- services ---------------------------------------------------------------------------------------------


def test_hours_short_fails_with_trn6_and_passing_trainee_completes(training):
    k = f.klass(f.plan(training))  # Liaoning dte: 100 hours, pass_score 60 from national-dte
    good = f.enrol(k, f.trainee("李四"), offline=4200, online=1800, score=Decimal("80"))
    short = f.enrol(k, f.trainee("王五"), offline=3000, online=1800, score=Decimal("95"))
    low = f.enrol(k, f.trainee("赵六"), offline=6000, online=0, score=Decimal("59.9"))
    svc.class_complete(actor=training.sy_inst_admin, klass=k)
    k.refresh_from_db()
    assert k.status == TrainingClass.Status.COMPLETED and k.completed_at
    states = {e.pk: e.status for e in Enrolment.objects.filter(klass=k)}
    assert states == {good.pk: "completed", short.pk: "failed", low.pk: "failed"}
    d = Decision.objects.get(
        subject_type="training.trainingclass", subject_id=str(k.pk), kind="class_completion"
    )
    assert k.decision_id == d.pk
    assert {"TRN-4", "TRN-6", "EVL-7"} <= set(d.rules)
    assert d.policy_name == "liaoning-dte-batch2" and d.policy_version
    per = {c["facts"]["enrolment"]: c for c in d.checks if "enrolment" in c["facts"]}
    assert "未达到要求的 100.0 学时" in per[short.pk]["message"]
    assert per[short.pk]["facts"]["outcome"] == "failed"
    assert "低于合格分数线 60 分" in per[low.pk]["message"]
    assert d.checks[0]["facts"]["source"] == "profile"
    logs = TransitionLog.objects.filter(subject_type="training.enrolment", subject_id=str(good.pk))
    assert [(x.from_status, x.to_status) for x in logs] == [("enrolled", "completed")]
    assert TransitionLog.objects.filter(subject_type="training.trainingclass", subject_id=str(k.pk)).exists()


def test_fujian_online_above_forty_percent_is_not_credited(training):
    p = f.fujian_plan(training, hours_online=40, hours_offline=60)  # 100 hours, cap 2400 online minutes
    k = f.klass(p)
    # 3500 offline + 2500 online = 6000 minutes, but only 2400 online count → 5900 < 6000
    over = f.enrol(k, f.trainee("陈七", region="350102"), offline=3500, online=2500, score=Decimal("90"))
    exact = f.enrol(k, f.trainee("周八", region="350102"), offline=3600, online=2400, score=Decimal("90"))
    svc.class_complete(actor=training.fz_inst_admin, klass=k, pass_mark="60")
    over.refresh_from_db()
    exact.refresh_from_db()
    assert over.status == "failed" and exact.status == "completed"
    d = Decision.objects.get(pk=over.decision_id)
    assert d.policy_name == "fujian-training"
    facts = next(c["facts"] for c in d.checks if c["facts"].get("enrolment") == over.pk)
    assert facts["credited_online_minutes"] == 2400 and facts["uncredited_online_minutes"] == 100
    assert facts["online_cap_minutes"] == 2400


def test_pass_mark_is_stated_when_the_profile_sets_none(training):
    k = f.klass(f.fujian_plan(training))
    e = f.enrol(k, f.trainee("吴九", region="350102"), offline=6000, score=Decimal("65"))
    with pytest.raises(InvalidInput) as exc:
        svc.class_complete(actor=training.fz_inst_admin, klass=k)
    assert "pass_mark" in exc.value.fields
    with pytest.raises(InvalidInput):
        svc.class_complete(actor=training.fz_inst_admin, klass=k, pass_mark="abc")
    svc.class_complete(actor=training.fz_inst_admin, klass=k, pass_mark="70")
    e.refresh_from_db()
    assert e.status == "failed"
    d = Decision.objects.get(pk=e.decision_id)
    assert d.checks[0]["rule"] == "EVL-7"
    assert d.checks[0]["facts"] == {
        "pass_mark": "70.0",
        "source": "stated",
        "profile": "fujian-training",
        "stated": "70.0",
    }


def test_pass_mark_from_profile_wins_over_a_stated_one(training):
    k = f.klass(f.plan(training))
    e = f.enrol(k, f.trainee(), offline=6000, score=Decimal("65"))
    svc.class_complete(actor=training.sy_inst_admin, klass=k, pass_mark="90")
    e.refresh_from_db()
    assert e.status == "completed"
    d = Decision.objects.get(pk=e.decision_id)
    assert d.checks[0]["facts"]["source"] == "profile" and d.checks[0]["facts"]["stated"] == "90.0"


def test_scores_are_recorded_with_per_field_errors_all_or_nothing(training):
    k = f.klass(f.plan(training))
    a = f.enrol(k, f.trainee("甲"), offline=6000)
    b = f.enrol(k, f.trainee("乙"), offline=6000)
    with pytest.raises(InvalidInput) as exc:
        svc.scores_record(actor=training.sy_inst_admin, klass=k, scores={a.pk: "88.5", b.pk: "101"})
    assert exc.value.fields == {f"score_{b.pk}": ["成绩应在0至100之间"]}
    a.refresh_from_db()
    assert a.exam_score is None
    assert (
        svc.scores_record(actor=training.sy_inst_admin, klass=k, scores={a.pk: "88.5", b.pk: Decimal("70")})
        == 2
    )
    a.refresh_from_db()
    assert a.exam_score == Decimal("88.5")


def test_scores_of_another_class_are_refused(training):
    k1, k2 = f.klass(f.plan(training)), f.klass(f.plan(training))
    other = f.enrol(k2, f.trainee(), offline=10)
    with pytest.raises(InvalidInput) as exc:
        svc.scores_record(actor=training.sy_inst_admin, klass=k1, scores={other.pk: "80"})
    assert exc.value.fields == {f"score_{other.pk}": ["该学员不在本班"]}


def test_scores_upload_maps_id_numbers(training):
    k = f.klass(f.plan(training))
    t = f.trainee("丙")
    e = f.enrol(k, t, offline=6000)
    csv = f"身份证号码,成绩\n{t.id_number.lower()},77.5\n".encode()
    scores = svc.scores_parse_upload(klass=k, content=csv, filename="s.csv")
    assert scores == {e.pk: "77.5"}
    with pytest.raises(InvalidInput) as exc:
        svc.scores_parse_upload(klass=k, content=b"210102199001010000,80\n", filename="s.csv")
    assert "本班没有该学员" in exc.value.fields["file"][0]
    with pytest.raises(InvalidInput):
        svc.scores_parse_upload(klass=k, content=b"\x00garbage", filename="s.xlsx")


def test_only_a_running_class_completes_and_only_its_institution(training):
    k = f.klass(f.plan(training))
    with pytest.raises(NotFound):
        svc.class_complete(actor=training.dl_inst_admin, klass=k)
    svc.class_complete(actor=training.sy_inst_admin, klass=k)
    with pytest.raises(Conflict):
        svc.class_complete(actor=training.sy_inst_admin, klass=k)
    with pytest.raises(Conflict):
        svc.scores_record(actor=training.sy_inst_admin, klass=k, scores={1: "50"})


def test_completing_opens_the_report(training):
    k = f.klass(f.plan(training))
    f.enrol(k, f.trainee(), offline=6000, score=Decimal("61"))
    svc.class_complete(actor=training.sy_inst_admin, klass=k)
    report = TrainingReport.objects.get(klass=k)
    assert report.status == "draft" and report.due_on is None  # liaoning/national set no report days
    assert report.summary["completed"] == 1 and "未设定报送期限" in report.summary["deadline_note"]


def test_completion_page_shows_hours_and_completes(training, login_as):
    k = f.klass(f.fujian_plan(training))
    e = f.enrol(k, f.trainee("钱十", region="350102"), offline=3500, online=2500)
    c = login_as(training.fz_inst_admin)
    page = c.get(f"/training/classes/{k.pk}/completion/")
    assert page.status_code == 200
    assert "100 分钟不计入" in page.content.decode()
    r = c.post(f"/training/classes/{k.pk}/completion/scores/", {f"score_{e.pk}": "200"})
    assert r.status_code == 400 and "成绩应在0至100之间" in r.content.decode()
    r = c.post(f"/training/classes/{k.pk}/completion/scores/", {f"score_{e.pk}": "90"})
    assert r.status_code == 302
    r = c.post(f"/training/classes/{k.pk}/completion/complete/", {"pass_mark": ""})
    assert r.status_code == 400 and "合格分数线" in r.content.decode()
    r = c.post(f"/training/classes/{k.pk}/completion/complete/", {"pass_mark": "60"})
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.status == "failed"
    assert login_as(training.sy_official).get(f"/training/classes/{k.pk}/completion/").status_code == 404
    assert login_as(training.fz_official).get(f"/training/classes/{k.pk}/completion/").status_code == 200


def test_api_scores_and_complete(training, login_as):
    k = f.klass(f.plan(training))
    e = f.enrol(k, f.trainee(), offline=6000)
    c = login_as(training.sy_inst_admin)
    r = c.post(
        f"/api/v1/training/classes/{k.pk}/scores",
        {"scores": {str(e.pk): "abc"}},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["fields"] == {f"score_{e.pk}": ["成绩应为数字"]}
    r = c.post(
        f"/api/v1/training/classes/{k.pk}/scores",
        {"scores": {str(e.pk): "75"}},
        content_type="application/json",
    )
    assert r.json() == {"recorded": 1}
    r = c.post(f"/api/v1/training/classes/{k.pk}/complete", {}, content_type="application/json")
    body = r.json()
    assert r.status_code == 200 and body["completed"] == 1 and body["decision"]["kind"] == "class_completion"
    other = login_as(training.dl_inst_admin)
    assert (
        other.post(
            f"/api/v1/training/classes/{k.pk}/complete", {}, content_type="application/json"
        ).status_code
        == 404
    )


def test_completion_rows_for_the_page(training):
    k = f.klass(f.fujian_plan(training))
    f.enrol(k, f.trainee(region="350102"), offline=3600, online=2400)
    data = svc.completion_rows(k)
    assert data["ratio"] == Decimal("0.40") and data["profile_pass_mark"] is None
    assert data["rows"][0]["eligible"]
    assert sel.completion_class_get_for(training.fz_official, k.pk) == k


def test_the_class_page_names_its_completion_in_words_with_a_green_badge(training, login_as):
    k = f.klass(f.fujian_plan(training))
    f.enrol(k, f.trainee("孙十一", region="350102"), offline=6000, online=0, score=Decimal("90"))
    svc.class_complete(actor=training.fz_inst_admin, klass=k, pass_mark="60")
    page = login_as(training.fz_inst_admin).get(f"/training/classes/{k.pk}/").content.decode()
    decisions = page[page.index('id="decisions"') : page.index('id="history"')]
    assert "结业审核" in decisions and "class_completion" not in decisions
    assert '<span class="badge ok">已结业</span>' in decisions and 'badge fail">未通过' not in decisions
    shown = re.sub(r'<details class="tech">.*?</details>', "", decisions, flags=re.S)
    assert "fujian-training" not in shown  # the profile by its title; its code in the technical details only
