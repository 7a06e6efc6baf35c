"""Message commands: "Safe for me?" for everyone, "Hide as spoiler" for moderators."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.detector import detect, detector_for, shows_of_message
from bot.errors import UserFacingError
from bot.exts._common import default_show, read_session, reply, within_window
from bot.exts._hide import CannotRepost, hide, message_text, missing_for_hiding, range_line
from bot.session import DISCORD_TIPS, ViewerSession

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

NO_TEXT = "There's no text in that message for me to check."


class Spoilers(commands.Cog):
    def __init__(self, bot: SpoilerBot) -> None:
        self.bot = bot
        self.safe_menu = app_commands.ContextMenu(name="Safe for me?", callback=self.safe_for_me)
        self.hide_menu = app_commands.ContextMenu(
            name="Hide as spoiler", callback=self.hide_spoiler
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.safe_menu)
        self.bot.tree.add_command(self.hide_menu)
        for engine in self.bot.library.shows.values():
            detector_for(engine)  # built once at start-up, not on someone's first message

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.safe_menu.name, type=self.safe_menu.type)
        self.bot.tree.remove_command(self.hide_menu.name, type=self.hide_menu.type)

    async def safe_for_me(
        self, interaction: discord.Interaction[SpoilerBot], message: discord.Message
    ) -> None:
        """Tell the user, privately, whether a message is safe for their progress."""
        text = message_text(message)
        if not text.strip():
            await reply(interaction, NO_TEXT)
            return

        async def load() -> ViewerSession:
            # The progress of each show the message may be about, and no other.
            default = await default_show(interaction)
            about = ViewerSession(self.bot.library, tips=DISCORD_TIPS, default=default)
            return await read_session(interaction, about.shows_of(text), default=default)

        session = await within_window(interaction, load())
        await reply(interaction, session.check(text).reply())

    # Hidden from members without Manage Messages; the check holds even if a server lets
    # others see the command.
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_messages=True)
    async def hide_spoiler(
        self, interaction: discord.Interaction[SpoilerBot], message: discord.Message
    ) -> None:
        """Repost a message inside spoiler tags under its author's name, and delete it."""
        missing = missing_for_hiding(interaction.app_permissions)
        if missing:
            raise UserFacingError(
                f"I need the {' and '.join(missing)} permission"
                f"{'s' if len(missing) > 1 else ''} in this channel to hide messages. "
                "Nothing was deleted."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        bot = self.bot
        text = message_text(message)
        candidates = shows_of_message(bot.library, text, await default_show(interaction))
        # The range line names the first show it spoils (the one it is about first), if any.
        found_in = [(engine, detect(engine, text)) for engine in candidates]
        spoiling = [pair for pair in found_in if pair[1].latest is not None]
        engine, found = (spoiling or found_in)[0]
        line = range_line(engine, found).removeprefix("-# ")
        why = f"a moderator marked it ({line[0].lower()}{line[1:]})."
        try:
            hidden = await hide(bot, message, engine, found, why=why)
        except discord.NotFound:
            await reply(interaction, "That message is already gone.")
            return
        except CannotRepost as error:
            raise UserFacingError(str(error)) from None
        except discord.Forbidden:
            # Raised before anything is deleted, or by the deletion itself.
            raise UserFacingError(
                "Discord didn't let me do that (check my Manage Messages and Manage Webhooks "
                "permissions in this channel). Nothing was changed."
            ) from None
        if hidden.repost is None:
            done = "Deleted, but reposting it failed; the author was sent their text."
        else:
            done = "Hidden: reposted inside spoiler tags under the author's name."
        notes = [done]
        if hidden.files_dropped:
            notes.append(f"{hidden.files_dropped} attachment(s) couldn't be copied.")
        notes.append(
            "The author was told privately." if hidden.author_told else "I couldn't DM the author."
        )
        await reply(interaction, " ".join(notes))


async def setup(bot: SpoilerBot) -> None:
    await bot.add_cog(Spoilers(bot))
