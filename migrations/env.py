"""Alembic environment: runs against the engine the caller hands over (see workforce.db)."""

from alembic import context
from sqlmodel import SQLModel

import workforce.accounts.models  # noqa: F401  (users, tokens, sign-in attempts, corrections)
import workforce.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from workforce.config import get_settings
from workforce.db import make_engine

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    engine = context.config.attributes.get("engine") or make_engine(get_settings().database_url)
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run_migrations()
