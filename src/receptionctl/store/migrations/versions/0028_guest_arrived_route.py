"""issue 27: the host is told when a guest arrives. No schema change: the new event guest.arrived
has the default route guest.arrived=host, and a database's notify_routes is stored at init (every
setting gets its row), so an existing database's routes would shadow that default for good. Its
stored routes get guest.arrived=host added, unless they are none (nobody hears of anything: an
admin's choice, kept). A downgrade takes guest.arrived out again (an older receptionctl does not
know the event, and would drop the whole value for its default).

Revision ID: 0028
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0023"
branch_labels = None
depends_on = None

EVENT = "guest.arrived"
ROUTE = EVENT + "=host"


def _routes(conn) -> str | None:
    return conn.execute(sa.text("SELECT value FROM policy WHERE key = 'notify_routes'")).scalar()


def _store(conn, value: str) -> None:
    conn.execute(sa.text("UPDATE policy SET value = :value WHERE key = 'notify_routes'"), {"value": value})


def _parts(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


def _named(part: str) -> bool:
    return part.split("=", 1)[0].split(":", 1)[0].strip() == EVENT


def upgrade() -> None:
    conn = op.get_bind()
    value = _routes(conn)
    if value is None or value.strip().lower() in ("", "none", "off"):
        return  # a new database (its default comes with init), or routes switched off
    parts = _parts(value)
    if not any(_named(p) for p in parts):
        _store(conn, ",".join([*parts, ROUTE]))


def downgrade() -> None:
    conn = op.get_bind()
    value = _routes(conn)
    if value is None or value.strip().lower() in ("", "none", "off"):
        return
    kept = [p for p in _parts(value) if not _named(p)]
    _store(conn, ",".join(kept) or "none")
