"""/character: what the viewer knows of a character so far."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts._common import (
    choices,
    read_session,
    reply,
    show_for_autocomplete,
    viewer_session,
    within_window,
)
from bot.exts._options import Show

if TYPE_CHECKING:
    from bot.bot import SpoilerBot


class Characters(commands.Cog):
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot

    @app_commands.command(name="character", description="What you know of a character so far")
    @app_commands.describe(name="A character you've met", show="Which show")
    async def character(
        self, interaction: discord.Interaction[SpoilerBot], name: str, show: Show | None = None
    ) -> None:
        # A name met in only one show picks it, as a question naming them would.
        session = await within_window(interaction, viewer_session(interaction, show, routed=True))
        await reply(interaction, session.character(name, show=show))

    @character.autocomplete("name")
    async def _names(
        self, interaction: discord.Interaction[SpoilerBot], current: str
    ) -> list[app_commands.Choice[str]]:
        # Choices are plain text that no spoiler tag can hide: only names already met, in
        # each show at the user's own progress there.
        library = self.bot.library
        engine = await show_for_autocomplete(interaction)
        shows = [engine]
        if library.several and not getattr(interaction.namespace, "show", None):
            shows += [e for e in library.shows.values() if e is not engine]
        session = await read_session(interaction, shows, default=engine)
        return choices(session.character_names(current, shows))


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(Characters(bot))
