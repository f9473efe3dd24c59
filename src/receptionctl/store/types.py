"""Column types."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware datetimes stored as UTC. SQLite drops tzinfo: this puts it back."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored: give it a time zone")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def result_processor(self, dialect, coltype):
        """On SQLite the stored text is parsed here in one step (fromisoformat, in C) rather
        than by the dialect's parser and then again by process_result_value: a long list
        reads thousands of these."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse, utc = datetime.fromisoformat, timezone.utc

        def process(value):
            if value is None:
                return None
            if isinstance(value, str):
                value = parse(value)
            return value.replace(tzinfo=utc) if value.tzinfo is None else value.astimezone(utc)

        return process

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # raw text from an older SQLite row
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
