"""The engine, the session scope and the schema version.

SQLite connections get foreign keys, WAL, a busy timeout, and writes begin with
BEGIN IMMEDIATE (a deferred transaction that reads then writes can fail with
"database is locked" at once, whatever the timeout). PostgreSQL needs none of it.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from receptionctl.errors import ReceptionError, Refused, StorageError
from receptionctl.store.migrations import SCHEMA_HEAD

BUSY_TIMEOUT_S = 15
_INIT_LOCK_ID = 0x52435443  # "RCTC": the advisory lock two `init` runs on PostgreSQL share


def url_for(target: str) -> str:
    """A SQLAlchemy URL from a plain path or a URL."""
    if "://" in target:
        return target
    return "sqlite:///" + str(Path(target).expanduser().resolve())


def describe(url: str) -> str:
    """The database for messages, without a password."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return u.database or ":memory:"
    return u.render_as_string(hide_password=True)


class Database:
    """One database: a SQLite file or a server URL."""

    def __init__(self, target: str, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.url = url_for(target)
        try:
            parsed = make_url(self.url)
        except ArgumentError:
            raise StorageError(f"cannot read database URL {target!r}",
                               hint="give a file path or a SQLAlchemy URL such as "
                               "postgresql+psycopg://user@host/dbname") from None
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.path: Path | None = Path(parsed.database) if self.is_sqlite and parsed.database else None
        self.busy_timeout = busy_timeout
        self._engine: Engine | None = None
        self._checked = False

    # -- engine -----------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._make_engine()
        return self._engine

    def _make_engine(self) -> Engine:
        if not self.is_sqlite:
            try:
                return create_engine(self.url)
            except ImportError as exc:  # the driver is not installed (an extra of the package)
                if make_url(self.url).get_backend_name() == "postgresql":
                    raise StorageError(
                        f"cannot use database {describe(self.url)}: the PostgreSQL driver is not installed "
                        f"(no module {exc.name or 'psycopg'!r}); install receptionctl[postgres]",
                        hint="pipx install 'receptionctl[postgres]' (or pip install 'receptionctl[postgres]'), "
                        "and give a postgresql+psycopg:// URL") from None
                raise StorageError(f"cannot use database {describe(self.url)}: {exc}") from None
            except Exception as exc:  # unknown driver, bad URL parts
                raise StorageError(f"cannot use database {describe(self.url)}: {exc}") from None
        engine = create_engine(self.url, connect_args={"timeout": self.busy_timeout})
        timeout_ms = int(self.busy_timeout * 1000)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised through every test
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("receptionctl_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    def exists(self) -> bool:
        return not self.is_sqlite or (self.path is not None and self.path.exists())

    def create_file(self) -> None:
        """Create the SQLite file (mode 0600) and its folder, if missing."""
        if not self.is_sqlite or self.path is None or self.path.exists():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        except FileExistsError:
            pass  # another `init` made it first
        except OSError as exc:
            raise StorageError(f"cannot create database file {self.path}: {exc.strerror}") from None

    # -- sessions ---------------------------------------------------------------------
    @contextmanager
    def connection(self, write: bool, foreign_keys: bool = True) -> Iterator[Connection]:
        """A connection inside one transaction, committed at the end, rolled back on error.
        `foreign_keys=False` (migrations only): SQLite enforces no references for this
        transaction, so that a table can be rebuilt (SQLite's documented way); the pragma is
        set outside the transaction, where it has effect, and set back afterwards."""
        if not self.exists():
            raise StorageError(f"no database at {self.path}", hint="run `receptionctl init` first")
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(receptionctl_write=True)
                raw = conn.connection.dbapi_connection if (self.is_sqlite and not foreign_keys) else None
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys = OFF")  # no transaction is open yet
                try:
                    with conn.begin():
                        yield conn
                finally:
                    if raw is not None:
                        raw.execute("PRAGMA foreign_keys = ON")
        except ReceptionError:
            raise
        except IntegrityError as exc:
            raise Refused(f"refused by the database: {_first_line(exc.orig)}") from None
        except OperationalError as exc:
            raise _storage_error(exc, self.url, self.busy_timeout) from None
        except DBAPIError as exc:
            raise StorageError(f"database error: {_first_line(exc.orig)}") from None

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """A session over one transaction on a database at the current schema."""
        with self.connection(write) as conn:
            if not self._checked:
                check_revision(conn, self.url)
                self._checked = True
            session = Session(bind=conn, expire_on_commit=False, autoflush=True)
            try:
                yield session
                session.flush()
            finally:
                session.close()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    # -- schema -----------------------------------------------------------------------
    def upgrade(self, seed: Callable[[Session, str | None], None] | None = None) -> tuple[str | None, str]:
        """Bring the schema to the head revision and run `seed` in the same transaction.

        Safe when two processes run it at once: SQLite serialises them with BEGIN
        IMMEDIATE, PostgreSQL with a transaction-level advisory lock; the second finds
        the schema current and the seed already there.
        """
        from alembic import command

        self.create_file()
        with self.connection(write=True, foreign_keys=False) as conn:
            if not self.is_sqlite:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_INIT_LOCK_ID})")
            before = current_revision(conn)
            if before != SCHEMA_HEAD:
                command.upgrade(_alembic_config(conn), "head")
                if self.is_sqlite:  # the rebuilt tables must still point at existing rows
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StorageError(f"the migration left {len(broken)} rows pointing at missing rows "
                                           f"(first: table {broken[0][0]} row {broken[0][1]}); nothing was changed")
            if seed is not None:
                session = Session(bind=conn, expire_on_commit=False)
                seed(session, before)
                session.flush()
                session.close()
        self._checked = True
        return before, SCHEMA_HEAD

    def backup(self, target: str) -> Path:
        """A consistent copy of the SQLite file (the online backup API), mode 0600."""
        import sqlite3

        if not self.is_sqlite:
            raise StorageError("db backup copies SQLite files only",
                               hint="back up PostgreSQL with pg_dump")
        if not self.exists():
            raise StorageError(f"no database at {self.path}", hint="run `receptionctl init` first")
        dest = Path(target).expanduser().resolve()
        if dest.exists():
            raise Refused(f"backup file {dest} already exists", hint="give a new file name")
        try:
            fd = os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
            src = sqlite3.connect(str(self.path), timeout=self.busy_timeout)
            dst = sqlite3.connect(str(dest))
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        except (OSError, sqlite3.Error) as exc:
            dest.unlink(missing_ok=True)
            raise StorageError(f"cannot back up to {dest}: {exc}") from None
        return dest

    def revision(self) -> str | None:
        with self.connection(write=False) as conn:
            return current_revision(conn)

    def integrity(self) -> list[str]:
        """Problems found by the database's own checks (empty when healthy)."""
        with self.connection(write=False) as conn:
            if not self.is_sqlite:
                conn.execute(text("SELECT 1"))
                return []
            problems = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            problems = [p for p in problems if p != "ok"]
            for row in conn.exec_driver_sql("PRAGMA foreign_key_check"):
                problems.append(f"foreign key: table {row[0]} row {row[1]} points at a missing {row[2]}")
            return problems


