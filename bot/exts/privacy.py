"""/forget: delete everything the bot stores about a user, after a confirmation."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.text import plural
from bot.exts._common import bot_of, reply, within_window


class ConfirmForget(discord.ui.View):
    """Two buttons that only the user who asked can press."""

    def __init__(self, user_id: int) -> None:
        super().__init__(timeout=120)
        self.user_id = user_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.user_id

    @discord.ui.button(label="Delete my data", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        removed = await within_window(
            interaction, bot_of(interaction).storage.forget_user(self.user_id)
        )
        self.stop()
        await interaction.response.edit_message(
            content=f"Done: I deleted everything I stored about you ({plural(removed, 'record')}).",
            view=None,
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(
            content="Cancelled: nothing was deleted.", view=None
        )


class Privacy(commands.Cog):
    @app_commands.command(name="forget", description="Delete everything I store about you")
    async def forget(self, interaction: discord.Interaction) -> None:
        stored = bot_of(interaction).storage.has_data(interaction.user.id)
        if not await within_window(interaction, stored):
            await reply(interaction, "I don't store anything about you.")
            return
        await reply(
            interaction,
            "This deletes your progress for every show. It can't be undone. Are you sure?",
            view=ConfirmForget(interaction.user.id),
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Privacy())
