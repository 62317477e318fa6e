import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from peiyu.core import tick


class Command(BaseCommand):
    help = "推进所有随时间变化的状态（公示结束、到期、视为放弃、逾期提醒）；可重复执行"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--at", help="以该时刻为当前时间（ISO 8601），用于补跑")

    def handle(self, *args: Any, at: str | None = None, **options: Any) -> None:
        now = timezone.now()
        if at:
            try:
                now = dt.datetime.fromisoformat(at)
            except ValueError as exc:
                raise CommandError(f"--at 不是有效的时间：{at}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        results = tick.run(now)
        for name, changed in results.items():
            self.stdout.write(f"{name}: {changed}")
        self.stdout.write(self.style.SUCCESS(f"tick 完成：{sum(results.values())} 项变化"))
