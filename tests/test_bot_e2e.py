"""End to end: the real SpoilerBot (discord.py, cogs, SQLite file, fact base) against the double.

Nothing is mocked: commands travel as INTERACTION_CREATE over the double's gateway, the bot
answers over HTTP, and progress lives in a SQLite file under tmp_path. Facts are asserted only
where they are stable in data/shows/all-of-us-are-dead/show.yaml.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import yaml
from discord_double import EPHEMERAL, DiscordDouble, Reply

from bot.bot import SpoilerBot
from bot.core.engine import ShowEngine
from bot.core.library import Library
from bot.core.progress import Progress
from bot.core.schema import ShowFile
from bot.db import CachedStorage, Storage, create_engine
from bot.settings import PROJECT_ROOT, Settings
from tests.helpers import cut_raw

DATA_DIR = PROJECT_ROOT / "data" / "shows"
SHOW = "all-of-us-are-dead"
# Words from Nam-ra's later fate; none may show up for a viewer at S1E2.
LATER_NAM_RA = ("half-zombie", "halfbie", "hambie", "evolved", "bitten", "roof", "camp")
NAM_RA_SURVIVE = "did nam-ra survive"
SILENT = 4096
MANAGE_GUILD = 0x20

_ESCAPED = re.compile(r"\\.", re.S)
_SPOILER = re.compile(r"\|\|(?:\\.|.)*?\|\|", re.S)


# -- helpers -------------------------------------------------------------------------------------


def make_settings(**overrides: Any) -> Settings:
    """Settings that ignore the environment and .env; the /ask cooldown is off unless asked."""
    values: dict[str, Any] = {
        "discord_token": None,
        "database_url": "sqlite+aiosqlite://",
        "default_show": None,
        "dev_guild_id": None,
        "shard_count": None,
        "shard_ids": None,
        "discord_api_base_url": None,
        "discord_gateway_url": None,
        "ask_cooldown_seconds": 0,
        "ask_cooldown_rate": 1,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@contextlib.asynccontextmanager
async def running(
    double: DiscordDouble,
    library: Library,
    storage: Storage,
    *,
    force_sync: bool = False,
    **settings: Any,
) -> AsyncIterator[SpoilerBot]:
    """Start a SpoilerBot against the double; it is always closed on the way out."""
    bot = SpoilerBot(
        settings=make_settings(**settings),
        library=library,
        storage=storage,
        force_sync=force_sync,
        guild_ready_timeout=0.1,
    )
    async with double.run_bot(bot, timeout=5) as client:
        assert isinstance(client, SpoilerBot)
        yield client


async def run(
    double: DiscordDouble,
    name: str,
    options: dict[str, Any] | None = None,
    *,
    user_id: int | None = None,
) -> Reply:
    """Send a slash command and wait (bounded) for its visible reply."""
    record = await double.send_command(name, options, user_id=user_id)
    return await record.wait_reply(timeout=5)


async def set_progress(double: DiscordDouble, episode: str, *, user_id: int | None = None) -> None:
    reply = await run(double, "progress set", {"episode": episode}, user_id=user_id)
    assert reply.ephemeral and reply.content.startswith("Saved:"), reply.content


def visible(content: str) -> str:
    """The text a reader sees without clicking any spoiler."""
    return _SPOILER.sub("", content)


def spoiler_bars_balanced(content: str) -> bool:
    return _ESCAPED.sub("", content).count("||") % 2 == 0


def assert_safe(reply: Reply, *, ephemeral: bool = True) -> None:
    """Private (unless told), pings nobody, fits a message, and leaves no spoiler tag open."""
    assert reply.ephemeral is ephemeral, reply.flags
    assert reply.allowed_mentions is not None and reply.allowed_mentions.get("parse") == []
    assert not reply.mention_everyone
    assert reply.pinged_user_ids == [] and reply.pinged_role_ids == []
    assert 0 < len(reply.content) <= 2000
    assert spoiler_bars_balanced(reply.content), reply.content


def later_words(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in LATER_NAM_RA if word in lowered]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(DATA_DIR)


@pytest.fixture
async def double() -> AsyncIterator[DiscordDouble]:
    async with DiscordDouble() as fake:
        yield fake
        assert not fake.server_errors, fake.server_errors


@pytest.fixture
def database_url(tmp_path) -> str:
    return "sqlite+aiosqlite:///" + str(tmp_path / "bot.db")


@pytest.fixture(params=[Storage, CachedStorage], ids=["storage", "cached"])
async def storage(request, database_url: str) -> AsyncIterator[Storage]:
    """The bot's storage: plain, and with the cache a single-process deployment uses."""
    opened = await request.param.open(database_url)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def bot(
    double: DiscordDouble, library: Library, storage: Storage
) -> AsyncIterator[SpoilerBot]:
    async with running(double, library, storage) as client:
        yield client


