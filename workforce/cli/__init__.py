"""Command-line interface. Each module below registers its commands on :data:`app`."""

from workforce.cli import database  # noqa: F401
from workforce.cli import demo  # noqa: F401
from workforce.cli import io_commands  # noqa: F401
from workforce.cli import report_commands  # noqa: F401
from workforce.cli.app import app

__all__ = ["app"]
