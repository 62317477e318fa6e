"""TRN-9: prohibited claims in institutions' public texts (pure, no database)."""

import pytest

from peiyu.training.rules import claims
from peiyu.training.rules.claims import (
    CATEGORIES,
    RULE,
    check_public_text,
    check_public_texts,
    find_claims,
    normalise,
)


def _categories(text: str) -> set[str]:
    return {m["category"] for m in check_public_text(text).facts["matches"]}


def _assert_flagged_as(text: str, category: str) -> None:
    check = check_public_text(text)
    assert not check.ok, text
    assert category in _categories(text), (text, check.facts["matches"])


# --- one test per category, several variants each -------------------------------------------------


PASS_GUARANTEES = [
    "本班包过",
    "包 过",
    "包-过",
    "包*过",
    "包·过",
    "“包”过",
    "包\u200b过",
    "包\u3000过",
    "包過",
    "保過",
    "保过班火热报名中",
    "ＢＡＯ过",
    "bao 过",
    "包guo",
    "包过关",
    "考试必过",
    "稳过！",
    "保证通过",
    "保證通過",
    "保证一次通过",
    "确保学员顺利通过考试",
    "100%通过",
    "100％通过",
    "百分百通过",
    "通过率100%",
    "通过率：100%",
    "通过率高达100%",
    "一次通过率为百分之百",
    "通过率有保证",
    "零挂科",
]


@pytest.mark.parametrize("text", PASS_GUARANTEES)
def test_pass_guarantees_and_their_variants_are_flagged(text):
    _assert_flagged_as(text, "pass_guarantee")


REFUNDS_ON_FAILING = [
    "不过退费",
    "不過退費",
    "不 过 退 费",
    "不过全额退款",
    "不通过全额退款",
    "考不过退钱",
    "考不过，全额退款！",
    "考试未通过，全额退还学费",
    "未通过考试的学员全额退还学费",
    "考核不合格全额退款",
    "不通过不收费",
    "考过再付款",
    "拿证后再付款",
    "先拿证后付款",
    "考试通不过，学费全退",
    "二次不过退全款",
]


@pytest.mark.parametrize("text", REFUNDS_ON_FAILING)
def test_refunds_conditional_on_failing_are_flagged(text):
    _assert_flagged_as(text, "refund_on_fail")


TITLE_GUARANTEES = [
    "包职称",
    "包評職稱",
    "包评中级职称",
    "保证评上职称",
    "确保学员取得中级职称",
    "职称包过",
    "直接评职称",
    "免评审拿职称",
]


@pytest.mark.parametrize("text", TITLE_GUARANTEES)
def test_title_guarantees_are_flagged(text):
    _assert_flagged_as(text, "title_guarantee")


EMPLOYMENT_GUARANTEES = [
    "包就业",
    "包就業",
    "包找工作",
    "包分配",
    "包OFFER",
    "推荐就业 保证",
    "保证就业",
    "确保学员100%就业",
    "100%就业",
    "就业率100%",
    "不就业全额退款",
    "毕业即就业",
]


@pytest.mark.parametrize("text", EMPLOYMENT_GUARANTEES)
def test_employment_guarantees_are_flagged(text):
    _assert_flagged_as(text, "employment_guarantee")


SALARY_GUARANTEES = [
    "包年薪",
    "包 年 薪",
    "保证年薪",
    "保證年薪",
    "年薪保底",
    "保底月薪",
    "年薪30万保证",
    "包高薪",
]


@pytest.mark.parametrize("text", SALARY_GUARANTEES)
def test_salary_guarantees_are_flagged(text):
    _assert_flagged_as(text, "salary_guarantee")


TRAINING_LOANS = [
    "培训贷",
    "培訓貸",
    "“培训”贷",
    "学费贷",
    "支持分期贷款",
    "可贷款缴纳学费",
    "学费可分期",
    "0首付入学",
    "零首付",
    "免息分期",
    "先学后付",
    "就业后再付学费",
]


@pytest.mark.parametrize("text", TRAINING_LOANS)
def test_training_loans_are_flagged(text):
    _assert_flagged_as(text, "training_loan")


CROSS_REGION_COOPERATION = [
    "跨省联合办班",
    "跨省 联合 办班",
    "与外省机构联合办班",
    "以联盟名义跨省招生",
    "跨区域合作培训",
    "跨省培训合作",
    "数字工程师培训联盟全国招生",
    "聯合外地機構開班",
]


@pytest.mark.parametrize("text", CROSS_REGION_COOPERATION)
def test_cross_region_training_under_cooperation_names_is_flagged(text):
    _assert_flagged_as(text, "cross_region_cooperation")


