"""Message commands: "Safe for me?" for everyone, "Hide as spoiler" for moderators."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.detector import detector_for
from bot.exts._common import default_show, message_session, reply, within_window
from bot.exts._hide import hide_marked, message_text, require_hiding

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

NO_TEXT = "There's no text in that message for me to check."


class Spoilers(commands.Cog):
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot
        self.safe_menu = app_commands.ContextMenu(name="Safe for me?", callback=self.safe_for_me)
        self.hide_menu = app_commands.ContextMenu(
            name="Hide as spoiler", callback=self.hide_spoiler
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.safe_menu)
        self.bot.tree.add_command(self.hide_menu)
        for engine in self.bot.library.shows.values():
            detector_for(engine)  # built once at start-up, not on someone's first message

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.safe_menu.name, type=self.safe_menu.type)
        self.bot.tree.remove_command(self.hide_menu.name, type=self.hide_menu.type)

    async def safe_for_me(
        self, interaction: discord.Interaction[SpoilerBot], message: discord.Message
    ) -> None:
        """Tell the user, privately, whether a message is safe for their progress."""
        text = message_text(message)
        if not text.strip():
            await reply(interaction, NO_TEXT)
            return
        session = await within_window(interaction, message_session(interaction, text))
        await reply(interaction, session.check(text).reply())

    # Hidden from members without Manage Messages; the check holds even if a server lets
    # others see the command.
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_messages=True)
    async def hide_spoiler(
        self, interaction: discord.Interaction[SpoilerBot], message: discord.Message
    ) -> None:
        """Repost a message inside spoiler tags under its author's name, and delete it."""
        require_hiding(interaction.app_permissions)
        await interaction.response.defer(ephemeral=True, thinking=True)
        default = await default_show(interaction)
        await reply(interaction, await hide_marked(self.bot, self.bot.library, message, default))


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(Spoilers(bot))
