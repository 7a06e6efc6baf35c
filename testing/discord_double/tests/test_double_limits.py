"""Discord's limits, as the double enforces them: sizes, callback rules, the 3-second deadline."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest
from discord_double import DiscordDouble
from discord_double.limits import (
    callback_problem,
    message_problem,
    webhook_name_problem,
    webhook_username_problem,
)
from sample_bots import DoubleTestBot, Listener


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"content": "x" * 2000}, None),
        ({"content": "x" * 2001}, 50035),
        ({}, 50006),
        ({"content": ""}, 50006),
        ({"embeds": [{"title": "t"}] * 10}, None),
        ({"embeds": [{"title": "t"}] * 11}, 50035),
        ({"embeds": [{"title": "x" * 257}]}, 50035),
        ({"embeds": [{"description": "x" * 4097}]}, 50035),
        ({"embeds": [{"footer": {"text": "x" * 2049}}]}, 50035),
        ({"embeds": [{"author": {"name": "x" * 257}}]}, 50035),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, 50035),
        ({"embeds": [{"fields": [{"name": "n", "value": ""}]}]}, 50035),
        ({"embeds": [{"fields": [{"name": "x" * 257, "value": "v"}]}]}, 50035),
        ({"embeds": [{"fields": [{"name": "n", "value": "x" * 1025}]}]}, 50035),
        ({"embeds": [{"description": "x" * 4000}, {"description": "x" * 2001}]}, 50035),
        ({"components": [{"type": 1}]}, None),
    ],
)
def test_message_limits(body: dict, code: int | None) -> None:
    problem = message_problem(body, [])
    assert (problem[0] if problem else None) == code


def test_an_edit_may_leave_everything_out_but_not_break_a_limit() -> None:
    assert message_problem({}, [], partial=True) is None
    assert message_problem({"content": "x" * 2001}, [], partial=True) is not None
    assert message_problem({}, [{"filename": "a.txt"}]) is None  # a file alone is a message


def test_callback_types_and_choices() -> None:
    assert callback_problem(4, {"content": "hi"}, [], 2) is None
    assert callback_problem(8, {"choices": []}, [], 2) is not None  # choices only autocomplete
    assert callback_problem(4, {"content": "hi"}, [], 4) is not None
    assert callback_problem(7, {}, [], 3) is None  # an update may change nothing
    choices = [{"name": f"c{i}", "value": i} for i in range(25)]
    assert callback_problem(8, {"choices": choices}, [], 4) is None
    assert callback_problem(8, {"choices": [*choices, choices[0]]}, [], 4) is not None
    assert callback_problem(8, {"choices": [{"name": "", "value": 1}]}, [], 4) is not None
    assert callback_problem(8, {"choices": [{"name": "n", "value": "v" * 101}]}, [], 4)


def test_webhook_names() -> None:
    assert webhook_name_problem("Relay") is None
    for name in ("", "x" * 81, "Clyde", "my discord hook"):
        assert webhook_name_problem(name) is not None, name
    assert webhook_username_problem("x" * 80) is None
    assert webhook_username_problem("x" * 81) is not None


@pytest.mark.parametrize("length", [0, 2001])
async def test_a_reply_discord_refuses_fails_in_the_bot(
    double: DiscordDouble, bot: DoubleTestBot, length: int
) -> None:
    record = await double.send_command("long", {"length": length})
    await asyncio.wait_for(bot.failed.wait(), 3)
    [error] = bot.errors
    assert error.status == 400 and error.code == (50006 if length == 0 else 50035)
    assert record.callback is None and record.reply() is None


async def test_too_many_choices_are_refused(double: DiscordDouble, bot: DoubleTestBot) -> None:
    double.interaction_deadline = None
    with pytest.raises(TimeoutError):
        await double.send_autocomplete("show", {"title": "everything"}, focused="title", timeout=1)
    [request] = double.requests_to("POST", "/interactions/*/callback")
    assert request.status == 400


async def test_late_callback_is_rejected(double: DiscordDouble, bot: DoubleTestBot) -> None:
    double.interaction_deadline = 0.1
    record = await double.send_command("slow")
    await double.wait_until(lambda: double.requests_to("POST", f"/interactions/{record.id}/*"), 3)
    [request] = double.requests_to("POST", f"/interactions/{record.id}/*")
    assert request.status == 404 and record.callback is None
    assert (await (await double.send_command("echo", {"text": "ok"})).wait_reply(3)).content == "ok"


async def test_an_interaction_is_answered_once(double: DiscordDouble, bot: DoubleTestBot) -> None:
    record = await double.send_command("echo", {"text": "once"})
    await record.wait_reply(timeout=3)
    url = f"{double.api_base_url}/interactions/{record.id}"
    body = {"type": 4, "data": {"content": "twice"}}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{url}/{record.token}/callback", json=body) as response:
            assert response.status == 400
            assert (await response.json())["code"] == 40060
        async with session.post(f"{url}/wrong-token/callback", json=body) as response:
            assert response.status == 404
            assert (await response.json())["code"] == 10062


async def test_webhook_names_and_tokens_are_checked(double: DiscordDouble) -> None:
    double.set_bot_permissions(discord.Permissions.all().value)
    async with double.run_bot(Listener(discord.Intents(guilds=True)), timeout=5) as client:
        channel = client.get_channel(double.channel_id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException):
            await channel.create_webhook(name="Discord relay")
        hook = await channel.create_webhook(name="relay")
        with pytest.raises(discord.HTTPException):
            await hook.send("hi", username="x" * 81, wait=True)
        forged = discord.Webhook.partial(hook.id, "forged", client=client)
        with pytest.raises(discord.HTTPException) as raised:
            await forged.send("hi", wait=True)
        assert raised.value.status == 401
        await hook.send("hi", username="Relay")  # without wait: 204, nothing returned
        await double.wait_until(lambda: double.channel_messages(), 3)
        assert [m["author"]["username"] for m in double.channel_messages()] == ["Relay"]