CERTIFICATES_WITHOUT_TRAINING = [
    "不培训拿证",
    "免培训拿证",
    "无需培训，直接拿证",
    "无需培训 拿证",
    "不用上课也能拿证",
    "免考拿证",
    "免考",
    "包拿证",
    "保证拿证",
    "直接拿证",
    "100%拿证",
    "交钱即可拿证",
    "花钱买证",
    "線上掛機即可拿證",
    "無需培訓直接拿證",
]


@pytest.mark.parametrize("text", CERTIFICATES_WITHOUT_TRAINING)
def test_certification_without_training_is_flagged(text):
    _assert_flagged_as(text, "certificate_without_training")


def test_every_declared_category_has_a_chinese_label_and_a_test_above():
    assert {c.code for c in CATEGORIES} == {
        "pass_guarantee",
        "refund_on_fail",
        "title_guarantee",
        "employment_guarantee",
        "salary_guarantee",
        "training_loan",
        "cross_region_cooperation",
        "certificate_without_training",
    }
    assert all(c.label and c.patterns for c in CATEGORIES)


# --- no false positives on normal text -------------------------------------------------------------


NORMAL_TEXTS = [
    "课程内容包括职称评审政策解读",
    "费用包含教材费和考试费",
    "确保过程规范",
    "确保培训过程可追溯",
    "上期通过率为85%",
    "上期通过率为85%，100人参加",
    "通过率为85% 100人参加",
    "上期学员通过率99.5%",
    "通过率为10.0%",
    "就业指导",
    "提供推荐就业服务",
    "职称评审政策解读",
    "退费办法：未开班前申请退费的全额退还",
    "资格审核未通过的，全额退还报名费",
    "未通过资格审核的，退还已缴费用",
    "考核不合格的，不予退费",
    "考核不合格的可免费补训一次",
    "不过，退费须在开班前申请",
    "只不过退费流程较长",
    "确保就业形势稳定",
    "稳就业、保就业",
    "确保工作顺利开展",
    "确保培训质量，通过考核者颁发证书",
    "请通过线上平台报名",
    "保证通过官方渠道缴费",
    "缴纳保证金",
    "平稳过渡",
    "面包过期",
    "发红包过年",
    "资料包",
    "年薪包括基本工资和绩效",
    "校企合作培训",
    "与本市企业合作培训",
    "本机构与省内高校联合开展培训",
    "技工教育联盟建设",
    "合作培训人数",
    "创业担保贷款",
    "国家助学贷款",
    "不参加培训的学员不发证",
    "考试合格后颁发证书",
    "结业考核合格的，颁发培训合格证书",
    "学费3800元，可开具发票",
    # 003 §5(2): title equivalence is official policy (traditional, with the seed's pinyin glosses)
    "取得中級、初級專業(yè)技術(shù)等級(jí)證書的,直接認(rèn)定為相應(yīng)專業(yè)中級(jí)、初級(jí)職稱。",
]


@pytest.mark.parametrize("text", NORMAL_TEXTS)
def test_normal_text_is_not_flagged(text):
    check = check_public_text(text)
    assert check.ok, check.facts["matches"]
    assert check.facts["matches"] == []


QUOTED_PROHIBITIONS = [
    ("本机构不包过", "不"),
    ("本机构承诺：不搞包过，不发放培训贷", {"不搞", "不发放"}),
    ("严禁宣传包过、包就业", "严禁"),
    ("谨防“包过”骗局", "谨防"),
    ("根据规定，培训机构不得夸大培训效果（如包过、不过退费、包职称、包就业、包年薪等）", "不得"),
    ("培训机构不得以“合作”“联合”“联盟”等名义跨地区(省)开展培训", "不得"),
    ("不得不培训或培训走过场就发证", "不得"),
    ("违规收费,进行评价“包过”“保过”等虚假宣传的", "等虚假宣传"),
    # 003 §6(2) in traditional characters with a pinyin gloss
    (
        "培訓機構不得發布虛假廣告、發放“培訓(xùn)貸”、夸大培訓效果(如包過、不過退費(fèi)、包就業(yè)、包年薪等)",
        "不得",
    ),
]


@pytest.mark.parametrize(("text", "cue"), QUOTED_PROHIBITIONS)
def test_quoted_prohibitions_and_denials_pass_and_are_reported_as_negated(text, cue):
    check = check_public_text(text)
    assert check.ok, check.facts["matches"]
    assert check.facts["negated"]
    assert {m["cue"] for m in check.facts["negated"]} == (cue if isinstance(cue, set) else {cue})


