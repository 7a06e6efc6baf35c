"""/progress: tell the bot how far you have watched."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.render import render_cleared_progress, render_progress_list, render_saved_progress
from bot.core.schema import ShowInfo
from bot.exts._common import default_show, read_session, reply, within_window
from bot.exts._options import Episode, Show

if TYPE_CHECKING:
    from bot.bot import SpoilerBot


class ProgressCommands(
    commands.GroupCog,
    group_name="progress",
    group_description="Tell me how far you've watched, so I never spoil the rest",
):
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot

    @app_commands.command(name="set", description="Set the last episode you've watched")
    @app_commands.describe(episode="S1E7, 1x07, 7, finished or none", show="Which show")
    async def set_(
        self,
        interaction: discord.Interaction[SpoilerBot],
        episode: Episode,
        show: Show | None = None,
    ) -> None:
        save = self.bot.storage.set_progress(interaction.user.id, episode.show.slug, episode.point)
        await within_window(interaction, save)
        await reply(interaction, render_saved_progress(episode.show.show, episode.point))

    @app_commands.command(name="show", description="See how far I think you've watched")
    @app_commands.describe(show="Which show (all shows if empty)")
    async def show_(
        self, interaction: discord.Interaction[SpoilerBot], show: Show | None = None
    ) -> None:
        shows = [show] if show else list(self.bot.library.shows.values())
        read = read_session(interaction, shows, default=shows[0])
        session = await within_window(interaction, read)
        await reply(interaction, render_progress_list(session.said(shows)))

    @app_commands.command(name="clear", description="Forget your progress for a show")
    @app_commands.describe(show="Which show")
    async def clear(
        self, interaction: discord.Interaction[SpoilerBot], show: Show | None = None
    ) -> None:
        async def clear() -> tuple[ShowInfo, int]:
            engine = show or await default_show(interaction)
            removed = await self.bot.storage.clear_progress(interaction.user.id, engine.slug)
            return engine.show, removed

        cleared, removed = await within_window(interaction, clear())
        await reply(interaction, render_cleared_progress(cleared, bool(removed)))


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(ProgressCommands(bot))
