"""Policy profiles (RULES.md §12): inheritance, overrides, effective dates, versioning."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from peiyu.core.errors import InvalidInput, PolicyMissing
from peiyu.core.models import Decision, PolicyProfile, PolicyVersion
from peiyu.core.policy import load_policy_files, policy_for, policy_named, policy_version_create

pytestmark = pytest.mark.django_db
D = dt.date


def test_all_five_profiles_load_with_one_version_each(policies):
    names = set(PolicyProfile.objects.values_list("name", flat=True))
    assert names == {"national-dte", "liaoning-dte-batch2", "hubei-dte", "chengdu-skill", "fujian-training"}
    assert PolicyVersion.objects.count() == 5


def test_loading_unchanged_files_again_creates_no_version(policies):
    assert load_policy_files() == []
    assert PolicyVersion.objects.count() == 5


def test_every_parameter_names_its_rule(policies):
    for version in PolicyVersion.objects.all():
        for name, entry in version.parameters.items():
            assert entry["rule"], name


def test_notes_the_public_reads_cite_documents_not_internal_files_or_codes(policies):
    """The policy page shows every note: sources and plain words, never a design record, a file of
    the platform's own or a parameter's code name."""
    from peiyu.core.policy_schema import PARAMETERS

    for version in PolicyVersion.objects.all():
        for name, entry in version.parameters.items():
            note = entry.get("note", "")
            assert "ADR" not in note and ".md" not in note and "种子" not in note, (name, note)
            assert not any(code in note.split() or f"与 {code}" in note for code in PARAMETERS), (name, note)


def test_hubei_inherits_national_and_adds_its_deadlines(policies):
    p = policy_for("dte", "420100", on=D(2025, 1, 1))
    assert p.name == "hubei-dte"
    assert p["validity_years"] == 3 and p.params["validity_years"].profile == "national-dte"
    assert p["training_report_days"] == 30 and p.rule("training_report_days") == "TRN-6"
    assert p["province_confirm_working_days"] == 10
    assert p.label == "hubei-dte@v1<national-dte@v1"


def test_liaoning_overrides_experience_and_sets_founding_cutoff(policies):
    p = policy_for("dte", "210100", on=D(2023, 6, 1))
    assert p.name == "liaoning-dte-batch2"
    assert "min_experience_years" not in p  # 004 sets no experience years: national 5 is overridden
    assert p["min_annual_scale"] == 2000
    assert p["founded_on_or_before"] == D(2018, 12, 31)
    assert p.rule("founded_on_or_before") == "SEL-3"
    # national values before the national measures took effect: the first national version is
    # applied and the chain says so
    assert p["validity_years"] == 3
    assert p.chain == (("liaoning-dte-batch2", 1), ("national-dte", 1))


def test_liaoning_quota_has_city_overrides(policies):
    p = policy_for("dte", "210200", on=D(2023, 6, 1))
    assert p.quota("quota_training", "210100") == 5  # 沈阳
    assert p.quota("quota_training", "210200") == 5  # 大连
    assert p.quota("quota_training", "210300") == 2  # 鞍山
    assert p.quota("quota_evaluation", "210102") == 2  # a district of Shenyang counts as Shenyang
    assert p.quota("quota_evaluation", "210400") == 1


def test_other_province_falls_back_to_national(policies):
    p = policy_for("dte", "110105", on=D(2025, 3, 1))
    assert p.name == "national-dte"
    assert p["min_experience_years"] == 5
    assert p["publicity_working_days"] == 5


def test_national_profile_not_yet_in_force_before_its_date(policies):
    with pytest.raises(PolicyMissing):
        policy_for("dte", "110105", on=D(2024, 8, 21))
    assert policy_for("dte", "110105", on=D(2024, 8, 22)).name == "national-dte"


def test_chengdu_and_fujian_typed_values(policies):
    cd = policy_for("skill", "510107", on=D(2025, 1, 1))
    assert cd.name == "chengdu-skill"
    assert cd["examiner_rotation_min"] == Fraction(1, 3)
    assert cd.quota("quota_social_org_per_trade", "510107") == 3
    assert "publicity_working_days" not in cd  # set by the city per batch (SEL-10)
    fj = policy_for("subsidised", "350100", on=D(2025, 1, 1))
    assert fj["online_hours_max_ratio"] == Decimal("0.40")
    with pytest.raises(PolicyMissing) as exc:
        fj["validity_years"]
    assert "DIR-1" in exc.value.rule


def test_no_profile_for_programme_elsewhere_is_a_clear_error(policies):
    with pytest.raises(PolicyMissing):
        policy_for("skill", "210100", on=D(2025, 1, 1))


def test_editing_creates_a_new_version_and_old_decisions_keep_theirs(policies, world):
    national = PolicyProfile.objects.get(name="national-dte")
    before = policy_for("dte", "110105", on=D(2026, 1, 1))
    decision = Decision.objects.create(
        subject_type="t", subject_id="1", kind="k", outcome="ok", **before.stamp()
    )
    params = dict(national.versions.get(version=1).parameters)
    params["min_annual_volume"] = {"value": 300, "rule": "DIR-3", "note": "测试修订"}
    v2 = policy_version_create(
        actor=world.sysadmin,
        profile=national,
        parameters=params,
        effective_from=D(2026, 7, 1),
        note="提高年均人次",
    )
    assert v2.version == 2
    assert policy_for("dte", "110105", on=D(2026, 6, 30))["min_annual_volume"] == 200
    after = policy_for("dte", "110105", on=D(2026, 7, 1))
    assert after["min_annual_volume"] == 300 and after.version == 2
    # the child follows its parent's new version from its date
    assert policy_for("dte", "420100", on=D(2026, 7, 1)).label == "hubei-dte@v1<national-dte@v2"
    decision.refresh_from_db()
    assert (decision.policy_name, decision.policy_version) == ("national-dte", 1)
    assert PolicyVersion.objects.get(pk=v2.pk).parameters["min_annual_volume"]["value"] == 300
    # reloading the unchanged file does not undo the administrator's version
    assert load_policy_files() == []


def test_a_version_cannot_be_edited_in_place(policies):
    from peiyu.core.errors import Conflict

    v = PolicyVersion.objects.first()
    v.note = "changed"
    with pytest.raises(Conflict):
        v.save()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"validity_years": {"value": 3}}, "rule"),
        ({"validity_years": {"value": 3, "rule": "SEL-3"}}, "SEL-3"),
        ({"validity_years": {"value": -1, "rule": "DIR-1"}}, "非负整数"),
        ({"no_such_thing": {"value": 1, "rule": "DIR-1"}}, "未知参数"),
        ({"online_hours_max_ratio": {"value": "1.5", "rule": "TRN-4"}}, "0 与 1"),
    ],
)
def test_invalid_parameters_are_refused_with_a_message(policies, world, params, message):
    with pytest.raises(InvalidInput) as exc:
        policy_version_create(
            actor=world.sysadmin,
            profile=PolicyProfile.objects.get(name="national-dte"),
            parameters=params,
            effective_from=D(2027, 1, 1),
            note="x",
        )
    assert message in exc.value.message or message in str(exc.value.fields)


def test_policy_named_returns_a_call_profile(policies):
    p = policy_named("liaoning-dte-batch2", on=D(2023, 6, 1))
    assert p["application_deadline"] == D(2023, 6, 15)
    assert set(p["evaluation_excluded_occupations"]) == {"2-02-38-05", "2-02-38-03", "2-02-38-08"}
