"""/server: settings for members who can manage the server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.render import render_guild_settings
from bot.db import UNCHANGED, GuildConfig
from bot.exts._common import guild_of, reply, within_window
from bot.exts._options import Show

if TYPE_CHECKING:
    from bot.bot import SpoilerBot


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class Server(
    commands.GroupCog, group_name="server", group_description="Server settings (Manage Server only)"
):
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot

    # default_permissions hides the commands; the check below holds even if an admin
    # lets others see them in the server's integration settings.
    @app_commands.command(name="settings", description="Show this server's bot settings")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def settings(self, interaction: discord.Interaction[SpoilerBot]) -> None:
        read = self.bot.storage.get_guild_settings(guild_of(interaction))
        await reply(interaction, self._describe(await within_window(interaction, read)))

    @app_commands.command(name="set", description="Change this server's bot settings")
    @app_commands.describe(
        public_answers="Allow /ask public:true here",
        default_show="The show used when nobody names one",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def set_(
        self,
        interaction: discord.Interaction[SpoilerBot],
        public_answers: bool | None = None,
        default_show: Show | None = None,
    ) -> None:
        slug = UNCHANGED if default_show is None else default_show.slug
        update = self.bot.storage.update_guild_settings(
            guild_of(interaction), public_answers=public_answers, default_show=slug
        )
        config = await within_window(interaction, update)
        await reply(interaction, "Saved. " + self._describe(config))

    def _describe(self, config: GuildConfig) -> str:
        library = self.bot.library
        show = library.shows.get(config.default_show or "", library.default).show
        return render_guild_settings(show, config.public_answers)


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(Server(bot))
