"""Every term the core makes is one bot/core/terms.py recognises; its constructors round-trip."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from bot.core import terms
from bot.core.engine import ShowEngine, ShowView
from bot.core.library import Library
from bot.core.progress import Progress
from bot.core.terms import TermKind, kind_of
from bot.core.text import Lexicon
from bot.settings import PROJECT_ROOT

SHOWS = PROJECT_ROOT / "data" / "shows"


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(SHOWS, build_views=False)


def views(engine: ShowEngine) -> Iterator[ShowView]:
    """The views whose terms differ most: before watching, the middle, and everything."""
    points = engine.points
    for point in (points[0], points[len(points) // 2]):
        yield engine.view(point)
    yield engine.full


def eval_questions(slug: str) -> list[str]:
    questions = []
    for path in sorted((SHOWS / slug / "eval").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        questions += [case["q"] for case in data["cases"] if case.get("show", slug) == slug]
    return questions


def malformed(found: set[str]) -> list[str]:
    return sorted(t for t in found if kind_of(t) is None)


def test_every_term_of_every_index_is_well_formed(library: Library) -> None:
    assert len(library.shows) >= 2
    for engine in library.shows.values():
        for view in views(engine):
            held = view.index.terms
            assert held, engine.slug
            assert malformed(set(held)) == [], engine.slug
            kinds = {kind_of(t) for t in held}
            assert TermKind.FACT not in kinds, engine.slug  # the detector's own, never indexed
            if view is engine.full:  # every other kind turns up once someone is met
                assert kinds == {TermKind.ENTITY, TermKind.CONCEPT, TermKind.EPISODE, TermKind.WORD}
            # A person's term is always a person of the view.
            people = {terms.entity_id(t) for t in held if terms.is_entity(t)}
            assert people <= set(view.characters), engine.slug


def test_every_term_of_the_shows_questions_is_well_formed(library: Library) -> None:
    for engine in library.shows.values():
        questions = eval_questions(engine.slug)
        assert questions, engine.slug
        found: set[str] = set()
        for question in questions:
            found |= set(engine.full.index.analyse(question).terms)
        assert malformed(found) == [], engine.slug


def test_no_character_takes_the_show_entity(library: Library) -> None:
    for engine in library.shows.values():
        assert terms.SHOW_ENTITY not in engine.characters, engine.slug


def test_last_episode_is_read_as_the_sentinel() -> None:
    assert terms.LAST_WATCHED in Lexicon().words("what happened last episode")


def test_the_concepts_the_code_reads_are_language_data() -> None:
    concepts = set(Lexicon().concept_of.values())
    named = {terms.SHOW_CONCEPT, terms.FATE, terms.KILL, terms.ROMANCE, terms.FRIEND}
    named |= {terms.TOGETHER, terms.OFFSCREEN, *terms.QUESTION_WORDS}
    assert named <= concepts


@pytest.mark.parametrize("name", ["nam-ra", "show", "will", "a1"])
def test_entity_terms_round_trip(name: str) -> None:
    term = terms.entity_term(name)
    assert kind_of(term) is TermKind.ENTITY
    assert terms.is_entity(term) and not terms.is_word(term) and not terms.is_concept(term)
    assert terms.entity_id(term) == name


@pytest.mark.parametrize("name", ["fate", "who", "upside-down", "offscreen"])
def test_concept_terms_round_trip(name: str) -> None:
    term = terms.concept_term(name)
    assert kind_of(term) is TermKind.CONCEPT
    assert terms.is_concept(term) and not terms.is_episode(term) and not terms.is_entity(term)
    assert terms.concept_name(term) == name


@pytest.mark.parametrize("season, episode", [(1, 1), (1, 12), (4, 9), (10, 100)])
def test_episode_terms_round_trip(season: int, episode: int) -> None:
    term = terms.episode_term(season, episode)
    assert kind_of(term) is TermKind.EPISODE
    assert terms.is_episode(term) and terms.is_concept(term)
    assert terms.episode_numbers(term) == (season, episode)
    assert terms.episode_term_of(Progress(season, episode)) == term


def test_before_watching_is_the_episode_term_of_not_started() -> None:
    term = terms.episode_term_of(Progress())
    assert term == terms.BEFORE_WATCHING
    assert kind_of(term) is TermKind.EPISODE
    assert terms.episode_numbers(term) == (0, 0)


def test_fact_marks_round_trip() -> None:
    term = terms.fact_mark("reveal-x-1")
    assert kind_of(term) is TermKind.FACT and terms.is_fact_mark(term)
    assert not terms.is_word(term)


@pytest.mark.parametrize("word", ["bitten", "2", "온조", "café"])
def test_words_are_terms(word: str) -> None:
    assert kind_of(word) is TermKind.WORD and terms.is_word(word)


@pytest.mark.parametrize(
    "bad", ["", "@", "~", "#", "@Nam-ra", "~two words", "~~fate", "@-x", "Bitten", "two words"]
)
def test_malformed_terms_are_refused(bad: str) -> None:
    assert kind_of(bad) is None


@pytest.mark.parametrize("bad", ["fate", "@x", "~s1", "~s1e", "~not-started"])
def test_inverses_refuse_other_kinds(bad: str) -> None:
    with pytest.raises(ValueError):
        terms.episode_numbers(bad)
