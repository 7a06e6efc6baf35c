"""Injected faults: 429s discord.py waits out, 5xx it retries, calls held past the deadline,
and a gateway that refuses a RESUME it cannot honour."""

from __future__ import annotations

import json
import time

import aiohttp
from discord_double import DiscordDouble
from sample_bots import DoubleTestBot


async def test_rate_limited_callback_is_retried(double: DiscordDouble, bot: DoubleTestBot) -> None:
    double.fail_next("POST", "/interactions/*/callback", status=429, retry_after=0.05)
    record = await double.send_command("echo", {"text": "again"})
    assert (await record.wait_reply(timeout=3)).content == "again"
    statuses = [r.status for r in double.requests_to("POST", "/interactions/*/callback")]
    assert statuses == [429, 200]


async def test_a_global_rate_limit_says_so(double: DiscordDouble) -> None:
    double.fail_next("GET", "/users/@me", status=429, retry_after=2.5, is_global=True)
    async with aiohttp.ClientSession() as session:
        async with session.get(double.api_base_url + "/users/@me") as response:
            assert response.status == 429
            assert response.headers["X-RateLimit-Global"] == "true"
            assert response.headers["Retry-After"] == "2"
            assert (await response.json())["global"] is True
        async with session.get(double.api_base_url + "/users/@me") as response:
            assert response.status == 200  # the fault was for one call


async def test_server_errors_are_retried(double: DiscordDouble, bot: DoubleTestBot) -> None:
    double.interaction_deadline = None
    double.fail_next("POST", "/channels/*/messages", status=500)
    record = await double.send_command("announce", {"text": "after a 500"})
    await record.wait_reply(timeout=3)
    await double.wait_until(lambda: double.channel_messages(), 5)
    statuses = [r.status for r in double.requests_to("POST", "/channels/*/messages")]
    assert statuses == [500, 200]  # discord.py retries a 500 (not a 503)


async def test_a_delayed_call_is_answered_late(double: DiscordDouble, bot: DoubleTestBot) -> None:
    double.delay_next("POST", "/interactions/*/callback", 0.3)
    started = time.monotonic()
    record = await double.send_command("echo", {"text": "slowly"})
    assert (await record.wait_reply(timeout=3)).content == "slowly"
    await double.wait_until(lambda: double.requests_to("POST", "/interactions/*")[-1].status, 3)
    assert time.monotonic() - started >= 0.3
    # The call arrived in time: Discord took the time, not the bot.
    assert record.latency is not None and record.latency < 0.3
    fine = await double.send_command("echo", {"text": "quickly"})
    assert (await fine.wait_reply(timeout=3)).content == "quickly"


async def test_an_unknown_session_cannot_resume(double: DiscordDouble) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(double.gateway_url) as ws:
        hello = json.loads((await ws.receive()).data)
        assert hello["op"] == 10
        resume = {"token": "t", "session_id": "nope", "seq": 1}
        await ws.send_str(json.dumps({"op": 6, "d": resume}))
        invalid = json.loads((await ws.receive()).data)
        assert invalid["op"] == 9 and invalid["d"] is False