def test_a_prohibition_does_not_reach_past_a_comma():
    check = check_public_text("严禁迟到，本班包过")
    assert not check.ok
    assert [m["phrase"] for m in check.facts["matches"]] == ["包过"]


def test_have_to_is_not_a_prohibition():
    assert not check_public_text("不得不说我们包过").ok


def test_the_official_quote_of_the_rule_passes_but_a_separate_promise_in_it_does_not():
    text = "本机构不发放培训贷。报名即送资料，包过！"
    matches = check_public_text(text).facts["matches"]
    assert [(m["phrase"], m["category"]) for m in matches] == [("包过", "pass_guarantee")]


COMPLIANT_ANNOUNCEMENT = """关于举办2024年第二期数字技术工程师（人工智能工程技术人员）初级培训班的通知
一、培训对象：从事或准备从事数字技术相关工作的专业技术人员，包括新就业形态劳动者。
二、培训内容：理论知识、专业能力，共计128学时，其中线上学时不超过40%。
三、考核与发证：完成规定学时和内容的学员参加结业考核，考核合格的颁发培训合格证书；取得培训合格证书且符合申报条件的学员，可报名参加专业技术等级考核，考核合格的由评价机构颁发专业技术等级证书。
四、收费标准：培训费3800元/人（含教材费、考试费），补学费用500元/次，补考费用300元/次。
五、退费流程：开班前申请退出的，全额退还培训费；开班后因个人原因退出的，按未完成学时比例退还。资格审核未通过的，报名费全额退还。
六、就业服务：结业后提供就业指导和岗位推荐服务，不承诺就业。
七、其他：上期考核通过率为78%。学员可通过人社部门官方网站查询证书信息。本机构不以“合作”“联合”等名义跨省开展培训，不发放“培训贷”。
结业考核不合格的学员，可免费补考一次；补考仍不合格的，不予颁发培训合格证书，已缴费用不予退还。"""


def test_a_compliant_training_announcement_passes():
    check = check_public_text(COMPLIANT_ANNOUNCEMENT, field="announcement")
    assert check.ok, check.facts["matches"]
    assert {m["cue"] for m in check.facts["negated"]} == {"不", "不以", "不发放"}


def test_an_advertisement_is_flagged_in_every_category_it_uses():
    ad = (
        "🔥数字工程师火热招生🔥 0基础 包过！不过全额退费！学费可申请0首付，月供低至299元。"
        "全国培训联盟，跨省联合办班。职称直通车：包评中级职称。结业保证入职，保底年薪15万+。免考直接拿证！"
    )
    assert _categories(ad) == {c.code for c in CATEGORIES}


# --- the Check -------------------------------------------------------------------------------------


def test_a_clean_text_gives_an_ok_blocking_check_with_no_matches():
    check = check_public_text("数字技术工程师（人工智能工程技术人员）初级培训班招生公告", field="title")
    assert check.ok
    assert check.rule == RULE == "TRN-9"
    assert check.blocking
    assert "000 第十七条" in check.source
    assert "003" in check.source
    assert check.facts == {"field": "title", "matches": [], "negated": []}


def test_the_message_names_each_phrase_as_written_and_its_category():
    check = check_public_text("本班包 过，另有培训贷")
    assert not check.ok
    assert check.blocking
    assert check.message == (
        "公开文本含有违规承诺“包 过”（夸大培训效果：包过类）、“培训贷”（发放“培训贷”），违反TRN-9"
    )


def test_the_message_uses_the_label_when_given():
    check = check_public_text("包就业", field="description", label="计划说明")
    assert check.message.startswith("公开文本「计划说明」含有违规承诺“包就业”")
    assert check.facts["field"] == "description"


# --- positions map back to the original text -------------------------------------------------------


def test_positions_refer_to_the_original_text_with_spaces_and_traditional_characters():
    text = "招生简章：本班 包 過！考不過　全額退款。"
    matches = check_public_text(text).facts["matches"]
    assert [(m["phrase"], m["category"]) for m in matches] == [
        ("包 過", "pass_guarantee"),
        ("考不過　全額退款", "refund_on_fail"),
    ]
    for m in matches:
        assert text[m["start"] : m["end"]] == m["phrase"]
    assert matches[0]["start"] == text.index("包")
    assert matches[0]["category_label"] == "夸大培训效果：包过类"


