"""File downloads (`core.http.attachment`): the Chinese name for browsers that read filename*, an
ASCII one for the rest, and never kept by a shared cache."""

from __future__ import annotations

from peiyu.core.http import XLSX, attachment


def test_download_names_the_file_in_chinese_and_ascii_and_is_not_cached():
    r = attachment(b"PK..", "花名册-TC/01.xlsx", XLSX, "roster TC/01.xlsx")
    disposition = r["Content-Disposition"]
    assert disposition.startswith('attachment; filename="roster_TC_01.xlsx"')
    assert "filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C-TC_01.xlsx" in disposition
    assert r["Cache-Control"] == "private, no-store" and r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Length"] == "4" and r["Content-Type"] == XLSX
