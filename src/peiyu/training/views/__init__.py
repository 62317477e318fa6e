import segno


def qr_svg(data: str, *, title: str = "") -> str:
    """An inline SVG QR code of `data` (a URL of ours), as the session and certificate pages show it."""
    return segno.make(data, error="m", micro=False).svg_inline(scale=4, border=2, title=title or None)
