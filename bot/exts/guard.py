"""/guard: channels where new messages may reveal a show only up to an episode."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.render import render_guard
from bot.db import Guard
from bot.exts._common import channel_of, guild_of, reply, within_window
from bot.exts._guarded import GuardWatch
from bot.exts._options import Episode, Show

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

INACTIVE = (
    "-# The guard is inactive: I run without Discord's Message Content intent, so I can't "
    "read new messages. The bot's operator can switch it on (MESSAGE_CONTENT_INTENT=true)."
)


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class GuardCommands(
    commands.GroupCog,
    group_name="guard",
    group_description="Hide spoilers past an episode in this channel (Manage Server only)",
):
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot
        self.watch = GuardWatch(bot)

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
        text = render_guard(cap.show.show, cap.point, new=True)
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
        text = render_guard(engine.show, guard.cap)
        await reply(interaction, "\n".join([text, *self._notes()]))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Hide a new message in a guarded channel when it reveals more than the cap allows."""
        # A failure here is logged by SpoilerBot.on_error; the next message is checked anew.
        if self._active():
            await self.watch.check(message)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """Check an edited message too: a harmless post may be edited into a spoiler."""
        if payload.guild_id is None:
            return
        await self.on_message(payload.message)


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(GuardCommands(bot))
