"""Burst benchmark: many concurrent /ask interactions against the real bot, in one process.

The real SpoilerBot (discord.py, cogs, a SQLite file, the real fact base) runs against the local
Discord double (`discord_double`, in testing/). Latency is measured by the double, from dispatching
INTERACTION_CREATE to the arrival of the bot's first interaction callback. The floor is a
trivial /ping (added to this benchmark's bot only) on the same harness: what discord.py and the
double cost without any of the bot's work.

    .venv/bin/python benchmarks/burst.py [--n 200] [--users 50] [--rounds 3]
        [--sharded] [--postgres URL] [--cold] [--python-gc]

--sharded caches progress as a bot with SHARD_IDS does: through PostgreSQL notifications
with --postgres, not at all on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import random
import resource
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import discord
from discord import app_commands
from discord_double import DiscordDouble, InteractionRecord
from sqlalchemy import text

from bot.bot import SpoilerBot
from bot.core.library import Library
from bot.core.progress import Progress
from bot.db import CachedStorage, ProgressCache, create_engine
from bot.settings import PROJECT_ROOT, Settings

# Filled in main() with every paraphrase of the fact base, shuffled: each /ask in a run
# asks something different, so the engine's answer cache does not flatter the figures.
QUESTIONS: list[str] = []
# Discord drops an interaction whose first callback comes later than this.
DISCORD_WINDOW_S = 3.0
WAIT_S = 20.0
PYTHON_GC_THRESHOLDS = (700, 10, 10)


@dataclass
class Series:
    command: str
    latencies: list[float] = field(default_factory=list)
    late: int = 0
    deferred: int = 0
    failed: int = 0

    def add(self, records: list[InteractionRecord]) -> None:
        for record in records:
            if record.latency is None:
                self.failed += 1
                continue
            self.latencies.append(record.latency)
            self.late += record.latency > DISCORD_WINDOW_S
            self.deferred += record.deferred

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ping_command() -> app_commands.Command:
    @app_commands.command(name="ping", description="Benchmark floor: answer at once")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    return ping


async def burst(
    double: DiscordDouble, command: str, users: list[int], n: int, round_no: int
) -> list[InteractionRecord]:
    """Dispatch n interactions back to back (round robin over users), wait for every callback."""

    def options(i: int) -> dict[str, str] | None:
        if command != "ask":
            return None
        return {"question": QUESTIONS[((round_no + 1) * n + i) % len(QUESTIONS)]}

    records = [
        await double.send_command(command, options(i), user_id=users[i % len(users)])
        for i in range(n)
    ]
    with contextlib.suppress(TimeoutError):
        await double.wait_until(
            lambda: all(r.callback is not None for r in records), WAIT_S, f"{n} /{command}"
        )
    return records


async def check_replies(records: list[InteractionRecord], expect: str | None = None) -> int:
    """Count replies that are errors (the bot's friendly failure texts) or unexpected."""
    bad = 0
    for record in records:
        if record.callback is None:
            bad += 1
            continue
        try:
            reply = await record.wait_reply(timeout=WAIT_S)
        except (TimeoutError, AssertionError):
            bad += 1
            continue
        text = reply.content
        failure = any(marker in text for marker in ("went wrong", "can't reach", "try again in"))
        bad += failure or (expect is not None and text != expect)
    return bad


async def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    library = Library.load(PROJECT_ROOT / "data" / "shows")
    engine = library.default
    QUESTIONS.extend(q for fact in engine.facts for q in fact.questions)
    random.Random(7).shuffle(QUESTIONS)
    last = max(engine.show.episode_counts)
    episodes = [Progress(last, e) for e in range(1, engine.show.episode_counts[last] + 1)]

    with tempfile.TemporaryDirectory(prefix="burst-") as folder:
        # As the runner does: with SHARD_IDS set, progress is cached only where PostgreSQL
        # notifications keep it fresh.
        if not args.sharded:
            mode = ProgressCache.LOCAL
        else:
            mode = ProgressCache.SHARED if args.postgres else ProgressCache.OFF
        options = {"progress_cache": mode}
        if args.postgres:
            schema = await make_schema(args.postgres)
            storage = await CachedStorage.open(
                args.postgres,
                options=options,
                connect_args={"server_settings": {"search_path": schema}},
            )
        else:
            sqlite_url = "sqlite+aiosqlite:///" + str(Path(folder) / "bot.db")
            storage = await CachedStorage.open(sqlite_url, options=options)
        try:
            # No 3 s cut-off in the double: every answer is measured; late ones are counted.
            async with DiscordDouble(interaction_deadline=None) as double:
                # --cold: each round's users are new, so no progress of theirs is cached yet.
                groups = [
                    [double.add_member(username=f"viewer{r}-{i}") for i in range(args.users)]
                    for r in range(args.rounds + 1 if args.cold else 1)
                ]
                for group in groups:
                    for i, user in enumerate(group):
                        await storage.set_progress(user, engine.slug, episodes[i % len(episodes)])
                users = groups[0]
                settings = Settings(
                    _env_file=None,
                    discord_token=None,
                    dev_guild_id=None,
                    shard_count=None,
                    shard_ids=None,
                    default_show=None,
                    ask_cooldown_seconds=0,
                )
                bot = SpoilerBot(
                    settings=settings,
                    library=library,
                    storage=storage,
                    guild_ready_timeout=0.1,
                )
                bot.tree.add_command(ping_command())  # before setup_hook syncs
                async with double.run_bot(bot, timeout=10):
                    assert double.synced_command("ping") is not None
                    if args.python_gc:
                        gc.set_threshold(*PYTHON_GC_THRESHOLDS)
                    # Warm up with full-size bursts: opening the HTTP connections (a burst
                    # of new ones overflows the double's listen backlog and waits out a 1 s
                    # TCP retransmit) and the database pool is not what is measured.
                    await burst(double, "ping", users, args.n, -1)
                    if not args.cold:
                        await burst(double, "ask", users, args.n, -1)
                    ask, ping = Series("ask"), Series("ping")
                    errors = {"ask": 0, "ping": 0}
                    started = time.perf_counter()
                    for round_no in range(args.rounds):
                        if args.cold:
                            users = groups[round_no + 1]
                        records = await burst(double, "ask", users, args.n, round_no)
                        ask.add(records)
                        errors["ask"] += await check_replies(records)
                        records = await burst(double, "ping", users, args.n, round_no)
                        ping.add(records)
                        errors["ping"] += await check_replies(records, expect="pong")
                    elapsed = time.perf_counter() - started
                server_errors = len(double.server_errors)
        finally:
            await storage.close()
            if args.postgres:
                await drop_schema(args.postgres, schema)

    print(
        f"burst: n={args.n} interactions per burst, users={args.users}, rounds={args.rounds} "
        f"(discord.py {discord.__version__}, {'PostgreSQL' if args.postgres else 'SQLite'}, "
        f"progress cache {mode.value}{', cold' if args.cold else ''}, "
        f"gc {gc.get_threshold()}, one process), "
        f"{elapsed:.1f} s"
    )
    header = (
        f"{'command':<8} {'N':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'>3s':>4} {'defer':>5} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for series in (ask, ping):
        if not series.latencies:
            print(f"/{series.command:<7} {0:>5}  no callbacks")
            continue
        print(
            f"/{series.command:<7} {len(series.latencies):>5} "
            f"{series.percentile(0.5) * 1000:>8.1f} {series.percentile(0.99) * 1000:>8.1f} "
            f"{max(series.latencies) * 1000:>8.1f} {series.late:>4} {series.deferred:>5} "
            f"{errors[series.command] + series.failed:>6}"
        )
    if ask.latencies and ping.latencies:
        floor = ping.percentile(0.5)
        ratio = ask.percentile(0.5) / floor if floor else float("inf")
        print(f"/ask p50 / floor (/ping) p50 = {ratio:.2f}x")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak resident memory (bot and double): {peak:.0f} MB")
    if server_errors:
        print(f"double server errors: {server_errors}")
    failed = ask.failed + ping.failed + sum(errors.values()) + server_errors
    return 1 if failed else 0


async def make_schema(url: str) -> str:
    """Create a throwaway schema so the run neither sees nor leaves other data."""
    schema = f"burst_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        await engine.dispose()
    return schema


async def drop_schema(url: str, schema: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        await engine.dispose()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="concurrent /ask per burst (200)")
    parser.add_argument("--users", type=int, default=50, help="distinct users (50)")
    parser.add_argument("--rounds", type=int, default=3, help="bursts of each command (3)")
    parser.add_argument(
        "--sharded",
        action="store_true",
        help="read progress from the database every time, as a bot split by SHARD_IDS does",
    )
    parser.add_argument(
        "--python-gc",
        action="store_true",
        help="put the collector back to Python's defaults once the bot runs, for comparison",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no /ask warm-up, and new users each round: nothing of theirs is cached yet",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="use PostgreSQL (postgresql+asyncpg://...) in a throwaway schema instead of SQLite",
    )
    args = parser.parse_args(argv)
    if args.n < 1 or args.users < 1 or args.rounds < 1:
        parser.error("--n, --users and --rounds must be at least 1")
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(asyncio.wait_for(main(parse_args()), timeout=90)))
