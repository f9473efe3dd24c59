"""audit chain: each audit event carries prev_hash and hash (SHA-256), chained in id order

The chain over the events already there is computed here, in id order, a batch at a time. The
hash is frozen in this file (a migration must not change when the code does); it is the same as
domain.audit.chain_hash, and a test checks that a migrated log verifies.

Revision ID: 0019
Revises: 0018
"""
import hashlib
import json
from datetime import timezone

import sqlalchemy as sa
from alembic import op

from receptionctl.store.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
BATCH = 1000


def _hash(prev_hash, r) -> str:
    at = r.at if r.at.tzinfo is not None else r.at.replace(tzinfo=timezone.utc)
    moment = at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = json.dumps([r.id, moment, r.actor, r.action, r.entity, r.entity_id, r.visit_id, r.before, r.after],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("prev_hash", sa.String(64), nullable=True))  # plain ADD COLUMN on both
    op.add_column("audit_event", sa.Column("hash", sa.String(64), nullable=True))
    conn = op.get_bind()
    t = sa.table("audit_event", sa.column("id", sa.Integer()), sa.column("at", UTCDateTime()),
                 sa.column("actor", sa.String()), sa.column("action", sa.String()), sa.column("entity", sa.String()),
                 sa.column("entity_id", sa.Integer()), sa.column("visit_id", sa.Integer()),
                 sa.column("before", sa.Text()), sa.column("after", sa.Text()),
                 sa.column("prev_hash", sa.String()), sa.column("hash", sa.String()))
    fill = (t.update().where(t.c.id == sa.bindparam("b_id"))
            .values(prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash")))
    prev, last = GENESIS, None
    while True:
        q = sa.select(t.c.id, t.c.at, t.c.actor, t.c.action, t.c.entity, t.c.entity_id, t.c.visit_id, t.c.before,
                      t.c.after).order_by(t.c.id).limit(BATCH)
        if last is not None:
            q = q.where(t.c.id > last)
        rows = conn.execute(q).all()
        if not rows:
            break
        changes = []
        for r in rows:
            h = _hash(prev, r)
            changes.append({"b_id": r.id, "b_prev": prev, "b_hash": h})
            prev = h
        conn.execute(fill, changes)
        last = rows[-1].id
        if len(rows) < BATCH:
            break


def downgrade() -> None:
    op.execute("DELETE FROM meta WHERE key = 'audit_anchor'")
    # a plain DROP COLUMN on both (SQLite >= 3.35): rebuilding the table would go through its rows
    op.drop_column("audit_event", "hash")
    op.drop_column("audit_event", "prev_hash")
