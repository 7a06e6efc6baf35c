"""Fixtures for the double's own tests: a double, and a bot of sample commands running on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from discord_double import DiscordDouble
from sample_bots import DoubleTestBot


@pytest.fixture
async def double() -> AsyncIterator[DiscordDouble]:
    async with DiscordDouble() as fake:
        yield fake
        assert not fake.server_errors, fake.server_errors


@pytest.fixture
async def bot(double: DiscordDouble) -> AsyncIterator[DoubleTestBot]:
    async with double.run_bot(DoubleTestBot(double.guild_id), timeout=5) as client:
        yield client
