"""The options many commands take, a show and an episode of it, each with its autocomplete.

A command declares `show: Show | None = None` or `episode: Episode` and gets the show engine,
or the episode read in the command's show, already checked; a bad value is the user's error,
with a friendly message, before the command runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.core.engine import ShowEngine
from bot.core.progress import Progress, ProgressError
from bot.errors import UserFacingError
from bot.exts._common import choices, pick_show, read_session, show_for_autocomplete, within_window

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

Choices = list[app_commands.Choice[int | float | str]]


@dataclass(frozen=True, slots=True)
class EpisodeOption:
    """An episode option as read in the show the command is about."""

    show: ShowEngine
    point: Progress


class ShowTransformer(app_commands.Transformer["SpoilerBot"]):
    """A show by slug, title or alias, any case; autocompleted from titles and aliases."""

    async def transform(
        self, interaction: discord.Interaction[SpoilerBot], value: str
    ) -> ShowEngine:
        return await pick_show(interaction, value)

    async def autocomplete(
        self, interaction: discord.Interaction[SpoilerBot], value: int | float | str
    ) -> Choices:
        pairs = interaction.client.library.complete_show(str(value))
        found: Choices = [
            app_commands.Choice(name=title[:100], value=slug) for title, slug in pairs
        ]
        return found[:25]


class EpisodeTransformer(app_commands.Transformer["SpoilerBot"]):
    """An episode (S1E7, 1x07, 7, finished, none) of the show in the command's `show` option.

    Its autocomplete lists episode labels only, never what happens in them; `watched` lists
    only the episodes the user has watched.
    """

    def __init__(self, *, watched: bool = False) -> None:
        self.watched = watched

    async def transform(
        self, interaction: discord.Interaction[SpoilerBot], value: str
    ) -> EpisodeOption:
        # The show first, so an unknown show is the error a user sees, as in the option order.
        named = getattr(interaction.namespace, "show", None)
        engine = await within_window(interaction, pick_show(interaction, named))
        try:
            return EpisodeOption(engine, engine.parse_progress(value))
        except ProgressError as error:
            raise UserFacingError(str(error)) from None

    async def autocomplete(
        self, interaction: discord.Interaction[SpoilerBot], value: int | float | str
    ) -> Choices:
        engine = await show_for_autocomplete(interaction)
        labels = engine.complete_episode(str(value))
        if self.watched:
            session = await read_session(interaction, [engine], default=engine)
            labels = session.watched(engine, labels)
        found: Choices = [app_commands.Choice(name=c.name, value=c.value) for c in choices(labels)]
        return found


# What a command declares; discord.py reads the transformer, a type checker the result.
Show = app_commands.Transform[ShowEngine, ShowTransformer]
Episode = app_commands.Transform[EpisodeOption, EpisodeTransformer]
WatchedEpisode = app_commands.Transform[EpisodeOption, EpisodeTransformer(watched=True)]
