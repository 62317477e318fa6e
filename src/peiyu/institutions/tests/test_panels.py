"""Expert panels (SEL-8, 000 Art. 7(3); JOURNEYS 3): recusal, the reproducible draw, declines with
replacement in the recorded order, confidential scores, scoping, closing and the aggregate."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peiyu.accounts.models import Org, Role, RoleAssignment, User
from peiyu.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, RuleViolation
from peiyu.core.identifiers import uscc_with_check
from peiyu.institutions.models import Application, Call, ExpertScore, Panel, PanelMember
from peiyu.institutions.rules import panels as rules
from peiyu.institutions.selectors import panels as selectors
from peiyu.institutions.services import expert_declarations as declarations
from peiyu.institutions.services import experts, review, scores
from peiyu.institutions.services import panels as services

pytestmark = pytest.mark.urls("peiyu.institutions.tests.test_panels")

API = "/api/test-panels"
OCCUPATION = "2-02-38-01"

# --- a URLconf for these tests: the project's, plus the panel pages and the panel API -----------------------

_urlpatterns = None


def __getattr__(name):
    """The URLconf is built lazily (PEP 562), once Django is ready: the project's URLs, the panel pages
    under /directory/ (unless the project already mounts them) and the panel router on its own API."""
    global _urlpatterns
    if name != "urlpatterns":
        raise AttributeError(name)
    if _urlpatterns is None:
        from django.urls import NoReverseMatch, include, path, reverse
        from ninja import NinjaAPI

        from peiyu.config import api as config_api
        from peiyu.config import urls as config_urls
        from peiyu.institutions.api.panels import router
        from peiyu.institutions.views import panels as panel_views

        api = NinjaAPI(
            title="panels (test)",
            version="panels-test",
            urls_namespace="panels_test_api",
            auth=[config_api.SessionAuth(), config_api.TokenAuth()],
            docs_url=None,
            openapi_url=None,
        )
        api._exception_handlers = dict(config_api.api._exception_handlers)
        api.add_router("/", router)
        patterns = [path("api/test-panels/", api.urls)]
        try:
            reverse("directory:panel_list", urlconf="peiyu.config.urls")
            directory = None
        except NoReverseMatch:
            directory = list(panel_views.urlpatterns)
        if directory is not None:
            patterns.append(path("directory/", include((directory, "directory"))))
        _urlpatterns = [*patterns, *config_urls.urlpatterns]
    return _urlpatterns


@pytest.fixture
def pages(settings):
    """Page tests render without the navigation menu: it names pages of other parts of the directory
    that are mounted separately; these tests are about the panel pages only."""
    templates = [dict(t) for t in settings.TEMPLATES]
    for t in templates:
        options = dict(t.get("OPTIONS", {}))
        options["context_processors"] = [
            c
            for c in options.get("context_processors", [])
            if c != "peiyu.accounts.context_processors.navigation"
        ]
        t["OPTIONS"] = options
    settings.TEMPLATES = templates


# --- the world of journey 3 ---------------------------------------------------------------------------------------


def make_expert_user(world, key: str) -> User:
    """An expert's account (role `expert`, scope self) at the platform, as tests/personas does it."""
    org = world.orgs["platform"]
    user = User.objects.create_user(username=key, password="Peiyu-Test-2026!", full_name=key, primary_org=org)
    role = Role.objects.get(code="expert")
    RoleAssignment.objects.create(user=user, role=role, org=org, region_id=None, separation=role.separation)
    return user


