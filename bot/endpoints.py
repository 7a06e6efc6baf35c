"""Point discord.py at a Discord-compatible server instead of discord.com."""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl


def use_discord_endpoints(api_base_url: str | None, gateway_url: str | None) -> None:
    """Send REST calls to `api_base_url` and the gateway to `gateway_url`; None leaves one as is."""
    if api_base_url:
        # Route reads BASE per request, so interaction callbacks and webhooks follow too.
        discord.http.Route.BASE = api_base_url.rstrip("/")
    if gateway_url:
        # Plain clients (and sharded ones given a shard_count) connect here; AutoShardedClient
        # otherwise asks the API's GET /gateway/bot, so the server must answer that too.
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
