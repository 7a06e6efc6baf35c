"""`python -m bot run` as operators start it: a real process, settings from the environment."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys

import pytest
from discord_double import DiscordDouble

from bot.settings import PROJECT_ROOT


def bot_env(tmp_path, **overrides: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DISCORD_TOKEN": "fake-token",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "LOG_LEVEL": "INFO",
    }
    env.update(overrides)
    return env


async def start_bot(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *(args or ("run",)),
        cwd=PROJECT_ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def finish(process: asyncio.subprocess.Process) -> tuple[int, str]:
    """Wait (30 s at most) for the process to exit; return its status and stderr."""
    async with asyncio.timeout(30):
        _, err = await process.communicate()
    return process.returncode, err.decode()


async def test_unreachable_database_fails_clearly_without_the_password(tmp_path) -> None:
    env = bot_env(tmp_path, DATABASE_URL="postgresql+asyncpg://bot:hunter2@127.0.0.1:1/spoilers")
    code, err = await finish(await start_bot(env))
    assert code == 1
    assert "Cannot open or migrate the database" in err and "DATABASE_URL" in err
    assert "hunter2" not in err


async def test_invalid_fact_base_stops_the_start(tmp_path) -> None:
    (tmp_path / "broken.yaml").write_text("show: {slug: x}\n", encoding="utf-8")
    code, err = await finish(await start_bot(bot_env(tmp_path, DATA_DIR=str(tmp_path))))
    assert code == 1 and "is invalid" in err


async def test_a_show_file_that_is_not_utf8_stops_the_start_in_one_issue(tmp_path) -> None:
    (tmp_path / "latin1.yaml").write_bytes("show: {slug: café}\n".encode("latin-1"))
    code, err = await finish(await start_bot(bot_env(tmp_path, DATA_DIR=str(tmp_path))))
    assert code == 1
    assert_one_clear_line(err, "latin1.yaml: byte 16: not valid UTF-8")
    assert "is invalid (1 problem)" in err


async def test_runs_against_a_discord_compatible_server_and_stops_on_sigterm(tmp_path) -> None:
    async with DiscordDouble() as double:
        env = bot_env(
            tmp_path,
            DISCORD_API_BASE_URL=double.api_base_url,
            DISCORD_GATEWAY_URL=double.gateway_url,
        )
        process = await start_bot(env)
        try:
            await double.wait_for_sync(timeout=30)
            await double.wait_for_identify(timeout=30)
            await asyncio.sleep(2.5)  # on_ready waits for the guilds to stream in
            record = await double.send_command("progress set", {"episode": "S1E3"})
            reply = await record.wait_reply(timeout=10)
            assert reply.ephemeral and "S1E3" in reply.content
        finally:
            process.send_signal(signal.SIGTERM)
            code, err = await finish(process)
        assert code == 0, err
        assert "Shutting down" in err
        assert "fake-token" not in err
        assert "in-memory" not in err  # a file database keeps progress: no warning

        # Same commands, same database: a restart must not sync again.
        syncs = double.sync_count
        process = await start_bot(env)
        try:
            await double.wait_for_identify(count=2, timeout=30)
        finally:
            process.send_signal(signal.SIGINT)
            code, err = await finish(process)
        assert code == 0, err
        assert double.sync_count == syncs
        assert "Commands unchanged since the last sync" in err


async def test_sync_command_forces_a_sync_and_exits(tmp_path) -> None:
    async with DiscordDouble() as double:
        env = bot_env(
            tmp_path,
            DISCORD_API_BASE_URL=double.api_base_url,
            DISCORD_GATEWAY_URL=double.gateway_url,
            DEV_GUILD_ID=str(double.guild_id),
        )
        for expected in (1, 2):
            code, err = await finish(await start_bot(env, "sync"))
            assert code == 0, err
            assert double.sync_count == expected
        assert double.synced_command("ask", guild_id=double.guild_id) is not None


@pytest.mark.parametrize("token", ["", "   "])
async def test_blank_token_is_no_token(tmp_path, token: str) -> None:
    code, err = await finish(await start_bot(bot_env(tmp_path, DISCORD_TOKEN=token)))
    assert code == 2 and "DISCORD_TOKEN" in err


def assert_one_clear_line(err: str, *needles: str) -> None:
    """No traceback: the failure is one line that names what to fix."""
    assert "Traceback" not in err, err
    [line] = [line for line in err.splitlines() if all(n in line for n in needles)]
    assert len(line) < 300, line


async def test_unreachable_discord_api_is_one_line_naming_the_setting(tmp_path) -> None:
    env = bot_env(
        tmp_path,
        DISCORD_API_BASE_URL="http://127.0.0.1:1/api/v10",
        DISCORD_GATEWAY_URL="ws://127.0.0.1:1/gateway",
    )
    code, err = await finish(await start_bot(env))
    assert code == 1
    assert_one_clear_line(err, "Cannot reach", "DISCORD_API_BASE_URL=http://127.0.0.1:1/api/v10")


async def test_revoked_token_while_running_is_one_line_naming_the_token(tmp_path) -> None:
    async with DiscordDouble() as double:
        env = bot_env(
            tmp_path,
            DISCORD_API_BASE_URL=double.api_base_url,
            DISCORD_GATEWAY_URL=double.gateway_url,
        )
        process = await start_bot(env)
        try:
            await double.wait_for_identify(timeout=30)
            await double.drop_gateway(code=4004)
        finally:
            code, err = await finish(process)
    assert code == 1
    assert_one_clear_line(err, "4004", "DISCORD_TOKEN")
    assert "fake-token" not in err


async def test_wrong_settings_are_named_without_a_traceback(tmp_path) -> None:
    # Each rule has its unit test (test_settings.py); here, how a real start reports them.
    code, err = await finish(await start_bot(bot_env(tmp_path, SHARD_IDS="0")))
    assert code == 2
    assert_one_clear_line(err, "SHARD_IDS needs SHARD_COUNT")
    env = bot_env(tmp_path, SHARD_IDS="0,x", SHARD_COUNT="2", ASK_COOLDOWN_RATE="0")
    code, err = await finish(await start_bot(env))
    assert code == 2
    assert_one_clear_line(err, "SHARD_IDS: expected shard numbers")
    assert_one_clear_line(err, "ASK_COOLDOWN_RATE:")


async def test_a_single_shard_id_runs_and_voice_warnings_are_gone(tmp_path) -> None:
    async with DiscordDouble() as double:
        env = bot_env(
            tmp_path,
            DISCORD_API_BASE_URL=double.api_base_url,
            DISCORD_GATEWAY_URL=double.gateway_url,
            SHARD_IDS="0",
            SHARD_COUNT="1",
            DATABASE_URL="sqlite+aiosqlite:///",
        )
        process = await start_bot(env)
        try:
            await double.wait_for_identify(timeout=30)
            assert double.identify_payloads[0].get("shard") == [0, 1]
        finally:
            with contextlib.suppress(ProcessLookupError):  # it may have died at start
                process.send_signal(signal.SIGTERM)
            code, err = await finish(process)
    assert code == 0, err
    assert "voice" not in err.lower(), err
    assert_one_clear_line(err, "WARNING", "DATABASE_URL is an in-memory", "will be lost")
