"""`peiyu serve`: gunicorn with several workers (the production server), static files by whitenoise."""

import multiprocessing
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication


class _App(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type information
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from peiyu.core.wsgi import application_frozen

        return application_frozen()


class Command(BaseCommand):
    help = "以 gunicorn 启动服务"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=min(4, multiprocessing.cpu_count() * 2))
        parser.add_argument("--threads", type=int, default=1)

    def handle(self, *args: Any, host: str, port: int, workers: int, threads: int, **options: Any) -> None:
        _App(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "accesslog": "-",
                "timeout": 120,
                "graceful_timeout": 10,
            }
        ).run()
