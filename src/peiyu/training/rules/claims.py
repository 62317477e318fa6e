"""TRN-9: prohibited claims in the public texts of a training institution.

`000` Art. 17 and `003` §6(2): a training institution must not train across regions/provinces in the
name of "合作""联合""联盟", certify without (real) training, offer "培训贷", advertise falsely or
exaggerate the effect of training (包过、不过退费、包职称、包就业、包年薪 "等"). Every public text the
platform publishes for an institution (announcements, plan descriptions, class titles) goes through
`check_public_text` / `check_public_texts`; a failure is blocking.

How the text is read:

1. normalised character by character — NFKC (full-width → half-width, compatibility ideographs and
   Kangxi radicals → ordinary characters), lower case, a small explicit traditional → simplified map
   (only the characters the patterns and their exclusions need), zero-width and format characters,
   spaces, dashes, quotes, brackets, symbols and emoji removed (so "包 过", "包-过", "“包”过", "包*过"
   read as "包过"), pinyin glosses such as "費(fèi)" dropped — while a position map keeps, for every
   normalised character, the index of the original character it came from;
   clause punctuation (。，、；：！？ and line breaks) and "%" are kept, because the patterns use them
   as boundaries;
2. matched against regular expressions compiled at import time from the declared table `CATEGORIES`;
3. a match is *negated* — and not a violation — when a prohibition or denial governs it: "不得""严禁"
   "禁止""杜绝""谨防""不承诺""不搞"… earlier in the same clause (no comma or full stop between), or
   "不""无""非""没有" immediately before it ("本机构不包过"). Official texts quoting the rule and
   institutions' own compliance commitments therefore pass. Negated matches are reported in the
   facts under "negated" so a reviewer can see them.

The phrase, start and end of every match refer to the *original* text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peiyu.core.checks import Check

try:  # only to find the characters a pattern can start with (a speed-up; without it: full scans)
    from re import _constants as _sre
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover
    _sre = _sre_parser = None  # type: ignore[assignment]

RULE = "TRN-9"
SOURCE = "000 第十七条；003 六（二）"

__all__ = [
    "CATEGORIES",
    "RULE",
    "SOURCE",
    "Category",
    "check_public_text",
    "check_public_texts",
    "find_claims",
    "normalise",
]

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
        pos = []
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


# --------------------------------------------------------------------------------------------------
# The table of prohibited claims
# --------------------------------------------------------------------------------------------------

# Regex building blocks (on normalised text: simplified, lower case, half-width, no spaces or symbols).
_HARD = "。;!?\n"  # sentence boundaries
_SOFT = _HARD + ",:、"  # clause boundaries


def _win(n: int) -> str:
    """Up to n characters inside one clause (no comma)."""
    return f"[^{_SOFT}]{{0,{n}}}?"


def _cond(n: int) -> str:
    """Up to n characters between a condition and its consequence: commas allowed ("考不过，全额退"),
    sentence ends and negations ("…的不予退费", "…的不发证") not."""
    return f"[^{_HARD}不无非未没]{{0,{n}}}?"


# characters that make 包 part of another word (面包, 红包, 承包, 打包, 数据包…)
_BAO = "(?<![面红书钱背打承转礼皮腰荷邮据装件缩])包"
# characters that make 保 part of another word (担保, 环保, 医保, 社保…)
_BAO2 = "(?<![担环医社劳参投续退质])保"
# 过 starting another word (过程, 过渡, 过去, 过期…): "确保过程", "面包过期" are not claims
_GUO_WORD = "(?![程渡去来往滤期户敏度于多少量载热冷冬年节夜境问错失后半道桥河江目剩硬细磅秤堂账帐街路世瘾继界饱虑筛早晚高低大小长短快慢重轻])"
# guarantee verbs; not 保证金/承诺书/承诺制…
_GUAR = "(?:保证|确保|承诺|担保)(?![金书人期制函事])"
# 100 %
_HUNDRED = r"(?:(?<![\d.])100(?:\.0+)?%|百分之百|百分百)"
_RATE_LINK = "(?:为|是|达|达到|高达|可达|保持|稳定在|均为|都是|都达|保证|确保|承诺|近|接近|超|超过|在|:)*"
# 通过 meaning "by means of" or "pass a review" — not an exam pass
_VIA = (
    "(?!验收|审核|审查|审批|评审|备案|认定|评估|检查|线上|线下|网络|平台|系统|官方|官网|渠道|微信|电话|"
    "邮件|邮箱|短信|扫码|以下|本|该|此|人社|政府|网站|现场|银行|转账|邮寄|多种|各种|各类|媒体|app|"
    "小程序|公众号|登录|学习|培训|实践|项目|职称)"
)
# failing the exam / training
_FAIL = (
    "(?:考不过|考试不过|没考过|未考过|考不上|没有通过|没通过|未能通过|不能通过|没能通过|未通过|不通过|"
    "通不过|过不了|没过|未过|挂科|落榜|考试不合格|考核不合格|不合格|考试失败|考核失败|拿不到证|没拿到证)"
    "(?!资格|审核|审查|审批|初审|复审|备案|验收|申请|开班|审)"
)
# refunding / not charging (never preceded by 不/不予…: _cond() cannot cross a negation)
_REFUND = (
    "(?:(?:全额|全部|无条件|包)?退(?:还|回)?(?:全部|全额)?(?:费用|费|款项|款|钱|学费|培训费|报名费|全款)|"
    "(?:全额|全部)退还?|返还(?:学费|费用|全款|培训费)?|返(?:学费|费|款|钱)|"
    "不收(?:费|钱|学费|取费用|取任何费用)|免单|分文不取|不要钱|学费全免|费用全免|(?:学费|费用|培训费)全退)"
)
# getting a certificate
_CERT = "(?:拿证|取证|领证|获证|下证|出证|办证|拿本|拿到证书?|取得证书|获得证书|领取证书)"


@dataclass(frozen=True)
class Category:
    code: str
    label: str  # Chinese, names the prohibited kind of claim
    patterns: tuple[str, ...]
    # a match is ignored when the few characters before it (same clause) match this
    unless_before: str | None = None


CATEGORIES: tuple[Category, ...] = (
    Category(
        "pass_guarantee",
        "夸大培训效果：包过类",
        (
            rf"{_BAO}过{_GUO_WORD}",
            rf"{_BAO2}过{_GUO_WORD}",
            rf"(?<![未何不势务])必过{_GUO_WORD}",
            rf"(?<![平])稳过{_GUO_WORD}",
            rf"{_BAO}(?:你|您)?(?:通过|考过|过关|及格|上岸|一次过)",
            rf"(?<![a-z])bao过{_GUO_WORD}",
            r"[包保]guo(?![a-z])",
            rf"{_GUAR}{_win(8)}(?:通过{_VIA}|考过|过关|及格|上岸|不挂科)",
            rf"{_HUNDRED}的?(?:通过|过关|考过|包过|合格|及格|上岸)",
            rf"(?:通过|过关|考试合格|合格|及格|考过)率{_RATE_LINK}{_HUNDRED}",
            rf"(?:通过|过关|考过)率{_win(4)}(?:有保证|保证|确保|承诺|包过|包通过)",
            r"(?<![\d.])0挂科|零挂科",
        ),
    ),
    Category(
        "refund_on_fail",
        "夸大培训效果：不过退费类",
        (
            rf"{_FAIL}{_cond(10)}{_REFUND}",
            r"(?<![只就也而要倒考学])不过(?:包|就|即|可|便)?(?:全额|全部)?(?:退(?:还|回)?(?:费用|费|款|钱|学费|培训费|全款)|返还|不收(?:费|钱)|免单)",
            r"(?:考过|过了|拿证|拿到证书?|取证)(?:后|以后|之后)?(?:再|才)(?:付|交|缴|收)(?:款|费|钱|学费|培训费|全款|尾款)",
            r"先(?:拿证|考过|考试|考)后(?:付|交|缴)(?:款|费|钱|学费)?",
        ),
        unless_before="审核|审查|审批|资格|初审|复审|备案|验收|申请",
    ),
    Category(
        "title_guarantee",
        "夸大培训效果：包职称类",
        (
            rf"{_BAO}(?:评|拿|过|上|办|下)?(?:初级|中级|高级|副高|正高)?职称",
            rf"{_GUAR}{_win(6)}(?:评上|评中|评过|拿到|拿|取得|获得|晋升|通过|评定|上){_win(3)}职称",
            r"职称(?:评审)?(?:包过|保过|包评|包拿|稳过|必过|保证通过|保证评上|包通过|100%通过|百分百通过)",
            r"(?:直接|免评审?|不用评审?|无需评审?|不评审|免考)(?:评|拿|领|评上)(?:初级|中级|高级|副高|正高)?职称",
        ),
    ),
    Category(
        "employment_guarantee",
        "夸大培训效果：包就业类",
        (
            rf"{_BAO}(?:你|您)?(?:推荐|安排|分配|介绍)?(?:就业|工作(?![餐服证])|分配|找工作|入职|上岗|offer|安置|进大厂|进名企)",
            rf"{_GUAR}(?:学员|学生|你|您|每位学员|每一位学员|每个学员|大家|毕业生|结业学员)?"
            rf"(?:{_HUNDRED})?(?:推荐|安排|顺利|成功|高薪|快速)?"
            r"(?:就业|入职|上岗|找到工作|拿到offer|获得offer|安置|分配工作)"
            r"(?!形势|局势|大局|稳定|质量|政策|优先|服务|指导|创业|环境|工作|率稳)",
            rf"{_HUNDRED}的?(?:推荐|安排)?(?:就业|上岗|入职|offer)",
            rf"(?:就业|上岗|入职|签约)率{_RATE_LINK}{_HUNDRED}",
            r"(?:推荐|安排|介绍|包分配)(?:就业|工作)(?:保证|承诺|兜底|包(?![括含吃住食]))",
            rf"(?:不就业|未就业|没就业|没有就业|不能就业|找不到工作|没找到工作|未找到工作){_cond(10)}{_REFUND}",
            r"(?:毕业|结业|学完|拿证)(?:即|就|即可|就能)(?:就业|包就业)",
        ),
    ),
    Category(
        "salary_guarantee",
        "夸大培训效果：包年薪类",
        (
            rf"{_BAO}(?:年薪|月薪|薪资|薪水|高薪|起薪)",
            rf"{_GUAR}{_win(4)}(?:年薪|月薪|高薪|起薪|薪资)",
            r"(?:年薪|月薪|薪资|起薪|底薪|工资|收入)(?:保底|兜底)|保底(?:年薪|月薪|薪资|起薪|工资|收入)",
            rf"(?:年薪|月薪|起薪){_win(6)}(?:保证|承诺|包(?![括含吃住食]))",
        ),
    ),
    Category(
        "training_loan",
        "发放“培训贷”",
        (
            r"(?:培训|学费|学习|课程|教育|求学|技能)贷",
            r"分期贷款|贷款分期",
            r"贷款(?:缴纳|支付|交纳|交|付|缴)(?:学费|培训费|课程费|报名费)",
            rf"(?:学费|培训费|课程费){_win(4)}贷款",
            r"(?:学费|培训费|课程费)(?:可|支持)?(?:分期|月供)|分期(?:付|支付|缴纳|缴|交)(?:学费|培训费|课程费)",
            r"(?<![\d.])0首付|零首付|免息分期|分期免息|(?:花呗|信用卡|白条)分期|月供",
            r"先学后付|先培训后付款?|先就业后付款?|(?:就业|入职|上岗|找到工作)(?:后|以后|之后)再?(?:付|交|缴|还)(?:款|费|学费|钱)",
        ),
    ),
    Category(
        "cross_region_cooperation",
        "以“合作”“联合”“联盟”等名义跨地区（省）开展培训",
        (
            "(?:跨省|跨地区|跨区域|跨地域|跨市|跨城市|跨省份|异地|外省|外地|省外|全国各地|多省)"
            + _win(12)
            + "(?:合作|联合|联盟|加盟|协作|挂靠)"
            + _win(8)
            + "(?:培训|办班|开班|办学|招生|授课|教学|开课)",
            "(?:合作|联合|联盟|加盟|协作|挂靠)"
            + _win(12)
            + "(?:跨省|跨地区|跨区域|跨地域|跨市|跨城市|跨省份|异地|外省|外地|省外|全国各地|多省)"
            + _win(8)
            + "(?:培训|办班|开班|办学|招生|授课|教学|开课)",
            "(?:跨省|跨地区|跨区域|跨地域|跨市|跨城市|跨省份|异地|外省|外地|省外|全国各地|多省)"
            + _win(4)
            + "(?:培训|办班|开班|办学|招生)"
            + _win(4)
            + "(?:合作|联合|联盟|加盟|协作)",
            "(?:联盟|加盟)" + _win(8) + "全国(?:招生|开班|办班|办学|设点)",
        ),
    ),
    Category(
        "certificate_without_training",
        "不培训（培训走过场）就发证",
        (
            "(?:(?:不|免|无需|无须|不用|不需要|不需|不必)(?:参加)?(?:培训|上课|学习|听课|考试|考核|考)|"
            "免试|走过场|挂名|挂机|刷课|代学|代刷|代考|替考)"
            + _cond(10)
            + f"(?:{_CERT}|发证|颁证|发放证书|颁发证书)",
            r"免考(?!条件|科目|申请|政策|规定|认定|资格|范围|人员|对象|审核|审批|办法|标准)",
            rf"{_BAO}(?:拿到?|取|领|办|发|下|出|获)?证书?(?![件明券])",
            rf"{_GUAR}{_win(6)}{_CERT}",
            rf"{_HUNDRED}的?{_CERT}",
            rf"(?:拿证|取证)率{_RATE_LINK}{_HUNDRED}",
            r"直接(?:拿证|取证|领证|下证|拿到?证书|拿本)",
            rf"(?:交钱|缴费|付费|花钱|报名)(?:即|就|即可|就能|就可以|便可){_CERT}",
            r"(?:花钱)?买证",
        ),
    ),
)


class _Unknown(Exception):
    pass


def _lead(items: Any) -> tuple[set[str], bool]:
    """The characters a match of the parsed regex `items` can start with, and whether it can be empty.
    Only what the table uses is understood; anything else raises _Unknown."""
    lead: set[str] = set()
    for op, av in items:
        if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
            continue  # zero-width
        if op is _sre.LITERAL:
            first, nullable = {chr(av)}, False
        elif op is _sre.IN:
            first, nullable = set(), False
            for iop, iav in av:
                if iop is _sre.LITERAL:
                    first.add(chr(iav))
                elif iop is _sre.RANGE and iav[1] - iav[0] < 64:
                    first.update(chr(c) for c in range(iav[0], iav[1] + 1))
                else:
                    raise _Unknown
        elif op is _sre.BRANCH:
            first, nullable = set(), False
            for branch in av[1]:
                f, n = _lead(branch)
                first |= f
                nullable = nullable or n
        elif op is _sre.SUBPATTERN:
            first, nullable = _lead(av[-1])
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            first, nullable = _lead(av[2])
            nullable = nullable or av[0] == 0
        else:
            raise _Unknown
        lead |= first
        if not nullable:
            return lead, False
    return lead, True


def _trigger(pattern: str) -> re.Pattern[str] | None:
    """A character class of the characters a match of `pattern` can start with (None: not known)."""
    if _sre_parser is None:
        return None
    try:
        lead, nullable = _lead(_sre_parser.parse(pattern))
    except (_Unknown, AttributeError):
        return None
    if nullable or not lead:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(lead)) + "]")


_Compiled = tuple[Category, re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None]


def _compile(cat: Category) -> _Compiled:
    """The category's patterns as one regex, its trigger characters and its `unless_before` regex."""
    pattern = "|".join(f"(?:{p})" for p in cat.patterns)
    unless = re.compile(f"(?:{cat.unless_before})") if cat.unless_before else None
    return cat, re.compile(pattern), _trigger(pattern), unless


