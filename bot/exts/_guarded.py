"""The guard at work: a new message in a guarded channel, hidden if it reveals past the cap."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import discord

from bot.core.render import render_cap
from bot.exts._hide import CannotRepost, hide, message_text, missing_for_hiding
from bot.session import ViewerSession

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

log = logging.getLogger(__name__)


class GuardWatch:
    """Reads the messages of guarded channels and hides those that say too much."""

    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot
        # Channels already reported as missing permissions: one warning each, not one a message.
        self._warned: set[int] = set()

    async def check(self, message: discord.Message) -> None:
        """Hide a message when it reveals more than its channel's guard allows."""
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return  # the bot's own reposts, other bots and webhooks are left alone
        bot = self.bot
        channel = message.channel
        guard = await bot.storage.get_guard(channel.id)
        if guard is None and isinstance(channel, discord.Thread) and channel.parent_id:
            guard = await bot.storage.get_guard(channel.parent_id)  # threads follow their channel
        if guard is None:
            return
        text = message_text(message)
        if not text.strip():
            return
        guarded = bot.library.shows.get(guard.show, bot.library.default)
        checked = ViewerSession.guarded_channel(bot.library, guarded, guard.cap).check(text)
        if checked.safe:
            return
        if isinstance(channel, discord.DMChannel | discord.GroupChannel):
            return  # checked above: a guarded channel is always in a server
        missing = missing_for_hiding(channel.permissions_for(message.guild.me))
        if missing:
            if channel.id not in self._warned:
                self._warned.add(channel.id)
                log.warning(
                    "The guard can't hide messages in channel %s: missing %s", channel.id, missing
                )
            return
        self._warned.discard(channel.id)
        allowed = render_cap(checked.engine.show, checked.progress)
        why = f"this channel allows {allowed}, and it reveals more."
        # Deleted by someone else meanwhile, or a channel that takes no webhooks: left as is.
        with contextlib.suppress(discord.NotFound, CannotRepost):
            await hide(bot, message, checked.engine, checked.found, why=why)
