"""Text normalisation shared by indexing, matching and validation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib.resources import files
from typing import Any

import snowballstemmer
import yaml

from bot.core.schema import Vocabulary
from bot.core.terms import (
    ACTOR_PAY,
    FILMING_PLACE,
    OFFSCREEN,
    QUESTION_WORDS,
    SHOW_CONCEPT,
    concept_term,
)

# With PyStemmer installed (a dependency) snowballstemmer hands out its C stemmer, the same
# algorithm about 200 times faster: every new word is stemmed, and junk is all new words.
_STEMMER = snowballstemmer.stemmer("english")
# PyStemmer's own cache costs more per new word than the stemming; stem() has a bounded one.
_STEMMER.maxCacheSize = 0
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_POSSESSIVE = re.compile(r"(\w)'s\b|(\w)s'(?=\s|$)")
_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(?:st|nd|rd|th)$")
_WORD = re.compile(r"[0-9a-z\u00c0-\u024f\u3130-\u318f\uac00-\ud7a3]+")


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        files("bot.core.lang").joinpath(name).read_text(encoding="utf-8")
    )
    return data


_EN = _load("en.yaml")
_KO = _load("ko.yaml")

STOPWORDS = frozenset(_EN["stopwords"])
# Answers are written in the present ("Hee-su gives birth") and fans ask in the past ("who
# gave birth"); the stemmer folds -ed but not irregular verbs.
_IRREGULAR_VERBS = {form: base for base, forms in _EN["irregular_verbs"].items() for form in forms}


def _concept_map(concepts: dict[str, list[str]]) -> dict[str, str]:
    return {word: concept_term(name) for name, words in concepts.items() for word in words}


CONCEPT_OF: dict[str, str] = _concept_map(_EN["concepts"])
PERSON_NOUNS = frozenset(_EN["person_nouns"]) | frozenset(_KO["person_nouns"])
POSSESSIVE_PRONOUNS = frozenset(_EN["possessive_pronouns"])
SINGULAR_PRONOUNS: dict[str, str] = dict(_EN["singular_pronouns"])
OTHERS_CUES = frozenset(tuple(pair) for pair in _EN["others_cues"])
STANDING_CUES = frozenset(tuple(pair) for pair in _EN["standing_cues"])
YES_NO_OPENERS = frozenset(_EN["yes_no_openers"])
PREMISE_OPENERS = frozenset(_EN["premise_openers"])
QUESTION_OPENERS = frozenset(_EN["question_openers"])
RELATION_WORDS: dict[str, list[str]] = {
    word: group for group in _EN["relation_words"] for word in group
}


class Cues:
    """Names (intents, kinds of answer) and the phrases that cue each, by a phrase's first word.

    Every fact's answer is read for its kind when a view is built: looking up only the
    phrases whose first word a text holds passes over most of them in C.
    """

    def __init__(self, phrases: dict[str, list[list[str]]]) -> None:
        self._starting: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for name, cues in phrases.items():
            for cue in cues:
                self._starting.setdefault(cue[0], []).append((name, tuple(cue)))
        self._first_words = frozenset(self._starting)

    def found(self, tokens: list[str]) -> frozenset[str]:
        """Return the names whose cue phrases occur, as whole words, in the tokens."""
        found = set()
        for word in self._first_words.intersection(tokens):
            for name, phrase in self._starting[word]:
                if name not in found and (len(phrase) == 1 or _holds(tokens, phrase)):
                    found.add(name)
        return frozenset(found)


def _holds(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(tokens[i : i + size]) == phrase for i in range(len(tokens) - size + 1))


INTENTS = Cues(_EN["intents"])
INTENT_NEEDS: dict[str, frozenset[str]] = {
    intent: frozenset(words) for intent, words in _EN.get("intent_needs", {}).items()
}
KIND_CUES = Cues(_EN["kind_cues"])


_PHRASE_RULES = [
    (frozenset(rule["when"]), re.compile(rule["pattern"]), rule["as"])
    for rule in [*_EN["phrases"], *_KO.get("phrases", [])]
]
# Tested one by one: one regex over all of them finds no trigger that overlaps another
# (" up" would hide " up w").
_TRIGGERS = frozenset(t for ts, _, _ in _PHRASE_RULES for t in ts)
_KOREAN_PREFIXES: dict[str, str] = _KO["prefixes"]
# Short words that would be too greedy as prefixes ("화" starts 화장실, bathroom).
_KOREAN_WORDS: dict[str, str] = _KO["words"]
_KOREAN_STOPWORDS = frozenset(_KO["stopwords"])
_KOREAN_PARTICLES = sorted(_KO["particles"], key=len, reverse=True)
_KOREAN_NAME_SUFFIX: str = _KO["name_suffix"]


# The rules each trigger starts, by their place in _PHRASE_RULES (they apply in that order).
_RULES_OF: dict[str, tuple[int, ...]] = {
    trigger: tuple(i for i, (ts, _, _) in enumerate(_PHRASE_RULES) if trigger in ts)
    for trigger in _TRIGGERS
}
_TRIGGER_LIST = tuple(sorted(_TRIGGERS))


def _fold(text: str) -> str:
    """Fold Unicode compatibility forms and apostrophes, and lower-case."""
    if text.isascii() and "`" not in text:  # NFKC and the table leave the rest of ASCII
        return text.lower()
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()


def normalize(text: str) -> str:
    """Lower-case, fold Unicode and apostrophes, drop possessives and phrase variants."""
    text = _fold(text)
    if "'" in text:
        text = _POSSESSIVE.sub(lambda m: m.group(1) or m.group(2), text).replace("'", "")
    # filter() runs the substring tests in C; every fact text is normalised once or more.
    found = list(filter(text.__contains__, _TRIGGER_LIST))
    if found:
        for rule in sorted({rule for trigger in found for rule in _RULES_OF[trigger]}):
            _, pattern, replacement = _PHRASE_RULES[rule]
            text = pattern.sub(replacement, text)
    return text


# Every cache is bounded, so new words (a spammer's or a bored fan's) cannot grow memory
# without end. No word is longer than MAX_WORD_CHARS (a longer run of letters is junk, cut
# there), and texts longer than CACHED_TEXT_CHARS are worked out each time, never kept: the
# largest entry of each cache is known, and so is its worst case in bytes.
MAX_WORD_CHARS = 40
CACHED_TEXT_CHARS = 500
# Texts: the facts' questions and answers (looked at again when suggesting) and recent
# questions; at most about 5 KB each (a key and its tokens), so about 10 MB in all.
TEXT_CACHE_ENTRIES = 2048
# Single words (and names of up to six words): at most about 500 bytes each, typically 150.
WORD_CACHE_ENTRIES = 16384
# While a fact base is validated or indexed, each of its texts is tokenised several times:
# they are all kept until the work is done (memory in proportion to the base, not to what
# users type), then forgotten.
_building: dict[tuple[int, str], tuple[str, ...]] | None = None
# Each distinct way of splitting text (a show's phrases), numbered: the key of `_building`.
_SPLITTINGS: dict[tuple[object, ...], int] = {}


@contextmanager
def remembering_texts() -> Iterator[None]:
    """Keep every text tokenised inside the block, and forget them all at its end."""
    global _building
    outer = _building
    _building = {} if outer is None else outer
    try:
        yield
    finally:
        _building = outer


def compact(text: str) -> str:
    """Return the letters of a name with spaces, hyphens and apostrophes removed."""
    return "".join(words(text))


def is_hangul(word: str) -> bool:
    # Tokens are Latin letters and digits or Hangul, so the first character decides.
    return bool(word) and word[0] >= "\u3130"


@lru_cache(maxsize=WORD_CACHE_ENTRIES)
def strip_particle(word: str) -> str:
    """Drop a trailing Korean particle ("온조는" -> "온조")."""
    for particle in _KOREAN_PARTICLES:
        if word.endswith(particle) and len(word) > len(particle) + 1:
            return word[: -len(particle)]
    return word


def without_name_suffix(word: str) -> str:
    """Drop the suffix said after a Korean given name ("나연이" -> "나연"), if any."""
    suffix = _KOREAN_NAME_SUFFIX
    if word.endswith(suffix) and len(word) > len(suffix):
        return word[: -len(suffix)]
    return word


@lru_cache(maxsize=WORD_CACHE_ENTRIES)
def stem(word: str) -> str:
    return word if is_hangul(word) else _STEMMER.stemWord(word)


class Lexicon:
    """The language of one show's questions: generic English and Korean plus its vocabulary."""

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        vocabulary = vocabulary or Vocabulary()
        self.vocabulary = vocabulary
        self.concept_of = {**CONCEPT_OF, **_concept_map(vocabulary.concepts)}
        self.states = frozenset(concept_term(state) for state in vocabulary.states)
        offscreen = frozenset({OFFSCREEN, FILMING_PLACE, ACTOR_PAY})
        self.required = offscreen if vocabulary.offscreen_questions else frozenset()
        self.folds_names = vocabulary.name_folding == "korean"
        phrases = sorted(vocabulary.phrases, key=len, reverse=True)
        self._phrases = {
            phrase.lower(): f" {word.lower()} " for phrase, word in vocabulary.phrases.items()
        }
        self._phrase_pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p.lower()) for p in phrases) + r")(?!\w)")
            if phrases
            else None
        )
        self._translations = {**vocabulary.translations, **_KOREAN_PREFIXES}
        # Words that stand only for their concept, with no stem of their own: question
        # words, and "the show", which means the show itself.
        self._concept_only = {
            word: concept
            for word, concept in self.concept_of.items()
            if concept in QUESTION_WORDS or concept == SHOW_CONCEPT
        }
        # Lexicons with the same phrases split every text alike: while a base is built, what
        # validating it split (with a lexicon of its own) serves indexing it.
        splitting = (self._phrase_pattern and self._phrase_pattern.pattern, *self._phrases.items())
        self._splitting = _SPLITTINGS.setdefault(splitting, len(_SPLITTINGS))
        self._cached_words = lru_cache(maxsize=TEXT_CACHE_ENTRIES)(self._tokenise)
        self.terms_of_word = lru_cache(maxsize=WORD_CACHE_ENTRIES)(self._terms_of_word)

    def words(self, text: str) -> list[str]:
        """Split normalised text into word tokens (Latin letters, digits, Hangul)."""
        if _building is not None:
            key = (self._splitting, text)
            found = _building.get(key)
            if found is None:
                found = _building[key] = self._tokenise(text)
            return list(found)
        if len(text) > CACHED_TEXT_CHARS:
            return list(self._tokenise(text))
        return list(self._cached_words(text))

    def _tokenise(self, text: str) -> tuple[str, ...]:
        text = _fold(text)
        if self._phrase_pattern is not None:
            text = self._phrase_pattern.sub(lambda m: self._phrases[m.group()], text)
        tokens = _WORD.findall(normalize(text))
        if max(map(len, tokens), default=0) <= MAX_WORD_CHARS:
            return tuple(tokens)
        return tuple(t if len(t) <= MAX_WORD_CHARS else t[:MAX_WORD_CHARS] for t in tokens)

    def _terms_of_word(self, word: str) -> tuple[str, ...]:
        """Return the index terms of one word: its stem and any concept it belongs to."""
        if is_hangul(word):
            base = strip_particle(word)
            if word in _KOREAN_STOPWORDS or base in _KOREAN_STOPWORDS:
                return ()
            english = _KOREAN_WORDS.get(base) or next(
                (en for prefix, en in self._translations.items() if base.startswith(prefix)),
                None,
            )
            return (base, *self.terms_of_word(english)) if english else (base,)
        if word in self._concept_only:
            return (self._concept_only[word],)
        if word in STOPWORDS:
            # "Wouldn't" is filler in most questions but means refusing all the same.
            concept = self.concept_of.get(word)
            return (concept,) if concept else ()
        if word[0].isdigit():
            return (_ORDINAL_SUFFIX.sub("", word),)  # "2nd" season is season "2"
        word = _IRREGULAR_VERBS.get(word, word)
        concept = self.concept_of.get(word)
        term = stem(word)
        return (term, concept) if concept else (term,)


GENERIC = Lexicon()


def words(text: str) -> list[str]:
    """Split text into word tokens with the generic language only (no show's phrases)."""
    return GENERIC.words(text)


def terms_of_word(word: str) -> tuple[str, ...]:
    return GENERIC.terms_of_word(word)


_MARKDOWN = re.compile(r"([\\*_`~|>#\[\]<])")


def escape_markdown(text: str) -> str:
    """Make text inert in Discord: markdown, spoiler bars, mentions, masked links, line breaks."""
    text = " ".join(text.split())
    text = _MARKDOWN.sub(r"\\\1", text)
    return text.replace("@", "@\u200b")


def plural(count: int, noun: str, many: str | None = None) -> str:
    """Return "1 problem", "2 problems": the count with the noun in the right number."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"
