"""/help: what the bot does, its commands, and how far the user has told it they are."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.render import render_help
from bot.exts._common import read_session, reply, within_window

if TYPE_CHECKING:
    from bot.bot import SpoilerBot


class Help(commands.Cog):
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="How I keep spoilers away, and my commands")
    async def help(self, interaction: discord.Interaction[SpoilerBot]) -> None:
        library = self.bot.library
        shows = list(library.shows.values())
        read = read_session(interaction, shows, default=library.default)
        session = await within_window(interaction, read)
        await reply(interaction, render_help(session.said(shows)))


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(Help(bot))
