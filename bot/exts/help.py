"""/help: what the bot does, its commands, and how far the user has told it they are."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.engine import ShowEngine
from bot.exts._common import read_session, reply, within_window
from bot.session import ViewerSession

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

INTRO = (
    "I answer questions about a show only as far as you've watched it, and every "
    "answer sits inside spoiler tags. Answers are private to you unless you ask "
    "for a public one where the server allows it."
)
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
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="How I keep spoilers away, and my commands")
    async def help(self, interaction: discord.Interaction[SpoilerBot]) -> None:
        library = self.bot.library
        shows = list(library.shows.values())
        read = read_session(interaction, shows, default=library.default)
        session = await within_window(interaction, read)
        if not library.several:
            lines = [f"Your progress: {shows[0].show.title}: {_where(session, shows[0])}"]
        else:
            lines = [
                "Shows I know, and your progress in each (set it per show with "
                "`/progress set show:`):",
                *(f"- {engine.show.title}: {_where(session, engine)}" for engine in shows),
                "A question that names a show, or people you've met in only one, is answered "
                "from that show; others go to this server's default show, or pick one with "
                "`show:`.",
            ]
        await reply(interaction, "\n".join([INTRO, COMMANDS, *lines]))


def _where(session: ViewerSession, engine: ShowEngine) -> str:
    if not session.has_said(engine):
        return "not set yet"
    progress = session.progress_in(engine)
    return f"up to {progress}" if progress.started else "not started"


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(Help(bot))
