"""/character: what the viewer knows of a character so far."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.engine import ShowEngine
from bot.core.progress import NOT_STARTED, Progress
from bot.core.render import render_character, render_unknown_character
from bot.exts._common import (
    SET_PROGRESS_TIP,
    autocomplete_show,
    bot_of,
    choices,
    default_show,
    reply,
    route_question,
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
        async def load() -> tuple[ShowEngine, Progress | None]:
            # A name met in only one show picks it, as a question naming them would; a name
            # of several shows (or of none) stays with the default.
            route, read = await route_question(interaction, name, show)
            engine = route.engine or await default_show(interaction)
            return engine, read.get(engine.slug)

        engine, stored = await within_window(interaction, load())
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
        # Choices are plain text that no spoiler tag can hide: only names already met, in
        # each show at the user's own progress there.
        library = bot_of(interaction).library
        engine = await show_for_autocomplete(interaction)
        engines = [engine]
        if library.several and not getattr(interaction.namespace, "show", None):
            engines += [e for e in library.shows.values() if e is not engine]
        names: list[str] = []
        for each in engines:
            progress = await stored_progress(interaction, each) or NOT_STARTED
            names += [n for n in each.complete_character(current, progress) if n not in names]
        return choices(names)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Characters())
