"""The `peiyu` command: Django's management commands plus demo, serve, tick and audit."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peiyu.config.settings.dev")
    from django.core.management import execute_from_command_line

    argv[0] = "peiyu"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
