"""The people of a show as one view knows them: who was met, what a name means, their arc."""

from __future__ import annotations

import re
from collections.abc import Mapping
from math import log

from rapidfuzz import fuzz

from bot.core.derived import profile_fact_id
from bot.core.names import NameMatcher
from bot.core.results import MAX_CHOICES
from bot.core.schema import Character, Fact
from bot.core.terms import FATE
from bot.core.text import PERSON_NOUNS, RELATION_WORDS, STOPWORDS, Lexicon, words

# A typed name completes to a character whose name fits it this well (rapidfuzz, 0-100).
_COMPLETION_SCORE = 70


def met_characters(characters: Mapping[str, Character]) -> list[Character]:
    """Return the characters of a view, in order of appearance."""
    return sorted(characters.values(), key=lambda c: (c.first_seen, c.name))


def find_character(
    name: str, characters: Mapping[str, Character], names: NameMatcher, max_chars: int
) -> Character | None:
    """Return the character a typed name means, if the view knows them."""
    entity = names.entity_for(name[:max_chars])
    if entity is None:
        entity = next((c.id for c in characters.values() if c.name == name), None)
    return characters.get(entity) if entity else None


def timeline(
    character_id: str, fates: Mapping[str, list[Fact]], facts: list[Fact]
) -> tuple[Fact, ...]:
    """Return a character's own states and events, oldest first."""
    own = fates.get(character_id)
    if own:
        return tuple(own)
    # The derived "who is" fact only repeats the role, which a view already leads with.
    profile = profile_fact_id(character_id)
    return tuple(f for f in facts if character_id in f.about and f.id != profile)


def complete_character(typed: str, met: list[Character]) -> list[str]:
    """Return up to 25 names of the met characters that fit what was typed."""
    if not typed.strip():
        return [c.name for c in met][:MAX_CHOICES]
    key = "".join(words(typed))
    scored = []
    for character in met:
        keys = ["".join(words(n)) for n in character.names]
        best = max(
            fuzz.partial_ratio(key, k) if len(key) <= len(k) else fuzz.ratio(key, k) for k in keys
        )
        if best >= _COMPLETION_SCORE:
            scored.append((best, character.name))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [name for _, name in scored][:MAX_CHOICES]


_POSSESSIVE_NAME = re.compile(r"^(.+?)['’]s (.+)$")


def relational_names(characters: list[Character], lexicon: Lexicon) -> dict[str, list[str]]:
    """Return every character's names, a relation under any name of the other person included.

    "Ha-ri's brother" also means him as "the archer girl's brother" and "Hari's bro"; the
    relation's other words are generic language data.
    """
    by_name = {"".join(lexicon.words(n)): c for c in characters for n in c.names}
    names = {c.id: list(c.names) for c in characters}
    for character in characters:
        for alias in character.names:
            match = _POSSESSIVE_NAME.match(alias)
            other = by_name.get("".join(lexicon.words(match.group(1)))) if match else None
            if match is None or other is None or other.id == character.id:
                continue
            relation = match.group(2)
            relations = RELATION_WORDS.get(relation.lower(), [relation])
            names[character.id].extend(f"{n}'s {r}" for n in other.names for r in relations)
    return names


def describe_person(
    tokens: list[str], concept_of: dict[str, str] | None = None
) -> tuple[list[str], list[str], list[str]] | None:
    """Split "the guy who wouldn't open the door, what happened to him" into its head ("the
    guy"), its clause ("wouldn't open the door") and the rest ("what happened to him")."""
    concept_of = concept_of or {}
    for position in range(1, len(tokens) - 2):
        if tokens[position] in PERSON_NOUNS and tokens[position + 1] in ("who", "that"):
            # The description starts at its article: "the funny guy who ...".
            start = next(
                (
                    i
                    for i in range(position - 1, max(-1, position - 4), -1)
                    if tokens[i] in _ARTICLES
                ),
                position,
            )
            clause = tokens[position + 2 :]
            # The clause runs to the question's own words ("what happened to him", "ok at
            # the end").
            end = next(
                (
                    i
                    for i, t in enumerate(clause)
                    if i and (t in _CLAUSE_ENDS or concept_of.get(t) == FATE)
                ),
                len(clause),
            )
            return tokens[start : position + 1], clause[:end], [*tokens[:start], *clause[end:]]
    return None


def best_described(
    described: set[str],
    roles: Mapping[str, frozenset[str]],
    qualifiers: set[str],
    share: float,
    margin: float,
) -> str | None:
    """Return the one character whose role and names hold most of a description's terms.

    Terms count by how rare they are among the characters ("funny" says more than "student");
    the best must hold `share` of the weight and one of the qualifiers, and the next best less
    than `margin` times what the best holds.
    """
    count = len(roles)
    held = {t: sum(t in r for r in roles.values()) for t in described}
    # A word no character's role holds ("guy") tells no one apart: it weighs nothing.
    weight = {t: log((1 + count) / (1 + n)) if n else 0.0 for t, n in held.items()}
    total = sum(weight.values())
    if not total:
        return None
    fits = sorted(
        ((sum(weight[t] for t in described & terms) / total, id_) for id_, terms in roles.items()),
        reverse=True,
    )
    best, person = fits[0]
    rival = fits[1][0] if len(fits) > 1 else 0.0
    if best < share or rival >= margin * best or not qualifiers & roles[person]:
        return None
    return person


def describe_by_role(
    tokens: list[str], owners: frozenset[int]
) -> tuple[list[str], list[str]] | None:
    """Split "did the funny guy survive" into a description ("the funny guy") and the rest.

    A description is a person noun with the words that qualify it: "the bad doctor", "the kid
    with no front teeth", or after a possessive name, "On-jo's childhood friend" (`owners`
    holds the positions of names written with 's). Whom it means is for the roles to say.
    """
    for position, token in enumerate(tokens):
        if token not in PERSON_NOUNS or token.endswith("s"):
            continue  # "the special forces guys" are a group, not one character
        start = _description_start(tokens, position, owners)
        if start is None:
            continue
        end = position + 1
        if end < len(tokens) and tokens[end] in _QUALIFIERS:
            # "the kid with the camo bandana, what did he do": up to the question's own words.
            end = next(
                (i for i in range(end + 1, len(tokens)) if tokens[i] in _CLAUSE_ENDS),
                len(tokens),
            )
        return tokens[start:end], [*tokens[:start], *tokens[end:]]
    return None


def _description_start(tokens: list[str], noun: int, owners: frozenset[int]) -> int | None:
    """Return where the description of the person noun at `noun` starts, if it has one."""
    for i in range(noun - 1, max(-1, noun - 4), -1):
        if i in owners:
            return i
        if tokens[i] in _ARTICLES:
            qualified = noun - i > 1 or (noun + 1 < len(tokens) and tokens[noun + 1] in _QUALIFIERS)
            return i if qualified else None
        if tokens[i] in STOPWORDS or tokens[i] in _CLAUSE_ENDS:
            return None
    # Fans drop the article at the start of a message: "detective guy make it or nah".
    return 0 if 0 < noun <= 3 else None


HAVING = "with"  # "the girl with the bow"
_QUALIFIERS = frozenset({HAVING, "in", "from"})
_ARTICLES = frozenset({"the", "that", "this", "a", "an"})
_CLAUSE_ENDS = frozenset(
    {"what", "whats", "whatever", "who", "how", "is", "did", "does", "was", "where", "why", "when"}
)
