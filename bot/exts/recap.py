"""/recap: short summaries of the episodes the viewer has watched."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.progress import NOT_STARTED, ProgressError
from bot.core.render import render_recap
from bot.errors import UserFacingError
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


class Recap(commands.Cog):
    @app_commands.command(name="recap", description="Recap the episodes you've watched")
    @app_commands.describe(
        episode="One episode (S1E3); all you've watched if empty", show="Which show"
    )
    @app_commands.autocomplete(show=autocomplete_show)
    async def recap(
        self, interaction: discord.Interaction, episode: str | None = None, show: str | None = None
    ) -> None:
        engine, stored = await within_window(interaction, show_and_progress(interaction, show))
        wanted = None
        if episode:
            try:
                wanted = engine.parse_progress(episode)
            except ProgressError as error:
                raise UserFacingError(str(error)) from None
        named = bot_of(interaction).library.several
        content = render_recap(engine.recap(stored or NOT_STARTED, wanted), name_show=named)
        if stored is None:
            content = f"{content}\n{SET_PROGRESS_TIP}"
        await reply(interaction, content)

    @recap.autocomplete("episode")
    async def _episodes(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        engine = await show_for_autocomplete(interaction)
        progress = await stored_progress(interaction, engine) or NOT_STARTED
        watched = [
            label
            for label in engine.complete_episode(current)
            if label.startswith("S") and progress.covers(*map(int, label[1:].split("E")))
        ]
        return choices(watched)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Recap())