@pytest.fixture
def alice(double: DiscordDouble) -> int:
    """A plain member (no Manage Server)."""
    return double.user_id_named("alice")


@pytest.fixture
def bob(double: DiscordDouble) -> int:
    """A member with the Moderator role, which has Manage Server."""
    return double.user_id_named("bob")


# -- 1. command sync -----------------------------------------------------------------------------


async def test_commands_sync_with_the_right_options(double: DiscordDouble, bot: SpoilerBot) -> None:
    assert [scope for scope, _ in double.syncs] == [None]

    ask = double.synced_command("ask")
    assert ask is not None
    options = {o["name"]: o for o in ask["options"]}
    assert [(o["name"], o["type"]) for o in ask["options"]] == [
        ("question", 3),
        ("reveal", 5),
        ("public", 5),
        ("show", 3),
    ]
    assert options["question"]["required"] is True
    assert not options["reveal"].get("required") and not options["public"].get("required")
    assert options["show"].get("autocomplete") is True

    progress = double.synced_command("progress")
    assert progress is not None
    subs = {o["name"]: o for o in progress["options"]}
    assert sorted(subs) == ["clear", "set", "show"]
    assert all(o["type"] == 1 for o in subs.values())
    episode = next(o for o in subs["set"]["options"] if o["name"] == "episode")
    assert episode["required"] is True and episode["autocomplete"] is True

    character = double.synced_command("character")
    assert character is not None
    name = next(o for o in character["options"] if o["name"] == "name")
    assert name["required"] is True and name["autocomplete"] is True

    server = double.synced_command("server")
    assert server is not None
    assert str(server["default_member_permissions"]) == str(MANAGE_GUILD) == "32"
    assert server["contexts"] == [0]  # guild only
    assert server["dm_permission"] is False
    assert {o["name"] for o in server["options"]} == {"settings", "set"}

    for public_command in ("ask", "progress", "character", "recap", "forget", "help"):
        synced = double.synced_command(public_command)
        assert synced is not None and synced["default_member_permissions"] is None


async def test_unchanged_commands_are_not_synced_again(
    double: DiscordDouble, library: Library, storage: Storage
) -> None:
    async with running(double, library, storage) as first:
        await double.wait_for_sync(1, timeout=5)
        digest = first.command_digest()
    assert await storage.get_sync_digest("global") == digest
    assert double.sync_count == 1

    async with running(double, library, storage) as second:
        assert second.command_digest() == digest
        # The commands Discord holds still work without a new sync.
        reply = await run(double, "progress show")
        assert "not set" in reply.content
    assert double.sync_count == 1

    async with running(double, library, storage, force_sync=True):
        await double.wait_for_sync(2, timeout=5)
    assert double.sync_count == 2
    assert double.identify_count == 3


# -- 2, 3 and 6. answers gated by progress -------------------------------------------------------


async def test_ask_at_s1e2_keeps_later_episodes_hidden(
    double: DiscordDouble, bot: SpoilerBot
) -> None:
    await set_progress(double, "S1E2")

    saved = await run(double, "ask", {"question": "who saved On-jo in the cafeteria"})
    assert_safe(saved)
    assert "Cheong-san" in saved.content
    assert "Cheong-san" not in visible(saved.content)  # the fact sits inside spoiler tags

    reply = await run(double, "ask", {"question": NAM_RA_SURVIVE})
    assert_safe(reply)
    assert reply.flags & EPHEMERAL
    assert "||" in reply.content
    assert later_words(reply.content) == [], reply.content
    assert "S1E2" in reply.content

    await set_progress(double, "finished")
    finished = await run(double, "ask", {"question": NAM_RA_SURVIVE})
    assert_safe(finished)
    assert later_words(finished.content), finished.content  # the ending is answered...
    assert later_words(visible(finished.content)) == []  # ...but only inside spoiler tags
    assert "nam-ra" not in visible(finished.content).lower()


async def test_early_viewer_gets_no_spoiler_unless_revealing(
    double: DiscordDouble, bot: SpoilerBot
) -> None:
    await set_progress(double, "S1E1")

    early = await run(double, "ask", {"question": NAM_RA_SURVIVE})
    assert_safe(early)
    assert later_words(early.content) == [], early.content
    assert "may spoil" not in early.content

    revealed = await run(double, "ask", {"question": NAM_RA_SURVIVE, "reveal": True})
    assert_safe(revealed)
    assert later_words(revealed.content), revealed.content
    assert later_words(visible(revealed.content)) == []
    assert "may spoil" in revealed.content


