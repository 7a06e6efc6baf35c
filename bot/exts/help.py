"""/help: what the bot does, its commands, and how far the user has told it they are."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.progress import Progress
from bot.exts._common import bot_of, progress_by_show, reply, within_window

COMMANDS = """\
`/progress set` tell me the last episode you've watched (S1E7, 1x07, 7, finished)
`/ask` ask in plain words; add `reveal:True` to lift the spoiler gate for one question
`/character` what you know of someone so far
`/recap` summaries of the episodes you've watched
`/progress show`, `/progress clear` see or forget your progress
`/forget` delete everything I store about you
**Safe for me?** (right-click a message, Apps) whether a message is safe for your progress
Moderators: **Hide as spoiler** on a message, and `/guard` to hide spoilers in a channel"""


class Help(commands.Cog):
    @app_commands.command(name="help", description="How I keep spoilers away, and my commands")
    async def help(self, interaction: discord.Interaction) -> None:
        library = bot_of(interaction).library
        stored = await within_window(
            interaction, progress_by_show(interaction, library.shows.values())
        )
        intro = (
            "I answer questions about a show only as far as you've watched it, and every "
            "answer sits inside spoiler tags. Answers are private to you unless you ask "
            "for a public one where the server allows it."
        )
        if not library.several:
            [(engine, progress)] = stored
            lines = [f"Your progress: {engine.show.title}: {_where(progress)}"]
        else:
            lines = [
                "Shows I know, and your progress in each (set it per show with "
                "`/progress set show:`):",
                *(f"- {engine.show.title}: {_where(progress)}" for engine, progress in stored),
                "A question that names a show, or people you've met in only one, is answered "
                "from that show; others go to this server's default show, or pick one with "
                "`show:`.",
            ]
        content = "\n".join([intro, COMMANDS, *lines])
        await reply(interaction, content)


def _where(progress: Progress | None) -> str:
    if progress is None:
        return "not set yet"
    return f"up to {progress}" if progress.started else "not started"


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Help())
