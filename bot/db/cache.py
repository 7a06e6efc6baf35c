"""Storage that remembers what it read, kept correct when other processes write too."""

from __future__ import annotations

import asyncio
import enum
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Final, Generic, Literal, Self, TypeVar

from bot.core.progress import Progress
from bot.db.listener import ProgressListener
from bot.db.storage import UNCHANGED, Guard, GuildConfig, Storage, _Unchanged


class _Missing(enum.Enum):
    MISSING = enum.auto()


# Not cached: distinct from None, which is a value (no progress, no guard).
_MISSING: Final = _Missing.MISSING
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


class ProgressCache(enum.StrEnum):
    """How a process may cache viewer progress."""

    LOCAL = "local"  # this process makes every write (one process runs every shard)
    SHARED = "shared"  # others write too; PostgreSQL notifications say what they changed
    OFF = "off"  # others write too and nothing tells us: read the database every time


class _LRU(Generic[K, V]):
    """A bounded mapping that forgets the least recently used entries."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[K, V] = OrderedDict()
        self._size = size

    def get(self, key: K) -> V | Literal[_Missing.MISSING]:
        if key not in self._items:
            return _MISSING
        self._items.move_to_end(key)
        return self._items[key]

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self._size:
            self._items.popitem(last=False)

    def pop(self, key: K) -> None:
        self._items.pop(key, None)

    def drop(self, matches: Callable[[K], bool]) -> None:
        for key in [key for key in self._items if matches(key)]:
            del self._items[key]

    def clear(self) -> None:
        self._items.clear()


class CachedStorage(Storage):
    """Read-through cache of progress, guild settings and channel guards.

    Discord sends all of a guild's interactions to the shard that owns the guild, so its
    settings and its channels' guards (read for every new message in a guarded channel)
    are only ever written through this process, and are cached write-through.
    A user's progress may be written through any shard, and a stale progress could show a
    viewer more than they have seen; `progress_cache` says how it is kept fresh:

    - LOCAL: this process makes every write, so writes update the cache.
    - SHARED (PostgreSQL): a trigger notifies every change on commit, and a listener drops
      the changed entry. The cache is trusted only while the listener is connected: when it
      drops, the cache is emptied and every read goes to the database until it is back.
    - OFF: every read goes to the database.
    """

    def __init__(
        self,
        *args: Any,
        progress_cache: ProgressCache | str = ProgressCache.LOCAL,
        cache_size: int = 100_000,
        listener_options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.progress_cache = ProgressCache(progress_cache)
        if self.progress_cache is ProgressCache.SHARED and self._dialect != "postgresql":
            raise ValueError("a shared progress cache needs PostgreSQL notifications")
        self._progress: _LRU[tuple[int, str], Progress | None] = _LRU(cache_size)
        self._guilds: _LRU[int, GuildConfig] = _LRU(cache_size)
        self._guards: _LRU[int, Guard | None] = _LRU(cache_size)
        # Bumped by every write and every notification: a read that overlapped one must not
        # cache what it saw, which may be older than the change.
        self._writes = 0
        # Reads in progress, by entry: (the read, `_writes` when it began).
        self._flights: dict[Any, tuple[asyncio.Future[Any], int]] = {}
        # Whether cached progress may be served: always for LOCAL, while listening for SHARED.
        self._progress_trusted = self.progress_cache is ProgressCache.LOCAL
        self.listener: ProgressListener | None = None
        if self.progress_cache is ProgressCache.SHARED:
            self.listener = ProgressListener(
                self.engine,
                on_change=self._progress_changed,
                on_connected=self._listener_connected,
                on_lost=self._listener_lost,
                **(listener_options or {}),
            )

    @classmethod
    async def open(cls, *args: Any, **kwargs: Any) -> Self:
        storage = await super().open(*args, **kwargs)
        if storage.listener is not None:
            await storage.listener.start()
        return storage

    async def close(self) -> None:
        if self.listener is not None:
            await self.listener.close()
        await super().close()

    @property
    def progress_trusted(self) -> bool:
        """Whether progress is served from memory now (False: read from the database)."""
        return self._progress_trusted

    def _progress_changed(self, payload: str) -> None:
        self._writes += 1
        user, _, show = payload.partition(" ")
        if not show or not user.isdigit():  # "*": the table was emptied
            self._progress.clear()
            return
        self._progress.pop((int(user), show))

    def _listener_connected(self) -> None:
        # Whatever happened while nobody listened is unknown: start from nothing.
        self._writes += 1
        self._progress.clear()
        self._progress_trusted = True

    def _listener_lost(self) -> None:
        self._writes += 1
        self._progress_trusted = False
        self._progress.clear()

    async def get_progress(self, user_id: int, show: str) -> Progress | None:
        if not self._progress_trusted:
            return await super().get_progress(user_id, show)
        key = (user_id, show)
        cached = self._progress.get(key)
        if cached is not _MISSING:
            return cached
        return await self._read_once(
            ("progress", key),
            lambda: Storage.get_progress(self, user_id, show),
            lambda value: self._progress.put(key, value),
        )

    async def get_progress_in(
        self, user_id: int, shows: Sequence[str]
    ) -> dict[str, Progress | None]:
        if not self._progress_trusted:
            return await super().get_progress_in(user_id, shows)
        found: dict[str, Progress | None] = {}
        missing: list[str] = []
        for show in shows:
            cached = self._progress.get((user_id, show))
            if cached is _MISSING:
                missing.append(show)
            else:
                found[show] = cached
        if len(missing) == 1:
            found[missing[0]] = await self.get_progress(user_id, missing[0])
        elif missing:
            # A new user's every show in one read, each cached as a read of its own would be.
            def store(values: dict[str, Progress | None]) -> None:
                for show, value in values.items():
                    self._progress.put((user_id, show), value)

            wanted = tuple(missing)
            read: dict[str, Progress | None] = await self._read_once(
                ("progress-in", (user_id, wanted)),
                lambda: Storage.get_progress_in(self, user_id, wanted),
                store,
            )
            found.update(read)
        return {show: found[show] for show in shows}

    async def _read_once(
        self,
        flight: tuple[str, Any],
        read: Callable[[], Awaitable[T]],
        store: Callable[[T], None],
    ) -> T:
        """Read missing entries, sharing one database read among concurrent askers.

        A cold burst asks for one guild's settings, and each user's progress, many times at
        once. Joining a read is safe only if nothing changed since it began: then the value
        it returns is as fresh as a new read would be, and it is cached on the same terms
        (`store`; progress only while it may be served from memory).
        """
        pending = self._flights.get(flight)
        if pending is not None and pending[1] == self._writes:
            return await asyncio.shield(pending[0])
        writes = self._writes
        task = asyncio.ensure_future(read())
        self._flights[flight] = (task, writes)

        def landed(done: asyncio.Future[T]) -> None:
            if self._flights.get(flight, (None,))[0] is done:
                del self._flights[flight]
            if done.cancelled() or done.exception() is not None:
                return
            trusted = flight[0] == "guild" or self._progress_trusted
            if writes == self._writes and trusted:
                store(done.result())

        task.add_done_callback(landed)
        return await asyncio.shield(task)

    async def set_progress(self, user_id: int, show: str, progress: Progress) -> None:
        self._writes += 1
        self._progress.pop((user_id, show))
        await super().set_progress(user_id, show, progress)
        self._writes += 1
        # SHARED: another process may have written since; the next read asks the database.
        if self.progress_cache is ProgressCache.LOCAL:
            self._progress.put((user_id, show), progress)

    async def clear_progress(self, user_id: int, show: str | None = None) -> int:
        self._writes += 1
        self._progress.drop(lambda key: key[0] == user_id and show in (None, key[1]))
        try:
            return await super().clear_progress(user_id, show)
        finally:
            self._writes += 1

    async def forget_user(self, user_id: int) -> int:
        self._writes += 1
        self._progress.drop(lambda key: key[0] == user_id)
        try:
            return await super().forget_user(user_id)
        finally:
            self._writes += 1

    async def get_guild_settings(self, guild_id: int) -> GuildConfig:
        cached = self._guilds.get(guild_id)
        if cached is not _MISSING:
            return cached
        return await self._read_once(
            ("guild", guild_id),
            lambda: Storage.get_guild_settings(self, guild_id),
            lambda config: self._guilds.put(guild_id, config),
        )

    async def update_guild_settings(
        self,
        guild_id: int,
        *,
        public_answers: bool | None = None,
        default_show: str | Literal[_Unchanged.UNCHANGED] | None = UNCHANGED,
    ) -> GuildConfig:
        self._writes += 1
        self._guilds.pop(guild_id)
        config = await super().update_guild_settings(
            guild_id, public_answers=public_answers, default_show=default_show
        )
        self._writes += 1
        self._guilds.put(guild_id, config)
        return config

    async def get_guard(self, channel_id: int) -> Guard | None:
        cached = self._guards.get(channel_id)
        if cached is not _MISSING:
            return cached
        writes = self._writes
        guard = await super().get_guard(channel_id)
        if writes == self._writes:
            self._guards.put(channel_id, guard)  # None too: most channels are not guarded
        return guard

    async def set_guard(self, guard: Guard) -> None:
        self._writes += 1
        self._guards.pop(guard.channel_id)
        await super().set_guard(guard)
        self._writes += 1
        self._guards.put(guard.channel_id, guard)

    async def clear_guard(self, channel_id: int) -> int:
        self._writes += 1
        self._guards.pop(channel_id)
        try:
            return await super().clear_guard(channel_id)
        finally:
            self._writes += 1
            self._guards.put(channel_id, None)