async def test_help_lists_the_commands_and_the_users_progress(
    double: DiscordDouble, bot: SpoilerBot
) -> None:
    before = await run(double, "help")
    assert_safe(before)
    assert "/progress set" in before.content and "/ask" in before.content
    assert "All of Us Are Dead: not set yet" in before.content
    await set_progress(double, "S1E4")
    after = await run(double, "help")
    assert "All of Us Are Dead: up to S1E4" in after.content
    await set_progress(double, "none")
    assert "All of Us Are Dead: not started" in (await run(double, "help")).content


async def test_ask_without_progress_answers_as_not_started(
    double: DiscordDouble, bot: SpoilerBot, storage: Storage, alice: int
) -> None:
    reply = await run(double, "ask", {"question": NAM_RA_SURVIVE})
    assert_safe(reply)
    assert "hasn't started" in reply.content
    assert "/progress set" in reply.content
    assert later_words(reply.content) == []
    assert await storage.get_progress(alice, SHOW) is None
    # /character too: knowing nobody yet is explained, not a dead end.
    character = await run(double, "character", {"name": "Nam-ra"})
    assert_safe(character)
    assert "/progress set" in character.content


# -- 4. autocomplete -----------------------------------------------------------------------------


async def test_character_autocomplete_offers_only_characters_met(
    double: DiscordDouble, bot: SpoilerBot, library: Library
) -> None:
    engine = library.default
    s1e1 = Progress(1, 1)
    met = {
        c.name
        for c in engine.characters.values()
        if s1e1.covers(c.first_seen.season, c.first_seen.episode)
    }
    later = {c.name for c in engine.characters.values()} - met
    assert "Jang Wu-jin" in later  # first seen in S1E10

    await set_progress(double, "S1E1")
    offered = await double.send_autocomplete("character", {"name": ""}, focused="name", timeout=5)
    names = [choice["name"] for choice in offered]
    assert names and len(names) <= 25
    assert set(names) <= met, set(names) & later
    typed = await double.send_autocomplete("character", {"name": "wu"}, focused="name", timeout=5)
    assert "Jang Wu-jin" not in [choice["name"] for choice in typed]
    # Typing the full name by hand does not tell whether such a character exists later on.
    unmet = await run(double, "character", {"name": "Jang Wu-jin"})
    assert_safe(unmet)
    assert "don't know anyone by that name" in unmet.content
    assert "Wu-jin" not in unmet.content
    assert engine.characters["wu-jin"].role[:30] not in unmet.content

    await set_progress(double, "finished")
    typed = await double.send_autocomplete("character", {"name": "wu"}, focused="name", timeout=5)
    assert "Jang Wu-jin" in [choice["name"] for choice in typed]
    everyone = await double.send_autocomplete("character", {"name": ""}, focused="name", timeout=5)
    assert len(everyone) <= 25


async def test_episode_autocomplete_filters_by_what_was_typed(
    double: DiscordDouble, bot: SpoilerBot
) -> None:
    async def episodes(typed: str) -> list[str]:
        choices = await double.send_autocomplete(
            "progress set", {"episode": typed}, focused="episode", timeout=5
        )
        assert len(choices) <= 25
        return [choice["value"] for choice in choices]

    assert await episodes("e1") == ["S1E1", "S1E10", "S1E11", "S1E12"]
    assert (await episodes("12"))[0] == "S1E12"
    assert await episodes("fin") == ["finished"]
    exact = await episodes("S1E7")
    assert exact[0] == "S1E7"
    everything = await episodes("")
    assert "finished" in everything and "S1E12" in everything


# -- 5. bad options ------------------------------------------------------------------------------


async def test_invalid_episode_is_refused_and_nothing_is_stored(
    double: DiscordDouble, bot: SpoilerBot, storage: Storage, alice: int
) -> None:
    reply = await run(double, "progress set", {"episode": "S1E99"})
    assert_safe(reply)
    assert "S1E1-S1E12" in reply.content
    assert await storage.get_progress(alice, SHOW) is None
    shown = await run(double, "progress show")
    assert shown.ephemeral and "not set" in shown.content


async def test_unknown_show_is_refused(double: DiscordDouble, bot: SpoilerBot) -> None:
    for name, options in [
        ("ask", {"question": NAM_RA_SURVIVE, "show": "zzzz no such show"}),
        ("progress set", {"episode": "S1E2", "show": "zzzz no such show"}),
    ]:
        reply = await run(double, name, options)
        assert_safe(reply)
        assert "don't know that show" in reply.content
    shown = await run(double, "progress show")
    assert "not set" in shown.content


