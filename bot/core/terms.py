"""The term namespace: what the index's terms are, how each kind is made and told apart.

Questions, paraphrases, topics and answers are all reduced to terms, strings of one namespace
that the index ranks on and the engine and the spoiler detector read:

    @<entity id>     a person a text names                     entity     "@nam-ra"
    ~<concept>       what a text's words mean                  concept    "~fate", "~who"
    ~s<S>e<E>        an episode a text names, or a fact's own   episode    "~s1e5"
                     episode (a concept too: it starts with ~)
    <word>           a word's stem, a number, a Hangul base     word       "bitten", "2", "온조"
    #<fact id>       the detector's mark for a twist it found   fact mark  "#reveal-x-1"
                     (never in the index)

and two sentinels that are no terms: SHOW_ENTITY, the entity the show's own title and aliases
are found as (its mentions become the concept SHOW_CONCEPT), and LAST_WATCHED, the token that
normalisation puts in place of "last episode".

Every producer and consumer goes through here; `kind_of` says whether a string is a well-formed
term at all, which tests/test_terms.py checks of every term the shows' indexes hold.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.core.progress import Progress

ENTITY_MARK = "@"
CONCEPT_MARK = "~"
FACT_MARK = "#"
_MARKS = (ENTITY_MARK, CONCEPT_MARK, FACT_MARK)


class TermKind(StrEnum):
    ENTITY = "entity"
    CONCEPT = "concept"
    EPISODE = "episode"
    WORD = "word"
    FACT = "fact"


def entity_term(entity_id: str) -> str:
    """The term of a person (a character id) a text names."""
    return ENTITY_MARK + entity_id


def concept_term(name: str) -> str:
    """The term of a concept ("fate" from en.yaml, a show's vocabulary concept or state)."""
    return CONCEPT_MARK + name


def episode_term(season: int, number: int) -> str:
    """The term of an episode a text names ("s1e5", "season 2 episode 3")."""
    return f"{CONCEPT_MARK}s{season}e{number}"


# A fact known before watching (S0E0) is indexed under this episode term; no text names it.
BEFORE_WATCHING = concept_term(Progress().label().lower())


def episode_term_of(progress: Progress) -> str:
    """The term of the episode a viewer is at, or a fact is revealed in."""
    return episode_term(progress.season, progress.episode) if progress.started else BEFORE_WATCHING


def fact_mark(fact_id: str) -> str:
    """The detector's mark of one fact, so no other fact's terms cover what it told."""
    return FACT_MARK + fact_id


# Fast predicates, by mark alone: they sit in the ranking's inner loops.
def is_entity(term: str) -> bool:
    return term.startswith(ENTITY_MARK)


def is_concept(term: str) -> bool:
    """Whether a term is a concept, episode terms included."""
    return term.startswith(CONCEPT_MARK)


def is_word(term: str) -> bool:
    """Whether a term is a word's own (a stem, a number, a Hangul base), no mark."""
    return not term.startswith(_MARKS)


def is_fact_mark(term: str) -> bool:
    return term.startswith(FACT_MARK)


_EPISODE = re.compile(r"~s(\d+)e(\d+)")


def is_episode(term: str) -> bool:
    return term == BEFORE_WATCHING or _EPISODE.fullmatch(term) is not None


def entity_id(term: str) -> str:
    """The character id of an entity term."""
    if not is_entity(term):
        raise ValueError(f"not an entity term: {term!r}")
    return term[len(ENTITY_MARK) :]


def concept_name(term: str) -> str:
    """The concept an (episode or other) concept term stands for."""
    if not is_concept(term):
        raise ValueError(f"not a concept term: {term!r}")
    return term[len(CONCEPT_MARK) :]


def episode_numbers(term: str) -> tuple[int, int]:
    """The (season, episode) of an episode term; (0, 0) for BEFORE_WATCHING."""
    if term == BEFORE_WATCHING:
        return (0, 0)
    match = _EPISODE.fullmatch(term)
    if match is None:
        raise ValueError(f"not an episode term: {term!r}")
    return int(match.group(1)), int(match.group(2))


# What the data gives names in: entity ids, concepts and fact ids are slugs (schema.Slug);
# words are what text.Lexicon tokenises to (Latin letters, digits, Hangul).
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_WORD = re.compile(r"[0-9a-z\u00c0-\u024f\u3130-\u318f\uac00-\ud7a3]+")


_MARKED = {ENTITY_MARK: TermKind.ENTITY, CONCEPT_MARK: TermKind.CONCEPT, FACT_MARK: TermKind.FACT}


def kind_of(term: str) -> TermKind | None:
    """Return what kind of term a string is, or None when it is no well-formed term."""
    if is_episode(term):
        return TermKind.EPISODE
    kind = _MARKED.get(term[:1])
    if kind is not None:
        return kind if _SLUG.fullmatch(term[1:]) else None
    return TermKind.WORD if _WORD.fullmatch(term) else None


# Sentinels.
SHOW_ENTITY = "show"  # an entity id no character may take (tests/test_terms.py)
LAST_WATCHED = "lastwatched"  # the engine reads it as the viewer's own latest episode

# Concepts the code itself reads; every other concept is only language data (lang/*.yaml, a
# show's vocabulary.yaml).
SHOW_CONCEPT = concept_term("show")  # the show itself: its title, or "the show"
WHO = concept_term("who")
WHY = concept_term("why")
HOW = concept_term("how")
WHERE = concept_term("where")
WHEN = concept_term("when")
QUESTION_WORDS = frozenset({WHO, WHY, HOW, WHERE, WHEN})
FATE = concept_term("fate")  # dying, surviving, turning: someone's state
KILL = concept_term("kill")
ROMANCE = concept_term("romance")
FRIEND = concept_term("friend")
TOGETHER = concept_term("together")
# A fact must speak of it to answer a question that uses it: a question about the actors is
# not answered by a fact about the character they play.
OFFSCREEN = concept_term("offscreen")
# ... and a question about where the show was filmed, or what its cast earned, is not answered
# by who is in its cast.
FILMING_PLACE = concept_term("filmingplace")
ACTOR_PAY = concept_term("actorpay")
