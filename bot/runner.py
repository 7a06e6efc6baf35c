"""Start and stop the Discord bot: settings, fact base, database, signals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path

import discord
from sqlalchemy.exc import ArgumentError

from bot.bot import SpoilerBot
from bot.cli import load_library_or_report
from bot.db import CachedStorage, DatabaseUnavailable, ProgressCache
from bot.db.engine import normalize_url
from bot.endpoints import use_discord_endpoints
from bot.settings import Settings, get_settings

log = logging.getLogger(__name__)

EXIT_NO_TOKEN = 2
NO_TOKEN = (
    "DISCORD_TOKEN is not set, so the Discord bot can't start.\n"
    "Put it in the environment or in .env (see .env.example), or try the bot offline with:\n"
    "  python -m bot chat"
)


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def run_bot(*, force_sync: bool, data_dir: Path, settings: Settings | None = None) -> int:
    """Run the bot until it is stopped; `force_sync` pushes commands and exits."""
    settings = settings or get_settings()
    if settings.discord_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_NO_TOKEN
    setup_logging(settings.log_level)
    library = load_library_or_report(data_dir)
    if library is None:
        return 1
    use_discord_endpoints(settings.discord_api_base_url, settings.discord_gateway_url)
    try:
        return asyncio.run(_serve(settings, library, force_sync=force_sync))
    except KeyboardInterrupt:
        return 0


async def _serve(settings: Settings, library, *, force_sync: bool) -> int:
    try:
        storage = await CachedStorage.open(
            settings.database_url, options={"progress_cache": progress_cache_for(settings)}
        )
    except DatabaseUnavailable as error:
        print(f"{error}\nCheck DATABASE_URL and that the database is running.", file=sys.stderr)
        return 1
    token = settings.discord_token.get_secret_value()
    try:
        async with SpoilerBot(
            settings=settings, library=library, storage=storage, force_sync=force_sync
        ) as bot:
            if force_sync:
                await bot.login(token)  # setup_hook syncs while logging in
                return 0
            _close_on_signals(bot)
            await bot.start(token)
    except discord.LoginFailure:
        print(
            "Discord rejected DISCORD_TOKEN. Check the token in the developer portal.",
            file=sys.stderr,
        )
        return 1
    except DatabaseUnavailable as error:
        print(f"{error}\nCheck DATABASE_URL and that the database is running.", file=sys.stderr)
        return 1
    finally:
        await storage.close()
    return 0


def progress_cache_for(settings: Settings) -> ProgressCache:
    """Choose how progress is cached: by this process alone, shared through PostgreSQL, or not."""
    if settings.shard_ids is None:
        return ProgressCache.LOCAL  # one process runs every shard and makes every write
    try:
        backend = normalize_url(settings.database_url).get_backend_name()
    except ArgumentError:
        return ProgressCache.OFF  # opening the database reports the bad URL
    if backend == "postgresql":
        return ProgressCache.SHARED
    return ProgressCache.OFF  # SQLite has no way to tell us of another process's write


def _close_on_signals(bot: SpoilerBot) -> None:
    loop = asyncio.get_running_loop()

    closing: set[asyncio.Task] = set()

    def close() -> None:
        log.info("Shutting down")
        task = loop.create_task(bot.close())
        closing.add(task)  # keep a reference so the task is not collected mid-close
        task.add_done_callback(closing.discard)

    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, close)
