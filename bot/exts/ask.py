"""/ask: answer a question in plain words, as of the asker's progress."""

from __future__ import annotations

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
    resolve_show,
    stored_progress,
    within_window,
)


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
        async def load() -> tuple[ShowEngine, Progress | None]:
            engine = await resolve_show(interaction, show)
            return engine, await stored_progress(interaction, engine)

        # Always ephemeral, even for public answers: a public "thinking" reply would show
        # the question to the channel.
        engine, stored = await within_window(interaction, load())
        answer = engine.ask(question, stored or NOT_STARTED, reveal=reveal)
        if public:
            await self._answer_publicly(interaction, render_answer(answer, question=question))
            return
        content = render_answer(answer)
        if stored is None:
            content = f"{content}\n{SET_PROGRESS_TIP}"
        await reply(interaction, content)

    async def _answer_publicly(self, interaction: discord.Interaction, content: str) -> None:
        bot = bot_of(interaction)
        allowed = False
        if interaction.guild_id is not None:
            allowed = (await bot.storage.get_guild_settings(interaction.guild_id)).public_answers
        if not allowed:
            await reply(
                interaction, f"{content}\n-# Public answers are off here, so only you can see this."
            )
            return
        # The answer goes out as a plain channel message: a public interaction reply would
        # show the question, unhidden, in the "used /ask" line above it.
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        asker = escape_markdown(interaction.user.display_name)
        channel = interaction.channel
        if channel is None or not hasattr(channel, "send"):
            await reply(interaction, content)
            return
        try:
            await channel.send(f"{content}\n-# Asked by {asker}", silent=True)
        except discord.Forbidden:
            await reply(
                interaction,
                f"{content}\n-# I can't post in this channel, so only you can see this.",
            )
            return
        await reply(interaction, "Posted in the channel, inside spoiler tags.")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ask())