class Journey:
    """The Liaoning batch-2 call, two applications (Shenyang, Dalian) at the province's expert review,
    and the province's expert pool."""

    def __init__(self, world):
        from peiyu.core.policy import policy_named

        self.world = world
        self.official = world.ln_official
        ln = world.orgs["ln"]
        self.call = Call.objects.create(
            code="ln-dte-2023-2",
            title="辽宁省数字技术工程师培育项目第二批机构申报",
            programme="dte",
            policy_name="liaoning-dte-batch2",
            issuer=ln,
            region_id="210000",
            kinds=["training", "evaluation"],
            occupation_codes=[OCCUPATION],
            levels=["junior", "intermediate"],
            opens_on=dt.date(2023, 5, 31),
            deadline=dt.date(2023, 6, 15),
            status=Call.Status.PUBLISHED,
        )
        self.route = policy_named("liaoning-dte-batch2", on=self.call.opens_on).get("review_routes")[
            "training"
        ]
        self.sub = Org.objects.create(
            name="沈阳智算技术服务有限公司",
            kind="institution",
            region_id="210102",
            uscc=uscc_with_check("91210102MA0Y00003"),
        )
        self.app_sy = self.application("LN-2023-0001", world.orgs["inst_sy"], related=[self.sub.uscc])
        self.app_dl = self.application("LN-2023-0002", world.orgs["inst_dl"])
        self._n = 0

    def application(self, number: str, institution: Org, related=()) -> Application:
        return Application.objects.create(
            number=number,
            call=self.call,
            institution=institution,
            kind="training",
            occupation_code=OCCUPATION,
            occupation_name="人工智能工程技术人员",
            levels=["junior", "intermediate"],
            region_id=institution.region_id,
            recommender=self.world.orgs["sy"]
            if institution.region_id.startswith("2101")
            else self.world.orgs["dl"],
            form={"unit_name": institution.name, "related_usccs": list(related)},
            status=Application.Status.IN_REVIEW,
            route=self.route,
            step_index=1,
            step="province_expert_review",
            policy_name="liaoning-dte-batch2",
            created_by=self.world.sy_inst_admin,
        )

    @property
    def apps(self) -> list[Application]:
        return [self.app_sy, self.app_dl]

    def expert(self, name: str | None = None, *, user=False, fields=(OCCUPATION,), **kw):
        self._n += 1
        name = name or f"专家{self._n:02d}"
        account = make_expert_user(self.world, f"expert{self._n:02d}") if user else None
        return experts.expert_create(
            actor=self.official,
            name=name,
            employer=kw.pop("employer", None),
            employer_name=kw.pop("employer_name", f"东北大学{self._n}"),
            title=kw.pop("title", "教授"),
            fields=list(fields),
            region_code="210000",
            user=account,
        )

    def pool(self, n: int, *, user=True):
        return [self.expert(user=user) for _ in range(n)]

    def draw(self, size=3, seed="journey-3", apps=None):
        return services.panel_draw(actor=self.official, applications=apps or self.apps, size=size, seed=seed)


@pytest.fixture
def journey(world, policies):
    return Journey(world)


def members_of(panel: Panel) -> list[int]:
    return list(panel.members.order_by("position").values_list("expert_id", flat=True))


def on_panel(panel: Panel):
    return [
        m for m in panel.members.order_by("position").select_related("expert__user") if m.status != "declined"
    ]


# --- recusal (SEL-8) ----------------------------------------------------------------------------------------------


def test_expert_from_an_applicant_is_never_drawn(journey, world):
    by_org = journey.expert("任职申报单位", employer=world.orgs["inst_sy"])
    by_name = journey.expert("同名单位", employer_name=" 大连海数职业培训学校 ")
    by_related = journey.expert("关联单位", employer=journey.sub)
    others = journey.pool(4, user=False)

    panel = journey.draw(size=4)

    drawn = set(members_of(panel))
    assert {by_org.pk, by_name.pk, by_related.pk}.isdisjoint(drawn)
    assert drawn == {e.pk for e in others}
    assert panel.candidates == sorted(e.pk for e in others)
    reasons = {e["expert"]: e["reason"] for e in panel.excluded}
    assert "任职于申报单位沈阳智算科技有限公司" in reasons[by_org.pk]
    assert "任职于申报单位大连海数职业培训学校" in reasons[by_name.pk]
    assert "下属单位、分支机构或技术支持单位" in reasons[by_related.pk]


