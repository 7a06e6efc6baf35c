"""Hide a message as a spoiler: delete it and repost it, inside spoiler tags, as its author."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import discord

from bot.core.detector import Detection, detect, shows_of_message
from bot.core.engine import ShowEngine
from bot.core.library import Library
from bot.core.render import MESSAGE_LIMIT
from bot.core.text import escape_markdown
from bot.errors import UserFacingError

log = logging.getLogger(__name__)

WEBHOOK_NAME = "Spoiler shield"
# What hiding needs, by the names Discord's client shows.
NEEDED = {"manage_messages": "Manage Messages", "manage_webhooks": "Manage Webhooks"}
MARKED_LINE = "-# Marked as a spoiler by a moderator"
# Discord refuses webhook names holding these words.
_RESERVED_NAME = re.compile(r"discord|clyde", re.I)


class CannotRepost(Exception):
    """The channel takes no webhooks; the message was left alone."""


@dataclass(frozen=True, slots=True)
class Hidden:
    """How hiding went: the repost (None if it failed) and whether the author was told."""

    repost: discord.WebhookMessage | None
    author_told: bool
    files_dropped: int = 0

    def report(self) -> str:
        """What the moderator who hid the message is told."""
        if self.repost is None:
            done = "Deleted, but reposting it failed; the author was sent their text."
        else:
            done = "Hidden: reposted inside spoiler tags under the author's name."
        notes = [done]
        if self.files_dropped:
            notes.append(f"{self.files_dropped} attachment(s) couldn't be copied.")
        notes.append(
            "The author was told privately." if self.author_told else "I couldn't DM the author."
        )
        return " ".join(notes)


def message_text(message: discord.Message) -> str:
    """Return the text of a message the detector should read: content and embed text."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.title or "", embed.description or ""]
        parts += [f"{f.name}. {f.value}" for f in embed.fields]
    return "\n".join(p for p in parts if p)


def missing_for_hiding(permissions: discord.Permissions) -> list[str]:
    """Return the permissions the bot lacks to hide a message, as Discord names them."""
    return [label for name, label in NEEDED.items() if not getattr(permissions, name)]


def require_hiding(permissions: discord.Permissions) -> None:
    """Raise the user's error naming what the bot lacks to hide a message, if anything."""
    missing = missing_for_hiding(permissions)
    if missing:
        raise UserFacingError(
            f"I need the {' and '.join(missing)} permission"
            f"{'s' if len(missing) > 1 else ''} in this channel to hide messages. "
            "Nothing was deleted."
        )


def range_line(engine: ShowEngine, found: Detection) -> str:
    """Return the one neutral line shown outside the bars: how far the message spoils."""
    title = escape_markdown(engine.show.title)
    if found.latest is None or not found.latest.started:
        return MARKED_LINE
    return f"-# Spoilers up to {found.latest} of {title}"


def repost_content(text: str, line: str) -> str:
    """Put a message's text inside one pair of spoiler bars, with the neutral line below."""
    # The author's own bars would close ours early, and a code block can show through them.
    body = text.replace("||", "").replace("`", "\\`").strip()
    if not body:
        return line
    budget = MESSAGE_LIMIT - len(line) - len("||||\n")
    if len(body) > budget:
        body = body[: budget - 1].rstrip("\\") + "…"
    return f"||{body}||\n{line}" if line else f"||{body}||"


def webhook_username(author: discord.abc.User) -> str:
    """Return the author's display name as a webhook may carry it (1-80 characters)."""
    name = _RESERVED_NAME.sub("", author.display_name).strip()[:80]
    return name or "Member"


# The channels that take webhooks; a thread's messages go through its parent's.
Hookable = discord.TextChannel | discord.VoiceChannel | discord.StageChannel | discord.ForumChannel


async def _webhook(channel: Hookable, me: discord.abc.User) -> discord.Webhook:
    """Return the bot's own webhook in a channel, creating it the first time."""
    for hook in await channel.webhooks():
        if hook.token and hook.user is not None and hook.user.id == me.id:
            return hook
    return await channel.create_webhook(name=WEBHOOK_NAME)


