"""How a one-time code reaches a person: an SMS backend named in settings (`PEIYU_SMS_BACKEND`, a class
with `send(*, to, text)`) or e-mail through Django's e-mail backend (`EMAIL_BACKEND`). The demo uses the
console backends: the message is written to the server's log. `MemorySmsBackend` keeps the messages in
`outbox` (tests)."""

from __future__ import annotations

import logging
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("peiyu.sms")


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class ConsoleSmsBackend:
    """Writes the message to the log (development and the demo)."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("短信 → %s：%s", to, text)


class MemorySmsBackend:
    """Keeps the messages (tests read `MemorySmsBackend.outbox`)."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, *, to: str, text: str) -> None:
        MemorySmsBackend.outbox.append((to, text))


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.PEIYU_SMS_BACKEND)()
    return backend


def channels() -> list[str]:
    return [c.strip() for c in str(settings.PEIYU_RESET_CODE_CHANNELS).split(",") if c.strip()]


def deliver(*, phone: str, email: str, subject: str, text: str) -> str:
    """Send `text` by the first configured channel the person can receive; the channel used ("sms",
    "email"), or "" when none."""
    for channel in channels():
        if channel == "sms" and phone:
            sms_backend().send(to=phone, text=text)
            return channel
        if channel == "email" and email:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [email])
            return channel
    return ""