def test_declared_conflict_is_recused(journey, world):
    by_org = journey.expert("申报利害关系", user=True)
    by_uscc = journey.expert("信用代码回避")
    declarations.expert_declare_conflict(actor=by_org.user, expert=by_org, org=world.orgs["inst_dl"])
    declarations.expert_declare_conflict(
        actor=journey.official, expert=by_uscc, uscc=world.orgs["inst_sy"].uscc
    )
    journey.pool(3, user=False)

    panel = journey.draw(size=3)

    assert {by_org.pk, by_uscc.pk}.isdisjoint(members_of(panel))
    reasons = {e["expert"]: e["reason"] for e in panel.excluded}
    assert "已申报与大连海数职业培训学校" in reasons[by_org.pk]
    assert "已申报与沈阳智算科技有限公司" in reasons[by_uscc.pk]


def test_conflict_declared_while_on_a_panel_replaces_the_expert(journey, world):
    journey.pool(5)
    panel = journey.draw(size=3)
    first = on_panel(panel)[0]

    declarations.expert_declare_conflict(
        actor=first.expert.user, expert=first.expert, org=world.orgs["inst_sy"]
    )

    first.refresh_from_db()
    assert first.status == "declined" and first.decline_reason.startswith("申报回避")
    assert len(on_panel(panel)) == 3
    assert services.panel_reproduce(panel) == members_of(panel)


def test_someone_else_cannot_declare_an_experts_conflict(journey, world):
    expert = journey.expert(user=True)
    with pytest.raises(NotFound):
        declarations.expert_declare_conflict(
            actor=world.hb_official, expert=expert, org=world.orgs["inst_sy"]
        )
    with pytest.raises(InvalidInput) as exc:
        declarations.expert_declare_conflict(actor=expert.user, expert=expert, uscc="123")
    assert "uscc" in exc.value.fields


def test_only_pool_keepers_create_experts(journey, world):
    with pytest.raises(Exception) as exc:
        experts.expert_create(
            actor=world.sy_official, name="张三", employer_name="某大学", fields=[OCCUPATION]
        )
    assert exc.value.__class__.__name__ == "PermissionDenied"
    with pytest.raises(InvalidInput) as exc:
        experts.expert_create(actor=journey.official, name="", employer_name="", fields=["AI"])
    assert set(exc.value.fields) == {"name", "employer_name", "fields"}


def test_expert_outside_the_field_is_not_a_candidate(journey):
    outsider = journey.expert("物联网专家", fields=["2-02-38-02"])
    group = journey.expert("数字技术小类专家", fields=["2-02-38"])
    journey.pool(2, user=False)
    panel = journey.draw(size=3)
    assert outsider.pk not in panel.candidates
    assert group.pk in panel.candidates


# --- the draw ----------------------------------------------------------------------------------------------------


def test_draw_is_reproducible_from_seed(journey):
    journey.pool(8, user=False)
    panel = journey.draw(size=5, seed="辽宁-2023-第二批")

    assert panel.algorithm == rules.ALGORITHM == "sha256-seeded-fisher-yates-v1"
    assert members_of(panel) == rules.draw(panel.candidates, "辽宁-2023-第二批", 5)
    assert services.panel_reproduce(panel) == members_of(panel)
    assert [m.position for m in panel.members.order_by("position")] == [1, 2, 3, 4, 5]
    event = panel_event(panel, "panel.created")
    assert event.after["seed"] == "辽宁-2023-第二批" and event.after["candidates"] == panel.candidates


def test_generated_seed_is_recorded(journey):
    journey.pool(3, user=False)
    panel = journey.draw(size=3, seed=None)
    assert len(panel.seed) == 32 and int(panel.seed, 16) >= 0
    assert services.panel_reproduce(panel) == members_of(panel)


