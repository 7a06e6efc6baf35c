"""Buttons the cogs share: only the user who asked may press them, and they expire cleanly."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterable
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


class Choose(OwnedView):
    """One button per option (label, key); pressing one stops the view and runs `chosen`."""

    def __init__(
        self,
        asked: discord.Interaction[SpoilerBot],
        options: Iterable[tuple[str, str]],
        chosen: Callable[[discord.Interaction[SpoilerBot], str], Awaitable[None]],
        *,
        prefix: str,
        timeout: float,
    ) -> None:
        super().__init__(asked, timeout=timeout)
        self.chosen = chosen
        for label, key in options:
            button: discord.ui.Button[Choose] = discord.ui.Button(
                label=label[:80], custom_id=f"{prefix}:{key}", style=discord.ButtonStyle.primary
            )
            # discord.py types Button.callback as a method generic over every client, so no
            # callback for this bot's own can be assigned, though its docs build buttons so.
            button.callback = self._press(key)  # type: ignore[method-assign, assignment]
            self.add_item(button)

    def _press(self, key: str) -> Callable[[discord.Interaction[SpoilerBot]], Awaitable[None]]:
        async def press(interaction: discord.Interaction[SpoilerBot]) -> None:
            self.stop()
            await self.chosen(interaction, key)

        return press
