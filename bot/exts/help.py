"""/help: what the bot does, its commands, and how far the user has told it they are."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts._common import bot_of, reply, within_window

COMMANDS = """\
`/progress set` tell me the last episode you've watched (S1E7, 1x07, 7, finished)
`/ask` ask in plain words; add `reveal:True` to lift the spoiler gate for one question
`/character` what you know of someone so far
`/recap` summaries of the episodes you've watched
`/progress show`, `/progress clear` see or forget your progress
`/forget` delete everything I store about you"""


class Help(commands.Cog):
    @app_commands.command(name="help", description="How I keep spoilers away, and my commands")
    async def help(self, interaction: discord.Interaction) -> None:
        bot = bot_of(interaction)
        storage = bot.storage
        engines = list(bot.library.shows.values())

        async def progress_lines() -> list[str]:
            lines = []
            for engine in engines:
                progress = await storage.get_progress(interaction.user.id, engine.slug)
                where = f"up to {progress}" if progress else "not set yet"
                lines.append(f"{engine.show.title}: {where}")
            return lines

        lines = await within_window(interaction, progress_lines())
        content = "\n".join(
            [
                "I answer questions about a show only as far as you've watched it, and every "
                "answer sits inside spoiler tags. Answers are private to you unless you ask "
                "for a public one where the server allows it.",
                COMMANDS,
                "Your progress: " + "; ".join(lines),
            ]
        )
        await reply(interaction, content)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Help())
