"""/ask: answer a question in plain words, as of the asker's progress."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.engine import ShowEngine
from bot.core.progress import NOT_STARTED, Progress
from bot.core.render import render_answer, render_which_show
from bot.core.routing import Route
from bot.core.text import escape_markdown
from bot.exts._common import (
    SET_PROGRESS_TIP,
    autocomplete_show,
    bot_of,
    reply,
    route_question,
    stored_progress,
    within_window,
)

log = logging.getLogger(__name__)
# Discord allows five buttons in a row; one question rarely fits more shows than that.
MAX_BUTTONS = 5


def _ask_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown | None:
    settings = bot_of(interaction).settings
    if settings.ask_cooldown_seconds <= 0:
        return None
    return app_commands.Cooldown(settings.ask_cooldown_rate, settings.ask_cooldown_seconds)


class Ask(commands.Cog):
    @app_commands.command(
        name="ask", description="Ask about the show; I only answer up to your episode"
    )
    @app_commands.describe(
        question="Your question, in plain words",
        reveal="Answer even past your episode (spoilers!)",
        public="Post the answer in the channel, if this server allows it",
        show="Which show",
    )
    @app_commands.autocomplete(show=autocomplete_show)
    @app_commands.checks.dynamic_cooldown(_ask_cooldown)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: str,
        reveal: bool = False,
        public: bool = False,
        show: str | None = None,
    ) -> None:
        async def load() -> tuple[Route, dict[str, Progress | None], bool]:
            route, stored = await route_question(interaction, question, show)
            allowed = public and await public_answers_allowed(interaction)
            return route, stored, allowed

        # Always ephemeral, even for public answers: a public "thinking" reply would show
        # the question to the channel.
        route, stored, post_publicly = await within_window(interaction, load())
        if route.engine is None:
            # Asked privately, whatever `public` says: which shows it could be about comes
            # from the people this user has met, which is theirs to know.
            choose = WhichShow(self, interaction, question, route.candidates, reveal, public)
            shows = (engine.show for engine in route.candidates)
            await reply(interaction, render_which_show(shows, "Pick one:"), view=choose)
            return
        request = Request(question, route.question, reveal, public, post_publicly)
        await self.respond(interaction, route.engine, stored.get(route.engine.slug), request)

    async def respond(
        self,
        interaction: discord.Interaction,
        engine: ShowEngine,
        stored: Progress | None,
        request: Request,
        *,
        edit: bool = False,
    ) -> None:
        """Answer in one show, privately or in the channel; `edit` replaces a which-show prompt."""
        answer = engine.ask(request.routed, stored or NOT_STARTED, reveal=request.reveal)
        named = bot_of(interaction).library.several
        notes = [SET_PROGRESS_TIP] if stored is None else []
        if request.post_publicly:
            content = render_answer(answer, question=request.question, name_show=named)
            await self._post(interaction, content, notes, edit=edit)
            return
        if request.public:
            notes.append("-# Public answers are off here, so only you can see this.")
        content = "\n".join([render_answer(answer, name_show=named), *notes])
        await _send(interaction, content, edit=edit)

    async def _post(
        self, interaction: discord.Interaction, content: str, notes: list[str], *, edit: bool
    ) -> None:
        """Post the answer as a plain channel message, and tell the asker privately."""
        # A public interaction reply would show the question, unhidden, in the "used /ask"
        # line above it; a channel message has no such line.
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=not edit)
        asker = escape_markdown(interaction.user.display_name)
        channel = interaction.channel
        if channel is None or not hasattr(channel, "send"):
            note = "-# I can't post in this channel, so only you can see this."
            await _send(interaction, "\n".join([content, *notes, note]), edit=edit)
            return
        try:
            await channel.send(f"{content}\n-# Asked by {asker}", silent=True)
        except discord.HTTPException as error:
            # Any failed post (no permission, a deleted channel, Discord having trouble)
            # still leaves the asker their answer, privately.
            if isinstance(error, discord.Forbidden):
                note = "-# I can't post in this channel, so only you can see this."
            else:
                log.warning("Posting a public answer failed (%s)", error.status)
                note = "-# I couldn't post in the channel just now, so only you can see this."
            await _send(interaction, "\n".join([content, *notes, note]), edit=edit)
            return
        posted = "\n".join(["Posted in the channel, inside spoiler tags.", *notes])
        await _send(interaction, posted, edit=edit)


@dataclass(frozen=True, slots=True)
class Request:
    """One /ask as the user typed it, and the question routing left to answer."""

    question: str
    routed: str
    reveal: bool
    public: bool
    post_publicly: bool


async def _send(interaction: discord.Interaction, content: str, *, edit: bool) -> None:
    """Reply, or with `edit` put the content in place of the message a button is on."""
    if not edit:
        await reply(interaction, content)
    elif interaction.response.is_done():
        await interaction.edit_original_response(content=content, view=None)
    else:
        await interaction.response.edit_message(content=content, view=None)


class WhichShow(discord.ui.View):
    """One button per show a question could be about; pressing one asks it there."""

    def __init__(
        self,
        cog: Ask,
        asked: discord.Interaction,
        question: str,
        candidates: tuple[ShowEngine, ...],
        reveal: bool,
        public: bool,
    ) -> None:
        # Under Discord's 15 minutes, so the prompt can still be edited when it expires.
        super().__init__(timeout=600)
        self.cog, self.asked, self.question = cog, asked, question
        self.reveal, self.public = reveal, public
        for engine in candidates[:MAX_BUTTONS]:
            button: discord.ui.Button[WhichShow] = discord.ui.Button(
                label=engine.show.title[:80],
                custom_id=f"which-show:{engine.slug}",
                style=discord.ButtonStyle.primary,
            )
            button.callback = self._asker(engine)
            self.add_item(button)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.asked.user.id

    async def on_timeout(self) -> None:
        # Buttons that no longer answer would only fail when pressed.
        with contextlib.suppress(discord.HTTPException):
            await self.asked.edit_original_response(view=None)

    def _asker(self, engine: ShowEngine) -> Callable[[discord.Interaction], Awaitable[None]]:
        async def ask_there(interaction: discord.Interaction) -> None:
            self.stop()

            async def load() -> tuple[Progress | None, bool]:
                stored = await stored_progress(interaction, engine)
                allowed = self.public and await public_answers_allowed(interaction)
                return stored, allowed

            stored, allowed = await within_window(interaction, load(), thinking=False)
            # The show was picked: ask it as if named in the option (its title taken out).
            routed = bot_of(interaction).library.route(self.question, {}, option=engine)
            request = Request(self.question, routed.question, self.reveal, self.public, allowed)
            await self.cog.respond(interaction, engine, stored, request, edit=True)

        return ask_there


async def public_answers_allowed(interaction: discord.Interaction) -> bool:
    if interaction.guild_id is None:
        return False
    config = await bot_of(interaction).storage.get_guild_settings(interaction.guild_id)
    return config.public_answers


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ask())