async def hide(
    client: discord.Client,
    message: discord.Message,
    engine: ShowEngine,
    found: Detection,
    *,
    why: str,
) -> Hidden:
    """Delete a message and repost it as a spoiler under its author's name; tell the author.

    The caller has checked Manage Messages and Manage Webhooks. Attachments and the webhook are
    fetched before anything is deleted: a failed download loses only that file, and a channel
    that takes no webhook keeps its message (CannotRepost, or discord.HTTPException).
    """
    channel = message.channel
    thread = channel if isinstance(channel, discord.Thread) else None
    parent = thread.parent if thread is not None else channel
    files: list[discord.File] = []
    dropped = 0
    for attachment in message.attachments:
        try:
            files.append(await attachment.to_file(spoiler=True))
        except (discord.HTTPException, discord.NotFound, ValueError):
            dropped += 1
    text = message_text(message)
    content = repost_content(text, range_line(engine, found))
    if not isinstance(parent, Hookable) or client.user is None:
        raise CannotRepost("I can't repost messages in this kind of channel. Nothing was deleted.")
    # The webhook first: if it can't be had, the message stays where it is.
    hook = await _webhook(parent, client.user)
    await message.delete()
    repost = None
    try:
        repost = await hook.send(
            content,
            username=webhook_username(message.author),
            avatar_url=message.author.display_avatar.url,
            files=files,
            allowed_mentions=discord.AllowedMentions.none(),
            wait=True,
            # discord.MISSING is how discord.py spells "not in a thread".
            thread=thread if thread is not None else discord.utils.MISSING,
        )
    except discord.HTTPException as error:
        log.warning("Reposting a hidden message failed (%s)", error.status)
    told = await tell_author(message, why, text if repost is None else None)
    return Hidden(repost, told, dropped)


async def tell_author(message: discord.Message, why: str, lost_text: str | None) -> bool:
    """DM the author what happened and why; a closed DM is no failure."""
    author = message.author
    if author.bot or message.webhook_id is not None:
        return False
    where = f"{message.channel.mention}" if hasattr(message.channel, "mention") else "a channel"
    guild = escape_markdown(message.guild.name) if message.guild else "a server"
    lines = [f"Your message in {where} on **{guild}** was hidden as a spoiler: {why}"]
    if lost_text is None:
        lines.append(
            "It was reposted under your name inside spoiler tags, so people who haven't "
            "watched that far won't read it by accident."
        )
    else:
        # The repost failed: the author keeps their words.
        lines.append("It couldn't be reposted, so here is what you wrote:")
        lines.append(repost_content(lost_text, "")[: MESSAGE_LIMIT - 400])
    try:
        await author.send("\n".join(lines), allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException:
        return False  # DMs closed, or Discord having trouble: the hiding still stands
    return True


async def hide_marked(
    client: discord.Client, library: Library, message: discord.Message, default: ShowEngine
) -> str:
    """Hide a message a moderator marked as a spoiler; return what to tell them.

    The user's errors (a channel without webhooks, Discord refusing) are UserFacingError.
    """
    text = message_text(message)
    candidates = shows_of_message(library, text, default)
    # The range line names the first show it spoils (the one it is about first), if any.
    found_in = [(engine, detect(engine, text)) for engine in candidates]
    spoiling = [pair for pair in found_in if pair[1].latest is not None]
    engine, found = (spoiling or found_in)[0]
    line = range_line(engine, found).removeprefix("-# ")
    why = f"a moderator marked it ({line[0].lower()}{line[1:]})."
    try:
        hidden = await hide(client, message, engine, found, why=why)
    except discord.NotFound:
        return "That message is already gone."
    except CannotRepost as error:
        raise UserFacingError(str(error)) from None
    except discord.Forbidden:
        # Raised before anything is deleted, or by the deletion itself.
        raise UserFacingError(
            "Discord didn't let me do that (check my Manage Messages and Manage Webhooks "
            "permissions in this channel). Nothing was changed."
        ) from None
    return hidden.report()
