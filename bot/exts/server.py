"""/server: settings for members who can manage the server."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.db import UNCHANGED, GuildConfig
from bot.errors import UserFacingError
from bot.exts._common import autocomplete_show, bot_of, reply, within_window


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class Server(
    commands.GroupCog, group_name="server", group_description="Server settings (Manage Server only)"
):
    # default_permissions hides the commands; the check below holds even if an admin
    # lets others see them in the server's integration settings.
    @app_commands.command(name="settings", description="Show this server's bot settings")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def settings(self, interaction: discord.Interaction) -> None:
        storage = bot_of(interaction).storage
        config = await within_window(interaction, storage.get_guild_settings(interaction.guild_id))
        await reply(interaction, self._describe(interaction, config))

    @app_commands.command(name="set", description="Change this server's bot settings")
    @app_commands.describe(
        public_answers="Allow /ask public:true here",
        default_show="The show used when nobody names one",
    )
    @app_commands.autocomplete(default_show=autocomplete_show)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def set_(
        self,
        interaction: discord.Interaction,
        public_answers: bool | None = None,
        default_show: str | None = None,
    ) -> None:
        bot = bot_of(interaction)
        slug = UNCHANGED
        if default_show is not None:
            engine = bot.library.get(default_show)
            if engine is None:
                raise UserFacingError("I don't know that show. Pick one from the list.")
            slug = engine.slug
        config = await within_window(
            interaction,
            bot.storage.update_guild_settings(
                interaction.guild_id, public_answers=public_answers, default_show=slug
            ),
        )
        await reply(interaction, "Saved. " + self._describe(interaction, config))

    @staticmethod
    def _describe(interaction: discord.Interaction, config: GuildConfig) -> str:
        library = bot_of(interaction).library
        show = library.shows.get(config.default_show or "", library.default).show.title
        public = "allowed" if config.public_answers else "not allowed"
        return f"Public answers: {public}. Default show: {show}."


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Server())
