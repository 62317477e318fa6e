"""Papers (试卷) from blueprints: a session's parallel forms assembled by a solver to the blueprint with
bounded item overlap (AssemblyRun records the request, the solver's outcome and, when the bank cannot
meet the blueprint, which constraint failed and by how much); each form sealed before the exam — its
content SM4-encrypted with the SM3 digest recorded — and opened only at the start time. Each
candidate's item and option order is shuffled from a recorded seed (on the attempt)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from peiyu.core.fields import EncryptedTextField
from peiyu.core.models import TimeStamped

from .banks import Item, ItemVersion
from .sessions import EvaluationSession


class AssemblyRun(TimeStamped):
    """One request to assemble a session's forms, with its outcome."""

    class Outcome(models.TextChoices):
        ASSEMBLED = "assembled", _("组卷成功")
        INFEASIBLE = "infeasible", _("题库无法满足权重表")

    session = models.ForeignKey(EvaluationSession, on_delete=models.PROTECT, related_name="assembly_runs")
    forms = models.PositiveSmallIntegerField(_("套数"))
    max_overlap = models.FloatField(_("最大重题率"))
    seed = models.CharField(_("随机种子"), max_length=64)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    seconds = models.FloatField(_("用时（秒）"), default=0)
    # infeasible: [{"constraint": …, "needed": n, "available": m, "short": n - m}]; assembled: overlaps
    report = models.JSONField(_("报告"), default=dict)
    decision = models.ForeignKey("core.Decision", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("组卷记录")
        verbose_name_plural = _("组卷记录")


class Paper(TimeStamped):
    """A form (一套试卷) of a session."""

    class Kind(models.TextChoices):
        THEORY = "theory", _("理论知识试卷")
        PRACTICAL = "practical", _("技能操作试卷")

    class Status(models.TextChoices):
        ASSEMBLED = "assembled", _("已组卷")
        SEALED = "sealed", _("已封存")
        OPENED = "opened", _("已启封")
        VOIDED = "voided", _("已作废")

    session = models.ForeignKey(EvaluationSession, on_delete=models.PROTECT, related_name="papers")
    run = models.ForeignKey(
        AssemblyRun, on_delete=models.PROTECT, null=True, blank=True, related_name="papers"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.THEORY)
    form = models.CharField(_("卷别"), max_length=4)  # A, B, C …
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ASSEMBLED)
    total_points = models.DecimalField(_("总分"), max_digits=6, decimal_places=1, default=100)
    # the sealed content (JSON, SM4), `digest` its SM3 hex:
    #   {"session": "<number>", "form": "A", "kind": "theory", "total_points": "100.0",
    #    "items": [{"position": 1, "item": <Item id>, "version": <ItemVersion id>, "type": "single",
    #               "area": "A", "difficulty": 2, "points": "1.0",
    #               "stem": …, "options": [...], "answer": …, "criteria": [...]}, …]}
    # (the item's content keys as in ItemVersion, plus the position and points on this form)
    sealed_content = EncryptedTextField(_("封存内容"), blank=True)
    digest = models.CharField(_("内容摘要（SM3）"), max_length=64, blank=True)
    sealed_at = models.DateTimeField(_("封存时间"), null=True, blank=True)
    sealed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opens_at = models.DateTimeField(_("启封时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("实际启封时间"), null=True, blank=True)
    voided_reason = models.TextField(_("作废原因"), blank=True)

    class Meta:
        ordering = ["session", "kind", "form"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "form"],
                condition=~models.Q(status="voided"),
                name="paper_form_once_per_session",
            )
        ]
        verbose_name = _("试卷")
        verbose_name_plural = _("试卷")

    def __str__(self) -> str:
        return f"{self.session.number} {self.form}"

    def audit_region_code(self) -> str:
        return self.session.region_code


class PaperItem(models.Model):
    """An item version on a form, at a position, with its points (what statistics and freezing read)."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="paper_uses")
    version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    points = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="paper_position_once"),
            models.UniqueConstraint(fields=["paper", "item"], name="paper_item_once"),
        ]
        verbose_name = _("试卷试题")
        verbose_name_plural = _("试卷试题")

    def __str__(self) -> str:
        return str(f"{self.paper_id}#{self.position}")
