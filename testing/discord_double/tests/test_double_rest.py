"""The REST API: login, command sync, exact JSON, unknown routes, channels, webhooks."""

from __future__ import annotations

import aiohttp
import discord
import pytest
from discord_double import (
    BOT_PERMISSIONS,
    MANAGE_MESSAGES,
    MANAGE_WEBHOOKS,
    DiscordDouble,
)
from sample_bots import DoubleTestBot, Listener


async def test_login_and_command_sync(double: DiscordDouble, bot: DoubleTestBot) -> None:
    paths = [(r.method, r.path) for r in double.requests]
    assert ("GET", "/users/@me") in paths
    assert ("GET", "/oauth2/applications/@me") in paths
    assert ("GET", "/gateway/bot") in paths
    assert [scope for scope, _ in double.syncs] == [None, double.guild_id]
    assert double.identify_count == 1
    assert double.identify_payloads[0]["shard"] == [0, 1]
    assert bot.get_guild(double.guild_id) is not None

    echo = double.synced_command("echo")
    assert echo is not None
    assert [(o["name"], o["type"], o.get("required")) for o in echo["options"]] == [
        ("text", 3, True)
    ]
    settings = double.synced_command("settings")
    assert settings is not None
    [set_] = settings["options"]
    assert (set_["name"], set_["type"]) == ("set", 1)
    assert [(o["name"], o["type"]) for o in set_["options"]] == [
        ("key", 3),
        ("value", 4),
        ("public", 5),
    ]
    show = double.synced_command("show")
    assert show is not None and show["options"][0]["autocomplete"] is True
    assert not double.unknown_requests


async def test_commands_belong_to_the_bots_application_and_guilds(
    double: DiscordDouble, bot: DoubleTestBot
) -> None:
    base, app = double.api_base_url, double.application_id
    async with aiohttp.ClientSession() as session:
        async with session.put(f"{base}/applications/{app + 1}/commands", json=[]) as response:
            assert response.status == 403
        async with session.put(f"{base}/applications/{app}/guilds/1/commands", json=[]) as res:
            assert res.status == 403
    assert double.sync_count == 2 and double.synced_command("echo") is not None


async def test_json_content_type_is_exact(double: DiscordDouble) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(double.api_base_url + "/users/@me") as response:
            assert response.headers["Content-Type"] == "application/json"
            assert (await response.json())["id"] == str(double.bot_user_id)
        async with session.get(double.api_base_url + "/nowhere") as response:
            assert response.status == 404
    assert [r.path for r in double.unknown_requests] == ["/nowhere"]


async def test_channel_message_is_recorded(double: DiscordDouble, bot: DoubleTestBot) -> None:
    record = await double.send_command("announce", {"text": "hello channel"})
    await record.wait_reply(timeout=3)
    await double.wait_until(lambda: bool(double.channel_messages()), 3)
    [message] = double.channel_messages()
    assert message["content"] == "hello channel" and message["type"] == 0
    channel = bot.get_channel(double.channel_id)
    assert isinstance(channel, discord.TextChannel)
    own = channel.get_partial_message(int(message["id"]))
    await own.delete()  # its own message: no permission needed
    assert double.is_deleted(own.id) and double.channel_messages() == []
    with pytest.raises(discord.NotFound):
        await own.delete()


async def test_the_bot_sends_a_dm(double: DiscordDouble, bot: DoubleTestBot) -> None:
    channel = await bot.create_dm(discord.Object(double.user_id))
    await channel.send("psst")
    assert [m["content"] for m in double.dm_messages(double.user_id)] == ["psst"]
    assert double.dm_messages(double.user_id_named("bob")) == []


async def test_deleting_and_webhooks_need_the_bots_permissions(double: DiscordDouble) -> None:
    async with double.run_bot(Listener(discord.Intents(guilds=True)), timeout=5) as client:
        channel = client.get_channel(double.channel_id)
        assert isinstance(channel, discord.TextChannel)
        posted = await double.post_message("delete me")
        message = channel.get_partial_message(int(posted["id"]))
        with pytest.raises(discord.Forbidden):
            await message.delete()
        with pytest.raises(discord.Forbidden):
            await channel.create_webhook(name="hook")
        assert not double.is_deleted(int(posted["id"]))

        double.set_bot_permissions(BOT_PERMISSIONS | MANAGE_MESSAGES | MANAGE_WEBHOOKS)
        await message.delete()
        assert double.is_deleted(int(posted["id"]))
        hook = await channel.create_webhook(name="hook")
        assert [h.id for h in await channel.webhooks()] == [hook.id]
        sent = await hook.send(
            "as someone", username="Someone", avatar_url="https://example.invalid/a.png", wait=True
        )
        assert sent.author.name == "Someone" and sent.webhook_id == hook.id
        assert double.webhook_avatar_url(sent.id) == "https://example.invalid/a.png"
        assert [m["content"] for m in double.channel_messages()] == ["as someone"]
