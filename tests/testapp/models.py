"""Models used only by the tests of core helpers (no migrations: created by the test runner)."""

from django.db import models


class Ticket(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已通过"
        RETURNED = "returned", "已退回"

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    region_code = models.CharField(max_length=6, default="210100")
    comment = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"ticket {self.pk}"