def test_positions_survive_zero_width_and_full_width_characters_and_pinyin_glosses():
    text = "Ａ班：１００％通\u200b过；另：培訓(xùn)貸"
    matches = check_public_text(text).facts["matches"]
    assert [m["phrase"] for m in matches] == ["１００％通\u200b过", "培訓(xùn)貸"]
    assert all(text[m["start"] : m["end"]] == m["phrase"] for m in matches)


def test_normalise_maps_every_character_back_to_its_origin():
    text = "包 過\u200b（“保”證）通過率 １００％"
    norm, pos = normalise(text)
    assert norm == "包过保证通过率100%"
    assert len(pos) == len(norm)
    assert "".join(text[i] for i in pos) == "包過保證通過率１００％"


def test_a_decimal_point_is_kept_only_between_digits():
    assert normalise("85.5%")[0] == "85.5%"
    assert normalise("包.过")[0] == "包过"
    assert normalise("通过率……")[0] == "通过率"


def test_overlapping_matches_of_one_category_are_reported_once():
    matches = check_public_text("保证通过率100%").facts["matches"]
    assert [(m["phrase"], m["category"]) for m in matches] == [("保证通过率100%", "pass_guarantee")]


# --- several fields --------------------------------------------------------------------------------


def test_several_fields_are_checked_together_and_each_offending_field_is_named():
    check = check_public_texts(
        {
            "title": "人工智能工程技术人员培训班（包过）",
            "description": "学费可分期，推荐就业 保证。",
            "fees": "退费办法：未开班前申请退费的全额退还。",
        },
        labels={"title": "班级名称", "description": "计划说明"},
    )
    assert not check.ok
    assert check.rule == "TRN-9"
    assert check.blocking
    by_field = {f["field"]: f["matches"] for f in check.facts["fields"]}
    assert [m["phrase"] for m in by_field["title"]] == ["包过"]
    assert [m["category"] for m in by_field["description"]] == ["training_loan", "employment_guarantee"]
    assert by_field["fees"] == []
    assert [(m["field"], m["phrase"]) for m in check.facts["matches"]] == [
        ("title", "包过"),
        ("description", "学费可分期"),
        ("description", "推荐就业 保证"),
    ]
    assert "「班级名称」含有违规承诺“包过”" in check.message
    assert "「计划说明」含有违规承诺“学费可分期”" in check.message
    assert "fees" not in check.message


def test_several_clean_fields_pass():
    check = check_public_texts({"title": "大数据工程技术人员中级培训班", "description": "", "notes": None})
    assert check.ok
    assert [f["field"] for f in check.facts["fields"]] == ["title", "description", "notes"]
    assert check.facts["matches"] == []


# --- a long text -----------------------------------------------------------------------------------


def test_a_long_text_is_checked_completely_and_positions_stay_exact():
    clean = (
        "本机构发布数字技术工程师培训公告，面向社会公开招生。培训采取“线上+线下”相结合的方式，"
        "学时不少于120学时。退费办法：未开班前申请退费的全额退还。上期通过率为85%。"
        "课程包括理论知识与专业能力，费用包含教材费。确保培训过程规范、可追溯。\n"
    )
    pieces = [clean] * 45
    pieces.insert(10, "本班包 過！")
    pieces.insert(25, "可办理培训贷。")
    pieces.append("结业后包就业")
    text = "".join(pieces)
    assert len(text) > 5000
    matches = find_claims(text)[0]
    assert [(m["phrase"], m["start"]) for m in matches] == [
        ("包 過", text.index("包 過")),
        ("培训贷", text.index("培训贷")),
        ("包就业", text.index("包就业")),
    ]
    for m in matches:
        assert text[m["start"] : m["end"]] == m["phrase"]
    assert check_public_text(clean * 45).ok


def test_the_first_character_prefilter_finds_what_a_full_scan_finds(monkeypatch):
    corpus = [COMPLIANT_ANNOUNCEMENT, *NORMAL_TEXTS, *(t for t, _ in QUOTED_PROHIBITIONS)]
    corpus += [
        *PASS_GUARANTEES,
        *REFUNDS_ON_FAILING,
        *TITLE_GUARANTEES,
        *EMPLOYMENT_GUARANTEES,
        *SALARY_GUARANTEES,
        *TRAINING_LOANS,
        *CROSS_REGION_COOPERATION,
        *CERTIFICATES_WITHOUT_TRAINING,
    ]
    assert all(trigger is not None for _, _, trigger, _ in claims._COMPILED)
    fast = [find_claims(t) for t in corpus]
    monkeypatch.setattr(claims, "_COMPILED", tuple((c, rx, None, u) for c, rx, _, u in claims._COMPILED))
    assert [find_claims(t) for t in corpus] == fast
