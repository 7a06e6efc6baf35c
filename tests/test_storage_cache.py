"""The single-process cache in front of storage: fast reads that are never stale."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import event

from bot.core.progress import Progress
from bot.db import CachedStorage, ProgressCache, Storage, create_engine, upgrade_database


@pytest.fixture
def url(tmp_path) -> str:
    return "sqlite+aiosqlite:///" + str(tmp_path / "bot.db")


@pytest.fixture
async def cached(url: str) -> AsyncIterator[CachedStorage]:
    storage = await CachedStorage.open(
        url,
    )
    yield storage
    await storage.close()


@pytest.fixture
async def direct(url: str, cached: CachedStorage) -> AsyncIterator[Storage]:
    storage = await Storage.open(url)
    yield storage
    await storage.close()


async def test_writes_go_through_to_the_database(cached, direct) -> None:
    await cached.set_progress(1, "show", Progress(1, 4))
    assert await cached.get_progress(1, "show") == Progress(1, 4)
    assert await direct.get_progress(1, "show") == Progress(1, 4)
    config = await cached.update_guild_settings(9, public_answers=True)
    assert config.public_answers and (await direct.get_guild_settings(9)).public_answers


async def test_reads_are_served_from_memory_once_read(cached, direct) -> None:
    await cached.set_progress(1, "show", Progress(1, 4))
    assert await cached.get_progress(2, "show") is None
    # Another writer is outside the cache's contract; seeing its write would mean no cache.
    await direct.set_progress(1, "show", Progress(1, 9))
    await direct.set_progress(2, "show", Progress(1, 1))
    assert await cached.get_progress(1, "show") == Progress(1, 4)
    assert await cached.get_progress(2, "show") is None


async def test_clear_and_forget_drop_what_was_cached(cached) -> None:
    for show in ("a", "b"):
        await cached.set_progress(1, show, Progress(1, 4))
        await cached.set_progress(2, show, Progress(1, 5))
    assert await cached.clear_progress(1, "a") == 1
    assert await cached.get_progress(1, "a") is None
    assert await cached.get_progress(1, "b") == Progress(1, 4)
    assert await cached.forget_user(1) == 1
    assert await cached.get_progress(1, "b") is None
    assert await cached.get_progress(2, "a") == Progress(1, 5)


def _hold_reads(monkeypatch, method: str) -> tuple[asyncio.Event, asyncio.Event]:
    """Make the storage's `method` read, then wait for the second event before returning.

    Returns (read done, release).
    """
    read_done, release = asyncio.Event(), asyncio.Event()
    original = getattr(Storage, method)

    async def held(self, *args):
        value = await original(self, *args)
        read_done.set()
        await release.wait()
        return value

    monkeypatch.setattr(Storage, method, held)
    return read_done, release


async def test_a_read_that_overlaps_a_write_is_not_cached(cached, monkeypatch) -> None:
    """Otherwise the old, possibly later, episode could stick and spoil the viewer."""
    await cached.set_progress(1, "show", Progress(1, 9))
    cached._progress.pop((1, "show"))
    read_started, release = _hold_reads(monkeypatch, "get_progress")
    reader = asyncio.create_task(cached.get_progress(1, "show"))
    await read_started.wait()  # it has read S1E9
    await cached.set_progress(1, "show", Progress(1, 2))  # the viewer lowers their progress
    release.set()
    assert await reader == Progress(1, 9)
    monkeypatch.undo()
    assert await cached.get_progress(1, "show") == Progress(1, 2)


async def test_the_cache_is_bounded(url) -> None:
    engine = create_engine(url)
    await upgrade_database(engine)
    storage = CachedStorage(engine, cache_size=10)
    try:
        for user in range(50):
            await storage.set_progress(user, "show", Progress(1, 1))
        assert len(storage._progress._items) == 10
        assert await storage.get_progress(0, "show") == Progress(1, 1)
    finally:
        await storage.close()


async def test_a_sharded_bot_caches_guild_settings_but_never_progress(url, direct) -> None:
    """Another process may change a user's progress; a guild only ever talks to one shard."""
    storage = await CachedStorage.open(url, options={"progress_cache": ProgressCache.OFF})
    try:
        await storage.set_progress(1, "show", Progress(1, 9))
        await storage.get_guild_settings(5)
        await direct.set_progress(1, "show", Progress(1, 2))  # through another shard
        await direct.update_guild_settings(5, public_answers=True)
        assert await storage.get_progress(1, "show") == Progress(1, 2)
        assert (await storage.get_guild_settings(5)).public_answers is False
    finally:
        await storage.close()


def count_progress_reads(storage: CachedStorage) -> list[str]:
    """Record every SELECT of viewer_progress the engine really sends."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "viewer_progress" in statement:
            seen.append(statement)

    event.listen(storage.engine.sync_engine, "before_cursor_execute", record)
    return seen


async def test_concurrent_misses_share_one_read(cached) -> None:
    """A cold burst asks for the same user's progress many times at once."""
    await cached.set_progress(1, "show", Progress(1, 4))
    cached._progress.pop((1, "show"))
    reads = count_progress_reads(cached)
    results = await asyncio.gather(*(cached.get_progress(1, "show") for _ in range(50)))
    assert results == [Progress(1, 4)] * 50
    assert len(reads) == 1
    assert await cached.get_progress(1, "show") == Progress(1, 4)
    assert len(reads) == 1  # and it was cached


async def test_a_read_begun_before_a_write_is_not_joined_after_it(cached, monkeypatch) -> None:
    await cached.set_progress(1, "show", Progress(1, 9))
    cached._progress.pop((1, "show"))
    read_done, release = _hold_reads(monkeypatch, "get_progress")
    early = asyncio.create_task(cached.get_progress(1, "show"))
    await read_done.wait()  # it has read S1E9
    monkeypatch.undo()
    await cached.set_progress(1, "show", Progress(1, 2))
    cached._progress.pop((1, "show"))  # as if evicted: the next ask reads
    # Asked after the write: must not wait for, nor get, what the earlier read saw.
    assert await asyncio.wait_for(cached.get_progress(1, "show"), 5) == Progress(1, 2)
    release.set()
    assert await early == Progress(1, 9)
    assert await cached.get_progress(1, "show") == Progress(1, 2)


async def test_every_show_of_a_new_user_is_one_read_then_cached(cached, direct) -> None:
    """Routing a question reads the asker's progress in every show: one SELECT, not one each."""
    await direct.set_progress(1, "a", Progress(1, 4))
    reads = count_progress_reads(cached)
    assert await cached.get_progress_in(1, ["a", "b", "c"]) == {
        "a": Progress(1, 4),
        "b": None,
        "c": None,
    }
    assert len(reads) == 1
    assert await cached.get_progress(1, "b") is None  # each show cached, "never said" too
    assert await cached.get_progress_in(1, ["c", "a"]) == {"c": None, "a": Progress(1, 4)}
    assert len(reads) == 1
    cached._progress.pop((1, "a"))  # one show missing: read alone
    assert await cached.get_progress_in(1, ["a", "b"]) == {"a": Progress(1, 4), "b": None}
    assert len(reads) == 2


async def test_concurrent_reads_of_every_show_share_one(cached, direct) -> None:
    await direct.set_progress(1, "b", Progress(1, 2))
    reads = count_progress_reads(cached)
    results = await asyncio.gather(*(cached.get_progress_in(1, ["a", "b"]) for _ in range(20)))
    assert results == [{"a": None, "b": Progress(1, 2)}] * 20
    assert len(reads) == 1


async def test_a_read_of_every_show_that_overlaps_a_write_is_not_cached(
    cached, monkeypatch
) -> None:
    await cached.set_progress(1, "a", Progress(1, 9))
    cached._progress.pop((1, "a"))
    read_started, release = _hold_reads(monkeypatch, "get_progress_in")
    reader = asyncio.create_task(cached.get_progress_in(1, ["a", "b"]))
    await read_started.wait()  # it has read S1E9
    await cached.set_progress(1, "a", Progress(1, 2))  # the viewer lowers their progress
    release.set()
    assert await reader == {"a": Progress(1, 9), "b": None}
    monkeypatch.undo()
    assert await cached.get_progress_in(1, ["a", "b"]) == {"a": Progress(1, 2), "b": None}


async def test_a_sharded_bot_reads_every_show_from_the_database(url, direct) -> None:
    storage = await CachedStorage.open(url, options={"progress_cache": ProgressCache.OFF})
    try:
        assert await storage.get_progress_in(1, ["a", "b"]) == {"a": None, "b": None}
        await direct.set_progress(1, "b", Progress(1, 3))  # through another shard
        assert await storage.get_progress_in(1, ["a", "b"]) == {"a": None, "b": Progress(1, 3)}
    finally:
        await storage.close()
