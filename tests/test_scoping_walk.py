"""DESIGN §5 / ACT-8: every URL and every API route, walked with personas from two cities (Shenyang
and Dalian). A record of the other city answers 404 to everyone who holds the capability for it,
and never 200 to anyone else; the owner's side answers 2xx, so the walk cannot pass vacuously.

A new route with a path parameter this file does not know makes the walk fail until a sample is
added here: no route escapes the test."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from peiyu.accounts.services import api_token_create
from peiyu.audit.services import audit_record
from peiyu.config.api import api

pytestmark = pytest.mark.django_db

CITY_PERSONAS = {
    "shenyang": ["sy_official", "sy_inst_admin", "sy_secadmin", "sy_auditor", "hp_official"],
    "dalian": ["dl_official", "dl_inst_admin", "dl_secadmin", "dl_auditor"],
}
OTHER = {"shenyang": "dalian", "dalian": "shenyang"}


def _records(world):
    """For each scoped path parameter: the record of each city and who may see it there."""
    tokens = {
        city: api_token_create(actor=world.users[user], name="walk")[0].pk
        for city, user in (("shenyang", "sy_inst_admin"), ("dalian", "dl_inst_admin"))
    }
    events = {
        city: audit_record(world.users[user], "walk.test", world.orgs[org]).pk
        for city, user, org in (("shenyang", "sy_official", "sy"), ("dalian", "dl_official", "dl"))
    }
    return {
        "org_id": {"shenyang": world.orgs["inst_sy"].pk, "dalian": world.orgs["inst_dl"].pk},
        "user_id": {"shenyang": world.sy_inst_admin.pk, "dalian": world.dl_inst_admin.pk},
        "event_id": events,
        "token_id": tokens,
    }


# owner-side personas that must get 2xx (positive control) for each scoped parameter
OWNERS = {
    "org_id": {"shenyang": "sy_official", "dalian": "dl_official"},
    "user_id": {"shenyang": "sy_secadmin", "dalian": "dl_secadmin"},
    "event_id": {"shenyang": "sy_auditor", "dalian": "dl_auditor"},
    "token_id": {"shenyang": "sy_inst_admin", "dalian": "dl_inst_admin"},
}
# reference data is national and public (CAT-4): not scoped by jurisdiction
PUBLIC_SAMPLES = {
    "code": ["210100", "2-02-38-01", "NO-SUCH-CODE"],
    "name": ["national-dte", "no-such-profile"],
}
BODIES = {
    ("post", "/api/v1/users/{user_id}/roles"): lambda w, city: {
        "role": "city_official",
        "org_id": w.orgs["sy" if city == "shenyang" else "dl"].pk,
    },
}
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
    return {u: login_as(world.users[u]) for city in CITY_PERSONAS.values() for u in city}


def _api_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            yield path, method, op


def _call(client, method, path, body=None):
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
                assert response.status_code in (200, 404), (path, sample, response.status_code)
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


def test_every_page_answers_without_server_error_for_everyone(world, clients, client):
    for route, _entry in _django_patterns():
        if "<" in route:
            continue
        url = "/" + route.lstrip("^").rstrip("$")
        anonymous = client.get(url)
        assert anonymous.status_code in (200, 301, 302, 405), (url, anonymous.status_code)
        for username, c in clients.items():
            response = c.get(url)
            assert response.status_code < 500, (url, username, response.status_code)