def test_the_algorithm_is_pinned_by_a_known_answer():
    # Any change of the stream, the rejection sampling or the shuffle changes these: old panels would
    # no longer reproduce. A new algorithm gets a new name.
    assert rules.shuffled(list(range(1, 11)), "peiyu") == KNOWN_ORDER
    assert rules.draw([5, 3, 9], "", 2) == rules.shuffled([3, 5, 9], "")[:2]


KNOWN_ORDER = [4, 8, 2, 9, 3, 10, 1, 5, 7, 6]  # also recomputed by an independent script


def test_decline_redraws_next_in_order(journey, world):
    journey.pool(5)
    panel = journey.draw(size=3)
    order = rules.shuffled(panel.candidates, panel.seed)
    assert members_of(panel) == order[:3]

    second = panel.members.get(position=2)
    replacement = services.panel_member_decline(actor=second.expert.user, member=second, reason="出差在外")
    assert (
        replacement.expert_id == order[3]
        and replacement.position == 4
        and replacement.replaces_id == second.pk
    )

    first = panel.members.get(position=1)
    replacement = services.panel_member_decline(actor=journey.official, member=first, reason="身体原因")
    assert replacement.expert_id == order[4]
    assert services.panel_reproduce(panel) == members_of(panel) == order

    third = panel.members.get(position=3)
    with pytest.raises(RuleViolation) as exc:
        services.panel_member_decline(actor=journey.official, member=third, reason="临时有事")
    assert exc.value.code == "no_candidates_left" and exc.value.rule == "SEL-8"
    third.refresh_from_db()
    assert third.status == "invited"


def test_replacement_skips_an_expert_who_became_conflicted(journey, world):
    journey.pool(6)
    panel = journey.draw(size=3)
    order = rules.shuffled(panel.candidates, panel.seed)
    next_up = panel.owner.expert_pool.get(pk=order[3])
    declarations.expert_declare_conflict(actor=journey.official, expert=next_up, org=world.orgs["inst_dl"])

    member = panel.members.get(position=1)
    replacement = services.panel_member_decline(actor=journey.official, member=member, reason="回避")

    panel.refresh_from_db()
    assert replacement.expert_id == order[4]
    assert any(e["expert"] == order[3] and e["stage"] == "redraw" for e in panel.excluded)
    assert services.panel_reproduce(panel) == members_of(panel)


def test_too_few_experts_is_refused_with_rule(journey, world):
    journey.pool(2, user=False)
    journey.expert(employer=world.orgs["inst_sy"])
    with pytest.raises(RuleViolation) as exc:
        journey.draw(size=5)
    assert exc.value.rule == "SEL-8" and exc.value.code == "too_few_experts"
    assert "需要 5 名" in exc.value.message and "仅 2 名" in exc.value.message
    assert not Panel.objects.exists()


def test_draw_refuses_a_batch_across_steps_and_a_second_open_panel(journey):
    journey.pool(4, user=False)
    journey.app_dl.step_index, journey.app_dl.step = 0, "city_recommendation"
    journey.app_dl.save(update_fields=["step_index", "step"])
    with pytest.raises(Exception) as exc:
        journey.draw(size=2)
    assert exc.value.__class__.__name__ in {"InvalidTransition", "PermissionDenied"}
    journey.draw(size=2, apps=[journey.app_sy])
    with pytest.raises(Conflict):
        journey.draw(size=2, apps=[journey.app_sy])


def test_city_official_cannot_draw(journey, world):
    journey.pool(3, user=False)
    with pytest.raises(Exception) as exc:
        services.panel_draw(actor=world.sy_official, applications=journey.apps, size=2)
    assert exc.value.__class__.__name__ == "PermissionDenied"


# --- scores, confidentiality, scope ----------------------------------------------------------------------------------


def score_all(panel, apps, values=(80, 70, 90, 60, 85)):
    for i, m in enumerate(on_panel(panel)):
        for app in apps:
            scores.score_submit(
                actor=m.expert.user, panel=panel, application=app, score=values[i % len(values)], vote="for"
            )


