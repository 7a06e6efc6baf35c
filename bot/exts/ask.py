"""/ask: answer a question in plain words, as of the asker's progress."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.engine import ShowEngine
from bot.core.progress import NOT_STARTED, Progress
from bot.core.render import render_answer
from bot.core.text import escape_markdown
from bot.exts._common import (
    SET_PROGRESS_TIP,
    autocomplete_show,
    bot_of,
    reply,
    show_and_progress,
    within_window,
)

log = logging.getLogger(__name__)


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
        async def load() -> tuple[ShowEngine, Progress | None, bool]:
            engine, stored = await show_and_progress(interaction, show)
            allowed = public and await public_answers_allowed(interaction)
            return engine, stored, allowed

        # Always ephemeral, even for public answers: a public "thinking" reply would show
        # the question to the channel.
        engine, stored, post_publicly = await within_window(interaction, load())
        answer = engine.ask(question, stored or NOT_STARTED, reveal=reveal)
        notes = [SET_PROGRESS_TIP] if stored is None else []
        if post_publicly:
            await self._post(interaction, render_answer(answer, question=question), notes)
            return
        if public:
            notes.append("-# Public answers are off here, so only you can see this.")
        await reply(interaction, "\n".join([render_answer(answer), *notes]))

    async def _post(self, interaction: discord.Interaction, content: str, notes: list[str]) -> None:
        """Post the answer as a plain channel message, and tell the asker privately."""
        # A public interaction reply would show the question, unhidden, in the "used /ask"
        # line above it; a channel message has no such line.
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        asker = escape_markdown(interaction.user.display_name)
        channel = interaction.channel
        if channel is None or not hasattr(channel, "send"):
            note = "-# I can't post in this channel, so only you can see this."
            await reply(interaction, "\n".join([content, *notes, note]))
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
            await reply(interaction, "\n".join([content, *notes, note]))
            return
        await reply(interaction, "\n".join(["Posted in the channel, inside spoiler tags.", *notes]))


async def public_answers_allowed(interaction: discord.Interaction) -> bool:
    if interaction.guild_id is None:
        return False
    config = await bot_of(interaction).storage.get_guild_settings(interaction.guild_id)
    return config.public_answers


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ask())
