"""`peiyu demo`: one command from a fresh clone to a running, populated platform. Each step says what it
does and, when done, how long it took, so the long ones (migrations, the demo sections) are not silence;
at the end it prints every demo account grouped by the journey of JOURNEYS.md that uses it.

A demo built in December counts deadlines into the next year, whose official holidays may not be
published yet: the calendar then warns on every count (logged, and as a CalendarDataWarning). While the
demo data is built those warnings are held back, and the gap is said once, in words, after the
accounts, with who enters the missing year and where (the system administrator's to-do list)."""

import logging
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from peiyu.accounts.services.roles import roles_load
from peiyu.core.calendar import CalendarDataWarning
from peiyu.core.policy import load_policy_files
from peiyu.demo.data import DEMO_PASSWORD, build_demo
from peiyu.demo.journeys import by_journey


class Command(BaseCommand):
    help = "安装并启动演示：迁移 SQLite 数据库、载入参考数据与政策配置、生成演示数据、打印演示账户并启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        parser.add_argument("--workers", type=int, default=2)

    def step(self, label: str, indent: str = "· ") -> Callable[[], None]:
        """Print the step's name now; the returned function prints how long it took."""
        self.stdout.write(f"{indent}{label} …", ending="")
        self.stdout.flush()
        started = time.monotonic()

        def done() -> None:
            self.stdout.write(f" 完成（{time.monotonic() - started:.1f} 秒）")

        return done

    def handle(self, *args, port, host, no_serve, workers, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        done = self.step("数据库迁移（首次约需一分钟）")
        call_command("migrate", interactive=False, verbosity=0)
        done()
        done = self.step("参考数据（行政区划、职业、等级、行业）")
        call_command("load_reference", verbosity=0, stdout=_Quiet())
        done()
        done = self.step("角色与政策配置")
        roles_load()
        load_policy_files()
        done()
        done = self.step("页面样式与图标（静态文件）")
        call_command("collectstatic", interactive=False, verbosity=0)
        done()
        self.stdout.write("· 演示数据：")
        with calendar_warnings_held() as held:
            build_demo(progress=lambda label: self.step(label, indent="  – "))
        self.print_accounts()
        self.print_calendar_gap(held)
        self.stdout.write(f"数据库：{settings.DATABASES['default']['NAME']}")
        if no_serve:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"访问 http://{host}:{port}/  （公共门户）  登录：http://{host}:{port}/accounts/login/"
            )
        )
        if getattr(settings, "PEIYU_DEMO", False):
            self.stdout.write(f"演示账户一览：http://{host}:{port}/demo/accounts/")
        call_command("serve", host=host, port=port, workers=workers)

    def print_calendar_gap(self, held: list[str]) -> None:
        """What the calendar warned while the demo data was built, said once (module docstring)."""
        for message in held:
            self.stdout.write(self.style.NOTICE(f"提示：{message}（见系统管理员 sysadmin 的待办事项）"))

    def print_accounts(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"演示账户（按旅程分组，密码均为 {DEMO_PASSWORD}）："))
        for journey in by_journey():
            heading = f"旅程 {journey.number} · {journey.title}" if journey.number else journey.title
            self.stdout.write(self.style.MIGRATE_HEADING(heading))
            if journey.public:
                self.stdout.write("  无需登录：任何人可在门户首页进入")
            width = max((len(a.username) for a in journey.accounts), default=0)
            for a in journey.accounts:
                self.stdout.write(f"  {a.username.ljust(width)}  {a.full_name}  {a.role}：{a.does}")
        self.stdout.write("")


class _Quiet:
    """Swallows the reference loader's per-table counts (the step's own line says it is done)."""

    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass


@contextmanager
def calendar_warnings_held() -> Iterator[list[str]]:
    """Hold back the calendar's warnings about years without holiday data (neither logged nor shown)
    while the demo data is built, and give their distinct messages; any other warning is shown as
    usual once the block ends."""
    log = logging.getLogger("peiyu.calendar")
    level = log.level
    held: list[str] = []
    log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CalendarDataWarning)
            yield held
        for w in caught:
            if not issubclass(w.category, CalendarDataWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            elif str(w.message) not in held:
                held.append(str(w.message))
    finally:
        log.setLevel(level)