def test_scores_are_confidential_to_other_experts(journey, world, login_as):
    journey.pool(4)
    panel = journey.draw(size=2)
    a, b = on_panel(panel)
    scores.score_submit(
        actor=a.expert.user, panel=panel, application=journey.app_sy, score=88, vote="for", comment="材料完整"
    )
    scores.score_submit(
        actor=b.expert.user, panel=panel, application=journey.app_sy, score=61, vote="against"
    )

    assert [s.member_id for s in selectors.scores_visible_to(b.expert.user, panel)] == [b.pk]
    assert len(selectors.scores_visible_to(journey.official, panel)) == 2
    assert not selectors.scores_visible_to(world.sy_official, panel).exists()

    body = login_as(b.expert.user).get(f"{API}/directory/panels/{panel.pk}").json()
    assert body["view"] == "expert"
    assert [s["score"] for s in body["scores"]] == [61.0]
    assert body["seed"] is None and body["members"] is None and body["candidates"] is None
    assert "材料完整" not in json.dumps(body, ensure_ascii=False)

    owner = login_as(journey.official).get(f"{API}/directory/panels/{panel.pk}").json()
    assert owner["view"] == "owner" and len(owner["scores"]) == 2 and owner["seed"] == "journey-3"


def test_expert_sees_only_assigned_applications(journey, world, login_as, pages):
    journey.pool(2)
    panel_sy = journey.draw(size=1, apps=[journey.app_sy], seed="a")
    panel_dl = journey.draw(size=1, apps=[journey.app_dl], seed="b")
    mine = on_panel(panel_sy)[0]
    other = on_panel(panel_dl)[0]
    user = mine.expert.user

    assert [m.panel_id for m in selectors.assignments_for_expert(user)] == [panel_sy.pk]
    assert list(selectors.applications_assigned_to(user)) == [journey.app_sy]
    client = login_as(user)
    assert client.get(f"{API}/directory/panels/{panel_dl.pk}").status_code == 404
    r = client.post(
        f"{API}/directory/panels/{panel_sy.pk}/scores",
        {"application": journey.app_dl.pk, "score": 90, "vote": "for"},
        content_type="application/json",
    )
    assert r.status_code == 404
    with pytest.raises(NotFound):
        scores.score_submit(actor=user, panel=panel_dl, application=journey.app_dl, score=90, vote="for")
    page = client.get("/directory/expert/assignments/")
    assert page.status_code == 200 and journey.app_sy.number in page.content.decode()
    assert journey.app_dl.number not in page.content.decode()
    assert other.expert.user != user


def test_a_declined_expert_loses_the_assignment(journey):
    journey.pool(3)
    panel = journey.draw(size=1)
    member = on_panel(panel)[0]
    services.panel_member_decline(actor=member.expert.user, member=member, reason="与申报单位有合作")
    assert not selectors.assignments_for_expert(member.expert.user).exists()
    assert not selectors.applications_assigned_to(member.expert.user).exists()
    with pytest.raises(NotFound):
        scores.score_submit(
            actor=member.expert.user, panel=panel, application=journey.app_sy, score=90, vote="for"
        )


def test_another_province_official_gets_404(journey, world, login_as, pages):
    journey.pool(3)
    panel = journey.draw(size=2)
    for outsider in (world.hb_official, world.sy_official, world.dl_official):
        with pytest.raises(NotFound):
            selectors.panel_get_for(outsider, panel.pk)
        client = login_as(outsider)
        assert client.get(f"{API}/directory/panels/{panel.pk}").status_code == 404
        assert client.get(f"{API}/directory/panels/{panel.pk}/reproduce").status_code == 404
        assert client.post(f"{API}/directory/panels/{panel.pk}/close").status_code == 404
        assert client.get(f"/directory/panels/{panel.pk}/").status_code == 404
    r = login_as(world.hb_official).post(
        f"{API}/directory/panels",
        {"applications": [journey.app_sy.pk], "size": 1},
        content_type="application/json",
    )
    assert r.status_code == 404
    member = panel.members.first()
    with pytest.raises(NotFound):
        services.panel_member_decline(actor=world.hb_official, member=member, reason="x")
    with pytest.raises(NotFound):
        services.panel_close(actor=world.hb_official, panel=panel)


