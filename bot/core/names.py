"""Find mentions of characters (and the show) in text, under any romanisation or typo."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from importlib.resources import files
from typing import NamedTuple

from rapidfuzz import fuzz, process

from bot.core.text import GENERIC, STOPWORDS, Lexicon, is_hangul, stem, strip_particle

# Korean names come out of Latin letters in several ways (Su-hyeok, Soo-hyuk; Gyeong-su,
# Kyung-soo). Folding vowel and consonant variants lets those spellings meet.
_FOLDS = [("yeo", "yo"), ("eo", "o"), ("oo", "u"), ("eu", "u"), ("ae", "a"), ("o", "u"), ("k", "g")]
_MAX_SPAN = 6


@cache
def english_words() -> frozenset[str]:
    """Return common English words: ordinary words, not misspelt names."""
    text = files("bot.core.lang").joinpath("english-words.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@lru_cache(maxsize=131072)
def fold(key: str) -> str:
    """Fold a compact romanised name so that common spelling variants compare equal."""
    for old, new in _FOLDS:
        key = key.replace(old, new)
    return key


def _same(key: str) -> str:
    return key


class Mention(NamedTuple):
    entity: str
    start: int
    end: int
    exact: bool


class NameMatcher:
    """Recognise entity names, given as entity id -> list of names, in tokenised text."""

    def __init__(
        self,
        names: Mapping[str, Iterable[str]],
        vocabulary: Iterable[str] = (),
        lexicon: Lexicon = GENERIC,
    ) -> None:
        self._lexicon = lexicon
        # Romanisation folding is the show's choice: "o" = "u" joins Korean spellings but
        # would join English names that differ.
        self._fold = fold if lexicon.folds_names else _same
        self._exact: dict[str, str] = {}
        folded: dict[str, set[str]] = {}
        self.max_span = 1
        for entity, entity_names in names.items():
            for name in entity_names:
                tokens = [strip_particle(t) if is_hangul(t) else t for t in lexicon.words(name)]
                if not tokens:
                    continue
                key = "".join(tokens)
                self._exact.setdefault(key, entity)
                if not is_hangul(key):
                    folded.setdefault(self._fold(key), set()).add(entity)
                self.max_span = min(_MAX_SPAN, max(self.max_span, len(tokens)))
        # A folded spelling shared by two entities is no evidence for either.
        self._folded = {key: next(iter(ids)) for key, ids in folded.items() if len(ids) == 1}
        self._fuzzy_keys = [key for key in self._folded if len(key) >= 4]
        self._prefixes = {key[:i] for key in self._exact for i in range(1, len(key) + 1)}
        self._prefixes |= {key[:i] for key in self._folded for i in range(1, len(key) + 1)}
        self._starts_name: dict[str, bool] = {}
        name_tokens = {t for key in self._exact for t in re.findall(r"\w+", key)}
        self._name_tokens = frozenset(name_tokens)
        self._plain_words = frozenset(set(vocabulary) - name_tokens) | STOPWORDS
        self._plain_stems = frozenset(stem(word) for word in self._plain_words)

    def entity_for(self, text: str, *, fuzzy: bool = True) -> str | None:
        """Return the entity a whole text names (a name typed into an option), if any."""
        tokens = self._lexicon.words(text)
        mentions = self.find(tokens, fuzzy=fuzzy)
        if len(mentions) == 1 and mentions[0].end - mentions[0].start == len(tokens):
            return mentions[0].entity
        return None

    def find(self, tokens: list[str], *, fuzzy: bool = True) -> list[Mention]:
        """Return non-overlapping mentions, preferring exact and longer matches."""
        exact = self._find_exact(tokens)
        if not fuzzy:
            return exact
        covered = {i for mention in exact for i in range(mention.start, mention.end)}
        if all(i in covered or self._is_plain(t) for i, t in enumerate(tokens)):
            # Typos can only hide in words that are neither names nor words the base uses.
            return exact
        found: list[tuple[int, int, Mention]] = []
        for start in range(len(tokens)):
            for end in range(min(len(tokens), start + self.max_span), start, -1):
                mention = self._match(tokens[start:end], start, end, fuzzy)
                if mention:
                    found.append((0 if mention.exact else 1, start - end, mention))
        found.sort(key=lambda item: (item[0], item[1], item[2].start))
        taken: set[int] = set()
        chosen: list[Mention] = []
        for _, _, mention in found:
            positions = set(range(mention.start, mention.end))
            if positions & taken:
                continue
            taken |= positions
            chosen.append(mention)
        return sorted(chosen, key=lambda m: m.start)

    def _find_exact(self, tokens: list[str]) -> list[Mention]:
        """Find names spelt as listed (or a folded variant), longest first, left to right.

        Indexing runs this over every fact, so a span grows only while it still spells the
        start of some name.
        """
        mentions: list[Mention] = []
        start, count = 0, len(tokens)
        starts_name = self._starts_name
        while start < count:
            token = tokens[start]
            starts = starts_name.get(token)
            if starts is None:
                starts = (
                    is_hangul(token)
                    or token in self._prefixes
                    or self._fold(token) in self._prefixes
                )
                starts_name[token] = starts
            if not starts:
                start += 1
                continue
            if is_hangul(token):
                mention = self._match([token], start, start + 1, False)
                mentions.extend([mention] if mention else [])
                start += 1
                continue
            best: tuple[int, str] | None = None
            key = ""
            for end in range(start + 1, min(count, start + self.max_span) + 1):
                key += tokens[end - 1]
                folded = None if key in self._prefixes else self._fold(key)
                if folded is not None and folded not in self._prefixes:
                    break
                entity = self._exact.get(key) or self._folded.get(folded or self._fold(key))
                if entity:
                    best = (end, entity)
            if best is None:
                start += 1
                continue
            mentions.append(Mention(best[1], start, best[0], True))
            start = best[0]
        return mentions

    def _is_plain(self, token: str) -> bool:
        """Whether a word is an ordinary word, so no typo of a name ("teachers" is no "archer")."""
        if token in self._plain_words or token in self._lexicon.concept_of:
            return True
        # The language's words count as well as the base's own, so what a word is does not
        # depend on which facts a viewer may see ("teachers" is no typo of a name).
        if token in english_words() and token not in self._name_tokens:
            return True
        return stem(token) in self._plain_stems

    def _match(self, span: list[str], start: int, end: int, fuzzy: bool) -> Mention | None:
        if len(span) == 1 and is_hangul(span[0]):
            entity = self._exact.get(span[0]) or self._exact.get(strip_particle(span[0]))
            return Mention(entity, start, end, True) if entity else None
        key = "".join(span)
        entity = self._exact.get(key)
        if entity:
            return Mention(entity, start, end, True)
        if span[0] in STOPWORDS or span[-1] in STOPWORDS:
            return None
        folded = self._fold(key)
        entity = self._folded.get(folded)
        if entity:
            return Mention(entity, start, end, True)
        if not fuzzy or len(key) < 4 or (len(span) == 1 and self._is_plain(span[0])):
            return None
        if any(len(token) > 3 and self._is_plain(token) for token in span):
            return None
        cutoff = 80 if len(folded) >= 5 else 87
        best = process.extractOne(folded, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None:
            return None
        return Mention(self._folded[best[0]], start, end, False)
