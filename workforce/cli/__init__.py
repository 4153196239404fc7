"""Command-line interface. Each module below registers its commands on :data:`app`."""

from workforce.cli import (  # noqa: F401  (importing a module registers its commands)
    database,
    demo,
    deploy_commands,
    io_commands,
    plan_commands,
    report_commands,
    roadmap_commands,
    server_commands,
    whatif_commands,
)
from workforce.cli.app import app

__all__ = ["app"]
