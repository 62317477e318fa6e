"""What a certificate means for the holder's professional title (CRT-6), pure and driven by the profile.

Seed 003 §5(2) (Hubei): 取得高级专业技术等级证书的，作为申报高级职称评审的重要参考；取得中级、初级专业技术等级
证书的，直接认定为相应专业中级、初级职称. Only Hubei's profile says so (`title_equivalence_levels`,
`title_reference_levels`); a profile without them gives no statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RULE = "CRT-6"
SOURCE = "003 五（二）"
LEVEL_KIND = "level"


@dataclass(frozen=True)
class TitleStatement:
    kind: str  # "equivalence" (recognised directly) or "reference" (senior-title review)
    text: str
    rule: str = RULE
    source: str = SOURCE


def title_statement(
    *,
    kind: str,
    level: str,
    status: str,
    equivalence_levels: Sequence[str] | None,
    reference_levels: Sequence[str] | None,
) -> TitleStatement | None:
    """The title statement of a valid DTE level certificate (专业技术等级证书) under its profile: 中级/初级
    recognised directly as the matching title of the speciality, 高级 an important reference for the
    senior-title review; None for other kinds, other levels, a certificate no longer valid, or a
    profile that says nothing."""
    if kind != LEVEL_KIND or status != "valid":
        return None
    if level in (equivalence_levels or ()):
        return TitleStatement("equivalence", f"可直接认定为相应专业{level}职称")
    if level in (reference_levels or ()):
        return TitleStatement("reference", f"作为申报{level}职称评审的重要参考")
    return None