_COMPILED: tuple[_Compiled, ...] = tuple(_compile(cat) for cat in CATEGORIES)

# Negation. Strong cues govern the rest of their clause (up to _NEG_REACH characters, no comma or
# sentence end in between; "、" and "：" do not end the clause: "不得…夸大培训效果（如包过、不过退费、包就业）").
_STRONG_NEG = re.compile(
    "不得|严禁|禁止|杜绝|谨防|警惕|防范|打击|举报|不准|不允许|不许|抵制|拒绝|切勿|请勿|远离|识破|"
    "(?:不|未|从不|从未|绝不|决不|坚决不|概不)(?:承诺|宣传|搞|做|作|进行|发布|提供|存在|涉及|参与|开展|发放|"
    "以|采用|从事|组织|接受|允许|收取)"
)
_NEG_REACH = 60
_HAVE_TO = re.compile("不(?:说|承认|服|提|佩服|感叹|感慨|赞叹|夸)")
# the match is named as an example of prohibited conduct: "进行“包过”“保过”等虚假宣传的",
# "不考试就发证、滥发倒卖证书等行为"
_NAMED_AS_VIOLATION = re.compile(
    f"[^{_HARD},]{{0,30}}?(?:虚假宣传|虚假广告|违规宣传|不实宣传|夸大宣传|违规行为|违法行为|违规承诺|"
    "骗局|陷阱|套路|等行为|等情形|等问题)"
)
_CLAUSE_END = re.compile(f"[{_HARD},]")
# weak cues only right before the match ("不包过", "无培训贷", "并非包就业")
_WEAK_NEG = ("不", "无", "非", "没有", "并非", "不是", "未", "没")


