"""The CJK font every PDF of the platform uses: Adobe's STSong-Light, a CID font built into PDF
readers, so nothing is embedded and the files stay small; reportlab only needs it registered once
per process before a paragraph or a canvas uses it."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

CJK_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"  # numbers printed as plain, searchable Latin text


def cjk_font() -> str:
    """Register the CJK font (once) and return its name."""
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT
