"""Async engines and session factories for SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 10_000
POSTGRES_CONNECT_TIMEOUT_S = 10

# Hosting providers hand out driverless URLs; the bot needs the asyncio drivers.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
}


def normalize_url(url: str | URL) -> URL:
    """Parse a database URL and pick the asyncio driver when none is named."""
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    return parsed.set(drivername=driver) if driver else parsed


def sqlite_file(url: URL) -> Path | None:
    """Return the database file of a SQLite URL, or None for in-memory databases."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def is_in_memory(url: str | URL) -> bool:
    """Return whether a database URL names an in-memory SQLite database, gone at exit."""
    try:
        parsed = normalize_url(url)
    except ArgumentError:
        return False  # opening it reports the bad URL
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    return database in ("", ":memory:") or parsed.query.get("mode") == "memory"


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers run alongside the single writer; busy_timeout makes writers queue
        # instead of failing with "database is locked".
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Safe in WAL mode: a power cut may lose the last commits but never corrupts the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def create_engine(url: str | URL, **options: Any) -> AsyncEngine:
    """Create an async engine configured for the URL's backend; options go to SQLAlchemy."""
    parsed = normalize_url(url)
    backend = parsed.get_backend_name()
    connect_args = dict(options.pop("connect_args", {}))
    if backend == "sqlite":
        path = sqlite_file(parsed)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(parsed, connect_args=connect_args, **options)
        event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
        return engine
    if backend == "postgresql":
        # asyncpg waits 60 s for an unreachable host by default; fail start-up sooner.
        connect_args.setdefault("timeout", POSTGRES_CONNECT_TIMEOUT_S)
        options.setdefault("pool_pre_ping", True)
    return create_async_engine(parsed, connect_args=connect_args, **options)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Create the session factory: objects stay usable after commit, one session per call."""
    return async_sessionmaker(engine, expire_on_commit=False)
