"""Spoiler safety as properties: nothing past the viewer's episode reaches any text."""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.engine import ShowEngine
from bot.core.library import Library
from bot.core.progress import Progress
from bot.core.render import MESSAGE_LIMIT, render_answer
from bot.core.results import Answer, Status
from bot.core.text import words
from tests.helpers import DATA_DIR, split_spoilers


@cache
def library() -> Library:
    return Library.load(DATA_DIR)


def engines() -> list[ShowEngine]:
    return list(library().shows.values())


def progress_points(engine: ShowEngine) -> list[Progress]:
    return [Progress()] + [
        Progress(s, e) for s, n in engine.show.episode_counts.items() for e in range(1, n + 1)
    ]


def assert_safe(engine: ShowEngine, progress: Progress, answer: Answer, content: str) -> None:
    """The checks every reply must pass, whatever was asked."""
    hidden = [f for f in engine.facts if not progress.covers(f.episode.season, f.episode.episode)]
    for fact in answer.facts:
        assert progress.covers(fact.episode.season, fact.episode.episode), fact.id
    for fact in hidden:
        assert fact.answer not in content, fact.id
    for suggestion in answer.suggestions:
        sources = [f for f in engine.facts if suggestion in f.questions]
        assert any(progress.covers(f.episode.season, f.episode.episode) for f in sources)
    unmet = {c.id for c in engine.characters.values() if not engine.has_met(c.id, progress)}
    named = {m.entity for m in engine.names.find(words(content), fuzzy=False)}
    assert not (named & unmet), named & unmet
    assert split_spoilers(content)[2], "unbalanced spoiler bars"
    assert len(content) <= MESSAGE_LIMIT
    assert "@everyone" not in content and "@here" not in content


def test_every_paraphrase_at_every_progress_point_is_safe() -> None:
    """Exhaustive: each fact's own questions, asked at each point of the season."""
    checked = 0
    for engine in engines():
        for progress in progress_points(engine):
            for fact in engine.facts:
                for question in fact.questions:
                    answer = engine.ask(question, progress)
                    assert_safe(engine, progress, answer, render_answer(answer))
                    checked += 1
    assert checked > 1000


def test_each_fact_answers_its_own_questions_once_seen() -> None:
    """A fact's paraphrases find it (or a fact of the same episode or later) when visible."""
    misses = []
    for engine in engines():
        end = progress_points(engine)[-1]
        for fact in engine.facts:
            for question in fact.questions:
                answer = engine.ask(question, end)
                if answer.status is not Status.ANSWERED:
                    misses.append((fact.id, question))
    total = sum(len(f.questions) for e in engines() for f in e.facts)
    assert len(misses) / total < 0.02, misses[:20]


@st.composite
def asked(draw: st.DrawFn) -> tuple[ShowEngine, Progress, str, bool]:
    engine = draw(st.sampled_from(engines()))
    progress = draw(st.sampled_from(progress_points(engine)))
    fact = draw(st.sampled_from(engine.facts))
    parts = [
        draw(st.sampled_from(fact.questions)),
        draw(st.text(max_size=40)),
        draw(st.sampled_from([c.name for c in engine.characters.values()])),
    ]
    question = " ".join(draw(st.permutations(parts))[: draw(st.integers(1, 3))])
    return engine, progress, question, draw(st.booleans())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(asked())
def test_mixed_questions_never_leak(case: tuple[ShowEngine, Progress, str, bool]) -> None:
    engine, progress, question, echo = case
    answer = engine.ask(question, progress)
    content = render_answer(answer, question=question if echo else None)
    if echo:
        # The echoed question is the user's own text; check the rest of the reply.
        content = "\n".join(content.splitlines()[1:])
    assert_safe(engine, progress, answer, content)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=6000), st.booleans())
def test_arbitrary_text_never_raises_and_stays_in_bounds(question: str, reveal: bool) -> None:
    engine = engines()[0]
    for progress in (Progress(), Progress(1, 6)):
        answer = engine.ask(question, progress, reveal=reveal)
        content = render_answer(answer, question=question)
        assert len(content) <= MESSAGE_LIMIT
        assert split_spoilers(content)[2], "unbalanced spoiler bars"
        if not reveal:
            assert all(progress.covers(f.episode.season, f.episode.episode) for f in answer.facts)


def test_reveal_lifts_the_gate_deliberately() -> None:
    engine = engines()[0]
    last = max(engine.facts, key=lambda f: f.episode)
    gated = engine.ask(last.questions[0], Progress(1, 1))
    revealed = engine.ask(last.questions[0], Progress(1, 1), reveal=True)
    assert last not in gated.facts
    assert revealed.status is Status.ANSWERED and revealed.revealed
