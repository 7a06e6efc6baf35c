"""Start and stop the Discord bot: settings, fact base, database, signals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path

import aiohttp
import discord
from sqlalchemy.exc import ArgumentError

from bot.bot import SpoilerBot
from bot.core.library import Library
from bot.db import CachedStorage, DatabaseUnavailable, ProgressCache, is_in_memory
from bot.db.engine import normalize_url
from bot.endpoints import use_discord_endpoints
from bot.settings import Settings, get_settings
from bot.startup import load_library_or_report, setup_logging

log = logging.getLogger(__name__)

EXIT_NO_TOKEN = 2
NO_TOKEN = (
    "DISCORD_TOKEN is not set, so the Discord bot can't start.\n"
    "Put it in the environment or in .env (see .env.example), or try the bot offline with:\n"
    "  python -m bot chat"
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


async def _serve(settings: Settings, library: Library, *, force_sync: bool) -> int:
    if is_in_memory(settings.database_url):
        log.warning(
            "DATABASE_URL is an in-memory SQLite database: viewers' progress and server "
            "settings will be lost when the bot stops. Use a file, e.g. "
            "sqlite+aiosqlite:///var/spoiler-bot.db, to keep them."
        )
    try:
        storage = await CachedStorage.open(
            settings.database_url, options={"progress_cache": progress_cache_for(settings)}
        )
    except DatabaseUnavailable as error:
        print(f"{error}\nCheck DATABASE_URL and that the database is running.", file=sys.stderr)
        return 1
    if settings.discord_token is None:  # run_bot checked; a caller of _serve may not have
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_NO_TOKEN
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
    except discord.ConnectionClosed as error:
        print(gateway_closed_message(error.code), file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print(GATEWAY_CLOSES[4014], file=sys.stderr)
        return 1
    except (aiohttp.ClientError, OSError, discord.GatewayNotFound) as error:
        print(unreachable_message(settings, error), file=sys.stderr)
        return 1
    except discord.HTTPException as error:
        where = settings.discord_api_base_url or "discord.com"
        print(
            f"Discord's API ({where}) answered {error.status} at start-up; check "
            "DISCORD_API_BASE_URL, or try again later.",
            file=sys.stderr,
        )
        return 1
    except DatabaseUnavailable as error:
        print(f"{error}\nCheck DATABASE_URL and that the database is running.", file=sys.stderr)
        return 1
    finally:
        await storage.close()
    return 0


# What the gateway's close codes mean for an operator, and the setting to look at.
GATEWAY_CLOSES = {
    4004: "Discord closed the connection (4004, authentication failed): DISCORD_TOKEN was "
    "revoked or reset. Put the current token from the developer portal in DISCORD_TOKEN.",
    4010: "Discord closed the connection (4010, invalid shard): check SHARD_COUNT and SHARD_IDS.",
    4011: "Discord closed the connection (4011, sharding required): set SHARD_COUNT, or leave "
    "SHARD_COUNT and SHARD_IDS unset to let the bot choose.",
    4012: "Discord closed the connection (4012, invalid API version): DISCORD_GATEWAY_URL "
    "points at a server that does not speak Discord's API v10.",
    4013: "Discord closed the connection (4013, invalid intents): this is a bug; please report it.",
    4014: "Discord closed the connection (4014, disallowed intents): MESSAGE_CONTENT_INTENT is "
    "on but the Message Content intent is not enabled for this bot. Enable it in the developer "
    "portal (Bot > Privileged Gateway Intents; a verified bot needs Discord's approval), or set "
    "MESSAGE_CONTENT_INTENT=false: without it the bot asks for no privileged intent.",
}


def gateway_closed_message(code: int | None) -> str:
    """Return the one line that explains why the gateway closed for good."""
    return GATEWAY_CLOSES.get(
        code or 0,
        f"Discord closed the gateway connection ({code}) and the bot cannot go on; check "
        "DISCORD_TOKEN and DISCORD_GATEWAY_URL.",
    )


def unreachable_message(settings: Settings, error: BaseException) -> str:
    """Return the one line that says Discord could not be reached, naming the setting."""
    reason = getattr(error, "strerror", None) or type(error).__name__
    if isinstance(error, aiohttp.ClientConnectorError):
        reason = error.os_error.strerror or reason
    if settings.discord_api_base_url:
        return (
            f"Cannot reach Discord's API at DISCORD_API_BASE_URL={settings.discord_api_base_url} "
            f"({reason}). Check the address and that the server is running."
        )
    return (
        f"Cannot reach Discord's API at discord.com ({reason}). Check the network, or set "
        "DISCORD_API_BASE_URL to a Discord-compatible server."
    )


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

    closing: set[asyncio.Task[None]] = set()

    def close() -> None:
        log.info("Shutting down")
        task = loop.create_task(bot.close())
        closing.add(task)  # keep a reference so the task is not collected mid-close
        task.add_done_callback(closing.discard)

    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, close)
