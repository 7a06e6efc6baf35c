"""The gateway: heartbeats, RESUME with replay, and members' messages as the intents allow."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord_double import DiscordDouble
from sample_bots import DoubleTestBot, Listener


async def test_resume_after_dropped_gateway(double: DiscordDouble, bot: DoubleTestBot) -> None:
    await double.drop_gateway()
    await double.wait_for_resume(timeout=5)
    await asyncio.wait_for(bot.resumed.wait(), 2)
    assert double.identify_count == 1 and double.resume_count == 1
    assert double.gateway_connections == ["/gateway", "/resume-gateway"]

    reply = await (await double.send_command("echo", {"text": "still here"})).wait_reply(timeout=3)
    assert reply.content == "still here"


async def test_events_sent_while_disconnected_are_replayed(
    double: DiscordDouble, bot: DoubleTestBot
) -> None:
    double.interaction_deadline = None
    await double.drop_gateway(code=4000)
    record = await double.send_command("echo", {"text": "queued"})
    await double.wait_for_resume(timeout=5)
    assert (await record.wait_reply(timeout=3)).content == "queued"


async def test_heartbeats_are_answered() -> None:
    client = Listener(discord.Intents(guilds=True))
    async with DiscordDouble(heartbeat_interval_ms=50) as double, double.run_bot(client, timeout=5):
        await double.wait_until(lambda: double.heartbeat_count >= 2, 3)
        assert client.latency < 1  # discord.py got its heartbeat ACKs


@pytest.mark.parametrize(
    ("intents", "content"),
    [
        (discord.Intents(guilds=True, guild_messages=True, message_content=True), "hi ||there||"),
        (discord.Intents(guilds=True, guild_messages=True), ""),
    ],
    ids=["with-content", "without-content"],
)
async def test_members_messages_arrive_as_the_intents_allow(
    double: DiscordDouble, intents: discord.Intents, content: str
) -> None:
    async with double.run_bot(Listener(intents), timeout=5) as client:
        posted = await double.post_message("hi ||there||", attachments=[("a.txt", b"abc")])
        await asyncio.wait_for(client.arrived.wait(), 3)
        [message] = client.seen
        assert message.id == int(posted["id"]) and message.content == content
        assert len(message.attachments) == (1 if content else 0)
        if content:
            assert await message.attachments[0].read() == b"abc"
            assert double.attachment_bytes(posted["attachments"][0]) == b"abc"
        client.arrived.clear()
        await double.edit_message(int(posted["id"]), "hi <@1234>")
        await asyncio.wait_for(client.arrived.wait(), 3)
        [edited] = client.edits
        assert edited.content == ("hi <@1234>" if content else "")
        [stored] = double.channel_messages()
        assert [u["id"] for u in stored["mentions"]] == ["1234"]
    async with double.run_bot(Listener(discord.Intents(guilds=True)), timeout=5) as client:
        await double.post_message("unseen")
        await asyncio.sleep(0.1)
        assert client.seen == []  # no GUILD_MESSAGES intent, no event
