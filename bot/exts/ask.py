"""/ask: answer a question in plain words, as of the asker's progress."""

from __future__ import annotations

import functools
from collections.abc import Awaitable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts._common import read_session, reply, viewer_session, within_window
from bot.exts._options import Show
from bot.exts._public import Request, public_answers_allowed, respond
from bot.exts._views import Choose
from bot.session import Ambiguous, ViewerSession

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

# Discord allows five buttons in a row; one question rarely fits more shows than that.
MAX_BUTTONS = 5


def _ask_cooldown(interaction: discord.Interaction[SpoilerBot]) -> app_commands.Cooldown | None:
    settings = interaction.client.settings
    if settings.ask_cooldown_seconds <= 0:
        return None
    return app_commands.Cooldown(settings.ask_cooldown_rate, settings.ask_cooldown_seconds)


class Ask(commands.Cog):
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="ask", description="Ask about the show; I only answer up to your episode"
    )
    @app_commands.describe(
        question="Your question, in plain words",
        reveal="Answer even past your episode (spoilers!)",
        public="Post the answer in the channel, if this server allows it",
        show="Which show",
    )
    @app_commands.checks.dynamic_cooldown(_ask_cooldown)
    async def ask(
        self,
        interaction: discord.Interaction[SpoilerBot],
        question: str,
        reveal: bool = False,
        public: bool = False,
        show: Show | None = None,
    ) -> None:
        # Always ephemeral, even for public answers: a public "thinking" reply would show
        # the question to the channel.
        load = _load(interaction, viewer_session(interaction, show, routed=True), public)
        session, allowed = await within_window(interaction, load)
        request = Request(question, reveal, public, allowed)
        answered = session.ask(question, show=show, reveal=reveal)
        if isinstance(answered, Ambiguous):
            # Asked privately, whatever `public` says: which shows it could be about comes
            # from the people this user has met, which is theirs to know.
            shows = [(e.show.title, e.slug) for e in answered.candidates[:MAX_BUTTONS]]
            ask_there = functools.partial(self._ask_there, request)
            choose = Choose(interaction, shows, ask_there, prefix="which-show", timeout=600)
            await reply(interaction, answered.text, view=choose)
            return
        await respond(interaction, answered, request)

    async def _ask_there(
        self, request: Request, interaction: discord.Interaction[SpoilerBot], slug: str
    ) -> None:
        """Ask again in the show picked from the which-show buttons, in place of the prompt."""
        engine = self.bot.library.shows[slug]
        read = read_session(interaction, [engine], default=engine)
        load = _load(interaction, read, request.public)
        session, allowed = await within_window(interaction, load, thinking=False)
        # The show was picked: ask it as if named in the option (its title taken out).
        answered = session.ask_in(engine, request.question, reveal=request.reveal)
        picked = Request(request.question, request.reveal, request.public, allowed)
        await respond(interaction, answered, picked, edit=True)


async def _load(
    interaction: discord.Interaction[SpoilerBot], read: Awaitable[ViewerSession], public: bool
) -> tuple[ViewerSession, bool]:
    """The asker's session, and whether their answer may be posted in the channel."""
    return await read, public and await public_answers_allowed(interaction)


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(Ask(bot))
