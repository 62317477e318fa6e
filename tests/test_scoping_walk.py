"""DESIGN §5 / ACT-8: every URL and every API route, walked with personas from two cities (Shenyang
and Dalian). A record of the other city answers 404 to everyone who holds the capability for it,
and never 200 to anyone else; the owner's side answers 2xx, so the walk cannot pass vacuously.

A new route with a path parameter this file does not know makes the walk fail until a sample is
added here: no route escapes the test."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from peiyu.accounts.services.tokens import api_token_create
from peiyu.audit.services import audit_record
from peiyu.config.api import api

from . import (
    scoping_certificates_batches,
    scoping_certificates_certificates,
    scoping_certificates_keys,
    scoping_exams_banks,
    scoping_exams_evaluation,
    scoping_exams_papers,
    scoping_exams_sessions,
    scoping_exams_sites,
    scoping_training,
)

pytestmark = pytest.mark.django_db

CITY_PERSONAS = {
    "shenyang": ["sy_official", "sy_inst_admin", "sy_secadmin", "sy_auditor", "hp_official"],
    "dalian": ["dl_official", "dl_inst_admin", "dl_secadmin", "dl_auditor"],
}
OTHER = {"shenyang": "dalian", "dalian": "shenyang"}


def _records(world):
    from peiyu.accounts.models import RoleAssignment

    """For each scoped path parameter: the record of each city and who may see it there."""
    tokens = {
        city: api_token_create(actor=world.users[user], name="walk")[0].pk
        for city, user in (("shenyang", "sy_inst_admin"), ("dalian", "dl_inst_admin"))
    }
    events = {
        city: audit_record(world.users[user], "walk.test", world.orgs[org]).pk
        for city, user, org in (("shenyang", "sy_official", "sy"), ("dalian", "dl_official", "dl"))
    }
    directory = _directory_records(world)
    return {
        **directory,
        **scoping_training.records(world, directory["listing_id"]),
        **(sessions := scoping_exams_sessions.records(world)),
        **scoping_exams_sites.records(world, sessions["exam_session_id"]),
        **scoping_exams_banks.records(world),
        **(papers := scoping_exams_papers.records(world, sessions["exam_session_id"])),
        **(evaluation := scoping_exams_evaluation.records(world, {**sessions, **papers})),
        **scoping_certificates_batches.records(
            world, sessions["exam_session_id"], evaluation["registration_id"]
        ),
        **scoping_certificates_certificates.records(world),
        **scoping_certificates_keys.records(world),
        "org_id": {"shenyang": world.orgs["inst_sy"].pk, "dalian": world.orgs["inst_dl"].pk},
        "user_id": {"shenyang": world.sy_inst_admin.pk, "dalian": world.dl_inst_admin.pk},
        "assignment_id": {
            city: RoleAssignment.objects.get(user=world.users[user]).pk
            for city, user in (("shenyang", "sy_inst_admin"), ("dalian", "dl_inst_admin"))
        },
        "event_id": events,
        "token_id": tokens,
    }


def _directory_records(world):
    """Applications, listings, renewals, changes and objections of a Shenyang and a Dalian institution;
    expert panels of Liaoning ("shenyang") and Hubei ("dalian"), since panels belong to a province."""
    import datetime as dt

    from peiyu.accounts.models import Org, Region
    from peiyu.core.policy import load_policy_files, policy_named
    from peiyu.institutions.models import (
        Application,
        Call,
        ChangeRequest,
        Expert,
        ExpertImport,
        ExpertRelation,
        Listing,
        Objection,
        Panel,
        PanelMember,
        PublicNotice,
        Renewal,
    )  # fmt: skip
    from peiyu.institutions.tests.factories import load_reference

    load_policy_files()
    load_reference()
    today = dt.date.today()
    route = policy_named("liaoning-dte-batch2")["review_routes"]["training"]
    call = Call.objects.create(
        code="walk", title="walk", programme="dte", policy_name="liaoning-dte-batch2", issuer=world.orgs["ln"], region_id="210000",
        kinds=["training"], occupation_codes=["2-02-38-01"], levels=["初级"], opens_on=today, deadline=today, status=Call.Status.PUBLISHED,
    )  # fmt: skip
    hb_call = Call.objects.create(
        code="walk-hb", title="walk", programme="dte", policy_name="hubei-dte", issuer=world.orgs["hb"], region_id="420000",
        kinds=["training"], occupation_codes=["2-02-38-01"], levels=["初级"], opens_on=today, deadline=today, status=Call.Status.PUBLISHED,
    )  # fmt: skip
    out = {
        k: {}
        for k in (
            "application_id",
            "listing_id",
            "renewal_id",
            "change_id",
            "objection_id",
            "panel_id",
            "member_id",
            "expert_id",
            "relation_id",
            "expert_import_id",
        )
    }
    for city, org_key, user in (
        ("shenyang", "inst_sy", world.sy_inst_admin),
        ("dalian", "inst_dl", world.dl_inst_admin),
    ):
        org = world.orgs[org_key]
        app = Application.objects.create(
            number=f"SQWALK{city}", call=call, institution=org, kind="training", occupation_code="2-02-38-01",
            occupation_name="人工智能工程技术人员", levels=["初级"], region_id=org.region_id, status="in_review",
            route=route, step=route[0]["step"], created_by=user,
        )  # fmt: skip
        listing = Listing.objects.create(
            number=f"MLWALK{city}", programme="dte", institution=org, institution_name=org.name, kind="training",
            occupation_code="2-02-38-01", occupation_name="人工智能工程技术人员", levels=["初级"], region_id=org.region_id,
            valid_from=today, valid_until=today + dt.timedelta(days=1000), policy_name="liaoning-dte-batch2",
        )  # fmt: skip
        notice = PublicNotice.objects.create(
            number=f"GSWALK{city}", title="walk", call=call, publisher=world.orgs["cg"], starts_on=today,
            ends_on=today + dt.timedelta(days=7), working_days=5, published_by=world.cg_official,
        )  # fmt: skip
        out["application_id"][city] = app.pk
        out["listing_id"][city] = listing.pk
        out["renewal_id"][city] = Renewal.objects.create(listing=listing, created_by=user).pk
        out["change_id"][city] = ChangeRequest.objects.create(
            listing=listing, type="basic", after={"contact_name": "x"}, reason="walk", created_by=user
        ).pk
        out["objection_id"][city] = Objection.objects.create(
            tracking_no=f"YYWALK{city}",
            notice=notice,
            application=app,
            name="x",
            contact="13800000000",
            text="walk",
        ).pk
    Region.objects.get_or_create(
        code="420102", defaults={"name": "江岸区", "level": 3, "parent_id": "420100"}
    )
    hb_inst = Org.objects.create(name="武汉测试机构", kind="institution", region_id="420102")
    for city, owner, a_call, _inst in (
        ("shenyang", world.orgs["ln"], call, world.orgs["inst_sy"]),
        ("dalian", world.orgs["hb"], hb_call, hb_inst),
    ):
        app = Application.objects.get(pk=out["application_id"][city]) if city == "shenyang" else Application.objects.create(
            number="SQWALKhb", call=hb_call, institution=hb_inst, kind="training", occupation_code="2-02-38-01",
            occupation_name="人工智能工程技术人员", levels=["初级"], region_id="420102", status="in_review",
            route=route, step=route[1]["step"], created_by=world.hb_official,
        )  # fmt: skip
        expert = Expert.objects.create(
            name=f"专家{city}", employer_name="大学", fields=["2-02-38-01"], pool_owner=owner
        )
        panel = Panel.objects.create(
            call=a_call, step="province_expert_review", owner=owner, region_id=owner.region_id, size=1, seed="walk",
            algorithm="sha256-seeded-fisher-yates-v1", candidates=[expert.pk], created_by=world.ln_official,
        )  # fmt: skip
        panel.applications.add(app)
        out["panel_id"][city] = panel.pk
        out["member_id"][city] = PanelMember.objects.create(panel=panel, expert=expert, position=1).pk
        official = world.ln_official if city == "shenyang" else world.hb_official
        out["expert_id"][city] = expert.pk
        out["relation_id"][city] = ExpertRelation.objects.create(
            expert=expert, uscc=world.orgs["inst_dl"].uscc, unit_name="walk", declared_by=official
        ).pk
        out["expert_import_id"][city] = ExpertImport.objects.create(
            pool_owner=owner, filename="walk.xlsx", sha256="0" * 64, mode="all", created_by=official
        ).pk
    out["call_id"] = {"shenyang": call.pk, "dalian": hb_call.pk}
    return out


# owner-side personas that must get 2xx (positive control) for each scoped parameter
OWNERS = {
    "org_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    "user_id": {"shenyang": "sy_secadmin", "dalian": "dl_secadmin"},
    "assignment_id": {"shenyang": "sy_secadmin", "dalian": "dl_secadmin"},
    "event_id": {"shenyang": "sy_auditor", "dalian": "dl_auditor"},
    "token_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"},
    "application_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    "listing_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    "renewal_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"},
    "change_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"},
    "objection_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    # panels belong to a province: Liaoning's panel plays "shenyang", Hubei's plays "dalian"
    "panel_id": {"shenyang": "ln_official", "dalian": "hb_official"},
    # expert pools too: Liaoning's expert, its declared relation and an import play "shenyang"
    "expert_id": {"shenyang": "ln_official", "dalian": "hb_official"},
    "relation_id": {"shenyang": "ln_official", "dalian": "hb_official"},
    "expert_import_id": {"shenyang": "ln_official", "dalian": "hb_official"},
    # calls too: the Liaoning department's call plays "shenyang", Hubei's "dalian"
    "call_id": {"shenyang": "ln_official", "dalian": "hb_official"},
    **scoping_training.OWNERS,
    **scoping_exams_sessions.OWNERS,
    **scoping_exams_sites.OWNERS,
    **scoping_exams_banks.OWNERS,
    **scoping_exams_papers.OWNERS,
    **scoping_exams_evaluation.OWNERS,
    **scoping_certificates_certificates.OWNERS,
    **scoping_certificates_batches.OWNERS,
    **scoping_certificates_keys.OWNERS,
}
EXTRA_CLIENTS = ["ln_official", "hb_official"]
# reference data is national and public (CAT-4): not scoped by jurisdiction
PUBLIC_SAMPLES = {
    "code": ["210100", "2-02-38-01", "NO-SUCH-CODE"],
    "name": ["national-dte", "no-such-profile"],
    "number": ["NO-SUCH-NUMBER"],
}


def _pdf(w, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return ("multipart", {"purpose": "other", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")})


BODIES = {
    ("post", "/api/v1/users/{user_id}/roles"): lambda w, city: {
        "role": "city_official",
        "org_id": w.orgs["sy" if city == "shenyang" else "dl"].pk,
    },
    ("patch", "/api/v1/directory/applications/{application_id}"): lambda w, c: {"form": {}},
    ("post", "/api/v1/directory/applications/{application_id}/attachments"): _pdf,
    ("post", "/api/v1/directory/applications/{application_id}/submit"): lambda w, c: {
        "commitment_confirmed": True
    },
    ("post", "/api/v1/directory/applications/{application_id}/actions"): lambda w, c: {
        "action": "return",
        "comment": "x",
    },
    ("post", "/api/v1/directory/panels/{panel_id}/members/{member_id}/decline"): lambda w, c: {"reason": "x"},
    ("post", "/api/v1/directory/panels/{panel_id}/scores"): lambda w, c: {
        "application": 1,
        "score": 80,
        "vote": "for",
    },
    ("patch", "/api/v1/directory/experts/{expert_id}"): lambda w, c: {"title": "x"},
    ("post", "/api/v1/directory/experts/{expert_id}/disable"): lambda w, c: {"reason": "x"},
    ("patch", "/api/v1/directory/official/calls/{call_id}"): lambda w, c: {"title": "x"},
    ("post", "/api/v1/directory/official/calls/{call_id}/close"): lambda w, c: {"reason": "x"},
    ("post", "/api/v1/directory/experts/{expert_id}/enable"): lambda w, c: {},
    ("post", "/api/v1/directory/experts/{expert_id}/relations"): lambda w, c: {
        "uscc": w.orgs["inst_sy"].uscc
    },
    ("post", "/api/v1/directory/experts/{expert_id}/relations/{relation_id}/withdraw"): lambda w, c: {
        "reason": "x"
    },
    ("post", "/api/v1/directory/expert/declarations/{relation_id}/withdraw"): lambda w, c: {"reason": "x"},
    ("post", "/api/v1/directory/listings/{listing_id}/volumes"): lambda w, c: {"year": 2025, "persons": 1},
    ("post", "/api/v1/directory/renewals/{renewal_id}/attachments"): _pdf,
    ("post", "/api/v1/directory/renewals/{renewal_id}/submit"): lambda w, c: {"summary": "x"},
    ("post", "/api/v1/directory/renewals/{renewal_id}/decide"): lambda w, c: {"approve": True},
    ("post", "/api/v1/directory/listings/{listing_id}/changes"): lambda w, c: {
        "type": "basic",
        "after": {"contact_name": "y"},
        "reason": "x",
    },
    ("post", "/api/v1/directory/changes/{change_id}/review"): lambda w, c: {"approve": True},
    ("post", "/api/v1/directory/listings/{listing_id}/terminate"): lambda w, c: {"reason": "x"},
    ("post", "/api/v1/directory/listings/{listing_id}/status"): lambda w, c: {
        "action": "suspend",
        "reason": "x",
    },
    ("post", "/api/v1/directory/objections/{objection_id}/resolve"): lambda w, c: {
        "upheld": False,
        "resolution": "x",
    },
}
BODIES.update(scoping_training.BODIES)
BODIES.update(scoping_exams_sessions.BODIES)
BODIES.update(scoping_exams_sites.BODIES)
BODIES.update(scoping_exams_banks.BODIES)
BODIES.update(scoping_exams_papers.BODIES)
BODIES.update(scoping_exams_evaluation.BODIES)
BODIES.update(scoping_certificates_certificates.BODIES)
BODIES.update(scoping_certificates_batches.BODIES)
BODIES.update(scoping_certificates_keys.BODIES)
# accounts: the security administrator's and the institution administrator's writes, the bureau's decision
_REASON = lambda w, c: {"reason": "x"}  # noqa: E731
BODIES.update(
    {
        **{
            ("post", f"/api/v1/accounts/{{user_id}}/{verb}"): _REASON
            for verb in ("disable", "enable", "password-reset", "unlock")
        },
        **{
            ("post", f"/api/v1/staff/{{user_id}}/{verb}"): _REASON
            for verb in ("disable", "enable", "password-reset")
        },
        ("post", "/api/v1/users/{user_id}/roles/{assignment_id}/revoke"): _REASON,
        ("post", "/api/v1/staff/{user_id}/roles/{assignment_id}/revoke"): _REASON,
        ("post", "/api/v1/staff/{user_id}/roles"): lambda w, c: {"role": "training_admin"},
        ("post", "/api/v1/signups/{org_id}/decision"): lambda w, c: {"action": "confirm"},
        ("put", "/api/v1/signups/{org_id}"): lambda w, c: {
            "name": "x",
            "uscc": w.orgs["inst_sy"].uscc,
            "legal_rep_name": "张三",
            "contact_name": "李四",
            "contact_phone": "13904001212",
        },
    }
)
ADMIN_SCOPED = {
    "accounts/org": ("org_id", "sy_secadmin", "dl_secadmin"),
    "accounts/user": ("user_id", "sy_secadmin", "dl_secadmin"),
    "audit/auditevent": ("event_id", "sy_auditor", "dl_auditor"),
}
# admin models that hold national reference or configuration data, not jurisdiction records
ADMIN_UNSCOPED = {"accounts/region", "accounts/role", "core/holiday", "core/policyversion", "core/policyprofile",
                  "axes/accessattempt", "catalogs/occupation", "catalogs/direction", "catalogs/level",
                  "catalogs/industry", "catalogs/trade"}  # fmt: skip


@pytest.fixture
def clients(world, login_as):
    users = [u for city in CITY_PERSONAS.values() for u in city] + EXTRA_CLIENTS
    return {u: login_as(world.users[u]) for u in users}


def _api_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            yield path, method, op


def _call(client, method, path, body=None):
    if isinstance(body, tuple) and body[0] == "multipart":
        return getattr(client, method)(path, data=body[1])
    kwargs = {"content_type": "application/json"} if body is not None else {}
    return (
        getattr(client, method)(path, data=body, **kwargs)
        if body is not None
        else getattr(client, method)(path)
    )


def test_every_api_route_with_a_record_is_scoped_to_its_city(world, clients):
    records = _records(world)
    checked = 0
    for path, method, _op in _api_operations():
        params = re.findall(r"{(\w+)}", path)
        if not params:
            continue
        # national reference and configuration (regions, occupations, policy profiles) are not
        # jurisdiction records: they are checked for a clean 200/404 instead
        public = all(p in PUBLIC_SAMPLES for p in params)
        if public:
            for sample in PUBLIC_SAMPLES[params[0]]:
                response = _call(clients["dl_official"], method, path.replace(f"{{{params[0]}}}", sample))
                # a public write without its body is refused as invalid input before any lookup
                allowed = (200, 404) if method == "get" else (400, 404)
                assert response.status_code in allowed, (path, sample, response.status_code)
            continue
        unknown = [p for p in params if p not in records]
        assert not unknown, f"{method.upper()} {path}: add a two-city sample for {unknown} to this walk"
        for owner_city in ("shenyang", "dalian"):
            concrete = path
            for p in params:
                concrete = concrete.replace(f"{{{p}}}", str(records[p][owner_city]))
            body_fn = BODIES.get((method, path))
            # outsiders: every persona of the other city
            for username in CITY_PERSONAS[OTHER[owner_city]]:
                body = body_fn(world, OTHER[owner_city]) if body_fn else None
                response = _call(clients[username], method, concrete, body)
                assert response.status_code in (403, 404), (method, concrete, username, response.status_code)
                if response.status_code == 403:
                    assert response.json()["code"] == "permission_denied"
            # those of the other city who hold the capability get exactly 404 (indistinguishable from missing)
            holder = OWNERS[params[0]][OTHER[owner_city]]
            body = body_fn(world, OTHER[owner_city]) if body_fn else None
            assert _call(clients[holder], method, concrete, body).status_code == 404, (
                method,
                concrete,
                holder,
            )
            checked += 1
            if method == "get":  # positive control on the owner's side
                owner = OWNERS[params[0]][owner_city]
                assert _call(clients[owner], method, concrete).status_code == 200, (concrete, owner)
    assert checked >= 8


LIST_RECORDS = {"/api/v1/orgs": "org_id", "/api/v1/users": "user_id", "/api/v1/audit/events": "event_id"}


def test_every_list_route_shows_only_the_own_city(world, clients):
    records = _records(world)
    for path, method, op in _api_operations():
        if method != "get" or "{" in path or "security" not in op:
            continue
        for city, usernames in CITY_PERSONAS.items():
            param = LIST_RECORDS.get(path)
            foreign = {str(records[param][OTHER[city]])} if param else set()
            for username in usernames:
                response = clients[username].get(path)
                assert response.status_code in (200, 400, 403), (path, username, response.status_code)
                if response.status_code != 200:
                    continue
                body = response.json()
                items = body.get("items", body) if isinstance(body, dict) else body
                if isinstance(items, list):
                    ids = {str(i.get("id")) for i in items if isinstance(i, dict)}
                    assert not ids & foreign, (path, username, ids & foreign)


def _django_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("api/"):
                continue  # the API is walked above
            yield from _django_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_every_admin_object_page_is_scoped(world, clients):
    records = _records(world)
    seen = set()
    for route, _entry in _django_patterns():
        m = re.match(r"^admin/(\w+)/(\w+)/<path:object_id>/(change|history|delete)/$", route)
        if not m:
            continue
        model = f"{m.group(1)}/{m.group(2)}"
        if model in ADMIN_UNSCOPED:
            continue
        assert model in ADMIN_SCOPED, (
            f"admin model {model}: declare it scoped (with samples) or national reference"
        )
        param, sy_user, dl_user = ADMIN_SCOPED[model]
        seen.add(model)
        for owner_city, outsider, owner in (("shenyang", dl_user, sy_user), ("dalian", sy_user, dl_user)):
            url = "/" + route.replace("<path:object_id>", str(records[param][owner_city]))
            assert clients[outsider].get(url).status_code == 404, (url, outsider)
            if m.group(3) == "change":
                assert clients[owner].get(url).status_code == 200, (url, owner)
    assert seen == set(ADMIN_SCOPED)


def test_every_page_answers_without_server_error_for_everyone(world, clients, client, settings):
    settings.PEIYU_DEMO = True  # the demo-only accounts page is walked too (404 when the setting is off)
    for route, _entry in _django_patterns():
        if "<" in route:
            continue
        url = "/" + route.lstrip("^").rstrip("$")
        anonymous = client.get(url)
        assert anonymous.status_code in (200, 301, 302, 405), (url, anonymous.status_code)
        for username, c in clients.items():
            response = c.get(url)
            assert response.status_code < 500, (url, username, response.status_code)


# pages whose first path parameter is a scoped record: route prefix → record
PAGE_RECORDS = {
    "directory/applications/<int:pk>/": "application_id",
    "directory/listings/<int:pk>/": "listing_id",
    "directory/panels/<int:pk>/": "panel_id",
    "directory/experts/<int:pk>/": "expert_id",
    "directory/experts/imports/<int:pk>/": "expert_import_id",
    "directory/expert/declarations/<int:rid>/": "relation_id",
    "directory/objections/<int:pk>/": "objection_id",
    "directory/calls/<int:pk>/": "call_id",
    "accounts/users/<int:pk>/": "user_id",
    "accounts/signups/<int:pk>/": "org_id",
    **scoping_training.PAGE_RECORDS,
    **scoping_exams_sessions.PAGE_RECORDS,
    **scoping_exams_sites.PAGE_RECORDS,
    **scoping_exams_banks.PAGE_RECORDS,
    **scoping_exams_papers.PAGE_RECORDS,
    **scoping_exams_evaluation.PAGE_RECORDS,
    **scoping_certificates_certificates.PAGE_RECORDS,
    **scoping_certificates_batches.PAGE_RECORDS,
    **scoping_certificates_keys.PAGE_RECORDS,
}
PAGE_SUBRECORDS = {
    "<int:renewal_id>": "renewal_id",
    "<int:change_id>": "change_id",
    "<int:member_id>": "member_id",
    "<int:rid>": "relation_id",
    **scoping_training.PAGE_SUBRECORDS,
    **scoping_exams_sites.PAGE_SUBRECORDS,
    **scoping_exams_banks.PAGE_SUBRECORDS,
    **scoping_exams_evaluation.PAGE_SUBRECORDS,
    **scoping_certificates_certificates.PAGE_SUBRECORDS,
    **scoping_certificates_batches.PAGE_SUBRECORDS,
}


def test_every_record_page_is_scoped_to_its_city(world, clients):
    """Every page (GET and POST) of an application, listing, panel or objection of one city answers 404
    to the other city's personas (405 where the page refuses the method first); the owner sees it."""
    records = _records(world)
    walked = 0
    for route, _entry in _django_patterns():
        prefix = next((p for p in PAGE_RECORDS if route.startswith(p)), None)
        if prefix is None:
            if re.search(r"<int:\w+>", route) and route.startswith(("directory/", "training/", "exams/")):
                if route.startswith(scoping_exams_evaluation.PAGE_UNSCOPED):
                    continue
                raise AssertionError(f"page {route}: add it to PAGE_RECORDS")
            continue
        param = PAGE_RECORDS[prefix]
        for owner_city in ("shenyang", "dalian"):
            url = "/" + route.replace("<int:pk>", str(records[param][owner_city]))
            for token, sub in PAGE_SUBRECORDS.items():
                url = url.replace(token, str(records[sub][owner_city]))
            url = re.sub(r"<int:\w+>", "999999", url)
            outsiders = CITY_PERSONAS[OTHER[owner_city]] + [OWNERS[param][OTHER[owner_city]]]
            for username in outsiders:
                for method in ("get", "post"):
                    status = getattr(clients[username], method)(url).status_code
                    assert status in (403, 404, 405), (method, url, username, status)
            walked += 1
        if route == prefix:  # positive control: the detail page itself
            for owner_city in ("shenyang", "dalian"):
                url = "/" + route.replace("<int:pk>", str(records[param][owner_city]))
                assert clients[OWNERS[param][owner_city]].get(url).status_code == 200, url
    assert walked >= 40
