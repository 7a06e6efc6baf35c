"""Buttons the cogs share: only the user who asked may press them, and they expire cleanly."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.exts._common import replace, within_window

if TYPE_CHECKING:
    from bot.bot import SpoilerBot


class OwnedView(discord.ui.View):
    """A view on a reply to one user: theirs to press, its buttons gone once it times out."""

    def __init__(self, asked: discord.Interaction[SpoilerBot], *, timeout: float) -> None:
        # Keep `timeout` under Discord's 15 minutes, so the reply can still be edited then.
        super().__init__(timeout=timeout)
        self.asked = asked

    async def interaction_check(self, interaction: discord.Interaction[discord.Client]) -> bool:
        return interaction.user.id == self.asked.user.id

    async def on_timeout(self) -> None:
        # Buttons that no longer answer would only fail when pressed.
        if self.asked.is_expired():
            return
        with contextlib.suppress(discord.HTTPException):
            await self.asked.edit_original_response(view=None)


class Confirm(OwnedView):
    """Yes or Cancel; pressing one puts what was done (or that nothing was) in the message."""

    def __init__(
        self,
        asked: discord.Interaction[SpoilerBot],
        *,
        yes: str,
        then: Callable[[discord.Interaction[SpoilerBot]], Awaitable[str]],
        cancelled: str,
        timeout: float = 120,
    ) -> None:
        super().__init__(asked, timeout=timeout)
        self.then, self.cancelled = then, cancelled
        self.confirm.label = yes

    @discord.ui.button(label="Yes", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[SpoilerBot], _: discord.ui.Button[Confirm]
    ) -> None:
        # `thinking` off: a slow confirmation defers an update of this message, not a new one.
        done = await within_window(interaction, self.then(interaction), thinking=False)
        self.stop()
        await replace(interaction, done)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[SpoilerBot], _: discord.ui.Button[Confirm]
    ) -> None:
        self.stop()
        await replace(interaction, self.cancelled)
