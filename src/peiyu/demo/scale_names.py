"""Names and places for the scale generator (peiyu.demo.scale): valid unified social credit codes
(GB 32100, with the GB 11714 organisation-code check character), the district-level places of the loaded
regions weighted towards big cities, and Chinese institution names, person names and phone numbers
from word lists."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from peiyu.accounts.models import Region
from peiyu.core.identifiers import uscc_with_check

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z


# --- word lists --------------------------------------------------------------------------------------
BRAND_CHARS = (
    "智算云数联创华信博远科航鼎瑞星海汇达恒新启明德正弘泰安盛宏图卓越精诚嘉禾沃天宇辰光锐思维拓峰"
    "景睿凌志腾飞晨曦众鑫源聚融通捷朗致远卓"
)
COMPANY_TRADES = (
    "信息技术", "数据科技", "网络科技", "软件", "人工智能", "智能科技", "云计算", "大数据",
    "数字科技", "教育科技", "人力资源服务", "智能制造", "物联网科技", "区块链技术", "信息安全",
)  # fmt: skip
COMPANY_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司")
SCHOOL_KINDS = ("职业培训学校", "职业技能培训学校", "职业技术培训学校", "数字技能培训学校", "培训中心")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
)
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯欣怡佳琪子涵梓轩"
    "一诺雨泽思远博文晓东海燕春梅志强俊杰振华婷婷丹丹晨阳天佑若曦家豪嘉怡"
)
# Prefecture-level names that are placeholders in GB/T 2260 rather than places.
PLACEHOLDER_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@dataclass(frozen=True)
class Place:
    code: str  # district (or city) code the institution is registered in
    city: str  # short place name used in the institution's name
    province: str  # audit stream


# --- identifiers ---------------------------------------------------------------------------------------


def org_code_with_check(first8: str) -> str:
    """GB 11714 organisation code: 8 characters plus a check character (weights 3 7 9 10 5 8 4 2,
    11 − sum mod 11, 10 → X, 11 → 0)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(first8, weights, strict=True))
    check = 11 - total % 11
    return first8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def base31(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 31)
        out.append(USCC_ALPHABET[r])
    if n:
        raise OverflowError("counter does not fit")
    return "".join(reversed(out))


def uscc_for(index: int, region_code: str, *, school: bool) -> str:
    """A valid USCC unique per index: 91 (enterprise registered with market regulation) + MA…, or
    52 (private non-enterprise unit registered with civil affairs) + MJ…, as issued since 2015.
    The six counter characters start at 1 000 000 (base 31) so they never meet hand-made codes."""
    counter = base31(31**5 + index, 6)
    org_code = org_code_with_check(("MJ" if school else "MA") + counter)
    return uscc_with_check(("52" if school else "91") + region_code + org_code)


# --- places --------------------------------------------------------------------------------------------


def short_place(name: str) -> str:
    for suffix in (
        "特别行政区",
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "省",
        "市",
        "地区",
        "盟",
    ):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def places() -> list[Place]:
    """District-level regions in force (cities where a city has no districts loaded), each with the
    short name of its city (or of its province for municipalities)."""
    regions = {r["code"]: r for r in Region.objects.active().values("code", "name", "level", "parent_id")}
    if not regions:
        raise RuntimeError("no regions loaded: run `peiyu reference_load` (or load regions) first")
    with_children = {r["parent_id"] for r in regions.values() if r["parent_id"]}
    out = []
    for code, r in sorted(regions.items()):
        if r["level"] == 1 or (r["level"] == 2 and code in with_children):
            continue
        city = regions.get(r["parent_id"]) if r["level"] == 3 else r
        if city is None or city["name"] in PLACEHOLDER_CITIES:
            city = regions.get(code[:2] + "0000") or r
        out.append(Place(code=code, city=short_place(city["name"]), province=code[:2] + "0000"))
    return out


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))


def org_name(rng: random.Random, city: str, school: bool) -> str:
    brand = "".join(rng.sample(BRAND_CHARS, 2))
    if school:
        return f"{city}{brand}{rng.choice(SCHOOL_KINDS)}"
    return f"{city}{brand}{rng.choice(COMPANY_TRADES)}{rng.choice(COMPANY_FORMS)}"


def phone_number(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def place_weights(spots: list[Place]) -> list[float]:
    """Cumulative weights: provincial capitals and big cities get more institutions than counties
    (districts of a city's first codes weigh more), with a stable per-region jitter."""
    cum, total = [], 0.0
    for p in spots:
        w = 3.0 if p.code[2:4] == "01" else 1.5 if p.code[2:4] in ("02", "03") else 1.0
        w *= 1.5 if p.code[4:6] < "10" else 1.0
        jitter = int(hashlib.sha256(p.code.encode()).hexdigest()[:4], 16) / 65_535
        total += w * (0.5 + jitter)
        cum.append(total)
    return cum
