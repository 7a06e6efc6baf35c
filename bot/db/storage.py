"""Read and write viewer progress, guild settings and command-sync digests."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any, Final, Literal, Self, cast

from sqlalchemy import bindparam, delete, exists, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, CursorResult
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.core.progress import Progress
from bot.db.engine import create_engine, make_sessionmaker, normalize_url
from bot.db.errors import DatabaseUnavailable, describe, safe_url
from bot.db.migrate import upgrade_database
from bot.db.models import ChannelGuard, CommandSync, GuildSettings, ViewerProgress, utcnow


class _Unchanged(enum.Enum):
    UNCHANGED = enum.auto()


UNCHANGED: Final = _Unchanged.UNCHANGED
"""Marks a setting that `Storage.update_guild_settings` should leave as it is."""

# Tables keyed by user id: everything `forget_user` must erase.
_USER_TABLES = (ViewerProgress,)

_PROGRESS_QUERY = select(ViewerProgress.season, ViewerProgress.episode).where(
    ViewerProgress.user_id == bindparam("u"), ViewerProgress.show == bindparam("s")
)

# Every show of a user at once (a row per show they said, so a handful): a question with no
# show named reads the asker's progress in each loaded show to route it.
_USER_PROGRESS_QUERY = select(
    ViewerProgress.show, ViewerProgress.season, ViewerProgress.episode
).where(ViewerProgress.user_id == bindparam("u"))

# SQLSTATE classes meaning the server, not the query, is the problem: connection exception,
# insufficient resources, operator intervention (shutdown, starting up).
_UNAVAILABLE_SQLSTATES = ("08", "53", "57")


@dataclass(frozen=True, slots=True)
class GuildConfig:
    """A guild's settings; the defaults apply to guilds that never changed anything."""

    public_answers: bool = False
    default_show: str | None = None


@dataclass(frozen=True, slots=True)
class Guard:
    """A guarded channel: new messages may reveal `show` up to `cap` (not started: nothing)."""

    channel_id: int
    guild_id: int
    show: str
    cap: Progress


def _deleted(result: object) -> int:
    """Return how many rows a DELETE removed."""
    # SQLAlchemy types `execute` as returning a Result; a DML statement's is a CursorResult,
    # which carries the row count.
    return cast("CursorResult[Any]", result).rowcount


