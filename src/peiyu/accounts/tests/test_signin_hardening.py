"""Sign-in hardening (issue 11, point 7): `next` leads inside the site only, after the password and
after TOTP; a throttled TOTP attempt says so; a Content-Security-Policy on every page; production
settings refuse the development keys; `check --deploy` under production settings is clean except the
warnings docs/operations.md explains."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[4]
OUTSIDE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "http://testserver@evil.example/",
    "javascript:alert(1)",
    " //evil.example",
]


def _code(device) -> dict[str, str]:
    return {"token": f"{totp(device.bin_key):06d}"}


def _fresh(device) -> None:
    """Let the device accept the current code again (each code is accepted once)."""
    device.refresh_from_db()
    device.last_t = -1
    device.throttle_reset(commit=False)
    device.save()


@pytest.fixture
def enrolled(world):
    device = TOTPDevice.objects.create(user=world.sy_official, name="TOTP", confirmed=True)
    return device


def _password(client, next_url=""):
    data = {"username": "sy_official", "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/?next=" + quote(next_url, safe=""), data)


# --- next ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", OUTSIDE)
def test_a_crafted_next_chain_never_leaves_the_site_after_a_correct_code(client, enrolled, target):
    chain = "/accounts/otp/verify/?next=" + quote(target, safe="")
    after_password = _password(client, chain)
    assert after_password.status_code == 302
    location = after_password["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    _fresh(enrolled)
    verified = client.post(location, _code(enrolled))
    assert verified.status_code == 302
    assert verified["Location"] == "/home/", verified["Location"]


@pytest.mark.parametrize("target", OUTSIDE)
def test_next_on_the_login_page_never_leaves_the_site(client, world, target):
    response = client.post(
        "/accounts/login/", {"username": "sy_inst_admin", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/home/"


def test_next_inside_the_site_is_followed_after_a_correct_code(client, enrolled):
    _password(client)
    _fresh(enrolled)
    verified = client.post("/accounts/otp/verify/?next=/catalog/%3Fq%3Dx", _code(enrolled))
    assert verified.status_code == 302 and verified["Location"] == "/catalog/?q=x"


def test_enrolment_follows_next_inside_the_site_only(client, world):
    _password(client)
    client.get("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=world.sy_official, confirmed=False)
    response = client.post("/accounts/otp/setup/?next=https%3A%2F%2Fevil.example%2F", _code(device))
    assert response.status_code == 302 and response["Location"] == "/home/"


@pytest.mark.parametrize("target", OUTSIDE)
def test_next_on_logout_and_language_switch_never_leaves_the_site(client, world, target):
    client.force_login(world.sy_inst_admin)
    switched = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert switched.status_code == 302 and switched["Location"].startswith("/")
    assert not switched["Location"].startswith(("//", "/\\"))
    logged_out = client.post("/accounts/logout/", {"next": target})
    assert logged_out.status_code == 302 and logged_out["Location"] == "/"


# --- throttling --------------------------------------------------------------------------------------


def test_a_throttled_totp_attempt_says_it_is_throttled(client, enrolled):
    _password(client)
    _fresh(enrolled)
    wrong = "000000" if totp(enrolled.bin_key) != 0 else "111111"
    first = client.post("/accounts/otp/verify/", {"token": wrong})
    assert first.status_code == 200 and "验证码不正确" in first.content.decode()
    # at once again, with the correct code: the device waits, and the page says why
    throttled = client.post("/accounts/otp/verify/", _code(enrolled))
    text = throttled.content.decode()
    assert throttled.status_code == 429
    assert "尝试次数过多" in text and "秒后再试" in text
    assert "验证码不正确" not in text
    assert "_auth_user_id" in client.session and not client.get("/home/").status_code == 200
    # once the wait is over the correct code is accepted
    _fresh(enrolled)
    assert client.post("/accounts/otp/verify/", _code(enrolled)).status_code == 302
    assert client.get("/home/").status_code == 200


def test_a_throttled_enrolment_attempt_says_it_is_throttled(client, world):
    _password(client)
    client.get("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=world.sy_official, confirmed=False)
    wrong = "000000" if totp(device.bin_key) != 0 else "111111"
    client.post("/accounts/otp/setup/", {"token": wrong})
    throttled = client.post("/accounts/otp/setup/", _code(device))
    assert throttled.status_code == 429
    assert "尝试次数过多" in throttled.content.decode()
    assert "验证码不正确" not in throttled.content.decode()


# --- Content-Security-Policy -----------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize(
    "path", ["/", "/portal/", "/occupations/", "/catalog/", "/accounts/login/", "/api/v1/docs", "/nowhere/"]
)
def test_every_page_carries_a_content_security_policy(client, db, path):
    response = client.get(path)
    policy = _csp(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for values in policy.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values


def test_signed_in_pages_carry_the_policy_too(client, world):
    client.force_login(world.sy_inst_admin)
    assert "script-src 'self'" in client.get("/home/")["Content-Security-Policy"]


TEMPLATE_DIRS = sorted((REPO / "src" / "peiyu").glob("*/templates"))
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:",
    re.IGNORECASE,
)


# files the site hands out as downloads (Content-Disposition: attachment), opened from disk with no
# network and so carrying their scripts inline; never rendered as a page of the site
DOWNLOADED_DOCUMENTS = {"certificates/verification_offline_file.html"}


def test_no_template_has_inline_script_or_style():
    """The policy allows no inline script, style attribute, event handler or javascript: link."""
    offenders = []
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            if template.relative_to(folder).as_posix() in DOWNLOADED_DOCUMENTS:
                continue
            for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
                if INLINE.search(line):
                    offenders.append(f"{template.relative_to(REPO)}:{number}")
    assert TEMPLATE_DIRS and not offenders, offenders


# --- production settings -----------------------------------------------------------------------------


def _production_env(tmp_path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEIYU_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "peiyu.config.settings.production",
            "PEIYU_VAR_DIR": str(tmp_path),
            "PEIYU_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "PEIYU_SM4_KEYS": f"k2:{secrets.token_hex(16)},k1:{secrets.token_hex(16)}",
            "PEIYU_BLIND_INDEX_KEY": secrets.token_hex(32),
            "PEIYU_ALLOWED_HOSTS": "peiyu.example.gov.cn",
        }
    )
    env.update(overrides)
    return env


def _import_production(env) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import peiyu.config.settings.production"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_start_with_keys_of_their_own(tmp_path):
    result = _import_production(_production_env(tmp_path))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("PEIYU_SECRET_KEY", "insecure-development-key-change-me", "PEIYU_SECRET_KEY"),
        ("PEIYU_SECRET_KEY", "django-insecure-" + "x1y2z3" * 10, "PEIYU_SECRET_KEY"),
        ("PEIYU_SECRET_KEY", "short-but-random-9f8e7d", "PEIYU_SECRET_KEY"),
        ("PEIYU_SM4_KEYS", "dev1:00112233445566778899aabbccddeeff", "development key"),
        ("PEIYU_SM4_KEYS", f"new:{'ab' * 16},dev1:00112233445566778899AABBCCDDEEFF", "'dev1'"),
        ("PEIYU_SM4_KEYS", "t2:0f1e2d3c4b5a69788796a5b4c3d2e1f0", "development key"),
        ("PEIYU_BLIND_INDEX_KEY", "development-blind-index-key", "PEIYU_BLIND_INDEX_KEY"),
        ("PEIYU_BLIND_INDEX_KEY", "test-blind-index-key", "PEIYU_BLIND_INDEX_KEY"),
        ("PEIYU_SECRET_KEY", "", "PEIYU_SECRET_KEY must be set"),
    ],
)
def test_production_settings_refuse_the_development_keys(tmp_path, name, value, says):
    result = _import_production(_production_env(tmp_path, **{name: value}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and says in result.stderr, result.stderr


def test_check_deploy_reports_only_warnings_the_operations_guide_explains(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    reported = set(re.findall(r"\(([a-z_]+\.[EW]\d+)\)", output))
    assert not {r for r in reported if ".E" in r}, output
    guide = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    section = guide.split("### 2.1", 1)[1].split("\n## ", 1)[0]
    unexplained = {r for r in reported if r.split(".", 1)[1] not in section}
    assert not unexplained, output
    # every warning the deployment can switch off is switched off by its variable
    strict = _production_env(
        tmp_path,
        PEIYU_HSTS_INCLUDE_SUBDOMAINS="1",
        PEIYU_HSTS_PRELOAD="1",
        PEIYU_SSL_REDIRECT="1",
    )
    clean = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"],
        env=strict,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert clean.returncode == 0 and "no issues" in clean.stdout, clean.stdout + clean.stderr
