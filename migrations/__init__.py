"""The Alembic migrations, installed as the package ``workforce._migrations`` (see
``workforce.db.MIGRATIONS_DIR``)."""