@pytest.mark.parametrize(
    "question",
    [
        ("did nam-ra survive " * 300)[:5000],
        "@everyone || **x**",
        "<@123456789012345678> <@&123456789012345678> @here ||`a`|| ```||```",
    ],
    ids=["5000-chars", "everyone-spoiler-bold", "mentions-and-code"],
)
async def test_hostile_questions_get_safe_replies(
    double: DiscordDouble, bot: SpoilerBot, question: str, bob: int
) -> None:
    await set_progress(double, "S1E2")
    private = await run(double, "ask", {"question": question})
    assert_safe(private)
    assert later_words(private.content) == []
    off = await run(double, "ask", {"question": question, "public": True})
    assert_safe(off)
    assert "Public answers are off" in off.content and double.channel_messages() == []

    # Posted publicly, the question is echoed inside spoiler tags, escaped, pinging nobody.
    await run(double, "server set", {"public_answers": True}, user_id=bob)
    ack = await run(double, "ask", {"question": question, "public": True})
    assert_safe(ack)
    await double.wait_until(lambda: bool(double.channel_messages()), 5, "the public answer")
    [posted] = double.channel_messages()
    assert posted["mention_everyone"] is False and posted["mentions"] == []
    assert posted["mention_roles"] == []
    content = posted["content"]
    assert len(content) <= 2000 and spoiler_bars_balanced(content), content
    assert "Question: ||" in content
    assert "everyone" not in visible(content) and "@here" not in visible(content)
    assert later_words(content) == []


# -- 7. public answers ---------------------------------------------------------------------------


async def test_public_answers_need_the_server_setting(
    double: DiscordDouble, bot: SpoilerBot, storage: Storage, alice: int, bob: int
) -> None:
    question = "did nam-ra survive the classroom"
    await set_progress(double, "S1E2", user_id=alice)

    off = await run(double, "ask", {"question": question, "public": True}, user_id=alice)
    assert_safe(off)
    assert "Public answers are off" in off.content
    assert double.channel_messages() == []

    refused = await run(double, "server set", {"public_answers": True}, user_id=alice)
    assert_safe(refused)
    assert "Manage Server" in refused.content
    assert (await storage.get_guild_settings(double.guild_id)).public_answers is False

    saved = await run(double, "server set", {"public_answers": True}, user_id=bob)
    assert_safe(saved)
    assert "Public answers: allowed" in saved.content
    assert (await storage.get_guild_settings(double.guild_id)).public_answers is True

    record = await double.send_command("ask", {"question": question, "public": True}, user_id=alice)
    ack = await record.wait_reply(timeout=5)
    assert_safe(ack)
    assert "Posted in the channel" in ack.content
    await double.wait_until(lambda: bool(double.channel_messages()), 5, "the public answer")
    [posted] = double.channel_messages()
    assert posted["type"] == 0  # a plain channel message, not an interaction reply
    assert posted["flags"] & SILENT
    assert posted["mention_everyone"] is False and posted["mentions"] == []
    content = posted["content"]
    assert len(content) <= 2000 and spoiler_bars_balanced(content)
    assert question in content  # echoed...
    assert "nam-ra" not in visible(content).lower()  # ...only inside spoiler tags
    assert later_words(content) == []

    # No reply that the channel can see (non-ephemeral) ever carried the question.
    for interaction in double.interactions:
        replies = [r for r in [interaction.reply(), *interaction.followups] if r is not None]
        for shown in replies:
            if not shown.ephemeral:
                assert "nam-ra" not in shown.content.lower(), shown.content


@pytest.mark.parametrize(
    ("status", "note"), [(403, "can't post"), (404, "couldn't"), (503, "couldn't")]
)
async def test_a_failed_public_post_falls_back_to_the_private_answer(
    double: DiscordDouble, bot: SpoilerBot, bob: int, status: int, note: str
) -> None:
    await set_progress(double, "S1E2")
    await run(double, "server set", {"public_answers": True}, user_id=bob)
    double.fail_next("POST", "/channels/*/messages", status=status)
    reply = await run(
        double, "ask", {"question": "who saved On-jo in the cafeteria", "public": True}
    )
    assert_safe(reply)
    assert "Something went wrong" not in reply.content
    assert "Cheong-san" in reply.content and note in reply.content
    assert "Question: ||" in reply.content  # the question stays hidden here too
    assert double.channel_messages() == []


# -- 8. /forget ----------------------------------------------------------------------------------


