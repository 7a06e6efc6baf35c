"""New words cost bounded memory and work: every cache has a size, every question a budget."""

from __future__ import annotations

import random
import string

import pytest
from rapidfuzz import process

from bot.core import index, names, text
from bot.core.engine import ShowEngine, ShowView
from bot.core.library import Library
from bot.core.progress import Progress
from bot.core.results import Status
from tests.helpers import DATA_DIR


@pytest.fixture(scope="module")
def engine() -> ShowEngine:
    return Library.load(DATA_DIR).default


def made_up_words(count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 9))) for _ in range(count)]


def junk(words: list[str], chars: int = 400) -> str:
    return " ".join(words)[:chars]


def caches(engine: ShowEngine) -> dict[str, object]:
    return {
        "tokenised texts": engine.full.lexicon._cached_words,
        "stems": text.stem,
        "terms of words": engine.full.lexicon.terms_of_word,
        "folded names": names.fold,
        "name starts": engine.full.names._starts_name,
        "answers": ShowView._remembered,
    }


def test_every_cache_stays_within_its_bound_under_new_words(engine: ShowEngine) -> None:
    new = made_up_words(text.WORD_CACHE_ENTRIES + 2000)
    for start in range(0, len(new), 60):
        engine.ask(" ".join(new[start : start + 60]), Progress(1, 12))
    for name, cache in caches(engine).items():
        info = cache.cache_info()
        assert info.maxsize is not None, f"the {name} cache is unbounded"
        assert info.currsize <= info.maxsize, name
    assert names.fold.cache_info().currsize == text.WORD_CACHE_ENTRIES  # it did fill up


def test_a_long_word_is_cut_so_no_cache_entry_is_huge(engine: ShowEngine) -> None:
    assert max(map(len, text.words("x" * 5000 + " " + "y" * 100))) == text.MAX_WORD_CHARS
    assert engine.ask("z" * 100_000, Progress(1, 3)).status is Status.UNKNOWN


def test_fuzzy_work_per_question_is_bounded(engine: ShowEngine, monkeypatch) -> None:
    calls = 0
    real = process.extractOne

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(names.process, "extractOne", counting)
    monkeypatch.setattr(index.process, "extractOne", counting)
    question = junk(made_up_words(80, seed=11))
    assert len(question) == 400
    assert engine.answer(question, Progress(1, 3)).status is Status.UNKNOWN
    assert 0 < calls <= names.MAX_FUZZY_LOOKUPS + index.MAX_CORRECTIONS


@pytest.mark.parametrize(
    ("question", "entity"),
    [
        ("is nmra alive", "nam-ra"),  # a typo of a name is still found
        # A name spelt as listed is found anywhere, however much of the budget junk used.
        (junk(made_up_words(60, seed=3), 340) + " is namra alive", "nam-ra"),
        (junk(made_up_words(60, seed=3), 340) + " is 남라 alive", "nam-ra"),
    ],
)
def test_names_are_still_found_with_a_budget(
    engine: ShowEngine, question: str, entity: str
) -> None:
    assert entity in engine.full.index.analyse(question).entities
