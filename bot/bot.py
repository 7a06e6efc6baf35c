"""The Discord bot: a thin face over the answering core and the storage layer."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import discord
from discord.ext import commands

from bot.core.library import Library
from bot.db import Storage
from bot.settings import Settings
from bot.startup import tune_collector
from bot.tree import SpoilerTree

log = logging.getLogger(__name__)

# The bot never joins voice, so discord.py's start-up warnings that its voice libraries
# (PyNaCl, davey) are missing mean nothing here and only alarm operators.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

EXTENSIONS = (
    "bot.exts.progress",
    "bot.exts.spoilers",
    "bot.exts.guard",
    "bot.exts.ask",
    "bot.exts.character",
    "bot.exts.recap",
    "bot.exts.privacy",
    "bot.exts.server",
    "bot.exts.help",
)


def intents_for(settings: Settings) -> discord.Intents:
    """Return the gateway intents: only guilds, unless the operator turned the guard on."""
    # Slash and message commands need no privileged intent: no message content, no members.
    intents = discord.Intents(guilds=True)
    if settings.message_content_intent:
        # The channel guard reads new messages as they are posted.
        intents.guild_messages = True
        intents.message_content = True
    return intents


class SpoilerBot(commands.AutoShardedBot):
    """An auto-sharded bot holding the fact library and storage that every cog uses."""

    def __init__(
        self,
        *,
        settings: Settings,
        library: Library,
        storage: Storage,
        force_sync: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            tree_cls=SpoilerTree,
            intents=intents_for(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=settings.shard_count,
            # discord.py's stubs say list[int], but None (its default) means every shard.
            shard_ids=settings.shard_ids,  # type: ignore[arg-type]
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            **options,
        )
        self.settings = settings
        self.library = library
        self.storage = storage
        self.force_sync = force_sync

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands(force=self.force_sync)
        tune_collector()  # the one freeze, once everything that lasts is built

    def _sync_scope(self) -> tuple[str, discord.Object | None]:
        guild_id = self.settings.dev_guild_id
        if guild_id is None:
            return "global", None
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        return f"guild:{guild_id}", guild

    def command_digest(self, guild: discord.abc.Snowflake | None = None) -> str:
        """Hash the command definitions as Discord would receive them."""
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]
        encoded = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(encoded).hexdigest()

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Push commands to Discord when their definitions changed since the last sync."""
        scope, guild = self._sync_scope()
        digest = self.command_digest(guild)
        if not force and await self.storage.get_sync_digest(scope) == digest:
            log.info("Commands unchanged since the last sync (%s); not syncing", scope)
            return False
        synced = await self.tree.sync(guild=guild)
        await self.storage.set_sync_digest(scope, digest)
        log.info("Synced %d commands (%s)", len(synced), scope)
        return True

    async def on_ready(self) -> None:
        log.info("Ready as %s in %d guilds", self.user, len(self.guilds))

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """Log a listener's failure and carry on: one bad event must never stop the bot."""
        # discord.py's default prints to stderr; this goes to the log, with the event's name.
        log.exception("The %s listener failed", event_method)
