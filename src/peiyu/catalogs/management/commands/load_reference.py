from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from peiyu.catalogs.services import reference_load


class Command(BaseCommand):
    help = "加载参考数据（行政区划、职业及方向、等级、行业门类）；可重复执行，不删除任何数据"

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = reference_load(actor=None)
        for name, counts in result.items():
            self.stdout.write(f"{name}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
        self.stdout.write(self.style.SUCCESS(f"done in {time.perf_counter() - started:.2f}s"))
