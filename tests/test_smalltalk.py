"""Chatter gets a short friendly reply with a hint, never facts; questions are still questions."""

from __future__ import annotations

import pytest

from bot.core.engine import ShowEngine
from bot.core.library import Library
from bot.core.progress import NOT_STARTED, Progress
from bot.core.render import render_answer
from bot.core.results import Status
from bot.core.smalltalk import chatter_in
from tests.helpers import DATA_DIR, mini_show, write_show

CHATTER = [
    "thanks!",
    "Thank you so much!!",
    "thx bot",
    "thanks everyone",
    "ok",
    "okay",
    "ok thanks",
    "lol",
    "lmaooo",
    "omg",
    "OMG 😭😭",
    "im scared",
    "I'm so scared",
    "i love this show",
    "i love this show so much",
    "hi",
    "hello!",
    "heyyy",
    "good morning",
    "bye",
    "good night",
    "wow",
    "😭",
    "ㅋㅋ",
    "ㅋㅋㅋㅋㅋ",
    "ㅠㅠ",
    "고마워",
    "진짜 고마워요",
    "안녕",
    "안녕하세요",
    "너무 무서워",
]
QUESTIONS = [
    "ok so who bit nam-ra",
    "thanks, and is su-hyeok alive?",
    "omg did cheong-san die",
    "is nam-ra ok",
    "is this show scary",
    "hi who is the class president",
    "lol what happened last episode",
    "no spoilers but does on-jo survive",
    "who?",
    "namra?",
    "what",
    "고마워 근데 남라 살았어?",
]
LEAK_WORDS = ("||", "S1E", "memorial", "dies", "dead", "alive", "bitten", "zombie")


@pytest.fixture(scope="module")
def engine() -> ShowEngine:
    return Library.load(DATA_DIR).default


@pytest.mark.parametrize("message", CHATTER)
def test_chatter_gets_a_friendly_reply_and_no_fact(engine: ShowEngine, message: str) -> None:
    replies = set()
    for progress in (NOT_STARTED, Progress(1, 3), Progress(1, 12)):
        for reveal in (False, True):
            answer = engine.ask(message, progress, reveal=reveal)
            assert answer.status is Status.CHATTER, (message, progress, answer.status)
            assert answer.facts == () and answer.suggestions == ()
            replies.add(render_answer(answer))
    [reply] = replies  # the same at every episode: decided by the words alone
    assert not any(word.lower() in reply.lower() for word in LEAK_WORDS), reply
    assert len(reply.splitlines()) == 2 and len(reply) < 300  # short: a reply and a hint


@pytest.mark.parametrize("message", QUESTIONS)
def test_questions_around_chatter_are_still_questions(engine: ShowEngine, message: str) -> None:
    assert chatter_in(message) is None
    assert engine.ask(message, Progress(1, 12)).status is not Status.CHATTER


def test_replies_fit_the_kind_and_the_language(engine: ShowEngine) -> None:
    def reply(message: str) -> str:
        return render_answer(engine.ask(message, Progress(1, 3))).splitlines()[0]

    assert reply("thanks!") == "You're welcome!"
    assert reply("hi") == "Hi there!"
    assert reply("ok") == "Okay!"
    assert reply("ok thanks") == "You're welcome!"
    assert reply("im scared") == "Hang in there!"
    assert reply("고마워") == "천만에요!"
    assert "ask" in render_answer(engine.ask("lol", Progress(1, 3))).splitlines()[1].lower()


def test_chatter_is_told_apart_the_same_way_for_every_show(tmp_path) -> None:
    mini = Library.load(write_show(tmp_path, mini_show())).default
    for message in ("thanks!", "ok", "안녕"):
        assert mini.ask(message, Progress(1, 1)).status is Status.CHATTER
    assert mini.ask("is ada alive", Progress(1, 1)).status is Status.ANSWERED


def test_a_public_reply_to_chatter_still_hides_the_question(engine: ShowEngine) -> None:
    content = render_answer(engine.ask("thanks!", Progress(1, 3)), question="thanks!")
    assert content.startswith("Question: ||thanks!||\nYou're welcome!")
