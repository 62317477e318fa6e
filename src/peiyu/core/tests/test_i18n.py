"""The English catalog (ADR 0002): msgids are the Chinese UI text, English lives in
locale/en/LC_MESSAGES/django.po, and the committed django.mo must be compiled from that very .po.
How to refresh both: src/peiyu/locale/README.md."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"  # src/peiyu/locale
LC_MESSAGES = LOCALE_DIR / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"
README = "see src/peiyu/locale/README.md"


def _catalog(mo: polib.MOFile) -> dict[tuple[str, str, str], tuple[str, tuple[str, ...]]]:
    return {
        (e.msgctxt or "", e.msgid, e.msgid_plural or ""): (
            e.msgstr,
            tuple(v for _k, v in sorted(e.msgstr_plural.items())),
        )
        for e in mo
    }


def test_settings_point_at_the_catalog():
    assert LOCALE_DIR in [Path(p).resolve() for p in settings.LOCALE_PATHS], (
        f"LOCALE_PATHS must contain {LOCALE_DIR}: {settings.LOCALE_PATHS}"
    )


def test_compiled_catalog_is_up_to_date_with_the_po_file():
    assert PO_PATH.is_file() and MO_PATH.is_file(), README
    po = polib.pofile(str(PO_PATH))
    expected = polib.mofile(po.to_binary())  # what compiling the .po now gives, in memory
    actual = polib.mofile(str(MO_PATH))
    want, have = _catalog(expected), _catalog(actual)
    stale = sorted(k[1] for k in want.keys() ^ have.keys()) + sorted(
        k[1] for k in want.keys() & have.keys() if want[k] != have[k]
    )
    assert not stale, f"django.mo is out of date with django.po ({README}): {stale[:10]}"
    assert actual.metadata.get("Language") == "en"


def test_po_file_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(PO_PATH))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated entries ({README}): {untranslated[:10]}"
    assert not fuzzy, f"fuzzy entries ({README}): {fuzzy[:10]}"
    assert not po.metadata_is_fuzzy
    assert len(po.translated_entries()) > 100


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("工作台", "Workbench"),
        ("待办事项", "To do"),
        ("退出", "Log out"),
        ("登录", "Log in"),
        ("暂无待办事项", "Nothing to do"),
    ],
)
def test_key_strings_translate_to_english(chinese, english):
    with translation.override("en"):
        assert translation.gettext(chinese) == english
    with translation.override("zh-hans"):
        assert translation.gettext(chinese) == chinese


def test_chinese_is_the_default_language(client, world):
    client.force_login(world.sy_inst_admin)
    page = client.get("/home/").content.decode()
    assert 'lang="zh-hans"' in page
    assert "工作台" in page and "Workbench" not in page


def test_switching_to_english_gives_the_english_home_page(client, world):
    # an institution user is not an official, so no TOTP step stands between login and the page
    client.force_login(world.sy_inst_admin)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/home/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/home/"
    page = client.get("/home/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="en"' in html
    assert "Workbench" in html and "To do" in html and "Log out" in html
    assert "工作台" not in html
    assert "Institution administrator" in html  # the role line, from Role.name_en
