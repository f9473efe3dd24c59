"""The engine, the session scope and the schema version.

SQLite connections get foreign keys, WAL, a busy timeout, and writes begin with
BEGIN IMMEDIATE (a deferred transaction that reads then writes can fail with
"database is locked" at once, whatever the timeout). PostgreSQL needs none of it.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError

from receptionctl import reasons
from receptionctl.errors import BadInput, ReceptionError, Refused, StorageError
from receptionctl.i18n import _
from receptionctl.store.migrations import SCHEMA_HEAD

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BUSY_TIMEOUT_S = 15
FILES_INFO = "receptionctl.files"  # session.info: the attachment store's folder (None: none configured)
FILES_ENV = "RECEPTIONCTL_FILES"  # the attachment store of a server database
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


_SQLITE_BASE: list[Engine] = []  # one in-memory engine whose dialect every SQLite engine shares


class CompiledSQL:
    """The process's compiled statements, shared by every SQLite engine (SQLAlchemy's
    `compiled_cache` execution option): at most `size` of them, the least recently used
    dropped first, as in the cache an engine keeps of its own (500 by default)."""

    def __init__(self, size: int = 500) -> None:
        import threading
        from collections import OrderedDict

        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, default=None):
        with self.lock:
            value = self.entries.get(key, default)
            if key in self.entries:
                self.entries.move_to_end(key)
            return value

    def __setitem__(self, key, value) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self.entries)


_COMPILED_SQL = CompiledSQL()


def _share_compiled_sql(engine: Engine) -> None:
    """Let `engine` use the process's one SQLite dialect and its cache of compiled statements.

    SQLAlchemy caches a statement's compiled SQL per engine (its dialect is part of the key), so
    each new engine compiles every statement again: most of a short command's time. One command
    opens one file, but a process that opens many (the test suite, `db restore`'s staged copy,
    the benchmarks) then compiles each statement once. SQLite's dialect holds nothing of a file:
    only the library's version and features, the same for every file (the base engine connects
    once to an in-memory database to learn them)."""
    if not _SQLITE_BASE:
        base = create_engine("sqlite://")
        with base.connect():  # initialises the dialect (the SQLite library's version and features)
            pass
        _SQLITE_BASE.append(base)
    engine.dialect = _SQLITE_BASE[0].dialect
    engine.update_execution_options(compiled_cache=_COMPILED_SQL)


class Work:
    """A command's session over one connection and its transaction. A Core statement (a read
    through the light handles of store/light.py) runs on the connection itself, so that a read
    never imports the ORM (0.1 s of every run); the ORM's Session is made on first need (a
    table class's object read, added or flushed, or any statement once the ORM is loaded) over
    the same connection and transaction, and it takes the session's `info` over. The domain
    calls it as it would a Session: execute, scalar, scalars, get_bind, info; the rest (add, get,
    flush, delete, ...) is the ORM Session's."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._orm: Any = None
        self.info: dict = {}

    @property
    def orm(self) -> "Session":
        if self._orm is None:
            from sqlalchemy.orm import Session

            self._orm = Session(bind=self._conn, expire_on_commit=False, autoflush=True, info=self.info)
            self.info = self._orm.info  # one dict from now on, whoever reads it
        return self._orm

    def _runner(self):
        """The connection itself while no ORM statement can exist (sqlalchemy.orm never imported),
        else the ORM Session."""
        if self._orm is None and "sqlalchemy.orm" not in sys.modules:
            return self._conn
        return self.orm

    def execute(self, statement, params=None, **kw):
        return self._runner().execute(statement, params, **kw)

    def scalar(self, statement, params=None, **kw):
        return self._runner().scalar(statement, params, **kw)

    def scalars(self, statement, params=None, **kw):
        return self._runner().scalars(statement, params, **kw)

    def get_bind(self, *args, **kw):
        return self._conn

    def connection(self, *args, **kw) -> Connection:
        return self._conn

    def flush(self, *args, **kw) -> None:
        if self._orm is not None:
            self._orm.flush(*args, **kw)

    def close(self) -> None:
        if self._orm is not None:
            self._orm.close()

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.orm, name)