def current_revision(conn: Connection) -> str | None:
    from sqlalchemy import inspect

    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def check_revision(conn: Connection, url: str) -> None:
    rev = current_revision(conn)
    if rev == SCHEMA_HEAD:
        return
    if rev is None:
        raise StorageError(f"database {describe(url)} is not initialised", hint="run `receptionctl init`")
    from receptionctl.store.migrations import known_revisions

    if rev in known_revisions():
        raise StorageError(
            f"database {describe(url)} is at schema {rev}, this receptionctl needs {SCHEMA_HEAD}",
            hint="run `receptionctl db migrate`",
        )
    raise StorageError(
        f"database {describe(url)} is at schema {rev}, unknown to this receptionctl",
        hint="it was made by a newer receptionctl: upgrade the tool",
    )


def _alembic_config(conn: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


def _first_line(exc: BaseException | None) -> str:
    return str(exc).strip().splitlines()[0] if exc and str(exc).strip() else type(exc).__name__


def _storage_error(exc: OperationalError, url: str, timeout: float) -> StorageError:
    msg = _first_line(exc.orig)
    if "locked" in msg or "busy" in msg:
        return StorageError(
            f"database {describe(url)} is locked (waited {timeout:g} s)",
            hint="another receptionctl is writing; try again",
        )
    if "no such table" in msg or "no such column" in msg or "does not exist" in msg and "relation" in msg:
        return StorageError(f"database {describe(url)} has an old schema: {msg}", hint="run `receptionctl db migrate`")
    if "not a database" in msg or "malformed" in msg:
        return StorageError(f"database {describe(url)} is unreadable: {msg}")
    return StorageError(f"database {describe(url)}: {msg}")
