"""The index's pruned top-k search finds exactly what scoring every posting finds."""

from __future__ import annotations

import random

import pytest

from bot.bench import _questions, generated_show
from bot.core import index
from bot.core.engine import ShowEngine
from bot.core.library import Library
from bot.settings import PROJECT_ROOT

# Questions that name nobody and use common words (massive ties), a required concept, or
# a typo of a name: the cases where the pruned search leaves the exhaustive one.
HARD = [
    "who is jus",
    "who is hae-a-su",
    "where was the lighthouse ost",
    "where was the key found",
    "what did the map do near the harbour with the key",
    "who found",
    "where",
    "who plays the key",
    "where was it filmed",
    "recap",
]


def ranked(engine: ShowEngine, question: str, limit: int = 15) -> list[index.Match]:
    return engine.full.index.search(engine.full.index.analyse(question), limit=limit)


def assert_same_as_exhaustive(
    engine: ShowEngine, questions: list[str], monkeypatch, limit: int = 15
) -> None:
    for question in questions:
        monkeypatch.setattr(index, "_FEW_POSTINGS", 10**12)  # score every posting
        expected = ranked(engine, question, limit)
        monkeypatch.setattr(index, "_FEW_POSTINGS", 0)  # prune whenever it can
        # Same facts, same order, same scores to the last bit.
        assert ranked(engine, question, limit) == expected, question


@pytest.fixture(scope="module")
def generated() -> ShowEngine:
    return ShowEngine(generated_show(4_000, seed=11))


def test_pruned_search_on_a_generated_base(generated: ShowEngine, monkeypatch) -> None:
    asked = [question for question, _ in _questions(generated, 1_500, random.Random(5))]
    assert_same_as_exhaustive(generated, asked + HARD, monkeypatch)


def test_pruned_search_on_the_real_base(monkeypatch) -> None:
    engine = Library.load(PROJECT_ROOT / "data" / "shows").default
    asked = [q for fact in engine.facts for q in fact.questions]
    assert_same_as_exhaustive(engine, asked + HARD, monkeypatch)


@pytest.mark.parametrize("limit", [1, 200, 3_000])
def test_pruned_search_at_other_depths(generated: ShowEngine, limit: int, monkeypatch) -> None:
    # Deeper than the facts that hold every term fully, the shortcut gives way to MaxScore.
    asked = [question for question, _ in _questions(generated, 200, random.Random(6))]
    assert_same_as_exhaustive(generated, asked + HARD, monkeypatch, limit)


def test_massive_ties_take_the_shortcut(generated: ShowEngine, monkeypatch) -> None:
    taken = []
    fully_held = index.FactIndex._top_fully_held

    def spy(self, *args):
        taken.append(top := fully_held(self, *args))
        return top

    monkeypatch.setattr(index.FactIndex, "_top_fully_held", spy)
    ranked(generated, "where was the key found")
    assert taken and taken[0] is not None


def test_every_posting_weighs_what_the_shortcut_assumes(generated: ShowEngine) -> None:
    # `_top_fully_held` rules out ties from the weights a posting can have.
    real = Library.load(PROJECT_ROOT / "data" / "shows").shows.values()
    for engine in [generated, *real]:
        postings = engine.full.index._postings.values()
        assert {weight for entries in postings for weight in entries.values()} <= (
            index.POSTING_WEIGHTS
        )
