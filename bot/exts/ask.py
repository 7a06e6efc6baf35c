"""/ask: answer a question in plain words, as of the asker's progress."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.text import escape_markdown
from bot.exts._common import read_session, replace, reply, viewer_session, within_window
from bot.exts._options import Show
from bot.exts._views import Choose
from bot.session import Ambiguous, Answered, ViewerSession

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

log = logging.getLogger(__name__)
# Discord allows five buttons in a row; one question rarely fits more shows than that.
MAX_BUTTONS = 5
PRIVATE_HERE = "-# Public answers are off here, so only you can see this."
CANNOT_POST = "-# I can't post in this channel, so only you can see this."
POST_FAILED = "-# I couldn't post in the channel just now, so only you can see this."


def _ask_cooldown(interaction: discord.Interaction[SpoilerBot]) -> app_commands.Cooldown | None:
    settings = interaction.client.settings
    if settings.ask_cooldown_seconds <= 0:
        return None
    return app_commands.Cooldown(settings.ask_cooldown_rate, settings.ask_cooldown_seconds)


@dataclass(frozen=True, slots=True)
class Request:
    """One /ask as the user typed it, and whether it may be posted in the channel."""

    question: str
    reveal: bool
    public: bool
    post_publicly: bool


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
        async def load() -> tuple[ViewerSession, bool]:
            session = await viewer_session(interaction, show, routed=True)
            return session, public and await self.public_answers_allowed(interaction)

        # Always ephemeral, even for public answers: a public "thinking" reply would show
        # the question to the channel.
        session, allowed = await within_window(interaction, load())
        answered = session.ask(question, show=show, reveal=reveal)
        if isinstance(answered, Ambiguous):
            # Asked privately, whatever `public` says: which shows it could be about comes
            # from the people this user has met, which is theirs to know.
            request = Request(question, reveal, public, allowed)
            shows = [(e.show.title, e.slug) for e in answered.candidates[:MAX_BUTTONS]]
            ask_there = functools.partial(self._ask_there, request)
            choose = Choose(interaction, shows, ask_there, prefix="which-show", timeout=600)
            await reply(interaction, answered.text, view=choose)
            return
        await self.respond(interaction, answered, Request(question, reveal, public, allowed))

    async def _ask_there(
        self, request: Request, interaction: discord.Interaction[SpoilerBot], slug: str
    ) -> None:
        """Ask again in the show picked from the which-show buttons, in place of the prompt."""
        engine = self.bot.library.shows[slug]

        async def load() -> tuple[ViewerSession, bool]:
            session = await read_session(interaction, [engine], default=engine)
            return session, request.public and await self.public_answers_allowed(interaction)

        session, allowed = await within_window(interaction, load(), thinking=False)
        # The show was picked: ask it as if named in the option (its title taken out).
        answered = session.ask_in(engine, request.question, reveal=request.reveal)
        picked = Request(request.question, request.reveal, request.public, allowed)
        await self.respond(interaction, answered, picked, edit=True)

    async def respond(
        self,
        interaction: discord.Interaction[SpoilerBot],
        answered: Answered,
        request: Request,
        *,
        edit: bool = False,
    ) -> None:
        """Answer privately or in the channel; `edit` replaces a which-show prompt."""
        notes = list(answered.tips)
        if request.post_publicly:
            content = answered.text(question=request.question)
            await self._post(interaction, content, notes, edit=edit)
            return
        if request.public:
            notes.append(PRIVATE_HERE)
        await _send(interaction, "\n".join([answered.text(), *notes]), edit=edit)

    async def _post(
        self,
        interaction: discord.Interaction[SpoilerBot],
        content: str,
        notes: list[str],
        *,
        edit: bool,
    ) -> None:
        """Post the answer as a plain channel message, and tell the asker privately."""
        # A public interaction reply would show the question, unhidden, in the "used /ask"
        # line above it; a channel message has no such line.
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=not edit)
        asker = escape_markdown(interaction.user.display_name)
        channel = interaction.channel
        if channel is None or not isinstance(channel, discord.abc.Messageable):
            await _send(interaction, "\n".join([content, *notes, CANNOT_POST]), edit=edit)
            return
        try:
            await channel.send(f"{content}\n-# Asked by {asker}", silent=True)
        except discord.HTTPException as error:
            # Any failed post (no permission, a deleted channel, Discord having trouble)
            # still leaves the asker their answer, privately.
            if isinstance(error, discord.Forbidden):
                note = CANNOT_POST
            else:
                log.warning("Posting a public answer failed (%s)", error.status)
                note = POST_FAILED
            await _send(interaction, "\n".join([content, *notes, note]), edit=edit)
            return
        posted = "\n".join(["Posted in the channel, inside spoiler tags.", *notes])
        await _send(interaction, posted, edit=edit)

    async def public_answers_allowed(self, interaction: discord.Interaction[SpoilerBot]) -> bool:
        if interaction.guild_id is None:
            return False
        config = await self.bot.storage.get_guild_settings(interaction.guild_id)
        return config.public_answers


async def _send(interaction: discord.Interaction[SpoilerBot], content: str, *, edit: bool) -> None:
    """Reply, or with `edit` put the content in place of the message a button is on."""
    await (replace(interaction, content) if edit else reply(interaction, content))


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(Ask(bot))
