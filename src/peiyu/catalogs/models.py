"""Reference catalogs (CAT-1, CAT-2): occupations with their directions, levels, industries and trades.
All are reference data (DESIGN §9): stable codes, `disabled_on` instead of deletion, protected FKs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.models import NeverDeleted, ReferenceModel, ReferenceQuerySet

from .codes import OCCUPATION_CODE, OCCUPATION_CODE_HINT, TRADE_CODE, TRADE_CODE_HINT

occupation_code_validator = RegexValidator(OCCUPATION_CODE, "职业编码" + OCCUPATION_CODE_HINT)
trade_code_validator = RegexValidator(TRADE_CODE, "工种编码" + TRADE_CODE_HINT)


class Programme(models.TextChoices):
    DTE = "dte", _("数字技术工程师培育项目")
    SKILL = "skill", _("职业技能等级认定")


class LevelKind(models.TextChoices):
    PROFESSIONAL = "professional", _("专业技术等级")
    SKILL = "skill", _("职业技能等级")


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", _("已确认")
    TO_VERIFY = "to_verify", _("待核实")


class CodeSource(models.TextChoices):
    CLASSIFICATION_2022 = "classification_2022", _("2022年版职业分类大典")
    ANNOUNCEMENT = "announcement", _("新职业公告（未见于2022年版大典，待核实）")


class Occupation(ReferenceModel):
    """One occupation of the DTE catalog (CAT-1) or of skill-level evaluation. `code` is the 2022
    classification code where known; `alias_codes` keep the codes printed on the 2021 national standard.
    Where the code is not confirmed the row is `to_verify` and `provenance` says why (occupations.md)."""

    code = models.CharField(_("职业编码"), max_length=32, unique=True, validators=[occupation_code_validator])
    name = models.CharField(_("职业名称"), max_length=100, unique=True)
    alias_codes = models.JSONField(
        _("别名编码"), default=list, blank=True, help_text=_("如2021年国家职业技术技能标准上的职业编码")
    )
    code_source = models.CharField(
        _("编码来源"), max_length=32, choices=CodeSource.choices, default=CodeSource.CLASSIFICATION_2022
    )
    programme = models.CharField(_("所属项目"), max_length=16, choices=Programme.choices)
    kind = models.CharField(_("等级类型"), max_length=16, choices=LevelKind.choices)
    confidence = models.CharField(_("编码可信度"), max_length=16, choices=Confidence.choices)
    provenance = models.TextField(_("编码出处说明"), blank=True)
    # The values last written by reference_load(): a field that differs from them was corrected by an
    # administrator, and the next load keeps the correction instead of reverting it.
    loaded_values = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("职业")
        verbose_name_plural = _("职业")

    def clean(self):
        super().clean()
        bad = [c for c in self.alias_codes or [] if not isinstance(c, str) or not OCCUPATION_CODE.match(c)]
        if bad:
            raise ValidationError(
                {"alias_codes": _("别名编码格式不正确：%(codes)s") % {"codes": "、".join(map(str, bad))}}
            )

    @property
    def all_codes(self) -> list[str]:
        return [self.code, *self.alias_codes]

    @property
    def to_verify(self) -> bool:
        return self.confidence == Confidence.TO_VERIFY


class Direction(NeverDeleted):
    """A direction (职业方向) of an occupation: training is by occupation, direction and level (CAT-1)."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="directions", verbose_name=_("职业")
    )
    name = models.CharField(_("方向名称"), max_length=100)
    disabled_on = models.DateField(_("停用日期"), null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["occupation", "id"]
        constraints = [models.UniqueConstraint(fields=["occupation", "name"], name="direction_unique_name")]
        verbose_name = _("职业方向")
        verbose_name_plural = _("职业方向")

    def __str__(self) -> str:
        return f"{self.occupation.name} · {self.name}"


class Level(ReferenceModel):
    """A professional level (初级/中级/高级) or a skill level (五级 … 一级, CAT-2). `rank` grows with
    seniority within a kind; `number` is the official skill-level number (5 = 五级 … 1 = 一级) used
    in skill certificate numbers."""

    kind = models.CharField(_("等级类型"), max_length=16, choices=LevelKind.choices)
    rank = models.PositiveSmallIntegerField(_("级序"), help_text=_("同类等级中由低到高：1, 2, 3 …"))
    number = models.PositiveSmallIntegerField(_("等级号"), null=True, blank=True)
    aliases = models.JSONField(_("别称"), default=list, blank=True)

    class Meta:
        ordering = ["kind", "rank"]
        constraints = [models.UniqueConstraint(fields=["kind", "rank"], name="level_unique_rank")]
        verbose_name = _("等级")
        verbose_name_plural = _("等级")

    def __str__(self) -> str:
        return "／".join([self.name, *self.aliases])


class Industry(ReferenceModel):
    """A section (门类) of GB/T 4754-2017, the national classification of economic activities."""

    class Meta:
        ordering = ["code"]
        verbose_name = _("行业门类")
        verbose_name_plural = _("行业门类（GB/T 4754-2017）")


class Trade(ReferenceModel):
    """A skill-type trade (工种) evaluated under the skill-level programme (CAT-2). Administrators add
    them in the admin or by spreadsheet import."""

    code = models.CharField(_("工种编码"), max_length=32, unique=True, validators=[trade_code_validator])
    name = models.CharField(_("工种名称"), max_length=100)
    occupation_code = models.CharField(
        _("职业编码"), max_length=32, db_index=True, validators=[occupation_code_validator]
    )
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trades",
        verbose_name=_("所属职业"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("工种")
        verbose_name_plural = _("工种")
