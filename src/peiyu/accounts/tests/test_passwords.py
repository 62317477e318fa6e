"""Self-service password reset with a one-time code: sent by the SMS backend (or e-mail), hashed,
expiring, limited attempts, throttled, and no answer tells whether an account exists."""

import pytest
from django.core import mail
from django.test import Client

from peiyu.accounts.messaging import MemorySmsBackend
from peiyu.accounts.models import PasswordResetCode
from peiyu.accounts.services.passwords import (
    CODE_SENT,
    password_reset_with_code,
    reset_code_request,
)
from peiyu.core.errors import InvalidInput

pytestmark = pytest.mark.django_db
NEW = "Brand-New-2026!"


@pytest.fixture(autouse=True)
def memory_sms(settings):
    settings.PEIYU_SMS_BACKEND = "peiyu.accounts.messaging.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    from django.core.cache import cache

    cache.clear()
    yield MemorySmsBackend.outbox


def _code(outbox) -> str:
    return outbox[-1][1].split("验证码为 ")[1][:6]


def test_a_code_by_sms_resets_the_password_once(world, memory_sms):
    user = world.sy_official
    user.phone = "13904001111"
    user.save()
    assert reset_code_request(username=user.username) == CODE_SENT
    assert memory_sms[-1][0] == "13904001111"
    code = _code(memory_sms)
    stored = PasswordResetCode.objects.get(user=user)
    assert code not in stored.digest and stored.channel == "sms"
    password_reset_with_code(username=user.username, code=code, new_password=NEW, new_password_confirm=NEW)
    user.refresh_from_db()
    assert user.check_password(NEW)
    with pytest.raises(InvalidInput):  # spent
        password_reset_with_code(
            username=user.username, code=code, new_password=NEW, new_password_confirm=NEW
        )


def test_by_e_mail_when_there_is_no_phone(world, memory_sms):
    user = world.dl_official
    user.email = "dl@example.cn"
    user.save()
    reset_code_request(username=user.username)
    assert memory_sms == [] and mail.outbox[-1].to == ["dl@example.cn"]


def test_an_unknown_account_gets_the_same_answer_and_the_same_refusal(world, memory_sms):
    assert reset_code_request(username="nobody-here") == CODE_SENT
    assert memory_sms == []
    with pytest.raises(InvalidInput) as unknown:
        password_reset_with_code(
            username="nobody-here", code="123456", new_password=NEW, new_password_confirm=NEW
        )
    with pytest.raises(InvalidInput) as wrong:
        password_reset_with_code(
            username="sy_official", code="123456", new_password=NEW, new_password_confirm=NEW
        )
    assert unknown.value.as_dict() == wrong.value.as_dict()


def test_wrong_codes_spend_the_code_after_the_attempt_limit(world, memory_sms, settings):
    settings.PEIYU_RESET_CODE_ATTEMPTS = 3
    user = world.sy_official
    user.phone = "13904001111"
    user.save()
    reset_code_request(username=user.username)
    code = _code(memory_sms)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        with pytest.raises(InvalidInput):
            password_reset_with_code(
                username=user.username, code=wrong, new_password=NEW, new_password_confirm=NEW
            )
    with pytest.raises(InvalidInput):  # the right code no longer works
        password_reset_with_code(
            username=user.username, code=code, new_password=NEW, new_password_confirm=NEW
        )


def test_an_expired_code_is_refused(world, memory_sms):
    from datetime import timedelta

    from django.utils import timezone

    user = world.sy_official
    user.phone = "13904001111"
    user.save()
    reset_code_request(username=user.username)
    PasswordResetCode.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidInput):
        password_reset_with_code(
            username=user.username, code=_code(memory_sms), new_password=NEW, new_password_confirm=NEW
        )


def test_requests_are_throttled_per_account_name(world, memory_sms, settings):
    settings.PEIYU_RESET_CODE_PER_HOUR = 2
    for _ in range(2):
        reset_code_request(username="sy_official", address="10.0.0.1")
    with pytest.raises(InvalidInput) as caught:
        reset_code_request(username="sy_official", address="10.0.0.2")
    assert caught.value.code == "throttled"


def test_the_pages_link_the_reset_and_the_registrations(world, memory_sms):
    client = Client()
    login = client.get("/accounts/login/").content.decode()
    assert (
        "/accounts/password/forgot/" in login
        and "/accounts/signup/" in login
        and "/register/trainee/" in login
    )
    user = world.sy_official
    user.phone = "13904001111"
    user.save()
    sent = client.post("/accounts/password/forgot/", {"username": "sy_official"})
    assert sent.status_code == 302
    done = client.post(
        "/accounts/password/reset/",
        {
            "username": "sy_official",
            "code": _code(memory_sms),
            "new_password": NEW,
            "new_password_confirm": NEW,
        },
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
