"""Storage that remembers what it read, for a process that is the database's only writer."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Literal

from bot.core.progress import Progress
from bot.db.storage import UNCHANGED, Guard, GuildConfig, Storage, _Unchanged

_MISSING = object()


class _LRU:
    """A bounded mapping that forgets the least recently used entries."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._size = size

    def get(self, key: Any) -> Any:
        value = self._items.get(key, _MISSING)
        if value is not _MISSING:
            self._items.move_to_end(key)
        return value

    def put(self, key: Any, value: Any) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self._size:
            self._items.popitem(last=False)

    def pop(self, key: Any) -> None:
        self._items.pop(key, None)

    def drop(self, matches: Any) -> None:
        for key in [key for key in self._items if matches(key)]:
            del self._items[key]


class CachedStorage(Storage):
    """Read-through, write-through cache of progress, guild settings and channel guards.

    A cached value is correct only while this process makes every write to it. Discord
    sends all of a guild's interactions to the shard that owns the guild, so its settings
    and its channels' guards always are (the guard reads one for every new message). A
    user's progress is not when SHARD_IDS splits the bot over processes (the user may write
    it through another guild's shard), and a stale progress could show a viewer more than
    they have seen: then `cache_progress` must be False.
    """

    def __init__(
        self, *args: Any, cache_progress: bool = True, cache_size: int = 100_000, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._cache_progress = cache_progress
        self._progress = _LRU(cache_size)
        self._guilds = _LRU(cache_size)
        self._guards = _LRU(cache_size)
        # Bumped by every write: a read that overlapped a write must not cache what it saw.
        self._writes = 0

    async def get_progress(self, user_id: int, show: str) -> Progress | None:
        if not self._cache_progress:
            return await super().get_progress(user_id, show)
        key = (user_id, show)
        cached = self._progress.get(key)
        if cached is not _MISSING:
            return cached
        writes = self._writes
        progress = await super().get_progress(user_id, show)
        if writes == self._writes:
            self._progress.put(key, progress)
        return progress

    async def set_progress(self, user_id: int, show: str, progress: Progress) -> None:
        self._writes += 1
        self._progress.pop((user_id, show))
        await super().set_progress(user_id, show, progress)
        self._writes += 1
        if self._cache_progress:
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
        writes = self._writes
        config = await super().get_guild_settings(guild_id)
        if writes == self._writes:
            self._guilds.put(guild_id, config)
        return config

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
