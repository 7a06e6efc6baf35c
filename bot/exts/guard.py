"""/guard: channels where new messages may reveal a show only up to an episode."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.engine import ShowEngine
from bot.core.progress import Progress
from bot.core.text import escape_markdown
from bot.db import Guard
from bot.exts._common import channel_of, guild_of, reply, within_window
from bot.exts._hide import CannotRepost, hide, message_text, missing_for_hiding
from bot.exts._options import Episode, Show
from bot.session import DISCORD_TIPS, ViewerSession

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

log = logging.getLogger(__name__)

INACTIVE = (
    "-# The guard is inactive: I run without Discord's Message Content intent, so I can't "
    "read new messages. The bot's operator can switch it on (MESSAGE_CONTENT_INTENT=true)."
)


def describe_cap(engine: ShowEngine, cap: Progress) -> str:
    title = escape_markdown(engine.show.title)
    if not cap.started:
        return f"no spoilers of {title} at all"
    return f"spoilers of {title} up to {cap} only"


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class GuardCommands(
    commands.GroupCog,
    group_name="guard",
    group_description="Hide spoilers past an episode in this channel (Manage Server only)",
):
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot
        # Channels already reported as missing permissions: one warning each, not one a message.
        self._warned: set[int] = set()

    def _active(self) -> bool:
        return self.bot.settings.message_content_intent

    def _notes(self) -> list[str]:
        return [] if self._active() else [INACTIVE]

    @app_commands.command(name="set", description="Guard this channel: hide spoilers past a cap")
    @app_commands.describe(
        cap="The last episode that may be discussed here (S1E6), or none for no spoilers",
        show="Which show",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def set_(
        self, interaction: discord.Interaction[SpoilerBot], cap: Episode, show: Show | None = None
    ) -> None:
        guard = Guard(channel_of(interaction), guild_of(interaction), cap.show.slug, cap.point)
        await within_window(interaction, self.bot.storage.set_guard(guard))
        text = f"Guard on: this channel allows {describe_cap(cap.show, cap.point)}."
        text += " New messages that reveal more are hidden as spoilers."
        await reply(interaction, "\n".join([text, *self._notes()]))

    @app_commands.command(name="clear", description="Stop guarding this channel")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def clear(self, interaction: discord.Interaction[SpoilerBot]) -> None:
        clear = self.bot.storage.clear_guard(channel_of(interaction))
        removed = await within_window(interaction, clear)
        await reply(
            interaction, "Guard off for this channel." if removed else "This channel had no guard."
        )

    @app_commands.command(name="show", description="See this channel's guard")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def show_(self, interaction: discord.Interaction[SpoilerBot]) -> None:
        bot = self.bot
        guard = await within_window(interaction, bot.storage.get_guard(channel_of(interaction)))
        if guard is None:
            await reply(interaction, "\n".join(["This channel has no guard.", *self._notes()]))
            return
        engine = bot.library.shows.get(guard.show, bot.library.default)
        text = f"This channel allows {describe_cap(engine, guard.cap)}."
        await reply(interaction, "\n".join([text, *self._notes()]))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Hide a new message in a guarded channel when it reveals more than the cap allows."""
        if not self._active() or message.guild is None:
            return
        if message.author.bot or message.webhook_id is not None:
            return  # the bot's own reposts, other bots and webhooks are left alone
        # A failure here is logged by SpoilerBot.on_error; the next message is checked anew.
        await self._check(message)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """Check an edited message too: a harmless post may be edited into a spoiler."""
        if payload.guild_id is None:
            return
        await self.on_message(payload.message)

    async def _check(self, message: discord.Message) -> None:
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
        # The channel reads as a viewer at the cap of the guarded show, who has not started any
        # other: another show may not be spoiled here at all.
        channel_viewer = ViewerSession(
            bot.library, {guarded.slug: guard.cap}, tips=DISCORD_TIPS, default=guarded
        )
        checked = channel_viewer.check(text)
        if checked.safe:
            return
        if message.guild is None or isinstance(channel, discord.DMChannel | discord.GroupChannel):
            return  # on_message checked: a guarded channel is always in a server
        missing = missing_for_hiding(channel.permissions_for(message.guild.me))
        if missing:
            if channel.id not in self._warned:
                self._warned.add(channel.id)
                log.warning(
                    "The guard can't hide messages in channel %s: missing %s", channel.id, missing
                )
            return
        self._warned.discard(channel.id)
        allowed = describe_cap(checked.engine, checked.progress)
        why = f"this channel allows {allowed}, and it reveals more."
        # Deleted by someone else meanwhile, or a channel that takes no webhooks: left as is.
        with contextlib.suppress(discord.NotFound, CannotRepost):
            await hide(bot, message, checked.engine, checked.found, why=why)


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(GuardCommands(bot))
