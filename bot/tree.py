"""The command tree, with the bot's one central error handler."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.db import DatabaseUnavailable
from bot.errors import UserFacingError

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

log = logging.getLogger(__name__)

GENERIC_FAILURE = "Something went wrong on my side. It has been logged; please try again."
DATABASE_DOWN = (
    "I can't reach my database right now, so nothing was read or changed. "
    "Please try again in a minute."
)


# Permission names as Discord's client shows them.
_LABELS = {
    "manage_guild": "Manage Server",
    "manage_messages": "Manage Messages",
    "manage_webhooks": "Manage Webhooks",
}


def message_for(error: app_commands.AppCommandError) -> str:
    """Return the friendly text for a failed command; never includes show facts."""
    # What a command raised, or what broke reading one of its options (a TransformerError's
    # cause).
    original = getattr(error, "original", None) or error.__cause__
    if isinstance(error, UserFacingError):
        return str(error)
    if isinstance(original, DatabaseUnavailable):
        return DATABASE_DOWN
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Easy there: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.MissingPermissions):
        if error.missing_permissions == ["manage_guild"]:
            return "You need the Manage Server permission to change the bot's server settings."
        names = " and ".join(
            _LABELS.get(p, p.replace("_", " ").title()) for p in error.missing_permissions
        )
        return f"You need the {names} permission to do that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That command only works in a server."
    if isinstance(error, app_commands.TransformerError):
        return "One of the options isn't valid. Check it and try again."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that command here."
    return GENERIC_FAILURE


class SpoilerTree(app_commands.CommandTree["SpoilerBot"]):
    """A command tree that answers every failure ephemerally and keeps the bot running."""

    async def on_error(
        self, interaction: discord.Interaction[SpoilerBot], error: app_commands.AppCommandError
    ) -> None:
        text = message_for(error)
        command = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(error, app_commands.TransformerError):
            # The user is told an option was wrong; why reading it failed is for the log.
            log.error(
                "Reading an option of /%s failed (%s)",
                command,
                type(error.__cause__).__name__,
                exc_info=error.__cause__ or error,
            )
        elif text in (GENERIC_FAILURE, DATABASE_DOWN):
            log.error("Command /%s failed", command, exc_info=error)
        if interaction.type is discord.InteractionType.autocomplete:
            return  # autocomplete can't show a message; the user just sees no choices
        if interaction.is_expired():
            log.warning("Could not tell the user /%s failed: the interaction expired", command)
            return
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException:
            log.warning("Could not tell the user about a failed command", exc_info=True)
