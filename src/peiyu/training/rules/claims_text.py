"""TRN-9: how a public text is read before the prohibited claims are looked for (see rules.claims):
normalised character by character, with a position map back to the original text."""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["normalise"]

# --------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------

# Traditional (and a few variant) characters → simplified, only those the patterns, their exclusions
# and the negation cues need. Pairs are (traditional, simplified).
_T2S_PAIRS = (
    "過过 證证 証证 費费 職职 稱称 業业 貸贷 訓训 聯联 辦办 區区 擔担 書书 確确 諾诺 試试 錢钱 還还 額额 無无 須须 發发 領领 獲获 "
    "穫获 資资 報报 審审 評评 級级 關关 穩稳 學学 課课 補补 與与 認认 達达 為为 爲为 國国 後后 單单 機机 構构 員员 導导 勢势 質质 "
    "優优 務务 環环 創创 鬆松 輕轻 嚴严 絕绝 決决 沒没 從从 傳传 參参 開开 準准 許许 擊击 舉举 謹谨 範范 並并 來来 時时 節节 於于 "
    "濾滤 戶户 問问 錯错 頭头 圍围 異异 萬万 紅红 麵面 禮礼 轉转 郵邮 據据 裝装 醫医 勞劳 續续 數数 線线 網网 讀读 畢毕 錄录 內内 "
    "頒颁 統统 兩两 掛挂 敗败 個个 題题 條条 實实 處处 檢检 驗验 歷历 說说 對对 請请 會会 門门 間间 長长 現现 場场 權权 協协 議议 "
    "專专 項项 誇夸 虛虚 廣广 紹绍 薦荐 聽听 遠远 識识 帳帐 賬账 橋桥 細细 癮瘾 繼继 飽饱 慮虑 篩筛 購购 買买 賣卖 義义 點点 屬属 "
    "測测 層层 類类 種种 體体 師师 講讲 勵励 產产 強强 選选 當当 貨货 護护 險险 幫帮 邊边 號号 們们 讓让 這这 難难 輔辅 簽签 約约 "
    "鐘钟 舊旧 戰战 財财 歲岁 紙纸 牽牵 連连 離离 團团 晉晋 華华 億亿 張张 顯显 響响 夠够 齊齐 廳厅 進进 廠厂 規规 組组 織织 採采 "
    "標标 設设 唄呗 備备 複复 復复 結结 崗岗 順顺 電电 話话 掃扫 碼码 該该 踐践 眾众 繳缴 納纳 堅坚 縮缩 載载 熱热 習习 歡欢"
)
_T2S: dict[str, str] = {pair[0]: pair[1] for pair in _T2S_PAIRS.split()}

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e")
# kept after normalisation: clause punctuation (boundaries for the patterns) and "%"
_KEEP_PUNCT = frozenset("%。,;:!?、\n")
_DROP_CATEGORIES = frozenset(
    {"Pd", "Pc", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sk", "So", "Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp"}
)
_DOT = "."  # kept only between two digits ("85.5%"), dropped elsewhere ("包.过")

# pinyin glosses after a character, as in the Hubei notice: "費(fèi)", "區(qū)"; at least one tone mark
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_GLOSS = re.compile(
    rf"(?<=[\u3400-\u9fff])[(（](?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,6}}[)）]", re.IGNORECASE
)

_CHAR_CACHE: dict[str, str] = {}


def _normalise_char(ch: str) -> str:
    """The normalised form of one character ('' when it is dropped; "." is decided by the caller)."""
    out = []
    for c in unicodedata.normalize("NFKC", ch).lower():
        c = _T2S.get(c, c)
        if c in ("\r", "\u2028", "\u2029", "\x85"):
            c = "\n"
        if c in _KEEP_PUNCT or c == _DOT:
            out.append(c)
        elif c in _ZERO_WIDTH or c.isspace() or unicodedata.category(c) in _DROP_CATEGORIES:
            continue
        else:
            out.append(c)
    if len(out) > 1:  # "…" is "...": dots only count when typed as one character
        out = [c for c in out if c != _DOT]
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _runs_of(chars: str) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]+")


def normalise(text: str) -> tuple[str, list[int]]:
    """The text as the patterns see it, and for each of its characters the index in `text` of the
    character it came from."""
    cache = _CHAR_CACHE
    distinct = set(text)
    for ch in distinct - cache.keys():
        cache[ch] = _normalise_char(ch)
    glosses = _PINYIN_GLOSS.finditer(text) if ("(" in distinct or "（" in distinct) else ()
    dropped = {i for m in glosses for i in range(m.start(), m.end())}
    if not dropped and all(len(cache[ch]) <= 1 for ch in distinct):
        # the common case, at C speed: one character in, at most one out
        dropped_chars = "".join(sorted(ch for ch in distinct if not cache[ch]))
        pos: list[int] = []
        prev = 0
        if dropped_chars:
            for m in _runs_of(dropped_chars).finditer(text):
                pos.extend(range(prev, m.start()))
                prev = m.end()
        pos.extend(range(prev, len(text)))
        norm = text.translate({ord(ch): cache[ch] or None for ch in distinct})
    else:
        chars: list[str] = []
        pos = []
        for i, ch in enumerate(text):
            r = cache[ch]
            if r and i not in dropped:
                chars.extend(r)
                pos.extend([i] * len(r))
        norm = "".join(chars)
    if _DOT in norm:  # keep "." only between two digits ("85.5%"); "包.过" reads "包过"
        last = len(text) - 1
        bad = {
            j
            for j, c in enumerate(norm)
            if c == _DOT
            and not (0 < pos[j] < last and text[pos[j] - 1].isdigit() and text[pos[j] + 1].isdigit())
        }
        if bad:
            norm = "".join(c for j, c in enumerate(norm) if j not in bad)
            pos = [p for j, p in enumerate(pos) if j not in bad]
    return norm, pos
