"""/recap: short summaries of the episodes the viewer has watched."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts._common import reply, viewer_session, within_window
from bot.exts._options import Show, WatchedEpisode

if TYPE_CHECKING:
    from bot.bot import SpoilerBot


class Recap(commands.Cog):
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot

    @app_commands.command(name="recap", description="Recap the episodes you've watched")
    @app_commands.describe(
        episode="One episode (S1E3); all you've watched if empty", show="Which show"
    )
    async def recap(
        self,
        interaction: discord.Interaction[SpoilerBot],
        episode: WatchedEpisode | None = None,
        show: Show | None = None,
    ) -> None:
        engine = episode.show if episode else show
        session = await within_window(interaction, viewer_session(interaction, engine))
        point = episode.point if episode else None
        await reply(interaction, session.recap(point, show=session.default))


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(Recap(bot))
