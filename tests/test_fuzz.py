"""Fuzzing the two ways in: `ask --jsonl` lines and /ask through the real discord.py client.

Every generated input, however wrong, gets exactly one answer that is safe to show: spoiler
bars balanced, at most 2,000 characters, no mention that pings, and nothing revealed unless
`reveal` is exactly true. The number of examples is bounded so the suite stays quick.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import re
import threading
from collections.abc import Iterator

import pytest
from discord_double import DiscordDouble
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bot import SpoilerBot
from bot.cli import answer_lines, write_record
from bot.core.library import Library
from bot.core.progress import Progress
from bot.db import Storage
from tests.helpers import DATA_DIR, split_spoilers
from tests.test_bot_e2e import assert_safe, make_settings, set_progress

REVEALED = "You asked to reveal"


@functools.cache
def later_answers() -> list[str]:
    """The answers of every fact a viewer at S1E2 (the fuzzed viewer) has not seen."""
    engine = Library.load(DATA_DIR).default
    return [
        f.answer
        for f in engine.facts
        if not Progress(1, 2).covers(f.episode.season, f.episode.episode)
    ]


# Mentions Discord would turn into pings if they reached a message unescaped.
PING = re.compile(r"@(?:everyone|here)\b|<@[!&]?\d+>")
HOSTILE = [
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "||",
    "|| spoiler ||",
    "\\||",
    "**bold**",
    "`",
    "```",
    "\\",
    "> quote",
    "# heading",
    "[link](https://example.com)",
    "https://example.com",
    "\n",
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\ufeff",
    "e\u0301",
    "🧟",
    "did nam-ra survive",
    "is su-hyeok alive",
    "how does it end",
    "thanks!",
    "ok",
    "ㅋㅋ",
    "고마워",
    "남라",
]
TEXT = st.one_of(
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)), max_size=10).map("".join),
    st.tuples(st.sampled_from(HOSTILE), st.integers(100, 3000)).map(lambda t: t[0] * t[1]),
)
SURROGATES = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1)
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)
FIELD = st.one_of(TEXT, TEXT, SURROGATES.map(lambda s: f"S1E{s}"), ANY_JSON)
VALID_PROGRESS = st.sampled_from(["S1E1", "S1E6", "finished", "none", "7"])
QUESTION = st.one_of(st.sampled_from(HOSTILE), TEXT.filter(str.strip))
# Mostly valid fields, so the checks after them (and the reveal gate) are reached often.
REQUEST = st.fixed_dictionaries(
    {},
    optional={
        "question": st.one_of(QUESTION, QUESTION, QUESTION, FIELD),
        "progress": st.one_of(VALID_PROGRESS, VALID_PROGRESS, FIELD),
        "reveal": st.one_of(
            st.booleans(), st.sampled_from(["false", "no", "0", "off", "true", 1, 0]), FIELD
        ),
        "show": st.one_of(st.sampled_from(["all-of-us-are-dead", "nope"]), FIELD),
    },
)


@st.composite
def lines(draw) -> tuple[bytes, object]:
    """One input line as bytes, and the request it encodes (None when it is no JSON)."""
    kind = draw(st.sampled_from(["request"] * 6 + ["json", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200).filter(lambda b: b"\n" not in b)), None
    value = draw(REQUEST) if kind == "request" else draw(ANY_JSON)
    ascii_only = draw(st.booleans())
    encoded = json.dumps(value, ensure_ascii=ascii_only)
    # Not ASCII-escaped, a lone surrogate becomes bytes that are not valid UTF-8.
    return encoded.encode("utf-8", "surrogatepass"), value


def expected_records(raw: list[bytes]) -> int:
    count = 0
    for line in raw:
        try:
            count += bool(line.decode("utf-8").strip())
        except UnicodeDecodeError:
            count += 1
    return count


def assert_safe_text(content: str) -> None:
    assert split_spoilers(content)[2], content  # balanced
    assert 0 < len(content) <= 2000
    assert not PING.search(content), content


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(DATA_DIR)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines(), min_size=1, max_size=8))
def test_every_batch_line_gets_one_safe_record(library: Library, batch) -> None:
    raw = [line for line, _ in batch]
    out = io.BytesIO()
    for record in answer_lines(library, io.BytesIO(b"\n".join(raw) + b"\n")):
        write_record(record, out)
    records = [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]
    assert len(records) == expected_records(raw)
    requests = iter(request for line, request in batch if expected_records([line]))
    for record in records:
        request = next(requests)
        assert set(record) == {"status", "content", "facts", "progress", "show"}
        assert_safe_text(record["content"])
        assert "Something went wrong" not in record["content"]  # no line hit a bug
        for field in ("progress", "show"):
            assert isinstance(record[field], str) and not PING.search(record[field])
        reveal = request.get("reveal", False) if isinstance(request, dict) else None
        if REVEALED in record["content"]:
            assert reveal is True, (request, record)
        if isinstance(request, dict) and not isinstance(reveal, bool):
            assert record["status"] == "error", (request, record)


# -- /ask through the Discord double ---------------------------------------------------------


class LiveBot:
    """A real SpoilerBot against the double, on an event loop in a thread of its own.

    Hypothesis drives each example from the test's thread; the bot stays up across them.
    """

    def __init__(self, database_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.database_url = database_url
        self.interactions = 0

    def call(self, coroutine, timeout: float = 30.0):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _start(self) -> None:
        self.double = DiscordDouble()
        await self.double.start()
        self.storage = await Storage.open(self.database_url)
        self.bot = SpoilerBot(
            settings=make_settings(),
            library=Library.load(DATA_DIR),
            storage=self.storage,
            guild_ready_timeout=0.1,
        )
        self._running = self.double.run_bot(self.bot, timeout=10)
        await self._running.__aenter__()
        await set_progress(self.double, "S1E2")
        bob = self.double.user_id_named("bob")
        record = await self.double.send_command("server set", {"public_answers": True}, user_id=bob)
        await record.wait_reply(timeout=5)

    async def _stop(self) -> None:
        try:
            await self._running.__aexit__(None, None, None)
        finally:
            await self.storage.close()
            await self.double.stop()

    def __enter__(self) -> LiveBot:
        self.thread.start()
        self.call(self._start())
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.call(self._stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
            if not self.thread.is_alive():
                self.loop.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[LiveBot]:
    url = "sqlite+aiosqlite:///" + str(tmp_path_factory.mktemp("fuzz") / "bot.db")
    with LiveBot(url) as live_bot:
        yield live_bot
        assert not live_bot.double.server_errors, live_bot.double.server_errors
        assert not live_bot.bot.is_closed()
        assert len(live_bot.double.interactions) >= live_bot.interactions
        assert live_bot.double.channel_messages(), "no example posted publicly"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    question=st.one_of(TEXT, st.tuples(TEXT, SURROGATES).map("".join))
    .map(lambda text: text[:6000])
    .filter(str.strip),
    reveal=st.booleans(),
    public=st.booleans(),
)
def test_every_ask_through_discord_gets_a_safe_reply(
    live: LiveBot, question: str, reveal: bool, public: bool
) -> None:
    double = live.double
    posted_before = len(double.channel_messages())

    async def ask():
        options = {"question": question, "reveal": reveal, "public": public}
        record = await double.send_command("ask", options)
        reply = await record.wait_reply(timeout=10)
        if public:
            await double.wait_until(
                lambda: (
                    len(double.channel_messages()) > posted_before or "only you" in reply.content
                ),
                10,
                "the public answer",
            )
        return reply

    reply = live.call(ask())
    live.interactions += 1
    assert_safe(reply)
    assert "Something went wrong" not in reply.content
    if not reveal:
        assert REVEALED not in reply.content
        # The question is echoed only on its own line; the rest holds no fact past S1E2.
        shown = "\n".join(
            line for line in reply.content.splitlines() if not line.startswith("Question:")
        )
        assert not [answer for answer in later_answers() if answer in shown], reply.content
    for posted in double.channel_messages()[posted_before:]:
        assert posted["mention_everyone"] is False and posted["mentions"] == []
        assert posted["mention_roles"] == []
        assert_safe_text(posted["content"])