def _button(reply: Reply, label: str) -> str:
    buttons = [c for row in reply.components for c in row.get("components", [])]
    return next(b["custom_id"] for b in buttons if b.get("label") == label)


async def test_forget_confirm_deletes_and_cancel_keeps(
    double: DiscordDouble, bot: SpoilerBot, storage: Storage, alice: int
) -> None:
    await set_progress(double, "S1E2")

    prompt = await run(double, "forget")
    assert_safe(prompt)
    cancel = await double.send_component(prompt.message_id, _button(prompt, "Cancel"))
    cancelled = await cancel.wait_reply(timeout=5)
    assert cancel.callback_type == 7 and "nothing was deleted" in cancelled.content
    assert cancelled.components == []
    assert await storage.get_progress(alice, SHOW) == Progress(1, 2)
    assert "S1E2" in (await run(double, "progress show")).content

    prompt = await run(double, "forget")
    confirm = await double.send_component(prompt.message_id, _button(prompt, "Delete my data"))
    done = await confirm.wait_reply(timeout=5)
    assert done.content.startswith("Done") and done.components == []
    assert "(1 record)" in done.content
    assert await storage.get_progress(alice, SHOW) is None
    assert "not set" in (await run(double, "progress show")).content
    assert "don't store anything" in (await run(double, "forget")).content


# -- 9. /recap -----------------------------------------------------------------------------------


async def test_recap_covers_only_watched_episodes(
    double: DiscordDouble, bot: SpoilerBot, library: Library
) -> None:
    await set_progress(double, "S1E3")
    reply = await run(double, "recap")
    assert_safe(reply)
    labels = re.findall(r"^(S\d+E\d+):", reply.content, re.M)
    assert "S1E3" in labels and set(labels) <= {"S1E1", "S1E2", "S1E3"}

    locked = await run(double, "recap", {"episode": "S1E9"})
    assert_safe(locked)
    assert "haven't watched that episode" in locked.content
    assert "||" not in locked.content
    s1e9 = next(r for r in library.default.show.recaps if r.episode == Progress(1, 9))
    assert s1e9.summary[:30] not in locked.content

    offered = await double.send_autocomplete("recap", {"episode": ""}, focused="episode", timeout=5)
    assert {c["value"] for c in offered} <= {"S1E1", "S1E2", "S1E3"}


# -- 10 and 11. restarts and gateway drops -------------------------------------------------------


async def test_progress_survives_a_restart(
    double: DiscordDouble, library: Library, storage: Storage, database_url: str
) -> None:
    async with running(double, library, storage):
        await set_progress(double, "S1E2")
    await storage.close()

    reopened = await Storage.open(database_url)
    try:
        async with running(double, library, reopened):
            shown = await run(double, "progress show")
            assert "S1E2" in shown.content
            answer = await run(double, "ask", {"question": NAM_RA_SURVIVE})
            assert "up to S1E2" in answer.content and later_words(answer.content) == []
    finally:
        await reopened.close()
    assert double.identify_count == 2 and double.sync_count == 1


async def test_bot_resumes_after_the_gateway_drops(double: DiscordDouble, bot: SpoilerBot) -> None:
    await set_progress(double, "S1E2")
    await double.drop_gateway()
    await double.wait_for_resume(timeout=10)
    assert double.identify_count == 1 and double.resume_count == 1

    shown = await run(double, "progress show")
    assert "S1E2" in shown.content
    answer = await run(double, "ask", {"question": "who saved On-jo in the cafeteria"})
    assert "Cheong-san" in answer.content


# -- 12. the central error handler ---------------------------------------------------------------


async def test_database_outage_gets_a_friendly_error_and_the_bot_recovers(
    double: DiscordDouble, bot: SpoilerBot, storage: Storage
) -> None:
    await set_progress(double, "S1E2")
    # A real PostgreSQL storage whose server is not there: every call fails to connect.
    dead = Storage(create_engine(f"postgresql+asyncpg://bot:s3cret-pw@127.0.0.1:{free_port()}/bot"))
    try:
        bot.storage = dead
        for name, options in [
            ("ask", {"question": NAM_RA_SURVIVE}),
            ("ask", {"question": NAM_RA_SURVIVE}),
            ("progress set", {"episode": "S1E5"}),
            ("progress show", None),
        ]:
            reply = await run(double, name, options)
            assert_safe(reply)
            assert "can't reach my database" in reply.content, reply.content
            assert "s3cret" not in reply.content and "postgresql" not in reply.content
        assert not bot.is_closed()
    finally:
        bot.storage = storage
        await dead.close()

    back = await run(double, "ask", {"question": NAM_RA_SURVIVE})
    assert_safe(back)
    assert "up to S1E2" in back.content  # the failed /progress set changed nothing
    assert "can't reach" not in back.content


