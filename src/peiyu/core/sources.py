"""The five source documents (../shared/seeds/README.md) by their seed number, and the one reader of the
short citations that checks, policy parameters and rules carry ("003 四（一）；000 第十四条"): on a page a
citation reads as the document's title and the article in words ("《…管理办法（试行）》第十四条"), the seed
number stays in the stored decision and in the technical details."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SEED_DOCUMENTS", "Citation", "SourceDocument", "citations", "cite", "document_of"]


@dataclass(frozen=True)
class SourceDocument:
    seed: str
    title: str  # without the 《》
    issuer: str
    issued: str
    # how its parts are numbered: "articles" (第X条), "sections" (一、（一）) or "measures" (一、… as 第X条)
    parts: str


SEED_DOCUMENTS: dict[str, SourceDocument] = {
    d.seed: d
    for d in (
        SourceDocument(
            "000",
            "数字技术工程师培育项目培训机构和评价机构管理办法（试行）",
            "专业技术人才知识更新工程指导协调小组办公室",
            "2024-08-22",
            "articles",
        ),
        SourceDocument(
            "001",
            "成都市职业技能等级评价机构管理办法",
            "成都市人力资源和社会保障局",
            "2024-02-02",
            "articles",
        ),
        SourceDocument(
            "002",
            "关于进一步规范职业技能培训管理工作八条措施",
            "福建省人力资源和社会保障厅",
            "2024-06",
            "measures",
        ),
        SourceDocument(
            "003",
            "关于实施数字技术工程师培育项目有关事项的通知",
            "湖北省人力资源和社会保障厅",
            "2023-06-02",
            "sections",
        ),
        SourceDocument(
            "004",
            "关于组织开展国家数字技术工程师培育项目第二批培训机构和评价机构申报工作的通知",
            "辽宁省人力资源和社会保障厅",
            "2023-05-31",
            "sections",
        ),
    )
}

_SEED = re.compile(r"^(\d{3})(?:\s+|$)(.*)$", re.S)
_NUMERAL = "一二三四五六七八九十百零"
# "四（一）", "二", "五（二）": a section and its item in a notice; "§2(3)": the same in ASCII
_SECTION = re.compile(rf"^([{_NUMERAL}]+)(?:[（(]([{_NUMERAL}]+)[）)])?$")
_ASCII_SECTION = re.compile(r"^§\s*(\d+)(?:\((\d+)\))?$")
# "第十条（四）": an article and its item
_ARTICLE_ITEM = re.compile(rf"^(第[{_NUMERAL}]+条)[（(]([{_NUMERAL}]+)[）)]$")
_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _article_words(article: str, parts: str) -> str:
    """One article as people cite it: "四（一）" in a notice → "第四部分第（一）项"; "五" among the eight
    measures → "第五条"; "第十条（四）" → "第十条第（四）项"; anything else as written."""
    article = article.strip()
    if m := _ASCII_SECTION.match(article):
        article = _chinese_number(int(m[1])) + (f"（{_chinese_number(int(m[2]))}）" if m[2] else "")
    if m := _SECTION.match(article):
        head = f"第{m[1]}条" if parts == "measures" else f"第{m[1]}部分"
        return head + (f"第（{m[2]}）项" if m[2] else "")
    if m := _ARTICLE_ITEM.match(article):
        return f"{m[1]}第（{m[2]}）项"
    return article


def _is_article(text: str) -> bool:
    return bool(
        _SECTION.match(text)
        or _ASCII_SECTION.match(text)
        or re.match(r"^(第[一二三四五六七八九十百零]+[条章款项]|附件)", text)
    )


@dataclass(frozen=True)
class Citation:
    """One document and the articles cited from it; `document` is None for a text that names no seed
    (a national law, a standard), shown as written."""

    document: SourceDocument | None
    articles: tuple[str, ...]
    text: str  # the citation as stored

    def __str__(self) -> str:
        words = "、".join(a for a in self.articles if a)
        if self.document is None:
            return words
        return f"《{self.document.title}》{words}"


def citations(source: str | None) -> list[Citation]:
    """The documents a stored citation names, in order. Parts are separated by "；"; a part without a
    seed number that follows a seed's part is another article of the same document ("004 五（二）；附件注5")."""
    out: list[Citation] = []
    for raw in re.split(r"[；;]", str(source or "")):
        part = raw.strip()
        if not part:
            continue
        m = _SEED.match(part)
        if m and m[1] in SEED_DOCUMENTS:
            doc = SEED_DOCUMENTS[m[1]]
            # "002 五：线上培训课时不超过总课时的40%": the article in words, the explanation after it as written
            article, colon, explanation = m[2].strip().partition("：")
            articles = [_article_words(a, doc.parts) for a in re.split(r"[、,，]\s*(?=第)", article) if a]
            if colon and articles:
                articles[-1] += colon + explanation
            out.append(Citation(doc, tuple(articles), part))
        elif out and (previous := out[-1].document) is not None and _is_article(part):
            last = out[-1]
            out[-1] = Citation(
                previous, (*last.articles, _article_words(part, previous.parts)), f"{last.text}；{part}"
            )
        else:
            out.append(Citation(None, (part,), part))
    return out


def document_of(source: str | None) -> SourceDocument | None:
    """The seed document a text starts with ("004 辽宁省人力资源和社会保障厅，2023-05-31"), if any."""
    m = _SEED.match(str(source or "").strip())
    return SEED_DOCUMENTS.get(m[1]) if m else None


def cite(source: str | None) -> str:
    """A stored citation in words: "003 四（一）；000 第十四条" → "《关于实施…的通知》第四部分第（一）项；
    《数字技术工程师培育项目…管理办法（试行）》第十四条"."""
    return "；".join(str(c) for c in citations(source))
