"""Question banks (EVL-2; seed 001 Art. 17(2), seed 000 Art. 11(2)): a bank per occupation (trade), level
and direction, its items versioned and each version written, reviewed and approved by three different
people, frozen once it has appeared in a paper; each item tagged with the knowledge area and difficulty of
the blueprint (权重表) of its occupation and level. The content of an item is confidential: stored
encrypted, shown only to holders of the capability, every view audited."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
from peiyu.core.models import TimeStamped


class ItemType(models.TextChoices):
    SINGLE = "single", _("单项选择题")
    MULTIPLE = "multiple", _("多项选择题")
    TRUE_FALSE = "true_false", _("判断题")
    FILL = "fill", _("填空题")
    SHORT = "short", _("简答题")
    PRACTICAL = "practical", _("实操试题")


OBJECTIVE_TYPES = frozenset({ItemType.SINGLE, ItemType.MULTIPLE, ItemType.TRUE_FALSE, ItemType.FILL})
THEORY_TYPES = frozenset({*OBJECTIVE_TYPES, ItemType.SHORT})


class Difficulty(models.IntegerChoices):
    EASY = 1, _("易")
    FAIRLY_EASY = 2, _("较易")
    MEDIUM = 3, _("中等")
    FAIRLY_HARD = 4, _("较难")
    HARD = 5, _("难")


class Blueprint(TimeStamped):
    """The weights of a standard (权重表) for an occupation and level: how many items, of which type and
    difficulty, worth how many points, per knowledge area (BlueprintCell). Policy or reference data; a
    blueprint marked `is_sample` carries clearly labelled sample values (the demo)."""

    programme = models.CharField(_("项目"), max_length=16)
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32, db_index=True)
    occupation_name = models.CharField(_("职业（工种）"), max_length=200)
    level = models.CharField(_("等级"), max_length=16)
    direction = models.CharField(_("方向"), max_length=100, blank=True)
    title = models.CharField(_("名称"), max_length=200)
    duration_minutes = models.PositiveIntegerField(_("考试时长（分钟）"), default=90)
    total_points = models.PositiveIntegerField(_("总分"), default=100)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    # empty: reference data (the standard's, or a labelled sample), maintained by reference.manage;
    # set: the institution's own copy for its banks, maintained by its bank approver
    institution = models.ForeignKey(
        "accounts.Org",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属评价机构"),
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["occupation_code", "level"]
        verbose_name = _("权重表")
        verbose_name_plural = _("权重表")

    def __str__(self) -> str:
        return self.title


class KnowledgeArea(models.Model):
    """A knowledge area of a blueprint (鉴定要素/知识模块) with its weight in per cent."""

    blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("比重（%）"), default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["blueprint", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["blueprint", "code"], name="knowledge_area_once")]
        verbose_name = _("知识模块")
        verbose_name_plural = _("知识模块")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BlueprintCell(models.Model):
    """One cell of a theory paper's blueprint: `count` items of `item_type` and `difficulty` from
    `area`, each worth `points` (difficulty null: any)."""

    blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="cells")
    area = models.ForeignKey(KnowledgeArea, on_delete=models.CASCADE, related_name="cells")
    item_type = models.CharField(_("题型"), max_length=16, choices=ItemType.choices)
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), choices=Difficulty.choices, null=True, blank=True
    )
    count = models.PositiveSmallIntegerField(_("题量"))
    points = models.DecimalField(_("每题分值"), max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["blueprint", "area", "item_type", "difficulty"]
        verbose_name = _("权重表单元")
        verbose_name_plural = _("权重表单元")

    def __str__(self) -> str:
        return str(f"{self.area_id}/{self.item_type}/{self.difficulty}×{self.count}")


class QuestionBank(TimeStamped):
    """A bank (题库) of an evaluation institution for an occupation, level and direction (EVL-2)."""

    class Source(models.TextChoices):
        OWN = "own", _("自行开发")
        PURCHASED = "purchased", _("向具备资质的单位购买")
        NATIONAL = "national", _("使用国家或省级题库")

    institution = models.ForeignKey(
        "accounts.Org", on_delete=models.PROTECT, related_name="question_banks", verbose_name=_("评价机构")
    )
    region_code = models.CharField(_("地区"), max_length=6, db_index=True)
    programme = models.CharField(_("项目"), max_length=16)
    occupation_code = models.CharField(_("职业（工种）编码"), max_length=32)
    occupation_name = models.CharField(_("职业（工种）"), max_length=200)
    level = models.CharField(_("等级"), max_length=16)
    direction = models.CharField(_("方向"), max_length=100, blank=True)
    blueprint = models.ForeignKey(
        Blueprint, on_delete=models.PROTECT, null=True, blank=True, related_name="banks"
    )
    source = models.CharField(_("题库来源"), max_length=16, choices=Source.choices, default=Source.OWN)
    provider_name = models.CharField(_("提供单位"), max_length=200, blank=True)
    provider_qualification = models.CharField(_("提供单位资质"), max_length=300, blank=True)
    purchase_contract = models.CharField(_("购买合同编号"), max_length=100, blank=True)
    # named persons responsible (EVL-2): {"writing": …, "transfer": …, "use": …, "grading": …, "archiving": …}
    responsibles = models.JSONField(_("责任人"), default=dict, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["occupation_code", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "occupation_code", "level", "direction"], name="bank_once_per_scope"
            )
        ]
        verbose_name = _("题库")
        verbose_name_plural = _("题库")

    def __str__(self) -> str:
        return f"{self.occupation_name} {self.level} {self.direction}".strip()


RESPONSIBLE_DUTIES = {
    "writing": _("命题"),
    "transfer": _("传递"),
    "use": _("使用"),
    "grading": _("阅卷"),
    "archiving": _("归档"),
}


class Item(TimeStamped):
    """An item (试题) of a bank; its content lives in versions. A theory item or a practical set (实操试题,
    with scoring criteria). Written → in review → approved by three different people (EVL-2); frozen once
    it has appeared in a paper: a change then makes a new version, never edits the used one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("命题中")
        IN_REVIEW = "in_review", _("待审题")
        REVIEWED = "reviewed", _("待审定")
        APPROVED = "approved", _("已审定")
        RETURNED = "returned", _("已退回修改")
        RETIRED = "retired", _("已停用")

    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("试题编号"), max_length=32)
    item_type = models.CharField(_("题型"), max_length=16, choices=ItemType.choices)
    area_code = models.CharField(_("知识模块"), max_length=32, blank=True)
    difficulty = models.PositiveSmallIntegerField(_("难度"), choices=Difficulty.choices, default=3)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("当前版本"), default=1)
    frozen = models.BooleanField(_("已组卷使用"), default=False)
    written_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回意见"), blank=True)
    # item statistics after each session (classical test theory), shown to the bank's reviewers
    stat_sessions = models.PositiveIntegerField(default=0)
    stat_responses = models.PositiveIntegerField(_("作答人次"), default=0)
    facility = models.FloatField(_("难度系数（通过率）"), null=True, blank=True)
    discrimination = models.FloatField(_("区分度"), null=True, blank=True)
    flagged = models.BooleanField(_("存疑"), default=False)
    flag_reason = models.CharField(_("存疑原因"), max_length=200, blank=True)
    # per session counted: {"<session id>": {"n": responses, "facility": p, "discrimination": r,
    # "number": "<session number>"}}; the fields above are their response-weighted means, so running the
    # statistics of a session again replaces its entry instead of counting it twice
    stats = models.JSONField(_("分场次统计"), default=dict, blank=True)

    class Meta:
        ordering = ["bank", "code"]
        constraints = [models.UniqueConstraint(fields=["bank", "code"], name="item_code_once_per_bank")]
        indexes = [models.Index(fields=["bank", "status", "item_type"])]
        verbose_name = _("试题")
        verbose_name_plural = _("试题")

    def __str__(self) -> str:
        return self.code

    def audit_region_code(self) -> str:
        return self.bank.region_code


