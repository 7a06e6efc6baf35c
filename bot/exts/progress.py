"""/progress: tell the bot how far you have watched."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.engine import ShowEngine
from bot.core.progress import Progress, ProgressError
from bot.errors import UserFacingError
from bot.exts._common import (
    autocomplete_show,
    bot_of,
    choices,
    progress_by_show,
    reply,
    resolve_show,
    show_for_autocomplete,
    within_window,
)


class ProgressCommands(
    commands.GroupCog,
    group_name="progress",
    group_description="Tell me how far you've watched, so I never spoil the rest",
):
    @app_commands.command(name="set", description="Set the last episode you've watched")
    @app_commands.describe(episode="S1E7, 1x07, 7, finished or none", show="Which show")
    @app_commands.autocomplete(show=autocomplete_show)
    async def set_(
        self, interaction: discord.Interaction, episode: str, show: str | None = None
    ) -> None:
        async def save() -> tuple[ShowEngine, Progress]:
            engine = await resolve_show(interaction, show)
            try:
                progress = engine.parse_progress(episode)
            except ProgressError as error:
                raise UserFacingError(str(error)) from None
            await bot_of(interaction).storage.set_progress(
                interaction.user.id, engine.slug, progress
            )
            return engine, progress

        engine, progress = await within_window(interaction, save())
        where = f"up to {progress}" if progress.started else "not started"
        await reply(
            interaction,
            f"Saved: {engine.show.title}, {where}. I'll keep everything after that hidden.",
        )

    @set_.autocomplete("episode")
    async def _episodes(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        engine = await show_for_autocomplete(interaction)
        return choices(engine.complete_episode(current))

    @app_commands.command(name="show", description="See how far I think you've watched")
    @app_commands.describe(show="Which show (all shows if empty)")
    @app_commands.autocomplete(show=autocomplete_show)
    async def show_(self, interaction: discord.Interaction, show: str | None = None) -> None:
        bot = bot_of(interaction)

        async def describe() -> list[str]:
            engines = (
                [await resolve_show(interaction, show)] if show else bot.library.shows.values()
            )
            return [
                f"{engine.show.title}: "
                + ("not set (treated as not started)" if progress is None else str(progress))
                for engine, progress in await progress_by_show(interaction, engines)
            ]

        await reply(interaction, "\n".join(await within_window(interaction, describe())))

    @app_commands.command(name="clear", description="Forget your progress for a show")
    @app_commands.describe(show="Which show")
    @app_commands.autocomplete(show=autocomplete_show)
    async def clear(self, interaction: discord.Interaction, show: str | None = None) -> None:
        async def clear() -> tuple[ShowEngine, int]:
            engine = await resolve_show(interaction, show)
            storage = bot_of(interaction).storage
            return engine, await storage.clear_progress(interaction.user.id, engine.slug)

        engine, removed = await within_window(interaction, clear())
        text = "Cleared." if removed else "There was nothing to clear."
        await reply(interaction, f"{text} For {engine.show.title} I'll treat you as not started.")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(ProgressCommands())