def test_score_is_validated_and_resubmission_updates_it(journey):
    journey.pool(2)
    panel = journey.draw(size=1)
    user = on_panel(panel)[0].expert.user
    with pytest.raises(InvalidInput) as exc:
        scores.score_submit(actor=user, panel=panel, application=journey.app_sy, score="101", vote="maybe")
    assert exc.value.fields == {
        "score": ["评分须在 0–100 之间"],
        "vote": ["请选择投票意见：推荐、不推荐或弃权"],
    }
    with pytest.raises(InvalidInput) as exc:
        scores.score_submit(actor=user, panel=panel, application=journey.app_sy, score="85.55", vote="for")
    assert exc.value.fields["score"] == ["评分最多保留一位小数"]

    scores.score_submit(actor=user, panel=panel, application=journey.app_sy, score="70", vote="against")
    scores.score_submit(
        actor=user, panel=panel, application=journey.app_sy, score=85.5, vote="for", comment="改判"
    )
    score = ExpertScore.objects.get()
    assert score.score == Decimal("85.5") and score.vote == "for" and score.comment == "改判"
    assert score.member.status == PanelMember.Status.ACCEPTED


def test_panel_close_requires_all_scores(journey):
    journey.pool(3)
    panel = journey.draw(size=2)
    a, b = on_panel(panel)
    scores.score_submit(actor=a.expert.user, panel=panel, application=journey.app_sy, score=80, vote="for")

    with pytest.raises(RuleViolation) as exc:
        review.application_pass(actor=journey.official, application=journey.app_sy)
    assert exc.value.code == "panel_pending"
    with pytest.raises(InvalidInput) as exc:
        services.panel_close(actor=journey.official, panel=panel)
    assert exc.value.code == "scores_missing"
    assert f"{a.expert.name}（申报 {journey.app_dl.number}）" in exc.value.message
    assert f"{b.expert.name}（申报 {journey.app_sy.number}、{journey.app_dl.number}）" in exc.value.message

    score_all(panel, journey.apps)
    services.panel_close(actor=journey.official, panel=panel)
    panel.refresh_from_db()
    assert panel.status == Panel.Status.CLOSED
    with pytest.raises(InvalidTransition):
        scores.score_submit(
            actor=a.expert.user, panel=panel, application=journey.app_sy, score=1, vote="against"
        )

    result = selectors.panel_result(journey.app_sy, "province_expert_review")
    assert (
        result["closed"]
        and result["experts"] == 2
        and result["scores"] == 2
        and result["recommended"] is True
    )
    review.application_pass(actor=journey.official, application=journey.app_sy, comment="专家评议通过")
    journey.app_sy.refresh_from_db()
    assert journey.app_sy.step == "coordination_decision"


def test_aggregate_counts_scores_and_votes():
    scores = [
        {"score": Decimal("80"), "vote": "for"},
        {"score": Decimal("90.5"), "vote": "for"},
        {"score": Decimal("60"), "vote": "against"},
        {"score": Decimal("75"), "vote": "abstain"},
    ]
    agg = rules.aggregate(scores)
    assert agg == {
        "count": 4,
        "mean": 76.38,
        "median": 77.5,
        "min": 60.0,
        "max": 90.5,
        "votes": {"for": 2, "against": 1, "abstain": 1},
        "recommended": False,  # 2 of 4 is not a majority
    }
    assert rules.aggregate(scores[:3])["recommended"] is True
    assert rules.aggregate([])["recommended"] is None and rules.aggregate([])["mean"] is None
    json.dumps(agg)


