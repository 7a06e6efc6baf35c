"""/forget: delete everything the bot stores about a user, after a confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.text import plural
from bot.exts._common import reply, within_window
from bot.exts._views import Confirm

if TYPE_CHECKING:
    from bot.bot import SpoilerBot


class Privacy(commands.Cog):
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot

    @app_commands.command(name="forget", description="Delete everything I store about you")
    async def forget(self, interaction: discord.Interaction[SpoilerBot]) -> None:
        user = interaction.user.id
        if not await within_window(interaction, self.bot.storage.has_data(user)):
            await reply(interaction, "I don't store anything about you.")
            return

        async def forget_user(_: discord.Interaction[SpoilerBot]) -> str:
            removed = await self.bot.storage.forget_user(user)
            return f"Done: I deleted everything I stored about you ({plural(removed, 'record')})."

        confirm = Confirm(
            interaction,
            yes="Delete my data",
            then=forget_user,
            cancelled="Cancelled: nothing was deleted.",
        )
        await reply(
            interaction,
            "This deletes your progress for every show. It can't be undone. Are you sure?",
            view=confirm,
        )


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(Privacy(bot))
