"""End to end: "Safe for me?", "Hide as spoiler" and the channel guard, real bot against the double.

The target messages are posted by members through the double; the message commands get them in
the interaction's resolved data, as on Discord, and the guard gets MESSAGE_CREATE only when the
bot asked for the Message Content intent.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from discord_double import (
    BOT_PERMISSIONS,
    MANAGE_MESSAGES,
    MANAGE_WEBHOOKS,
    MESSAGE_CONTENT_INTENT,
    DiscordDouble,
    GuildSpec,
    Reply,
)

from bot.bot import SpoilerBot
from bot.core.library import Library
from bot.db import Storage
from tests.helpers import DATA_DIR
from tests.test_bot_e2e import (
    assert_safe,
    run,
    running,
    set_progress,
    spoiler_bars_balanced,
    visible,
)


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(DATA_DIR)


@pytest.fixture
def database_url(tmp_path) -> str:
    return "sqlite+aiosqlite:///" + str(tmp_path / "bot.db")


HIDING = BOT_PERMISSIONS | MANAGE_MESSAGES | MANAGE_WEBHOOKS
# Nam-ra throws Gwi-nam off the roof in S1E9; Gwi-nam bites Nam-ra in S1E6.
ROOF = "omg ||Nam-ra throws Gwi-nam off the roof||"
BITE = "Gwi-nam bites Nam-ra"
FINALE = "Wu-jin doesn't make it"


@contextlib.asynccontextmanager
async def world(
    library: Library, database_url: str, *, bot_permissions: int = HIDING, **settings: Any
) -> AsyncIterator[tuple[DiscordDouble, SpoilerBot]]:
    spec = GuildSpec(channels=["general", "off-topic"], bot_permissions=bot_permissions)
    async with DiscordDouble(guilds=[spec]) as double:
        storage = await Storage.open(database_url)
        try:
            async with running(double, library, storage, **settings) as bot:
                yield double, bot
        finally:
            await storage.close()
        assert not double.server_errors, double.server_errors


async def menu(double: DiscordDouble, name: str, message_id: int, user_id: int) -> Reply:
    record = await double.send_message_command(name, message_id, user_id=user_id)
    return await record.wait_reply(timeout=5)


def webhook_posts(double: DiscordDouble, channel_id: int | None = None) -> list[dict]:
    return [m for m in double.channel_messages(channel_id) if m.get("webhook_id")]


# -- the commands as synced ----------------------------------------------------------------------


async def test_message_commands_and_guard_sync_with_their_permissions(
    library: Library, database_url: str
) -> None:
    async with world(library, database_url) as (double, _):
        safe = double.synced_command("Safe for me?", ctype=3)
        hide = double.synced_command("Hide as spoiler", ctype=3)
        assert safe is not None and safe["default_member_permissions"] is None
        assert hide is not None and str(hide["default_member_permissions"]) == str(MANAGE_MESSAGES)
        assert hide["contexts"] == [0]  # servers only
        guard = double.synced_command("guard")
        assert guard is not None and str(guard["default_member_permissions"]) == "32"
        assert {o["name"] for o in guard["options"]} == {"set", "clear", "show"}
        # Without MESSAGE_CONTENT_INTENT the bot asks for the guilds intent only.
        assert double.identify_payloads[-1]["intents"] == 1


# -- "Safe for me?" ------------------------------------------------------------------------------


async def test_safe_for_me_says_only_whether_to_read(library: Library, database_url: str) -> None:
    async with world(library, database_url) as (double, _):
        alice, bob = double.user_id_named("alice"), double.user_id_named("bob")
        roof = await double.post_message(ROOF, author_id=bob)
        finale = await double.post_message(FINALE, author_id=bob)
        question = await double.post_message("did nam-ra survive?", author_id=bob)
        await set_progress(double, "S1E5", user_id=alice)

        early = await menu(double, "Safe for me?", int(roof["id"]), alice)
        assert_safe(early)
        assert early.content.startswith("Don't read it yet")
        assert "after your episode" in early.content and "up to S1E5" in early.content
        for word in ("S1E9", "S1E6", "Gwi-nam", "roof", "throw", "||"):
            assert word not in early.content, word
        # A spoiler from the finale reads exactly like one from episode 9.
        later = await menu(double, "Safe for me?", int(finale["id"]), alice)
        assert later.content == early.content
        harmless = await menu(double, "Safe for me?", int(question["id"]), alice)
        assert_safe(harmless)
        assert harmless.content.startswith("Safe to read")

        await set_progress(double, "S1E9", user_id=alice)
        seen = await menu(double, "Safe for me?", int(roof["id"]), alice)
        assert seen.content.startswith("Safe to read")
        assert not double.is_deleted(int(roof["id"]))  # checking changes nothing


async def test_safe_for_me_reads_the_show_a_message_names(
    library: Library, database_url: str
) -> None:
    async with world(library, database_url) as (double, _):
        alice = double.user_id_named("alice")
        await set_progress(double, "finished", user_id=alice)  # All of Us Are Dead
        other = await double.post_message("Stranger Things: ||barb dies||")
        reply = await menu(double, "Safe for me?", int(other["id"]), alice)
        assert_safe(reply)
        assert reply.content.startswith("Don't read it yet")
        assert "Stranger Things" in reply.content and "/progress set" in reply.content
        # A stray word that spells another show's short name ("St" for ST) does not hide a
        # spoiler of the default show from a viewer who hasn't finished it.
        await set_progress(double, "S1E5", user_id=alice)
        stray = await double.post_message("watched it in St Louis: ||Wu-jin doesn't make it||")
        warned = await menu(double, "Safe for me?", int(stray["id"]), alice)
        assert (
            warned.content.startswith("Don't read it yet")
            and "All of Us Are Dead" in warned.content
        )
        empty = await double.post_message("", attachments=[("cat.png", b"\x89PNG")])
        nothing = await menu(double, "Safe for me?", int(empty["id"]), alice)
        assert "no text" in nothing.content


# -- "Hide as spoiler" ---------------------------------------------------------------------------


async def test_hide_reposts_as_the_author_inside_spoiler_tags(
    library: Library, database_url: str
) -> None:
    async with world(library, database_url) as (double, _):
        alice, bob = double.user_id_named("alice"), double.user_id_named("bob")
        text = f"{ROOF} <@{bob}> @everyone ```code```"
        original = await double.post_message(
            text, author_id=alice, attachments=[("roof.png", b"\x89PNG-bytes")]
        )
        reply = await menu(double, "Hide as spoiler", int(original["id"]), bob)
        assert_safe(reply)
        assert reply.content.startswith("Hidden") and "told privately" in reply.content
        assert double.is_deleted(int(original["id"]))

        [post] = webhook_posts(double)
        assert post["author"]["username"] == "Alice"  # the author's display name
        assert double.webhook_avatar_url(int(post["id"])) is not None
        content = post["content"]
        assert content.endswith("\n-# Spoilers up to S1E9 of All of Us Are Dead")
        assert spoiler_bars_balanced(content)
        assert "roof" not in visible(content) and "everyone" not in visible(content)
        assert post["mention_everyone"] is False and post["mentions"] == []
        assert double.message_allowed_mentions(int(post["id"])) == {"parse": []}
        [attachment] = post["attachments"]
        assert attachment["filename"] == "SPOILER_roof.png"
        assert double.attachment_bytes(attachment) == b"\x89PNG-bytes"
        [webhook] = double.webhooks()
        assert webhook["name"] == "Spoiler shield"

        [dm] = double.dm_messages(alice)
        assert "hidden as a spoiler" in dm["content"] and dm["mentions"] == []

        # A second hide reuses the webhook; a message the detector finds nothing in is still
        # hidden, with the neutral line that a moderator marked it.
        plain = await double.post_message("guess who shows up next week", author_id=alice)
        again = await menu(double, "Hide as spoiler", int(plain["id"]), bob)
        assert again.content.startswith("Hidden")
        assert len(double.webhooks()) == 1
        newest = webhook_posts(double)[-1]
        assert newest["content"] == "||guess who shows up next week||\n" + (
            "-# Marked as a spoiler by a moderator"
        )


async def test_hide_needs_manage_messages_from_the_member(
    library: Library, database_url: str
) -> None:
    async with world(library, database_url) as (double, _):
        alice, bob = double.user_id_named("alice"), double.user_id_named("bob")
        original = await double.post_message(ROOF, author_id=bob)
        refused = await menu(double, "Hide as spoiler", int(original["id"]), alice)
        assert_safe(refused)
        assert "Manage Messages" in refused.content
        assert not double.is_deleted(int(original["id"]))
        assert webhook_posts(double) == [] and double.webhooks() == []


@pytest.mark.parametrize(
    ("permissions", "missing"),
    [
        (BOT_PERMISSIONS | MANAGE_MESSAGES, "Manage Webhooks"),
        (BOT_PERMISSIONS | MANAGE_WEBHOOKS, "Manage Messages"),
        (BOT_PERMISSIONS, "Manage Messages and Manage Webhooks"),
    ],
    ids=["no-webhooks", "no-manage-messages", "neither"],
)
async def test_hide_names_the_permission_the_bot_lacks_and_deletes_nothing(
    library: Library, database_url: str, permissions: int, missing: str
) -> None:
    async with world(library, database_url, bot_permissions=permissions) as (double, _):
        alice, bob = double.user_id_named("alice"), double.user_id_named("bob")
        original = await double.post_message(ROOF, author_id=alice)
        reply = await menu(double, "Hide as spoiler", int(original["id"]), bob)
        assert_safe(reply)
        assert f"I need the {missing} permission" in reply.content
        assert "Nothing was deleted" in reply.content
        assert not double.is_deleted(int(original["id"]))
        assert double.webhooks() == [] and double.dm_messages(alice) == []


async def test_a_refused_webhook_leaves_the_message_in_place(
    library: Library, database_url: str
) -> None:
    async with world(library, database_url) as (double, _):
        alice, bob = double.user_id_named("alice"), double.user_id_named("bob")
        original = await double.post_message(ROOF, author_id=alice)
        # A channel permission overwrite Discord applies, which the app permissions don't show.
        double.fail_next("GET", "/channels/*/webhooks", status=403)
        reply = await menu(double, "Hide as spoiler", int(original["id"]), bob)
        assert_safe(reply)
        assert "Nothing was changed" in reply.content
        assert not double.is_deleted(int(original["id"])) and webhook_posts(double) == []


async def test_hide_goes_on_when_the_author_cannot_be_messaged(
    library: Library, database_url: str
) -> None:
    async with world(library, database_url) as (double, _):
        alice, bob = double.user_id_named("alice"), double.user_id_named("bob")
        original = await double.post_message(ROOF, author_id=alice)
        double.fail_next("POST", "/channels/*/messages", status=403)  # DMs closed
        reply = await menu(double, "Hide as spoiler", int(original["id"]), bob)
        assert_safe(reply)
        assert reply.content.startswith("Hidden") and "couldn't DM" in reply.content
        assert double.is_deleted(int(original["id"])) and len(webhook_posts(double)) == 1


# -- the channel guard ---------------------------------------------------------------------------


async def guard(double: DiscordDouble, name: str, options: dict | None = None) -> Reply:
    reply = await run(double, f"guard {name}", options, user_id=double.user_id_named("bob"))
    assert_safe(reply)
    return reply


async def settle(double: DiscordDouble, message: dict) -> None:
    """Wait until the bot has seen a message: a sentinel past the cap posted after it is hidden."""
    sentinel = await double.post_message(FINALE, channel_id=int(message["channel_id"]))
    await double.wait_until(
        lambda: double.is_deleted(int(sentinel["id"])), 5, "the guard to hide the sentinel"
    )
    await asyncio.sleep(0.05)


async def test_guard_hides_what_is_past_the_cap_and_leaves_the_rest(
    library: Library, database_url: str
) -> None:
    async with world(library, database_url, message_content_intent=True) as (double, _):
        intents = double.identify_payloads[-1]["intents"]
        assert intents & MESSAGE_CONTENT_INTENT
        alice = double.user_id_named("alice")
        refused = await run(double, "guard set", {"cap": "S1E6"}, user_id=alice)
        assert "Manage Server" in refused.content

        on = await guard(double, "set", {"cap": "S1E6"})
        assert "up to S1E6" in on.content and "inactive" not in on.content
        assert "up to S1E6" in (await guard(double, "show")).content

        past = await double.post_message(ROOF, author_id=alice)
        await double.wait_until(
            lambda: double.is_deleted(int(past["id"])), 5, "the guard to hide a message"
        )
        await double.wait_until(lambda: webhook_posts(double), 5, "the repost")
        post = webhook_posts(double)[0]
        assert post["content"].endswith("-# Spoilers up to S1E9 of All of Us Are Dead")
        assert post["author"]["username"] == "Alice"
        await double.wait_until(lambda: double.dm_messages(alice), 5, "the author's DM")
        assert "up to S1E6" in double.dm_messages(alice)[0]["content"]

        junk = await double.post_message("||" * 600 + "\u202e\x00 z̷a̸l̶g̵o " * 80, author_id=alice)
        within = await double.post_message(BITE, author_id=alice)
        chatter = await double.post_message("did nam-ra survive?", author_id=alice)
        await settle(double, within)
        assert not double.is_deleted(int(within["id"]))
        assert not double.is_deleted(int(chatter["id"]))
        assert not double.is_deleted(int(junk["id"]))  # and the guard still runs after it
        # The bot's own reposts are never checked again.
        assert all(not double.is_deleted(int(p["id"])) for p in webhook_posts(double))

        # Editing a harmless message into a spoiler gets it hidden too.
        edited = await double.post_message("can't wait for episode 9", author_id=alice)
        await settle(double, edited)
        assert not double.is_deleted(int(edited["id"]))
        await double.edit_message(int(edited["id"]), ROOF)
        await double.wait_until(lambda: double.is_deleted(int(edited["id"])), 5, "the edit hidden")

        elsewhere = double.channel_id_named("off-topic")
        free = await double.post_message(FINALE, author_id=alice, channel_id=elsewhere)
        await asyncio.sleep(0.2)
        assert not double.is_deleted(int(free["id"]))  # unguarded channel

        await guard(double, "set", {"cap": "none"})
        early = await double.post_message("I-sak turns into a zombie", author_id=alice)
        await double.wait_until(lambda: double.is_deleted(int(early["id"])), 5, "cap none")

        off = await guard(double, "clear")
        assert "Guard off" in off.content
        assert "no guard" in (await guard(double, "show")).content
        after = await double.post_message(FINALE, author_id=alice)
        await asyncio.sleep(0.2)
        assert not double.is_deleted(int(after["id"]))


async def test_guard_is_inactive_without_the_message_content_intent(
    library: Library, database_url: str
) -> None:
    async with world(library, database_url) as (double, _):
        on = await guard(double, "set", {"cap": "S1E6"})
        assert "inactive" in on.content and "MESSAGE_CONTENT_INTENT" in on.content
        assert "inactive" in (await guard(double, "show")).content
        past = await double.post_message(ROOF)
        await asyncio.sleep(0.2)
        assert not double.is_deleted(int(past["id"]))
        assert webhook_posts(double) == []
