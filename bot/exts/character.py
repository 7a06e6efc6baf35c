"""/character: what the viewer knows of a character so far."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.progress import NOT_STARTED
from bot.core.render import render_character, render_unknown_character
from bot.exts._common import (
    SET_PROGRESS_TIP,
    autocomplete_show,
    bot_of,
    choices,
    reply,
    show_and_progress,
    show_for_autocomplete,
    stored_progress,
    within_window,
)


class Characters(commands.Cog):
    @app_commands.command(name="character", description="What you know of a character so far")
    @app_commands.describe(name="A character you've met", show="Which show")
    @app_commands.autocomplete(show=autocomplete_show)
    async def character(
        self, interaction: discord.Interaction, name: str, show: str | None = None
    ) -> None:
        engine, stored = await within_window(interaction, show_and_progress(interaction, show))
        progress = stored or NOT_STARTED
        found = engine.find_character(name, progress)
        named = bot_of(interaction).library.several
        if found is None:
            content = render_unknown_character(engine.show, progress, name_show=named)
        else:
            view = engine.describe_character(found, progress)
            content = render_character(view, name_show=named)
        if stored is None:
            content = f"{content}\n{SET_PROGRESS_TIP}"
        await reply(interaction, content)

    @character.autocomplete("name")
    async def _names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        # Choices are plain text that no spoiler tag can hide: only names already met.
        engine = await show_for_autocomplete(interaction)
        progress = await stored_progress(interaction, engine) or NOT_STARTED
        return choices(engine.complete_character(current, progress))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Characters())