# -- 13. cooldown --------------------------------------------------------------------------------


async def test_ask_cooldown_is_per_user(
    double: DiscordDouble, library: Library, storage: Storage, alice: int, bob: int
) -> None:
    async with running(double, library, storage, ask_cooldown_rate=1, ask_cooldown_seconds=60):
        first = await run(double, "ask", {"question": NAM_RA_SURVIVE}, user_id=alice)
        assert "try again" not in first.content

        second = await run(double, "ask", {"question": NAM_RA_SURVIVE}, user_id=alice)
        assert_safe(second)
        assert "try again" in second.content
        assert later_words(second.content) == [] and "||" not in second.content

        other = await run(double, "ask", {"question": NAM_RA_SURVIVE}, user_id=bob)
        assert_safe(other)
        assert "try again" not in other.content
        assert "hasn't started" in other.content


# -- non-interference ----------------------------------------------------------------------------

# Pairs an outside tester found, where a later episode once showed through the shape of the
# reply: a brother who appears later against a sister who never exists, a later role against
# an invented one, a later character against a made-up name.
PROBE_PAIRS = {
    "S1E7": ("does ha-ri have a brother", "does ha-ri have a sister"),
    "S1E2": ("is there an archer", "is there a swordsman"),
    "S1E1": ("is there a detective", "is there a lawyer"),
    "S1E9": ("who is woo-jin", "who is dong-hyun"),
}


async def test_probe_pairs_read_as_a_bot_that_knew_only_the_episodes_watched(
    double: DiscordDouble, library: Library, database_url: str
) -> None:
    storage = await Storage.open(database_url)
    try:
        seen: dict[tuple[str, str], str] = {}
        async with running(double, library, storage):
            for episode, questions in PROBE_PAIRS.items():
                await set_progress(double, episode)
                for question in questions:
                    reply = await run(double, "ask", {"question": question})
                    assert_safe(reply)
                    seen[episode, question] = reply.content
        raw = yaml.safe_load((DATA_DIR / SHOW / "show.yaml").read_text(encoding="utf-8"))
        for episode, questions in PROBE_PAIRS.items():
            point = Progress(1, int(episode.split("E")[1]))
            # The other show stays whole: the bot being compared knows it as this one does.
            shown = ShowEngine(ShowFile.model_validate(cut_raw(raw, (1, point.episode))))
            cut = Library([shown if e.slug == SHOW else e for e in library.shows.values()])
            async with running(double, cut, storage):
                await set_progress(double, episode)
                for question in questions:
                    reply = await run(double, "ask", {"question": question})
                    assert reply.content == seen[episode, question], (episode, question)
            first, second = (seen[episode, q] for q in questions)
            if "Nothing up to your episode" in first or "Nothing up to your episode" in second:
                # Neither reply may hint that one of the two exists later.
                assert visible(first) == visible(second), (first, second)
    finally:
        await storage.close()


# -- several shows: routing, the which-show prompt, per-show commands ----------------------------

ST = "stranger-things"
ST_LINE = "-# Stranger Things, answered for a viewer up to S1E3."
AOUAD_LINE = "-# AOUAD, answered for a viewer up to S1E5."


async def set_show_progress(
    double: DiscordDouble, show: str, episode: str, *, user_id: int | None = None
) -> None:
    options = {"episode": episode, "show": show}
    reply = await run(double, "progress set", options, user_id=user_id)
    assert reply.ephemeral and reply.content.startswith("Saved:"), reply.content


async def test_ask_goes_to_the_show_the_question_names_by_title_or_met_people(
    double: DiscordDouble, bot: SpoilerBot, bob: int
) -> None:
    await set_show_progress(double, "AOUAD", "S1E5")
    await set_show_progress(double, "st", "S1E3")

    titled = await run(double, "ask", {"question": "in stranger things, who is hopper"})
    assert_safe(titled)
    assert titled.content.endswith(ST_LINE), titled.content
    plain = await run(double, "ask", {"question": "who is hopper", "show": ST})
    assert titled.content == plain.content  # the title only picked the show

    by_name = await run(double, "ask", {"question": "did eleven survive"})
    assert_safe(by_name)
    assert by_name.content.endswith(ST_LINE) and "Eleven" not in visible(by_name.content)
    default = await run(double, "ask", {"question": NAM_RA_SURVIVE})
    assert default.content.endswith(AOUAD_LINE), default.content
    # The command's show always wins.
    chosen = await run(double, "ask", {"question": "did eleven survive", "show": SHOW})
    assert chosen.content.endswith(AOUAD_LINE), chosen.content

    # Bob has not started Stranger Things: Eleven is a name he has never been told of, so
    # the question reads exactly like one about nobody at all.
    await set_show_progress(double, SHOW, "S1E5", user_id=bob)
    unmet = await run(double, "ask", {"question": "did eleven survive"}, user_id=bob)
    nobody = await run(double, "ask", {"question": "did zorblax survive"}, user_id=bob)
    assert unmet.content == nobody.content and unmet.content.endswith(AOUAD_LINE)


