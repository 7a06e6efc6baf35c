"""Answers posted in the channel: a plain message under the asker's name, else privately."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.core.text import escape_markdown
from bot.exts._common import replace, reply
from bot.session import Answered

if TYPE_CHECKING:
    from bot.bot import SpoilerBot

log = logging.getLogger(__name__)

PRIVATE_HERE = "-# Public answers are off here, so only you can see this."
CANNOT_POST = "-# I can't post in this channel, so only you can see this."
POST_FAILED = "-# I couldn't post in the channel just now, so only you can see this."


@dataclass(frozen=True, slots=True)
class Request:
    """One /ask as the user typed it, and whether it may be posted in the channel."""

    question: str
    reveal: bool
    public: bool
    post_publicly: bool


async def public_answers_allowed(interaction: discord.Interaction[SpoilerBot]) -> bool:
    """Whether the server lets answers be posted in its channels (never in a DM)."""
    if interaction.guild_id is None:
        return False
    config = await interaction.client.storage.get_guild_settings(interaction.guild_id)
    return config.public_answers


async def respond(
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
        await _post(interaction, content, notes, edit=edit)
        return
    if request.public:
        notes.append(PRIVATE_HERE)
    await _send(interaction, "\n".join([answered.text(), *notes]), edit=edit)


async def _post(
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


async def _send(interaction: discord.Interaction[SpoilerBot], content: str, *, edit: bool) -> None:
    """Reply, or with `edit` put the content in place of the message a button is on."""
    await (replace(interaction, content) if edit else reply(interaction, content))
