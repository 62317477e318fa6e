"""TRN-9: the table of prohibited claims (the phrase data) and the cues that negate a match; the
matcher is rules.claims. Patterns apply to normalised text (rules.claims_text): simplified, lower
case, half-width, no spaces or symbols."""

from __future__ import annotations

import re
from dataclasses import dataclass

# --------------------------------------------------------------------------------------------------
# The table of prohibited claims
# --------------------------------------------------------------------------------------------------

# Regex building blocks (on normalised text: simplified, lower case, half-width, no spaces or symbols).
HARD = "。;!?\n"  # sentence boundaries
SOFT = HARD + ",:、"  # clause boundaries


def _win(n: int) -> str:
    """Up to n characters inside one clause (no comma)."""
    return f"[^{SOFT}]{{0,{n}}}?"


def _cond(n: int) -> str:
    """Up to n characters between a condition and its consequence: commas allowed ("考不过，全额退"),
    sentence ends and negations ("…的不予退费", "…的不发证") not."""
    return f"[^{HARD}不无非未没]{{0,{n}}}?"


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


# Negation. Strong cues govern the rest of their clause (up to NEGATION_REACH characters, no comma or
# sentence end in between; "、" and "：" do not end the clause: "不得…夸大培训效果（如包过、不过退费、包就业）").
STRONG_NEGATION = re.compile(
    "不得|严禁|禁止|杜绝|谨防|警惕|防范|打击|举报|不准|不允许|不许|抵制|拒绝|切勿|请勿|远离|识破|"
    "(?:不|未|从不|从未|绝不|决不|坚决不|概不)(?:承诺|宣传|搞|做|作|进行|发布|提供|存在|涉及|参与|开展|发放|"
    "以|采用|从事|组织|接受|允许|收取)"
)
NEGATION_REACH = 60
HAVE_TO = re.compile("不(?:说|承认|服|提|佩服|感叹|感慨|赞叹|夸)")
# the match is named as an example of prohibited conduct: "进行“包过”“保过”等虚假宣传的",
# "不考试就发证、滥发倒卖证书等行为"
NAMED_AS_VIOLATION = re.compile(
    f"[^{HARD},]{{0,30}}?(?:虚假宣传|虚假广告|违规宣传|不实宣传|夸大宣传|违规行为|违法行为|违规承诺|"
    "骗局|陷阱|套路|等行为|等情形|等问题)"
)
CLAUSE_END = re.compile(f"[{HARD},]")
# weak cues only right before the match ("不包过", "无培训贷", "并非包就业")
WEAK_NEGATION = ("不", "无", "非", "没有", "并非", "不是", "未", "没")
