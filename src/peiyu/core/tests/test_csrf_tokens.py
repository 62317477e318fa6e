"""core.csrf_tokens: the CSRF token's random strings from one urandom read (ADR 0017)."""

from __future__ import annotations

import collections
import string

import django.middleware.csrf as django_csrf
import pytest
from django.test import Client

from peiyu.core import csrf_tokens
from peiyu.core.csrf_tokens import new_csrf_string, random_string

ALPHABET = string.ascii_letters + string.digits


def test_a_random_string_has_the_length_and_only_the_alphabet_asked_for():
    for length in (1, 8, 32, 100):
        drawn = random_string(length, ALPHABET)
        assert len(drawn) == length
        assert set(drawn) <= set(ALPHABET)
    assert set(random_string(64, "01")) <= {"0", "1"}
    with pytest.raises(ValueError):
        random_string(0, ALPHABET)
    with pytest.raises(ValueError):
        random_string(8, "a")


def test_random_strings_are_spread_evenly_over_the_alphabet_at_every_position():
    draws = [random_string(32, ALPHABET) for _ in range(3000)]
    assert len(set(draws)) == len(draws)
    overall = collections.Counter("".join(draws))
    expected = 3000 * 32 / len(ALPHABET)  # 1 548 each, standard deviation about 39
    assert set(overall) == set(ALPHABET)
    assert all(abs(n - expected) < 0.25 * expected for n in overall.values()), overall
    # the last character is the integer's highest digit: where a draw without spare bits would be biased
    for position in (0, 31):
        at = collections.Counter(d[position] for d in draws)  # 48 expected each, deviation about 7
        assert len(at) == len(ALPHABET)
        assert max(at.values()) < 100 and min(at.values()) > 12, at


def test_django_makes_its_csrf_secrets_and_masks_with_it():
    assert django_csrf._get_new_csrf_string is new_csrf_string
    secret = new_csrf_string()
    assert len(secret) == django_csrf.CSRF_SECRET_LENGTH
    assert set(secret) <= set(django_csrf.CSRF_ALLOWED_CHARS)
    masked = django_csrf._mask_cipher_secret(secret)
    assert django_csrf._unmask_cipher_token(masked) == secret


@pytest.mark.django_db
def test_a_page_s_csrf_token_is_accepted_by_the_form_it_belongs_to():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/catalog/")
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert len(token) == 2 * django_csrf.CSRF_SECRET_LENGTH
    switched = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/catalog/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    forged = Client(enforce_csrf_checks=True).post(
        "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token}
    )
    assert forged.status_code == 403


def test_startup_refuses_a_django_without_the_function_it_replaces(monkeypatch):
    monkeypatch.delattr(django_csrf, "_get_new_csrf_string")
    with pytest.raises(RuntimeError, match="ADR 0017"):
        csrf_tokens.install()
