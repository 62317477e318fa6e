"""The certificates generator of the verification benchmark: unique numbers of the skill coding rule,
positions after those given (and the sequence moved past them), some invalidated; a second run adds."""

from __future__ import annotations

import re

import pytest

from peiyu.certificates.models import Certificate, CertificateSequence
from peiyu.certificates.selectors.verification import certificate_by_number, verification_view
from peiyu.demo.scale_certificates import generate_certificates, number_of

pytestmark = pytest.mark.django_db


def test_generated_numbers_follow_the_skill_rule_and_never_repeat():
    numbers = [number_of(i) for i in (0, 1, 99_999, 100_000, 999_999, 1_000_000, 2_345_678)]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"S\d{4}\d{2}\d{6}\d{2}[1-5]\d{6}", n) for n in numbers)


def test_certificates_are_generated_in_bulk_and_verifiable_by_number(world):
    from peiyu.catalogs.services import reference_load

    reference_load()
    first = generate_certificates(300, batch=120, seed=1)
    second = generate_certificates(200, batch=120, seed=2)
    assert first.certificates == 300 and second.certificates == 200
    assert Certificate.objects.filter(source_kind="scale").count() == 500
    assert Certificate.objects.filter(source_kind="scale").values("number").distinct().count() == 500
    indexes = list(Certificate.objects.order_by("status_index").values_list("status_index", flat=True))
    assert indexes == list(range(indexes[0], indexes[0] + 500))
    assert CertificateSequence.objects.get(prefix="#status").last == indexes[-1]
    answer = verification_view(certificate_by_number(number_of(321)))
    assert answer["issuer"].startswith("规模测试评价机构") and answer["holder"].count("*") >= 1