def _buttons(reply: Reply) -> dict[str, str]:
    return {
        b["label"]: b["custom_id"] for row in reply.components for b in row.get("components", [])
    }


async def test_a_question_about_either_show_asks_which_and_the_choice_answers_there(
    double: DiscordDouble, bot: SpoilerBot, bob: int
) -> None:
    await set_show_progress(double, SHOW, "S1E5")
    await set_show_progress(double, ST, "S1E3")
    question = "did eleven bite nam-ra"

    prompt = await run(double, "ask", {"question": question})
    assert_safe(prompt)
    assert "||" not in prompt.content and "more than one show" in prompt.content
    buttons = _buttons(prompt)
    assert sorted(buttons) == ["All of Us Are Dead", "Stranger Things"]

    pressed = await double.send_component(prompt.message_id, buttons["Stranger Things"])
    answered = await pressed.wait_reply(timeout=5)
    assert pressed.callback_type in (6, 7)
    assert_safe(answered)
    assert answered.components == [] and answered.content.endswith(ST_LINE)
    direct = await run(double, "ask", {"question": question, "show": ST})
    assert answered.content == direct.content

    # Public answers: the prompt stays private, the pick posts in the channel.
    await run(double, "server set", {"public_answers": True}, user_id=bob)
    prompt = await run(double, "ask", {"question": question, "public": True})
    assert prompt.ephemeral and double.channel_messages() == []
    pressed = await double.send_component(prompt.message_id, _buttons(prompt)["All of Us Are Dead"])
    done = await pressed.wait_reply(timeout=5)
    assert "Posted in the channel" in done.content and done.components == []
    await double.wait_until(lambda: bool(double.channel_messages()), 5, "the public answer")
    [posted] = double.channel_messages()
    assert AOUAD_LINE in posted["content"] and "Question: ||" in posted["content"]


async def test_the_servers_default_show_takes_questions_that_name_none(
    double: DiscordDouble, bot: SpoilerBot, bob: int
) -> None:
    await set_show_progress(double, SHOW, "S1E5")
    await set_show_progress(double, ST, "S1E3")
    saved = await run(double, "server set", {"default_show": "Stranger"}, user_id=bob)
    assert "Default show: Stranger Things" in saved.content
    generic = await run(double, "ask", {"question": "what happens in episode 1"})
    assert generic.content.endswith(ST_LINE), generic.content
    named = await run(double, "ask", {"question": NAM_RA_SURVIVE})
    assert named.content.endswith(AOUAD_LINE), named.content
    # /progress set without a show now sets the server's default show.
    await set_progress(double, "S1E4")
    assert "Stranger Things: S1E4" in (await run(double, "progress show")).content


async def test_show_options_autocomplete_on_titles_and_aliases_in_any_case(
    double: DiscordDouble, bot: SpoilerBot
) -> None:
    async def shows(typed: str) -> list[str]:
        offered = await double.send_autocomplete(
            "ask", {"question": "x", "show": typed}, focused="show", timeout=5
        )
        return [choice["value"] for choice in offered]

    for typed in ("AOUAD", "aouad", "지금", "now at our school", "All Of Us"):
        assert (await shows(typed))[:1] == [SHOW], typed
    for typed in ("st", "ST", "stranger"):
        assert (await shows(typed))[:1] == [ST], typed
    assert sorted(await shows("")) == [SHOW, ST]


async def test_character_recap_and_help_work_per_show(
    double: DiscordDouble, bot: SpoilerBot
) -> None:
    await set_show_progress(double, SHOW, "S1E4")
    await set_show_progress(double, "Stranger Things", "S1E3")

    eleven = await run(double, "character", {"name": "Eleven", "show": "st"})
    assert_safe(eleven)
    assert "Eleven" in eleven.content and eleven.content.endswith(ST_LINE)
    offered = await double.send_autocomplete(
        "character", {"name": "ter", "show": "st"}, focused="name", timeout=5
    )
    assert "Terry Ives" not in [c["name"] for c in offered]  # first seen in S1E6

    recap = await run(double, "recap", {"show": ST})
    assert_safe(recap)
    assert set(re.findall(r"^(S\d+E\d+):", recap.content, re.M)) == {"S1E1", "S1E2", "S1E3"}
    assert recap.content.endswith(ST_LINE)

    shown = await run(double, "help")
    assert_safe(shown)
    assert "- All of Us Are Dead: up to S1E4" in shown.content
    assert "- Stranger Things: up to S1E3" in shown.content


