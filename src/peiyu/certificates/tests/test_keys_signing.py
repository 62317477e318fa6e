"""Signing certificates (CRT-4): the issuer's first key is generated in the platform and audited, stored
encrypted; each certificate gets its signed payload and a status-list position that is never reused."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from peiyu.audit.models import AuditEvent
from peiyu.certificates.models import Certificate, SigningKey
from peiyu.certificates.rules.payload import payload_decode, payload_verify
from peiyu.certificates.services.signing import (
    certificates_sign,
    platform_key,
    public_keys,
    signing_key_for,
    status_indexes_take,
)
from peiyu.core import sm2
from peiyu.exams.tests import factories


def _cert(world, number: str, name: str = "王小明", org_key: str = "cd_social1") -> Certificate:
    person = factories.person(name, f"51010719900101{int(number[-3:]):03d}")
    org = world.orgs[org_key]
    return Certificate.objects.create(
        kind="skill",
        number=number,
        verify_token=f"tok-{number}",
        holder=person,
        holder_name=name,
        holder_id_masked="5101**********001X",
        holder_id_index=person.id_index,
        institution=org,
        issuer_name=org.name,
        region_code=org.region_id or "",
        programme="skill",
        occupation_code="6-31-01-03",
        occupation_name="电工",
        level="四级",
        issued_on=dt.date(2026, 4, 20),
        source_kind="registration",
        source_id=abs(hash(number)) % 10**9,
    )


def test_the_first_key_is_generated_once_audited_and_stored_encrypted(exams):
    org = exams.orgs["cd_social1"]
    key = signing_key_for(org)
    assert key.status == SigningKey.Status.ACTIVE and key.institution_id == org.pk
    assert signing_key_for(org).pk == key.pk
    assert SigningKey.objects.filter(institution=org).count() == 1
    assert key.key_id.startswith("k") and len(key.key_id) == 17
    assert sm2.public_of(key.private_key) == key.public_key
    with connection.cursor() as cur:
        cur.execute("SELECT private_key FROM certificates_signingkey WHERE id = %s", [key.pk])
        stored = cur.fetchone()[0]
    assert stored.startswith("sm4:") and key.private_key not in stored
    assert AuditEvent.objects.filter(action="signing_key.created", object_id=str(key.pk)).exists()


def test_the_platform_key_is_the_one_without_institution(exams):
    key = platform_key()
    assert key.institution_id is None and platform_key().pk == key.pk
    assert signing_key_for(exams.orgs["cd_social1"]).pk != key.pk


def test_signed_certificates_verify_against_the_published_keys(exams):
    certs = [
        _cert(exams, "S000051123456012640000" + str(i), name) for i, name in enumerate(["王小明", "李小红"])
    ]
    certificates_sign(certs)
    keys = public_keys()
    for cert in certs:
        cert.refresh_from_db()
        assert cert.key is not None and cert.key.key_id in keys
        verdict = payload_verify(cert.payload, {k: v["public"] for k, v in keys.items()})
        assert verdict.ok
        assert payload_decode(cert.payload).matches_name(cert.holder_name)
        assert payload_decode(cert.payload).number == cert.number
    published = keys[certs[0].key.key_id]
    assert published["institution"] == exams.orgs["cd_social1"].name and published["status"] == "active"
    assert "private" not in str(published)


def test_status_positions_are_unique_and_never_reused(exams):
    certs = [_cert(exams, f"S00005112345601264000{i:02d}") for i in range(3)]
    certificates_sign(certs[:2])
    certificates_sign(certs[2:])
    certificates_sign(certs[:1])  # signing again keeps the position
    indexes = [Certificate.objects.get(pk=c.pk).status_index for c in certs]
    assert len(set(indexes)) == 3 and indexes == sorted(indexes)
    assert status_indexes_take(2)[0] == indexes[-1] + 1
    assert status_indexes_take(1)[0] == indexes[-1] + 3


def _at_once(fn, n: int = 4) -> None:
    barrier = threading.Barrier(n)

    def run() -> None:
        try:
            barrier.wait()
            fn()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_status_positions_taken_at_once_never_collide():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    taken: list[int] = []

    def take() -> None:
        for _ in range(5):
            with transaction.atomic():
                taken.extend(status_indexes_take(10))

    _at_once(take)
    assert len(taken) == 200 and len(set(taken)) == 200 and set(taken) == set(range(1, 201))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_issuers_first_key_created_at_once_is_one_key(exams):
    if connection.vendor != "postgresql":
        pytest.skip("the unique constraint race needs PostgreSQL")
    org = exams.orgs["cd_social1"]
    got: list[int] = []
    _at_once(lambda: got.append(signing_key_for(org).pk))
    assert len(set(got)) == 1 and SigningKey.objects.filter(institution=org).count() == 1
