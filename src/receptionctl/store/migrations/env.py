"""Alembic environment: always online, on the connection receptionctl hands over."""

from alembic import context
from sqlmodel import SQLModel

import receptionctl.store.models  # noqa: F401  (registers the tables)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