class Database:
    """One database: a SQLite file or a server URL."""

    def __init__(self, target: str, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.url = url_for(target)
        try:
            parsed = make_url(self.url)
        except ArgumentError:
            raise StorageError(_("cannot read database URL {url!r}").format(url=target),
                               hint=_("give a file path or a SQLAlchemy URL such as {example}").format(
                                   example="postgresql+psycopg://user@host/dbname")) from None
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.path: Path | None = Path(parsed.database) if self.is_sqlite and parsed.database else None
        self.files: Path | None = files_folder(self.path) if self.path is not None else _files_setting()
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
                        _("cannot use database {database}: the PostgreSQL driver is not installed (no module "
                          "{module!r}); install receptionctl[postgres]").format(database=describe(self.url),
                                                                                 module=exc.name or "psycopg"),
                        hint=_("pipx install 'receptionctl[postgres]' (or pip install 'receptionctl[postgres]'), "
                               "and give a postgresql+psycopg:// URL")) from None
                raise StorageError(_("cannot use database {database}: {reason}").format(
                    database=describe(self.url), reason=reasons.of(exc, str(exc)))) from None
            except Exception as exc:  # unknown driver, bad URL parts
                raise StorageError(_("cannot use database {database}: {reason}").format(
                    database=describe(self.url), reason=reasons.of(exc, str(exc)))) from None
        engine = create_engine(self.url, connect_args={"timeout": self.busy_timeout})
        _share_compiled_sql(engine)
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
            raise StorageError(_("cannot create database file {file}: {reason}").format(
                file=self.path, reason=reasons.os_error(exc, exc.strerror))) from None

    # -- sessions ---------------------------------------------------------------------
    @contextmanager
    def connection(self, write: bool, foreign_keys: bool = True) -> Iterator[Connection]:
        """A connection inside one transaction, committed at the end, rolled back on error.
        `foreign_keys=False` (migrations only): SQLite enforces no references for this
        transaction, so that a table can be rebuilt (SQLite's documented way); the pragma is
        set outside the transaction, where it has effect, and set back afterwards."""
        if not self.exists():
            raise StorageError(_("no database at {path}").format(path=self.path),
                               hint=_("run `receptionctl init` first"))
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
            raise Refused(_("refused by the database: {reason}").format(
                reason=reasons.database(_first_line(exc.orig)))) from None
        except OperationalError as exc:
            raise _storage_error(exc, self.url, self.busy_timeout) from None
        except DBAPIError as exc:
            if "not a database" in _first_line(exc.orig) or "malformed" in _first_line(exc.orig):
                raise _storage_error(exc, self.url, self.busy_timeout) from None  # names the file
            raise StorageError(_("database error: {reason}").format(
                reason=reasons.database(_first_line(exc.orig)))) from None

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """A session over one transaction on a database at the current schema."""
        with self.connection(write) as conn:
            if not self._checked:
                check_revision(conn, self.url)
                self._checked = True
            session = Work(conn)
            session.info[FILES_INFO] = self.files  # the attachment store (domain.attachments.store_root)
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
            if before is not None and before != SCHEMA_HEAD:
                from receptionctl.store.migrations import known_revisions

                if before not in known_revisions():  # made by a newer receptionctl: alembic cannot go there
                    check_revision(conn, self.url)
            if before != SCHEMA_HEAD:
                command.upgrade(_alembic_config(conn), "head")
                if self.is_sqlite:  # the rebuilt tables must still point at existing rows
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StorageError(_("the migration left {n} rows pointing at missing rows (first: table "
                                             "{table} row {row}); nothing was changed").format(
                                                 n=len(broken), table=broken[0][0], row=broken[0][1]))
            if seed is not None:
                from sqlalchemy.orm import Session

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
            raise StorageError(_("db backup copies SQLite files only"),
                               hint=_("back up PostgreSQL with pg_dump, and the attachment folder ({variable}) "
                                      "with it").format(variable=FILES_ENV))
        if not self.exists():
            raise StorageError(_("no database at {path}").format(path=self.path),
                               hint=_("run `receptionctl init` first"))
        dest = Path(target).expanduser().resolve()
        try:
            taken, files_taken = dest.exists(), files_folder(dest).exists()
        except OSError as exc:  # a name too long for the file system, a folder that cannot be read
            raise StorageError(_("cannot back up to {file}: {reason}").format(
                file=dest, reason=reasons.os_error(exc, exc.strerror))) from None
        if taken:
            raise Refused(_("backup file {file} already exists").format(file=dest), hint=_("give a new file name"))
        if files_taken:
            raise Refused(_("backup folder {folder} (for the attachments) already exists").format(
                folder=files_folder(dest)), hint=_("give a new file name"))
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
            with suppress(OSError):  # a path through a file: nothing was made (NotADirectoryError)
                dest.unlink(missing_ok=True)
            raise StorageError(_("cannot back up to {file}: {reason}").format(
                file=dest, reason=reasons.of(exc, str(exc)))) from None
        return dest

    def restore(self, source: str, prepare: Callable[["Database", str, Path], None], stamp: str) -> Restored:
        """Replace this SQLite database (and its attachment store) by the backup `source`,
        every check first, so that a failed one changes nothing:
        - `source` is a SQLite file whose PRAGMA integrity_check passes, with a schema revision
          this program knows (a newer one is refused); it is checked on a staged copy in the
          database's folder (with its write-ahead log, if one lies beside it);
        - `prepare(staged, revision, staged_files)` then migrates the copy when it is older, and
          does the caller's checks (the key, the attachments, copied into `staged_files`);
        - only then the current database is kept aside as `<db>.replaced-<stamp>` (its store as
          `<db>.replaced-<stamp>.files`) and the staged copy and store take their places.
        Refused (exit 5) while another program reads or writes the database. A failure after the
        swap began (an error of the file system) leaves the copy aside whole. Server databases:
        exit 2 (pg_restore restores them)."""
        import shutil
        import tempfile

        if not self.is_sqlite or self.path is None:
            raise server_restore()
        src = Path(source).expanduser().absolute()
        if not src.is_file():
            raise StorageError(_("no backup file at {file}; nothing was changed").format(file=src))
        try:
            with open(src, "rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise StorageError(_("cannot read backup {file}: {reason}; nothing was changed").format(
                file=src, reason=reasons.os_error(exc, exc.strerror))) from None
        if header != SQLITE_HEADER:
            raise StorageError(_("backup {file} is not a SQLite database; nothing was changed").format(file=src))
        if src.resolve() == self.path.resolve():
            raise StorageError(_("backup {file} is the database in use; nothing was changed").format(file=src))
        folder = self.path.parent
        staged = staged_files = None
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, name = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.restore-")
            os.close(fd)
            staged = Path(name)
            shutil.copyfile(src, staged)
            wal = Path(f"{src}-wal")
            if wal.is_file() and wal.stat().st_size > 0:
                shutil.copyfile(wal, f"{staged}-wal")
            os.chmod(staged, 0o600)
            revision = _check_backup(staged, src)
            staged_files = Path(tempfile.mkdtemp(dir=folder, prefix=f".{self.path.name}.files.restore-"))
            copy = Database(str(staged), busy_timeout=self.busy_timeout)
            try:
                prepare(copy, revision, staged_files)
            finally:
                copy.dispose()
            _fold_wal(staged)
            aside = self._step_aside(stamp)
            os.replace(staged, self.path)
            _remove_sqlite(Path(name))  # its -wal and -shm, if any were left
            staged = None
            files_aside = None
            if self.files is not None and self.files.exists():
                files_aside = files_folder(aside) if aside is not None else _unique(
                    self.files.with_name(f"{self.files.name}.replaced-{stamp}"))
                os.rename(self.files, files_aside)
            if self.files is not None:
                os.rename(staged_files, self.files)
                staged_files = None
        except OSError as exc:
            raise StorageError(_("cannot restore {file}: {reason}").format(
                file=src, reason=reasons.os_error(exc, exc.strerror or str(exc)))) from None
        finally:
            if staged is not None:
                _remove_sqlite(staged)
            if staged_files is not None:
                shutil.rmtree(staged_files, ignore_errors=True)
        self._checked = False
        return Restored(src, revision, revision != SCHEMA_HEAD, aside, files_aside)

    def _step_aside(self, stamp: str) -> Path | None:
        """A copy of the current database, whole (SQLite's backup API, its write-ahead log
        checkpointed first), at `<db>.replaced-<stamp>` (mode 0600); None when there is no
        current file. Refused while another program reads or writes it (the checkpoint cannot
        finish); a program that merely holds it open keeps the file that is replaced (stop
        them first)."""
        import shutil
        import sqlite3

        self.dispose()
        assert self.path is not None
        if not self.path.exists():
            return None
        aside = _unique(self.path.with_name(f"{self.path.name}.replaced-{stamp}"))
        fd = os.open(aside, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        try:
            conn = sqlite3.connect(str(self.path), timeout=self.busy_timeout, isolation_level=None)
            try:
                busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                wal = Path(f"{self.path}-wal")
                if busy or (wal.exists() and wal.stat().st_size > 0):  # a reader or a writer at work
                    raise _in_use(self.path)
                copy = sqlite3.connect(str(aside))
                try:
                    conn.backup(copy)
                finally:
                    copy.close()
            finally:
                conn.close()
        except sqlite3.OperationalError as exc:
            _remove_sqlite(aside)
            if "locked" in str(exc) or "busy" in str(exc):
                raise _in_use(self.path) from None
            raise StorageError(_("cannot keep a copy of {path}: {reason}; nothing was changed").format(
                path=self.path, reason=reasons.of(exc, str(exc)))) from None
        except sqlite3.DatabaseError:  # an unreadable current database is kept as it is
            shutil.copyfile(self.path, aside)
        except BaseException:
            _remove_sqlite(aside)
            raise
        return aside

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
                problems.append(_("foreign key: table {table} row {row} points at a missing {parent}").format(
                    table=row[0], row=row[1], parent=row[2]))
            return problems


def _in_use(path: Path) -> StorageError:
    return StorageError(_("database {path} is in use by another program; nothing was changed").format(path=path),
                        hint=_("stop the other receptionctl commands (and cron jobs) and try again"))


def files_folder(database: Path) -> Path:
    """The attachment store of a SQLite file, beside it: `reception.db` -> `reception.db.files`
    (a backup `b.db` -> `b.db.files`, a replaced database keeps its own beside it too)."""
    return database.with_name(database.name + ".files")


def _files_setting() -> Path | None:
    """The attachment store of a server database: the folder RECEPTIONCTL_FILES names (read
    where the database is opened, with --db and RECEPTIONCTL_DB); None when it is not set."""
    value = os.environ.get(FILES_ENV, "").strip()
    return Path(value).expanduser().absolute() if value else None


def server_restore() -> BadInput:
    """`db restore` of a server database: not ours to do (exit 2)."""
    return BadInput(_("db restore replaces SQLite database files only; this database is on a server"),
                    hint=_("restore a PostgreSQL database with pg_restore (from a pg_dump archive), and copy its "
                           "attachment folder ({variable}) back").format(variable=FILES_ENV))


@dataclass(frozen=True)
class Restored:
    """What `Database.restore` did."""

    source: Path
    revision: str  # the backup's schema revision, before any migration
    migrated: bool  # it was older than this program's and was migrated to SCHEMA_HEAD
    aside: Path | None  # where the replaced database is kept (None: there was none)
    files_aside: Path | None  # where the replaced attachment store is kept (None: there was none)


SQLITE_HEADER = b"SQLite format 3\x00"


def _unique(path: Path) -> Path:
    if not path.exists() and not files_folder(path).exists():
        return path
    n = 2
    while True:
        other = path.with_name(f"{path.name}-{n}")
        if not other.exists() and not files_folder(other).exists():
            return other
        n += 1


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def _check_backup(staged: Path, shown: Path) -> str:
    """The staged copy of a backup: readable by SQLite, PRAGMA integrity_check ok, references
    whole, and a schema revision this program knows (not newer). Its revision."""
    import sqlite3

    from receptionctl.store.migrations import known_revisions

    try:
        conn = sqlite3.connect(str(staged), isolation_level=None)
        try:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
            if problems:
                first = problems[0].strip().splitlines()[0]
                raise StorageError(_("backup {file} failed its integrity check: {problem}; nothing was changed")
                                   .format(file=shown, problem=reasons.database(first)))
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StorageError(_("backup {file} has {n} rows pointing at missing rows (first: table {table} row "
                                     "{row}); nothing was changed").format(file=shown, n=len(broken),
                                                                           table=broken[0][0], row=broken[0][1]))
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone() is None:
                raise StorageError(_("backup {file} is not a receptionctl database (it has no schema revision); "
                                     "nothing was changed").format(file=shown))
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(_("backup {file} is unreadable: {reason}; nothing was changed").format(
            file=shown, reason=reasons.database(_first_line(exc)))) from None
    revision = row[0] if row else None
    if revision is None:
        raise StorageError(_("backup {file} has no schema revision; nothing was changed").format(file=shown))
    if revision not in known_revisions():
        raise StorageError(_("backup {file} is at schema {revision}, newer than (or unknown to) this receptionctl "
                             "({head}); nothing was changed").format(file=shown, revision=revision, head=SCHEMA_HEAD),
                           hint=_("restore it with the receptionctl that made it"))
    return revision


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
        raise StorageError(_("database {database} is not initialised").format(database=describe(url)),
                           hint=_("run `receptionctl init`"))
    from receptionctl.store.migrations import known_revisions

    if rev in known_revisions():
        raise StorageError(
            _("database {database} is at schema {revision}, this receptionctl needs {head}").format(
                database=describe(url), revision=rev, head=SCHEMA_HEAD),
            hint=_("run `receptionctl db migrate`"),
        )
    raise StorageError(
        _("database {database} is at schema {revision}, unknown to this receptionctl").format(
            database=describe(url), revision=rev),
        hint=_("it was made by a newer receptionctl: upgrade the tool"),
    )


def _fold_wal(path: Path) -> None:
    """A SQLite file whole: its write-ahead log checkpointed into it and removed."""
    import sqlite3

    if not Path(f"{path}-wal").exists():
        return
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


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
            _("database {database} is locked (waited {seconds} s)").format(database=describe(url),
                                                                           seconds=f"{timeout:g}"),
            hint=_("another receptionctl is writing; try again"),
        )
    if "no such table" in msg or "no such column" in msg or "does not exist" in msg and "relation" in msg:
        return StorageError(_("database {database} has an old schema: {reason}").format(database=describe(url),
                                                                                        reason=reasons.database(msg)),
                            hint=_("run `receptionctl db migrate`"))
    if "not a database" in msg or "malformed" in msg:
        return StorageError(_("database {database} is unreadable: {reason}").format(database=describe(url),
                                                                                    reason=reasons.database(msg)))
    return StorageError(_("database {database}: {reason}").format(database=describe(url), reason=reasons.database(msg)))