# --------------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------------


def _negation(norm: str, start: int, end: int) -> str | None:
    """The cue that negates the match norm[start:end], if any."""
    for cue in _WEAK_NEG:
        if start >= len(cue) and norm.startswith(cue, start - len(cue)):
            return cue
    lo = max(0, start - _NEG_REACH)
    before = norm[lo:start]
    ends = [m.end() for m in _CLAUSE_END.finditer(before)]
    if ends:
        before = before[ends[-1] :]
        lo += ends[-1]
    for m in reversed(list(_STRONG_NEG.finditer(before))):
        cue_end = lo + m.end()
        # "不得不说/承认…" is "have to"; "不得不培训或培训走过场就发证" is a prohibition
        if m.group() == "不得" and _HAVE_TO.match(norm, cue_end):
            continue
        return m.group()
    if _NAMED_AS_VIOLATION.match(norm, end):
        return "等虚假宣传"
    return None


def _clause_before(norm: str, start: int, n: int) -> str:
    before = norm[max(0, start - n) : start]
    cut = max(before.rfind(c) for c in _SOFT)
    return before[cut + 1 :]


def find_claims(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """All prohibited claims in `text`: (matches, negated matches). Each is a dict with the phrase as
    written, the category code and Chinese label, and start/end indices in `text`; negated ones also
    carry the cue ("不得", "严禁"…). Sorted by position; overlapping matches of one category merged."""
    norm, pos = normalise(text)
    found: list[dict[str, Any]] = []
    negated: list[dict[str, Any]] = []
    for cat, rx, trigger, unless in _COMPILED:
        if trigger is None:
            candidates = rx.finditer(norm)
        else:  # try the full pattern only where one of its first characters occurs
            candidates = (rx.match(norm, t.start()) for t in trigger.finditer(norm))
        spans: list[list[int]] = []
        neg_spans: list[list[Any]] = []
        for m in candidates:
            if m is None:
                continue
            ns, ne = m.span()
            if ne <= ns:
                continue
            if unless is not None and unless.search(_clause_before(norm, ns, 10)):
                continue
            cue = _negation(norm, ns, ne)
            target = spans if cue is None else neg_spans
            if target and ns < target[-1][1]:  # overlapping: merge
                target[-1][1] = max(target[-1][1], ne)
            else:
                target.append([ns, ne] if cue is None else [ns, ne, cue])
        for ns, ne in spans:
            found.append(_match(text, pos, ns, ne, cat))
        for ns, ne, cue in neg_spans:
            negated.append({**_match(text, pos, ns, ne, cat), "cue": cue})
    found.sort(key=lambda d: (d["start"], d["end"]))
    negated.sort(key=lambda d: (d["start"], d["end"]))
    return found, negated


def _match(text: str, pos: list[int], ns: int, ne: int, cat: Category) -> dict[str, Any]:
    start, end = pos[ns], pos[ne - 1] + 1
    return {
        "phrase": text[start:end],
        "category": cat.code,
        "category_label": cat.label,
        "start": start,
        "end": end,
    }


def _describe(matches: list[dict[str, Any]]) -> str:
    items = dict.fromkeys(f"“{m['phrase']}”（{m['category_label']}）" for m in matches)
    return "、".join(items)


def check_public_text(text: str, *, field: str = "text", label: str | None = None) -> Check:
    """TRN-9 on one public text (announcement, plan description, class title…). `field` names it in the
    facts; `label` (Chinese, e.g. "班级名称") in the message."""
    matches, negated = find_claims(text or "")
    facts = {"field": field, "matches": matches, "negated": negated}
    where = f"「{label}」" if label else ""
    if matches:
        msg = f"公开文本{where}含有违规承诺{_describe(matches)}，违反TRN-9"
        return Check(RULE, False, msg, facts, SOURCE, blocking=True)
    return Check(RULE, True, f"公开文本{where}未发现TRN-9禁止的宣传内容", facts, SOURCE, blocking=True)


def check_public_texts(fields: Mapping[str, str], *, labels: Mapping[str, str] | None = None) -> Check:
    """TRN-9 on several public texts at once, e.g. {"title": …, "description": …}. The facts list every
    field with its matches; the message names each offending field (by its label when given)."""
    labels = labels or {}
    per_field = []
    parts = []
    for name, text in fields.items():
        matches, negated = find_claims(text or "")
        per_field.append({"field": name, "matches": matches, "negated": negated})
        if matches:
            parts.append(f"「{labels.get(name, name)}」含有违规承诺{_describe(matches)}")
    facts = {
        "fields": per_field,
        "matches": [{"field": f["field"], **m} for f in per_field for m in f["matches"]],
    }
    if parts:
        msg = "公开文本" + "；".join(parts) + "，违反TRN-9"
        return Check(RULE, False, msg, facts, SOURCE, blocking=True)
    return Check(RULE, True, "公开文本未发现TRN-9禁止的宣传内容", facts, SOURCE, blocking=True)