def test_panel_result_ignores_a_declined_members_scores(journey):
    journey.pool(3)
    panel = journey.draw(size=2, apps=[journey.app_sy])
    a, b = on_panel(panel)
    scores.score_submit(
        actor=a.expert.user, panel=panel, application=journey.app_sy, score=10, vote="against"
    )
    services.panel_member_decline(actor=a.expert.user, member=a, reason="回避")
    scores.score_submit(actor=b.expert.user, panel=panel, application=journey.app_sy, score=90, vote="for")
    result = selectors.panel_result(journey.app_sy, "province_expert_review")
    assert (
        result["scores"] == 1 and result["mean"] == 90.0 and result["experts"] == 2 and not result["closed"]
    )


# --- the API and the pages ---------------------------------------------------------------------------------------


def test_official_draws_through_the_api_and_reproduces(journey, login_as, world):
    journey.pool(6)
    client = login_as(journey.official)
    r = client.post(
        f"{API}/directory/panels",
        {"applications": [journey.app_sy.pk, journey.app_dl.pk], "size": 5, "seed": "api-seed"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["seed"] == "api-seed" and len(body["members"]) == 5 and body["algorithm"] == rules.ALGORITHM
    check = client.get(f"{API}/directory/panels/{body['id']}/reproduce").json()
    assert check["matches"] is True and check["recomputed"] == [m["expert"] for m in body["members"]]
    member = body["members"][0]
    r = client.post(
        f"{API}/directory/panels/{body['id']}/members/{member['id']}/decline",
        {"reason": "出差"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["position"] == 6
    r = client.post(f"{API}/directory/panels/{body['id']}/close")
    assert r.status_code == 400 and r.json()["code"] == "scores_missing"
    r = client.post(
        f"{API}/directory/panels",
        {"applications": [journey.app_sy.pk], "size": 1},
        content_type="application/json",
    )
    assert r.status_code == 409
    auditor = client_for_auditor(world, login_as)
    assert auditor.get(f"{API}/directory/panels/{body['id']}/reproduce").json()["matches"] is True
    assert auditor.get(f"{API}/directory/panels/{body['id']}").status_code == 404


def client_for_auditor(world, login_as):
    ln = world.orgs["ln"]
    user = User.objects.create_user(
        username="ln_auditor", password="Peiyu-Test-2026!", full_name="审计", primary_org=ln
    )
    role = Role.objects.get(code="auditor")
    RoleAssignment.objects.create(
        user=user, role=role, org=ln, region_id="210000", separation=role.separation
    )
    return login_as(user)


def test_too_few_experts_over_the_api_is_a_400_with_rule(journey, login_as):
    journey.pool(1, user=False)
    r = login_as(journey.official).post(
        f"{API}/directory/panels",
        {"applications": [journey.app_sy.pk], "size": 5},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["rules"] == ["SEL-8"] and r.json()["code"] == "too_few_experts"


def test_expert_scores_through_the_api_with_field_messages(journey, login_as):
    journey.pool(2)
    panel = journey.draw(size=1)
    client = login_as(on_panel(panel)[0].expert.user)
    url = f"{API}/directory/panels/{panel.pk}/scores"
    r = client.post(
        url, {"application": journey.app_sy.pk, "score": -1, "vote": "for"}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["fields"]["score"] == ["评分须在 0–100 之间"]
    r = client.post(
        url, {"application": journey.app_sy.pk, "score": 92, "vote": "for"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["score"] == 92.0


def test_pages_for_the_official_and_the_expert(journey, login_as, pages):
    journey.pool(4)
    official = login_as(journey.official)
    page = official.get("/directory/panels/draw/")
    assert page.status_code == 200 and journey.app_sy.number in page.content.decode()
    r = official.post(
        "/directory/panels/draw/",
        {"applications": [journey.app_sy.pk, journey.app_dl.pk], "size": 9, "seed": ""},
    )
    assert r.status_code == 200 and "可抽取的专家不足" in r.content.decode()
    r = official.post(
        "/directory/panels/draw/",
        {"applications": [journey.app_sy.pk, journey.app_dl.pk], "size": 2, "seed": "页面"},
    )
    assert r.status_code == 302
    panel = Panel.objects.get()
    detail = official.get(r["Location"]).content.decode()
    assert "页面" in detail and rules.ALGORITHM in detail and "与留存的专家名单一致" in detail
    assert official.get("/directory/panels/").status_code == 200

    member = on_panel(panel)[0]
    expert = login_as(member.expert.user)
    assert expert.get(f"/directory/panels/{panel.pk}/").status_code == 302
    page = expert.get(f"/directory/panels/{panel.pk}/score/")
    assert page.status_code == 200 and "评议意见" in page.content.decode()
    r = expert.post(
        f"/directory/panels/{panel.pk}/score/",
        {
            "application": journey.app_sy.pk,
            f"a{journey.app_sy.pk}-score": "120",
            f"a{journey.app_sy.pk}-vote": "for",
        },
    )
    assert r.status_code == 200 and "评分须在 0–100 之间" in r.content.decode()
    r = expert.post(
        f"/directory/panels/{panel.pk}/score/",
        {
            "application": journey.app_sy.pk,
            f"a{journey.app_sy.pk}-score": "86",
            f"a{journey.app_sy.pk}-vote": "for",
        },
    )
    assert r.status_code == 302 and ExpertScore.objects.filter(member=member).count() == 1
    r = official.post(f"/directory/panels/{panel.pk}/close/")
    assert r.status_code == 302 and Panel.objects.get().status == "open"


# --- properties -------------------------------------------------------------------------------------------------------

_expert_st = st.builds(
    lambda i, employer, conflicts, active, field_ok: rules.ExpertFacts(
        id=i,
        name=f"e{i}",
        employer_id=employer,
        employer_name="",
        fields=(OCCUPATION,) if field_ok else ("2-02-38-02",),
        conflict_org_ids=frozenset(conflicts),
        active=active,
    ),
    st.integers(1, 10_000),
    st.one_of(st.none(), st.integers(1, 6)),
    st.frozensets(st.integers(1, 6), max_size=3),
    st.booleans(),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    experts=st.lists(_expert_st, max_size=30, unique_by=lambda e: e.id),
    applicant_orgs=st.lists(st.integers(1, 6), min_size=1, max_size=3, unique=True),
    seed=st.text(max_size=20),
    n=st.integers(0, 12),
)
def test_a_draw_never_contains_a_conflicted_expert_and_is_deterministic(experts, applicant_orgs, seed, n):
    applicants = [
        rules.ApplicantFacts(application=f"A{o}", org_id=o, name=f"机构{o}", occupation_code=OCCUPATION)
        for o in applicant_orgs
    ]
    candidates, excluded = rules.eligible(experts, applicants)
    chosen = rules.draw(candidates, seed, n)
    by_id = {e.id: e for e in experts}

    assert chosen == rules.draw(list(reversed(candidates)), seed, n)  # only the set of candidates counts
    assert len(chosen) == min(n, len(candidates)) and len(set(chosen)) == len(chosen)
    for expert_id in chosen:
        e = by_id[expert_id]
        assert e.active and e.employer_id not in applicant_orgs
        assert not (e.conflict_org_ids & set(applicant_orgs))
    assert {x["expert"] for x in excluded}.isdisjoint(candidates)
    assert sorted(rules.shuffled(candidates, seed)) == sorted(candidates)
    assert rules.replay(candidates, seed, n, 0) == chosen


def panel_event(panel, action):
    from peiyu.audit.models import AuditEvent

    return AuditEvent.objects.filter(action=action, object_id=str(panel.pk)).latest("id")
