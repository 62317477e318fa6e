"""The Content-Security-Policy does not break the site (issue 11, point 7): in a real Chromium the
public pages, the API docs (Swagger UI), an error page and a signed-in page load without a single
policy violation, htmx and the site's own script run, and a filter that submits on change still does."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page) -> list[str]:
    """Every CSP violation the page reports, from the console and from the DOM event."""
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return seen


def test_pages_load_under_the_policy_without_violations(page, live_server, screenshots):
    from tests.personas import PASSWORD, build_world

    build_world()
    violations = _watch(page)

    for path in ("/", "/occupations/", "/catalog/", "/policies/", "/accounts/login/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, path
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), path
        page.wait_for_load_state("load")
        # the vendored htmx ran (its global exists), and so did the site's own script file
        assert page.evaluate("typeof window.htmx") == "object", path

    # an error page: its "back" link needs no javascript: URL
    missing = page.goto(f"{live_server.url}/occupations/9-99-99-99/")
    assert missing is not None and missing.status == 404

    # Django's admin (its own templates and scripts)
    admin = page.goto(f"{live_server.url}/admin/login/")
    assert admin is not None and admin.ok
    page.locator("#login-form").wait_for()

    # the API docs render from ninja's static files under the policy
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    page.screenshot(path=str(screenshots / "csp-api-docs.png"))

    # signed in: a filter that submits its form when an option is chosen (was an inline onchange)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "sy_inst_admin")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/home/$"))
    page.goto(f"{live_server.url}/directory/applications/")
    choice = page.locator("select#status option").nth(1).get_attribute("value")
    page.select_option("select#status", choice)
    page.wait_for_url(re.compile(rf"status={re.escape(choice or '')}"))
    page.screenshot(path=str(screenshots / "csp-application-filter.png"))

    assert violations == [], violations
