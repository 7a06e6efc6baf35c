"""`DiscordDouble`: the server on a random 127.0.0.1 port, and running a discord.py bot on it."""

# Every wait takes an explicit timeout so a test can never hang on a bot that stays silent.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import discord
import discord.gateway
import discord.http
import yarl
from aiohttp import web

from discord_double.guilds import GuildSpec
from discord_double.limits import INTERACTION_DEADLINE
from discord_double.rest import RestApi


class DiscordDouble(RestApi):
    """A fake Discord (REST + gateway) on a random 127.0.0.1 port, with one or more guilds."""

    def __init__(
        self,
        *,
        guilds: list[GuildSpec] | None = None,
        application_id: int | None = None,
        bot_user_id: int | None = None,
        bot_name: str = "TestBot",
        shard_count: int = 1,
        heartbeat_interval_ms: int = 41250,
        interaction_deadline: float | None = INTERACTION_DEADLINE,
    ) -> None:
        super().__init__(
            guilds=guilds, application_id=application_id, bot_user_id=bot_user_id, bot_name=bot_name
        )
        self.shard_count = shard_count
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.interaction_deadline = interaction_deadline
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen on a free 127.0.0.1 port."""
        self._runner = web.AppRunner(self._app(), shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Close every socket and the server."""
        await self._close_sockets()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordDouble:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @contextlib.asynccontextmanager
    async def run_bot(
        self, bot: discord.Client, *, token: str = "fake-token", timeout: float = 10.0
    ) -> AsyncIterator[discord.Client]:
        """Point discord.py here, start `bot`, wait until ready; on exit close it and restore."""
        saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        # Route reads BASE per request, so interaction callbacks and webhooks come here too;
        # AutoShardedClient asks GET /gateway/bot instead of using DEFAULT_GATEWAY.
        discord.http.Route.BASE = self.api_base_url
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        task = asyncio.create_task(bot.start(token), name="discord-double-bot")
        try:
            async with asyncio.timeout(timeout):
                while not bot.is_ready():
                    if task.done():
                        task.result()
                        raise RuntimeError("bot.start() returned before the bot became ready")
                    await asyncio.sleep(0.01)
            yield bot
        finally:
            await bot.close()
            try:
                await asyncio.wait_for(task, timeout)
            except TimeoutError:
                task.cancel()
            finally:
                discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