def _is_unavailable(error: BaseException) -> bool:
    if isinstance(error, OSError | sa_exc.OperationalError | sa_exc.InterfaceError):
        return True
    if isinstance(error, sa_exc.DisconnectionError | sa_exc.TimeoutError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        sqlstate = getattr(error.orig, "sqlstate", None) or ""
        return sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
    return False


class Storage:
    """The bot's persistent state; every method runs in its own short transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = make_sessionmaker(engine)
        self._dialect = engine.dialect.name
        if self._dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database backend: {self._dialect}")
        # A single-row read needs no transaction: on PostgreSQL autocommit saves the BEGIN
        # and COMMIT round trips (SQLite's driver never opens one for a SELECT).
        self._reader = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if self._dialect == "postgresql"
            else engine
        )

    @classmethod
    async def open(
        cls, url: str | URL, *, options: dict[str, Any] | None = None, **engine_options: Any
    ) -> Self:
        """Connect, migrate to the newest schema and check the database answers.

        `options` go to the class (such as the cache's), `engine_options` to SQLAlchemy.
        """
        try:
            parsed = normalize_url(url)
        except sa_exc.ArgumentError as error:
            # The message would quote the URL, password included.
            raise DatabaseUnavailable("The database URL is not valid.") from error
        where = safe_url(parsed)
        try:
            engine = create_engine(parsed, **engine_options)
        except Exception as error:
            raise DatabaseUnavailable(
                f"Cannot open the database at {where}: {describe(error, parsed)}"
            ) from error
        try:
            storage = cls(engine, **(options or {}))
            await upgrade_database(engine)
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:
            await engine.dispose()
            raise DatabaseUnavailable(
                f"Cannot open or migrate the database at {where}: {describe(error, parsed)}"
            ) from error
        return storage

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @contextmanager
    def _outages_reported(self) -> Iterator[None]:
        try:
            yield
        except Exception as error:
            if _is_unavailable(error):
                raise DatabaseUnavailable(
                    f"The database is unavailable: {describe(error, self.engine.url)}"
                ) from error
            raise

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        with self._outages_reported():
            async with self._sessions.begin() as session:
                yield session

    def _insert(self, table: Any) -> Any:
        # Both dialects' inserts offer on_conflict_do_update with the same arguments.
        module = sqlite if self._dialect == "sqlite" else postgresql
        return module.insert(table)

    async def get_progress(self, user_id: int, show: str) -> Progress | None:
        """Return how far the user has watched the show, or None if they never said."""
        # One Core SELECT: the ORM's identity map and unit of work cost more CPU than the
        # query itself, and this runs on every question a sharded bot answers uncached.
        with self._outages_reported():
            async with self._reader.connect() as connection:
                result = await connection.execute(_PROGRESS_QUERY, {"u": user_id, "s": show})
                row = result.first()
        return None if row is None else Progress(row[0], row[1])

    async def get_progress_in(
        self, user_id: int, shows: Sequence[str]
    ) -> dict[str, Progress | None]:
        """Return how far the user has watched each show (None where never said), in one read."""
        with self._outages_reported():
            async with self._reader.connect() as connection:
                result = await connection.execute(_USER_PROGRESS_QUERY, {"u": user_id})
                rows = result.all()
        found = {show: Progress(season, episode) for show, season, episode in rows}
        return {show: found.get(show) for show in shows}

    async def set_progress(self, user_id: int, show: str, progress: Progress) -> None:
        """Store how far the user has watched the show, replacing what was there."""
        stmt = self._insert(ViewerProgress).values(
            user_id=user_id,
            show=show,
            season=progress.season,
            episode=progress.episode,
            updated_at=utcnow(),
        )
        # One atomic statement, so racing writers never hit a duplicate-key error.
        stmt = stmt.on_conflict_do_update(
            index_elements=[ViewerProgress.user_id, ViewerProgress.show],
            set_={
                "season": stmt.excluded.season,
                "episode": stmt.excluded.episode,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        async with self._transaction() as session:
            await session.execute(stmt)

    async def clear_progress(self, user_id: int, show: str | None = None) -> int:
        """Delete the user's progress for one show, or for all shows; return rows deleted."""
        stmt = delete(ViewerProgress).where(ViewerProgress.user_id == user_id)
        if show is not None:
            stmt = stmt.where(ViewerProgress.show == show)
        async with self._transaction() as session:
            return _deleted(await session.execute(stmt))

    async def forget_user(self, user_id: int) -> int:
        """Delete everything stored about the user; return rows deleted."""
        deleted = 0
        async with self._transaction() as session:
            for table in _USER_TABLES:
                deleted += _deleted(
                    await session.execute(delete(table).where(table.user_id == user_id))
                )
        return deleted

    async def has_data(self, user_id: int) -> bool:
        """Return whether anything is stored about the user."""
        query = select(*(exists().where(table.user_id == user_id) for table in _USER_TABLES))
        async with self._transaction() as session:
            row = (await session.execute(query)).one()
            return any(row)

    async def get_guild_settings(self, guild_id: int) -> GuildConfig:
        """Return the guild's settings, or the defaults if it never changed any."""
        async with self._transaction() as session:
            row = await session.get(GuildSettings, guild_id)
            if row is None:
                return GuildConfig()
            return GuildConfig(public_answers=row.public_answers, default_show=row.default_show)

    async def update_guild_settings(
        self,
        guild_id: int,
        *,
        public_answers: bool | None = None,
        default_show: str | Literal[_Unchanged.UNCHANGED] | None = UNCHANGED,
    ) -> GuildConfig:
        """Change the given settings, keep the others, and return the result."""
        changes: dict[str, Any] = {}
        if public_answers is not None:
            changes["public_answers"] = public_answers
        if default_show is not UNCHANGED:
            changes["default_show"] = default_show
        if not changes:
            return await self.get_guild_settings(guild_id)
        defaults = GuildConfig()
        values = {
            "public_answers": defaults.public_answers,
            "default_show": defaults.default_show,
            **changes,
        }
        stmt = self._insert(GuildSettings).values(guild_id=guild_id, updated_at=utcnow(), **values)
        # Update only the named columns in the same statement, so concurrent edits of
        # different settings both survive.
        stmt = stmt.on_conflict_do_update(
            index_elements=[GuildSettings.guild_id],
            set_={name: stmt.excluded[name] for name in (*changes, "updated_at")},
        ).returning(GuildSettings.public_answers, GuildSettings.default_show)
        async with self._transaction() as session:
            row = (await session.execute(stmt)).one()
            return GuildConfig(public_answers=row.public_answers, default_show=row.default_show)

    async def get_guard(self, channel_id: int) -> Guard | None:
        """Return the channel's guard, or None if the channel is not guarded."""
        async with self._transaction() as session:
            row = await session.get(ChannelGuard, channel_id)
            if row is None:
                return None
            return Guard(row.channel_id, row.guild_id, row.show, Progress(row.season, row.episode))

    async def set_guard(self, guard: Guard) -> None:
        """Guard a channel, replacing any guard it had."""
        stmt = self._insert(ChannelGuard).values(
            channel_id=guard.channel_id,
            guild_id=guard.guild_id,
            show=guard.show,
            season=guard.cap.season,
            episode=guard.cap.episode,
            updated_at=utcnow(),
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[ChannelGuard.channel_id],
            set_={
                name: stmt.excluded[name]
                for name in ("guild_id", "show", "season", "episode", "updated_at")
            },
        )
        async with self._transaction() as session:
            await session.execute(stmt)

    async def clear_guard(self, channel_id: int) -> int:
        """Stop guarding a channel; return rows deleted."""
        async with self._transaction() as session:
            return _deleted(
                await session.execute(
                    delete(ChannelGuard).where(ChannelGuard.channel_id == channel_id)
                )
            )

    async def get_sync_digest(self, scope: str) -> str | None:
        """Return the digest of the commands last synced to the scope, if any."""
        async with self._transaction() as session:
            row = await session.get(CommandSync, scope)
            return None if row is None else row.digest

    async def set_sync_digest(self, scope: str, digest: str) -> None:
        """Record the digest of the commands just synced to the scope."""
        stmt = self._insert(CommandSync).values(scope=scope, digest=digest, synced_at=utcnow())
        stmt = stmt.on_conflict_do_update(
            index_elements=[CommandSync.scope],
            set_={"digest": stmt.excluded.digest, "synced_at": stmt.excluded.synced_at},
        )
        async with self._transaction() as session:
            await session.execute(stmt)