async def test_character_without_a_show_finds_people_met_in_another_show(
    double: DiscordDouble, bot: SpoilerBot, bob: int
) -> None:
    await set_show_progress(double, SHOW, "S1E5")
    await set_show_progress(double, ST, "S1E3")
    eleven = await run(double, "character", {"name": "Eleven"})
    assert_safe(eleven)
    assert eleven.content.endswith(ST_LINE) and "Eleven" in eleven.content
    offered = await double.send_autocomplete("character", {"name": "ele"}, focused="name")
    assert "Eleven" in [c["name"] for c in offered]

    # Bob has not started Stranger Things: to him Eleven is nobody, in any show.
    await set_show_progress(double, SHOW, "S1E5", user_id=bob)
    unmet = await run(double, "character", {"name": "Eleven"}, user_id=bob)
    nobody = await run(double, "character", {"name": "Zorblax"}, user_id=bob)
    assert unmet.content == nobody.content and unmet.content.endswith(AOUAD_LINE)
    offered = await double.send_autocomplete(
        "character", {"name": "ele"}, focused="name", user_id=bob
    )
    assert "Eleven" not in [c["name"] for c in offered]


# -- 10. failures the user never sees the inside of ---------------------------------------------


class _Logged(logging.Handler):
    """Sets an event when a logger logs: logging alone wakes nothing in the double."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.set()


@contextlib.asynccontextmanager
async def logs(name: str) -> AsyncIterator[None]:
    """Run the block, then wait (bounded) until the logger `name` has logged."""
    handler = _Logged()
    logging.getLogger(name).addHandler(handler)
    try:
        yield
        async with asyncio.timeout(5):
            await handler.seen.wait()
    finally:
        logging.getLogger(name).removeHandler(handler)


async def test_a_show_option_matches_titles_and_aliases_in_any_case(
    double: DiscordDouble, bot: SpoilerBot
) -> None:
    by_title = await run(double, "progress set", {"episode": "S1E2", "show": "ALL OF US ARE DEAD"})
    assert by_title.content.startswith("Saved: All of Us Are Dead, up to S1E2")
    unknown = await run(double, "progress set", {"episode": "S1E2", "show": "Zorblax"})
    assert_safe(unknown)
    assert unknown.content == "I don't know that show. Pick one from the list."
    offered = await double.send_autocomplete("ask", {"show": "all of"}, focused="show")
    assert [c["value"] for c in offered] == [SHOW]


async def test_a_broken_option_is_logged_with_its_cause_and_the_user_told_kindly(
    double: DiscordDouble, bot: SpoilerBot, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    def broken(name: str | None) -> ShowEngine | None:
        raise RuntimeError("the library broke")

    monkeypatch.setattr(bot.library, "get", broken)
    with caplog.at_level("ERROR", logger="bot.tree"):
        reply = await run(double, "ask", {"question": "who is nam-ra", "show": SHOW})
    assert_safe(reply)
    assert reply.content == "One of the options isn't valid. Check it and try again."
    [record] = [r for r in caplog.records if r.name == "bot.tree"]
    assert "Reading an option of /ask failed (RuntimeError)" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)


async def test_a_failing_listener_is_logged_and_the_bot_carries_on(
    double: DiscordDouble, bot: SpoilerBot, caplog
) -> None:
    async def on_boom() -> None:
        raise RuntimeError("a listener broke")

    bot.add_listener(on_boom)
    with caplog.at_level("ERROR", logger="bot.bot"):
        async with logs("bot.bot"):
            bot.dispatch("boom")
    assert "The on_boom listener failed" in caplog.records[0].getMessage()
    assert_safe(await run(double, "help"))


async def test_a_reply_to_an_expired_interaction_is_logged_and_dropped(
    double: DiscordDouble, bot: SpoilerBot, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    import discord

    monkeypatch.setattr(discord.Interaction, "is_expired", lambda self: True)
    with caplog.at_level("WARNING", logger="bot.exts._common"):
        async with logs("bot.exts._common"):
            record = await double.send_command("help")
    assert "Dropped a reply to /help" in caplog.records[0].getMessage()
    assert record.callback is None
