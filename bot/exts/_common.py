"""Helpers the cogs share: the viewer's session, the response window, replying safely."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.core.engine import ShowEngine
from bot.core.progress import Progress
from bot.errors import UserFacingError
from bot.session import DISCORD_TIPS, ViewerSession

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

log = logging.getLogger(__name__)

T = TypeVar("T")
# Discord wants a first response within 3 seconds; past this much waiting we defer.
DEFER_AFTER = 1.5
UNKNOWN_SHOW = "I don't know that show. Pick one from the list."


def guild_of(interaction: discord.Interaction[SpoilerBot]) -> int:
    """The server a guild-only command runs in (Discord sends none in a DM)."""
    if interaction.guild_id is None:
        raise UserFacingError("That command only works in a server.")
    return interaction.guild_id


def channel_of(interaction: discord.Interaction[SpoilerBot]) -> int:
    """The channel a command runs in (Discord always sends one for a slash command)."""
    if interaction.channel_id is None:
        raise UserFacingError("That command only works in a channel.")
    return interaction.channel_id


async def default_show(interaction: discord.Interaction[SpoilerBot]) -> ShowEngine:
    """Return the server's default show, else the library's."""
    bot = interaction.client
    if interaction.guild_id is not None:
        config = await bot.storage.get_guild_settings(interaction.guild_id)
        if config.default_show and config.default_show in bot.library.shows:
            return bot.library.shows[config.default_show]
    return bot.library.default


async def pick_show(interaction: discord.Interaction[SpoilerBot], name: str | None) -> ShowEngine:
    """Return the show a name means (slug, title or alias), else the server's default."""
    if not name:
        return await default_show(interaction)
    engine = interaction.client.library.get(name)
    if engine is None:
        raise UserFacingError(UNKNOWN_SHOW)
    return engine


async def read_session(
    interaction: discord.Interaction[SpoilerBot],
    shows: Iterable[ShowEngine],
    *,
    default: ShowEngine,
) -> ViewerSession:
    """Return the user's session, with their stored progress in each of `shows`."""
    bot = interaction.client
    user = interaction.user.id
    slugs = [engine.slug for engine in shows]
    stored: dict[str, Progress | None] = {}
    if len(slugs) == 1:
        stored[slugs[0]] = await bot.storage.get_progress(user, slugs[0])
    elif slugs:
        stored = await bot.storage.get_progress_in(user, slugs)  # one read, not one per show
    return ViewerSession(bot.library, stored, tips=DISCORD_TIPS, default=default)


async def viewer_session(
    interaction: discord.Interaction[SpoilerBot], show: ShowEngine | None, *, routed: bool = False
) -> ViewerSession:
    """Return the user's session for a command about `show`, else the server's default show.

    `routed`: the command's text may name another show (a question, a character), so without
    a `show` option every show's progress is read to route it.
    """
    library = interaction.client.library
    default = show or await default_show(interaction)
    # With a `show` option, or one show loaded, there is nothing to route: one read will do.
    every = routed and show is None and library.several
    shows = library.shows.values() if every else [default]
    return await read_session(interaction, shows, default=default)


async def message_session(interaction: discord.Interaction[SpoilerBot], text: str) -> ViewerSession:
    """Return the user's session to check a message: their progress in the shows it may be about."""
    default = await default_show(interaction)
    about = ViewerSession(interaction.client.library, tips=DISCORD_TIPS, default=default)
    return await read_session(interaction, about.shows_of(text), default=default)


async def within_window(
    interaction: discord.Interaction[SpoilerBot],
    work: Awaitable[T],
    *,
    ephemeral: bool = True,
    thinking: bool = True,
) -> T:
    """Await work, deferring the response if it runs long enough to risk the window."""
    # `thinking` false on a button press defers an update of the message the button is on.
    loop = asyncio.get_running_loop()
    deferral: asyncio.Task[object] | None = None

    def defer() -> None:
        nonlocal deferral
        if not interaction.response.is_done():
            deferral = loop.create_task(
                interaction.response.defer(ephemeral=ephemeral, thinking=thinking)
            )

    # A timer rather than a task around `work`: the usual fast path then costs no extra
    # trip through a busy event loop.
    timer = loop.call_later(DEFER_AFTER, defer)
    try:
        return await work
    finally:
        timer.cancel()
        if deferral is not None:
            await deferral


def expired(interaction: discord.Interaction[SpoilerBot]) -> bool:
    """Whether the interaction's token has run out; a late reply is then logged and dropped."""
    if not interaction.is_expired():
        return False
    command = interaction.command.qualified_name if interaction.command else "a component"
    log.warning("Dropped a reply to /%s: the interaction expired before it was ready", command)
    return True


async def reply(
    interaction: discord.Interaction[SpoilerBot],
    content: str,
    *,
    ephemeral: bool = True,
    view: discord.ui.View | None = None,
) -> None:
    """Send the response, or a follow-up when the response was already deferred."""
    if expired(interaction):
        return
    if interaction.response.is_done():
        if view is None:
            await interaction.followup.send(content, ephemeral=ephemeral)
        else:
            await interaction.followup.send(content, ephemeral=ephemeral, view=view)
    elif view is None:
        await interaction.response.send_message(content, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(content, ephemeral=ephemeral, view=view)


async def replace(interaction: discord.Interaction[SpoilerBot], content: str) -> None:
    """Put `content` in place of the message a button is on, and take its buttons away."""
    if expired(interaction):
        return
    if interaction.response.is_done():
        await interaction.edit_original_response(content=content, view=None)
    else:
        await interaction.response.edit_message(content=content, view=None)


def choices(labels: list[str]) -> list[app_commands.Choice[str]]:
    """Turn labels into at most 25 autocomplete choices (Discord's limit, 100 chars each)."""
    return [app_commands.Choice(name=label[:100], value=label[:100]) for label in labels[:25]]


async def show_for_autocomplete(interaction: discord.Interaction[SpoilerBot]) -> ShowEngine:
    """Pick the show for an autocomplete from the options typed so far."""
    name = getattr(interaction.namespace, "show", None)
    try:
        return await pick_show(interaction, name)
    except UserFacingError:
        return interaction.client.library.default
