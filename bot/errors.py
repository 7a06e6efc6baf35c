"""Errors whose message is written for the user who ran a command."""

from __future__ import annotations

from discord import app_commands


class UserFacingError(app_commands.AppCommandError):
    """A failure caused by the user's input; its message is shown to them as it is."""