class ItemVersion(models.Model):
    """One version of an item's content (JSON, SM4-encrypted), its SM3 digest, who wrote it. Never
    changed once written. The content, by type:

        {"stem": "…", "options": ["…", "…", "…", "…"], "answer": "B"}        single (a letter)
        {"stem": "…", "options": [...], "answer": "ACD"}                      multiple (letters, sorted)
        {"stem": "…", "answer": "T"}                                          true_false ("T" or "F")
        {"stem": "…（  ）…", "answer": ["…", "…"]}                             fill (accepted answers)
        {"stem": "…", "answer": "reference answer", "criteria": [...]}        short
        {"stem": "task", "materials": "…", "minutes": 60,
         "criteria": [{"criterion": "…", "points": 20}, …]}                   practical (sums to 100)

    plus "analysis" (解析, optional) on any type."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    content = EncryptedTextField(_("内容"))
    digest = models.CharField(max_length=64)
    points = models.DecimalField(_("参考分值"), max_digits=5, decimal_places=1, default=1)
    written_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "version"]
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="item_version_once")]
        verbose_name = _("试题版本")
        verbose_name_plural = _("试题版本")

    def __str__(self) -> str:
        return str(f"{self.item_id} v{self.version}")


class BankImport(TimeStamped):
    """An xlsx import of items into a bank, with its per-row report."""

    class Status(models.TextChoices):
        DONE = "done", _("已导入")
        REFUSED = "refused", _("未导入（文件有误）")

    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    errors = models.JSONField(_("错误"), default=list)
    imported_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("题库导入")
        verbose_name_plural = _("题库导入")

    def __str__(self) -> str:
        return self.file_name

    def audit_region_code(self) -> str:
        return self.bank.region_code
