"""The scalable demo-data generator (peiyu.demo.scale): valid identifiers, contiguous audit chains
that verify, determinism, and a second run that appends rather than collides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from peiyu.accounts.models import Org, RoleAssignment, User
from peiyu.audit.models import AuditEvent, AuditHead
from peiyu.audit.services import audit_record
from peiyu.audit.verify import verify_chain
from peiyu.core.identifiers import is_valid_uscc
from peiyu.demo.scale import generate
from peiyu.demo.scale_names import org_code_with_check, uscc_for
from tests.personas import build_world

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def test_org_code_check_character_follows_gb_11714():
    # The worked example of GB 11714-1997: D2143569-X (weights 3 7 9 10 5 8 4 2).
    assert org_code_with_check("D2143569") == "D2143569X"
    assert org_code_with_check("MA0Y0000")[-1] in "0123456789X"


def test_uscc_for_is_valid_and_unique_per_index():
    codes = {uscc_for(i, "210102", school=i % 2 == 0) for i in range(2000)}
    assert len(codes) == 2000
    assert all(is_valid_uscc(c) for c in codes)
    assert {c[:2] for c in codes} == {"91", "52"}


def test_generate_small_scale_gives_valid_rows_and_a_verified_chain():
    world = build_world()
    before_orgs, before_users = Org.objects.count(), User.objects.count()
    before_events = AuditEvent.objects.count()
    # a chain that already has events from the ordinary path must continue seamlessly
    audit_record(world.sy_official, "test.before_generate", world.orgs["sy"])

    result = generate(300, batch=128, seed=7, now=NOW)

    assert (result.orgs, result.users, result.assignments) == (300, 600, 600)
    generated = Org.objects.filter(kind="institution").exclude(pk__in=[o.pk for o in world.orgs.values()])
    assert generated.count() == 300 == Org.objects.count() - before_orgs
    assert User.objects.count() - before_users == 600
    assert (
        RoleAssignment.objects.filter(
            user__username__startswith="inst", role__code="institution_admin"
        ).count()
        == 600
    )
    usccs = list(generated.values_list("uscc", flat=True))
    assert len(set(usccs)) == 300 and all(is_valid_uscc(c) for c in usccs)
    # spread over real regions, each code consistent with the region it was registered in
    regions = set(generated.values_list("region_id", flat=True))
    assert len(regions) >= 3
    assert all(o.uscc[2:8] == o.region_id for o in generated)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in o.name) for o in generated)

    assert AuditEvent.objects.count() - before_events == 1 + result.audit_events == 1 + 300 + 600 + 600
    check = verify_chain()
    assert check.ok, [b.describe() for b in check.breaks]
    for head in AuditHead.objects.all():
        seqs = list(
            AuditEvent.objects.filter(stream=head.stream).order_by("seq").values_list("seq", flat=True)
        )
        assert seqs == list(range(1, head.seq + 1))

    # the ordinary path appends after the bulk path
    audit_record(world.sy_official, "test.after_generate", world.orgs["sy"])
    assert verify_chain().ok


def _run_and_roll_back(**kwargs) -> list[tuple]:
    """Generate inside a savepoint, read the rows, roll back: the same starting data every time."""

    class Rollback(Exception):
        pass

    rows: list[tuple] = []
    try:
        with transaction.atomic():
            generate(**kwargs)
            rows = list(
                Org.objects.filter(kind="institution")
                .order_by("uscc")
                .values_list("name", "region_id", "uscc", "recommended_by_id", "created_at")
            )
            rows += list(
                User.objects.filter(username__startswith="inst")
                .order_by("username")
                .values_list("username", "full_name", "primary_org__uscc", "password")
            )
            # Keys come from sequences, which PostgreSQL does not roll back, so compare what they name;
            # an event's lane of the audit chain follows its object's key (ADR 0015), so not the lane either
            rows += list(
                AuditEvent.objects.order_by("at", "action", "object_repr").values_list(
                    "region_code", "action", "object_repr", "at"
                )
            )
            raise Rollback
    except Rollback:
        pass
    return rows


def test_generate_is_deterministic_for_a_seed():
    build_world()
    a = _run_and_roll_back(scale=40, batch=16, seed=3, now=NOW)
    b = _run_and_roll_back(scale=40, batch=16, seed=3, now=NOW)
    c = _run_and_roll_back(scale=40, batch=16, seed=4, now=NOW)
    assert a and a == b
    assert a != c


def test_a_second_run_appends_without_collisions():
    build_world()
    generate(40, batch=16, seed=3, now=NOW, users_per_org=1)
    generate(40, batch=16, seed=3, now=NOW, users_per_org=1)
    assert Org.objects.filter(kind="institution").count() == 2 + 80  # persona institutions + two runs
    assert User.objects.filter(username__startswith="inst").count() == 80
    assert verify_chain().ok


def test_generate_needs_regions():
    with pytest.raises(RuntimeError, match="no regions"):
        generate(1)
