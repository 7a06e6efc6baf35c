"""The progress cache of a sharded bot, kept fresh by PostgreSQL notifications.

Two storages (in one process) or two bot processes share one real PostgreSQL. A change made
through one must be seen by the next read in the other, and when the listening connection is
killed (pg_terminate_backend) the cache must stop serving until it listens again.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
from discord_double import DiscordDouble, GuildSpec, MemberSpec
from sqlalchemy.engine import make_url

from bot.core.progress import Progress
from bot.db import CachedStorage, ProgressCache
from bot.settings import PROJECT_ROOT
from tests.test_storage import PG_URL, Backend, _postgres_schema

SHOW = "all-of-us-are-dead"


@pytest.fixture
async def pg() -> AsyncIterator[Backend]:
    async for backend in _postgres_schema():
        yield backend


async def open_shared(pg: Backend, **listener: Any) -> CachedStorage:
    options: dict[str, Any] = {"progress_cache": ProgressCache.SHARED}
    if listener:
        options["listener_options"] = listener
    return await CachedStorage.open(pg.url, options=options, **pg.options)


async def eventually(check: Callable[[], Any], what: str, within: float = 5.0) -> None:
    """Wait until `check()` holds: state set by other tasks, connections and processes."""
    try:
        async with asyncio.timeout(within):
            while not check():  # noqa: ASYNC110 - no event to wait on in another process
                await asyncio.sleep(0.005)
    except TimeoutError:
        raise AssertionError(f"not within {within} s: {what}") from None


async def read_until_cached(storage: CachedStorage, user_id: int) -> Progress | None:
    """Read until the value stays in memory (a read overlapping a notification is not kept)."""
    for _ in range(100):
        progress = await storage.get_progress(user_id, SHOW)
        if (user_id, SHOW) in storage._progress._items:
            return progress
        await asyncio.sleep(0.01)
    raise AssertionError("never cached")


async def silent_write(url: str, user_id: int, progress: Progress, schema: str = "public") -> None:
    """Change progress with the notifying trigger off: a change nobody hears of."""
    connection = await asyncpg.connect(_dsn(url), server_settings={"search_path": schema})
    try:
        async with connection.transaction():
            await connection.execute("ALTER TABLE viewer_progress DISABLE TRIGGER USER")
            await connection.execute(
                "UPDATE viewer_progress SET season = $2, episode = $3 WHERE user_id = $1",
                user_id, progress.season, progress.episode,
            )  # fmt: skip
            await connection.execute("ALTER TABLE viewer_progress ENABLE TRIGGER USER")
    finally:
        await connection.close()


def schema_of(pg: Backend) -> str:
    return pg.options["connect_args"]["server_settings"]["search_path"]


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def terminate(pid: int) -> None:
    connection = await asyncpg.connect(_dsn(PG_URL))
    try:
        assert await connection.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await connection.close()


# -- two storages, one process ------------------------------------------------------------------


async def test_a_change_through_one_storage_reaches_the_others_cache(pg: Backend) -> None:
    writer, reader = await open_shared(pg), await open_shared(pg)
    try:
        assert reader.progress_trusted
        await writer.set_progress(1, SHOW, Progress(1, 12))
        assert await read_until_cached(reader, 1) == Progress(1, 12)
        # The reader serves from memory: a change nobody is told of stays unseen...
        await silent_write(pg.url, 1, Progress(1, 11), schema_of(pg))
        assert await reader.get_progress(1, SHOW) == Progress(1, 12)
        # ...and a change written the normal way is seen once its notification arrives.
        for episode in (2, 7, 1):
            await writer.set_progress(1, SHOW, Progress(1, episode))
            await eventually(lambda: (1, SHOW) not in reader._progress._items, "notification")
            assert await reader.get_progress(1, SHOW) == Progress(1, episode)
        await writer.clear_progress(1)
        await eventually(lambda: (1, SHOW) not in reader._progress._items, "notification")
        assert await reader.get_progress(1, SHOW) is None
    finally:
        await writer.close()
        await reader.close()


async def test_when_the_listener_drops_reads_go_to_the_database(pg: Backend) -> None:
    writer = await open_shared(pg)
    # Slow to come back, so the test can look at the fallback while it lasts.
    reader = await open_shared(pg, retry_delays=(2.0,))
    try:
        await writer.set_progress(1, SHOW, Progress(1, 12))
        assert await read_until_cached(reader, 1) == Progress(1, 12)
        pid = reader.listener.backend_pid
        await terminate(pid)
        await eventually(lambda: not reader.progress_trusted, "the drop noticed")
        # Nothing can be heard now; every read must see the database as it is.
        await silent_write(pg.url, 1, Progress(1, 3), schema_of(pg))
        assert await reader.get_progress(1, SHOW) == Progress(1, 3)
        await silent_write(pg.url, 1, Progress(1, 1), schema_of(pg))
        assert await reader.get_progress(1, SHOW) == Progress(1, 1)
        assert not reader._progress._items  # nothing cached while untrusted
        # Back: a new connection, listening again, and the cache in use again.
        await eventually(lambda: reader.progress_trusted, "the listener back", within=10)
        assert reader.listener.backend_pid != pid
        assert await reader.get_progress(1, SHOW) == Progress(1, 1)
        await writer.set_progress(1, SHOW, Progress(1, 5))
        await eventually(lambda: (1, SHOW) not in reader._progress._items, "notification")
        assert await reader.get_progress(1, SHOW) == Progress(1, 5)
    finally:
        await writer.close()
        await reader.close()


async def test_a_read_overlapping_a_notification_is_not_cached(pg: Backend) -> None:
    """The read may have seen the database before the change it was told of."""
    writer, reader = await open_shared(pg), await open_shared(pg)
    try:
        await writer.set_progress(1, SHOW, Progress(1, 12))
        pending = asyncio.create_task(reader.get_progress(1, SHOW))
        await asyncio.sleep(0)  # the read is now waiting on the database
        reader._progress_changed(f"1 {SHOW}")  # as the listener would, mid-read
        assert await pending == Progress(1, 12)
        assert (1, SHOW) not in reader._progress._items
    finally:
        await writer.close()
        await reader.close()


async def test_a_shared_cache_needs_postgresql(tmp_path) -> None:
    with pytest.raises(Exception, match="PostgreSQL"):
        await CachedStorage.open(
            f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            options={"progress_cache": ProgressCache.SHARED},
        )


# -- two bot processes ---------------------------------------------------------------------------


def guild_on_shard(shard: int) -> int:
    """A guild id that Discord routes to the given shard of two: (id >> 22) % 2."""
    return ((1_000_000 + shard) << 22) + 1


@pytest.fixture
async def database() -> AsyncIterator[str]:
    """A throwaway database: bot processes take their settings from a plain URL."""
    name = f"test_shared_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(_dsn(PG_URL), timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"PostgreSQL not reachable at {make_url(PG_URL)!r}: {error!r:.200}")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


class BotProcess:
    """`python -m bot run` for one shard, with its log read as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for line in self.process.stderr:
            self.lines.append(line.decode(errors="replace"))

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    async def stop(self) -> str:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            await self.process.wait()
            await self._reader
        return "".join(self.lines)


async def start_shard(double: DiscordDouble, url: str, shard: int) -> BotProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DISCORD_TOKEN": "fake-token",
        "DATABASE_URL": url,
        "DISCORD_API_BASE_URL": double.api_base_url,
        "DISCORD_GATEWAY_URL": double.gateway_url,
        "SHARD_COUNT": "2",
        "SHARD_IDS": str(shard),
        "ASK_COOLDOWN_SECONDS": "0",
        "LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=PROJECT_ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    return BotProcess(process)


_ANSWERED_FOR = re.compile(r"[Aa]nswered for a viewer up to (\S+?)\.")


async def answered_for(double: DiscordDouble, guild_id: int, user_id: int) -> str:
    record = await double.send_command(
        "ask", {"question": "did nam-ra survive"}, user_id=user_id, guild_id=guild_id
    )
    reply = await record.wait_reply(timeout=10)
    match = _ANSWERED_FOR.search(reply.content)
    assert match, reply.content
    return match.group(1)


async def set_progress(double: DiscordDouble, guild_id: int, user_id: int, episode: str) -> None:
    record = await double.send_command(
        "progress set", {"episode": episode}, user_id=user_id, guild_id=guild_id
    )
    reply = await record.wait_reply(timeout=10)
    assert reply.content.startswith("Saved:"), reply.content


async def test_two_bot_processes_share_progress_through_postgresql(database: str) -> None:
    first, second = guild_on_shard(0), guild_on_shard(1)
    user = 424_242
    members = [MemberSpec(user, "fan")]
    guilds = [GuildSpec("Zero", first, members=members), GuildSpec("One", second, members=members)]
    async with DiscordDouble(guilds=guilds, shard_count=2) as double:
        # One at a time: both would migrate and sync at once otherwise (they take turns).
        shard0 = await start_shard(double, database, 0)
        shard1: BotProcess | None = None
        try:
            await double.wait_for_identify(1, timeout=30)
            shard1 = await start_shard(double, database, 1)
            await double.wait_for_identify(2, timeout=30)
            for bot in (shard0, shard1):
                await eventually(lambda bot=bot: bot.count("Ready as"), "ready", within=30)
                assert bot.count("Progress listener connected") == 1

            # Written through shard 0's process, read through shard 1's, back and forth; a
            # viewer lowering their progress is the case where staleness would spoil.
            for episode in ("S1E12", "S1E2", "S1E9", "S1E1"):
                await set_progress(double, first, user, episode)
                assert await answered_for(double, second, user) == episode
                assert await answered_for(double, second, user) == episode  # now cached
            await set_progress(double, second, user, "S1E8")
            assert await answered_for(double, first, user) == "S1E8"
            assert await answered_for(double, second, user) == "S1E8"

            # Shard 1 serves from memory: a change nobody is told of goes unseen.
            await silent_write(database, user, Progress(1, 3))
            assert await answered_for(double, second, user) == "S1E8"
            # Kill its listener: it must stop trusting what it cached, and read again.
            await terminate(await listener_pid(database, shard1.process.pid))
            await eventually(lambda: shard1.count("Progress listener lost"), "drop noticed")
            assert await answered_for(double, second, user) == "S1E3"
            await eventually(lambda: shard1.count("Progress listener connected") == 2, "back")
            await set_progress(double, first, user, "S1E6")
            assert await answered_for(double, second, user) == "S1E6"
        finally:
            logs = [await bot.stop() for bot in (shard0, shard1) if bot is not None]
    for log in logs:
        assert "Traceback" not in log, log


async def listener_pid(url: str, process_id: int) -> int:
    connection = await asyncpg.connect(_dsn(url))
    try:
        pid = await connection.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
            f"spoiler-bot progress listener {process_id}",
        )
    finally:
        await connection.close()
    assert pid is not None
    return pid
