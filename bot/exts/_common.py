"""Helpers the cogs share: picking the show, reading progress, replying safely."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.core.engine import ShowEngine
from bot.core.progress import Progress
from bot.core.routing import Route
from bot.errors import UserFacingError

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

T = TypeVar("T")
# Discord wants a first response within 3 seconds; past this much waiting we defer.
DEFER_AFTER = 1.5
SET_PROGRESS_TIP = "Tell me how far you've watched with `/progress set` to get answers."


def bot_of(interaction: discord.Interaction) -> SpoilerBot:
    return interaction.client  # type: ignore[return-value]


async def resolve_show(interaction: discord.Interaction, name: str | None) -> ShowEngine:
    """Return the show named in an option, else the server's default, else the first show."""
    bot = bot_of(interaction)
    if name:
        engine = bot.library.get(name)
        if engine is None:
            raise UserFacingError("I don't know that show. Pick one from the list.")
        return engine
    return await default_show(interaction)


async def default_show(interaction: discord.Interaction) -> ShowEngine:
    """Return the server's default show, else the library's."""
    bot = bot_of(interaction)
    if interaction.guild_id is not None:
        config = await bot.storage.get_guild_settings(interaction.guild_id)
        if config.default_show and config.default_show in bot.library.shows:
            return bot.library.shows[config.default_show]
    return bot.library.default


async def stored_progress(interaction: discord.Interaction, engine: ShowEngine) -> Progress | None:
    return await bot_of(interaction).storage.get_progress(interaction.user.id, engine.slug)


async def progress_by_show(
    interaction: discord.Interaction, engines: Iterable[ShowEngine]
) -> list[tuple[ShowEngine, Progress | None]]:
    """Return the user's stored progress in each of the shows."""
    return [(engine, await stored_progress(interaction, engine)) for engine in engines]


async def show_and_progress(
    interaction: discord.Interaction, show: str | None
) -> tuple[ShowEngine, Progress | None]:
    """Return the show a command is about and the user's stored progress in it."""
    engine = await resolve_show(interaction, show)
    return engine, await stored_progress(interaction, engine)


async def route_question(
    interaction: discord.Interaction, question: str, show: str | None
) -> tuple[Route, dict[str, Progress | None]]:
    """Pick the show a question is about, reading the user's stored progress in each show."""
    library = bot_of(interaction).library
    # With a `show` option, or one show loaded, there is nothing to route: one read will do.
    if show or not library.several:
        engine = await resolve_show(interaction, show)
        stored = {engine.slug: await stored_progress(interaction, engine)}
        return library.route(question, {}, option=engine), stored
    default = await default_show(interaction)
    read = await progress_by_show(interaction, library.shows.values())
    stored = {engine.slug: progress for engine, progress in read}
    points = {slug: progress for slug, progress in stored.items() if progress is not None}
    return library.route(question, points, default=default), stored


async def within_window(
    interaction: discord.Interaction,
    work: Awaitable[T],
    *,
    ephemeral: bool = True,
    thinking: bool = True,
) -> T:
    """Await work, deferring the response if it runs long enough to risk the window."""
    # `thinking` false on a button press defers an update of the message the button is on.
    loop = asyncio.get_running_loop()
    deferral: asyncio.Task[None] | None = None

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


async def reply(
    interaction: discord.Interaction,
    content: str,
    *,
    ephemeral: bool = True,
    view: discord.ui.View | None = None,
) -> None:
    """Send the response, or a follow-up when the response was already deferred."""
    extra = {"view": view} if view is not None else {}
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=ephemeral, **extra)
    else:
        await interaction.response.send_message(content, ephemeral=ephemeral, **extra)


def choices(labels: list[str]) -> list[app_commands.Choice[str]]:
    """Turn labels into at most 25 autocomplete choices (Discord's limit, 100 chars each)."""
    return [app_commands.Choice(name=label[:100], value=label[:100]) for label in labels[:25]]


async def autocomplete_show(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    pairs = bot_of(interaction).library.complete_show(current)
    return [app_commands.Choice(name=title[:100], value=slug) for title, slug in pairs[:25]]


async def show_for_autocomplete(interaction: discord.Interaction) -> ShowEngine:
    """Pick the show for an autocomplete from the options typed so far."""
    name = getattr(interaction.namespace, "show", None)
    try:
        return await resolve_show(interaction, name)
    except UserFacingError:
        return bot_of(interaction).library.default
