"""Find mentions of characters (and the show) in text, under any romanisation or typo."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from importlib.resources import files
from itertools import compress
from typing import NamedTuple

from rapidfuzz import fuzz, process

from bot.core.text import (
    GENERIC,
    STOPWORDS,
    WORD_CACHE_ENTRIES,
    Lexicon,
    is_hangul,
    stem,
    strip_particle,
    without_name_suffix,
)

# Korean names come out of Latin letters in several ways (Su-hyeok, Soo-hyuk; Gyeong-su,
# Kyung-soo). Folding vowel and consonant variants lets those spellings meet.
_FOLDS = [("yeo", "yo"), ("eo", "o"), ("oo", "u"), ("eu", "u"), ("ae", "a"), ("o", "u"), ("k", "g")]
_MAX_SPAN = 6
# Fuzzy look-ups one text may make: a 400-character question of unknown words would try
# hundreds of spans; a real question holds a few unknown words at most.
MAX_FUZZY_LOOKUPS = 12
# fuzz.ratio of two keys is at most 2 * shorter / (shorter + longer): a key this much longer
# than every name can't reach the cut-off of 80, so it is not looked up at all.
_MAX_LENGTH_RATIO = 1.5
# Texts whose fuzzy mentions are remembered: the last few questions, each read several times.
_RECENT_TEXTS = 8


@cache
def english_words() -> frozenset[str]:
    """Return common English words: ordinary words, not misspelt names."""
    text = files("bot.core.lang").joinpath("english-words.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@lru_cache(maxsize=WORD_CACHE_ENTRIES)
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
        # Every entity a mention can name.
        self.entities = frozenset(self._exact.values()) | frozenset(self._folded.values())
        self._fuzzy_keys = [key for key in self._folded if len(key) >= 4]
        self._prefixes = {key[:i] for key in self._exact for i in range(1, len(key) + 1)}
        self._prefixes |= {key[:i] for key in self._folded for i in range(1, len(key) + 1)}
        self._starts_name = lru_cache(maxsize=WORD_CACHE_ENTRIES)(self._is_name_start)
        self._recent: dict[tuple[str, ...], tuple[Mention, ...]] = {}
        self._longest_fuzzy = max(map(len, self._fuzzy_keys), default=0) * _MAX_LENGTH_RATIO
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
        if not fuzzy:
            return self._find_exact(tokens)
        # One question is read several times (its analysis, then who a pronoun or a
        # description means): it is looked for typos once, within one budget.
        key = tuple(tokens)
        found = self._recent.get(key)
        if found is None:
            found = self._recent[key] = tuple(self._find_fuzzy(tokens))
            if len(self._recent) > _RECENT_TEXTS:
                del self._recent[next(iter(self._recent))]
        return list(found)

    def _find_fuzzy(self, tokens: list[str]) -> list[Mention]:
        exact = self._find_exact(tokens)
        covered = {i for mention in exact for i in range(mention.start, mention.end)}
        plain = [i in covered or self._is_plain(t) for i, t in enumerate(tokens)]
        if all(plain):
            # Typos can only hide in words that are neither names nor words the base uses.
            return exact
        found: list[tuple[int, int, Mention]] = []
        budget = MAX_FUZZY_LOOKUPS
        for start in range(len(tokens)):
            # Only a word that starts some name can start an exact (or folded) match.
            may_be_exact = self._starts_name(tokens[start])
            if not may_be_exact and (budget <= 0 or start in covered):
                continue
            for end in range(min(len(tokens), start + self.max_span), start, -1):
                span = tokens[start:end]
                mention = self._match_exact(span, start, end) if may_be_exact else None
                if mention is None and budget > 0 and self._may_be_typo(span, start, plain):
                    budget -= 1
                    mention = self._match_fuzzy(span, start, end)
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
        done, count = 0, len(tokens)
        # Only a word that starts some name can start a match; most words start none, and
        # they are passed over in C.
        for start in compress(range(count), map(self._starts_name, tokens)):
            if start < done:
                continue  # inside the mention just found
            token = tokens[start]
            if is_hangul(token):
                mention = self._match_hangul(tokens, start)
                if mention:
                    mentions.append(mention)
                    done = mention.end
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
            if best is not None:
                mentions.append(Mention(best[1], start, best[0], True))
                done = best[0]
        return mentions

    def _match_hangul(self, tokens: list[str], start: int) -> Mention | None:
        """Match the longest Korean name at a position ("청산이 엄마" before "청산이")."""
        longest, key, found = 0, strip_particle(tokens[start]), ""
        stop = start + 1
        # A key grows word by word only while it still starts some name.
        while (
            stop < len(tokens)
            and stop - start < self.max_span
            and is_hangul(tokens[stop])
            and key in self._prefixes
        ):
            key += strip_particle(tokens[stop])
            stop += 1
            if key in self._exact:
                longest, found = stop, key
        if longest:
            return Mention(self._exact[found], start, longest, True)
        return self._match(tokens[start : start + 1], start, start + 1, False)

    def _is_name_start(self, token: str) -> bool:
        return is_hangul(token) or token in self._prefixes or self._fold(token) in self._prefixes

    def _is_plain(self, token: str) -> bool:
        """Whether a word is an ordinary word, so no typo of a name ("teachers" is no "archer")."""
        if token.endswith("s") and token[:-1] in self._name_tokens:
            return False  # "mikes parents": a name's possessive, typed without its apostrophe
        if token in self._plain_words or token in self._lexicon.concept_of:
            return True
        # The language's words count as well as the base's own, so what a word is does not
        # depend on which facts a viewer may see ("teachers" is no typo of a name).
        if token in english_words() and token not in self._name_tokens:
            return True
        return stem(token) in self._plain_stems

    def _match(self, span: list[str], start: int, end: int, fuzzy: bool) -> Mention | None:
        mention = self._match_exact(span, start, end)
        if mention is None and fuzzy and self._may_be_typo(span, start, None):
            return self._match_fuzzy(span, start, end)
        return mention

    def _match_exact(self, span: list[str], start: int, end: int) -> Mention | None:
        """Match a span spelt as a name is listed, or as a folded variant of one."""
        if len(span) == 1 and is_hangul(span[0]):
            base = strip_particle(span[0])
            entity = (
                self._exact.get(span[0])
                or self._exact.get(base)
                or self._exact.get(without_name_suffix(base))  # "나연이가": 나연
            )
            return Mention(entity, start, end, True) if entity else None
        if all(map(is_hangul, span)):  # names are kept with each word's particle stripped
            entity = self._exact.get("".join(strip_particle(t) for t in span))
            return Mention(entity, start, end, True) if entity else None
        key = "".join(span)
        entity = self._exact.get(key)
        if entity:
            return Mention(entity, start, end, True)
        if span[0] in STOPWORDS or span[-1] in STOPWORDS:
            return None
        entity = self._folded.get(self._fold(key))
        return Mention(entity, start, end, True) if entity else None

    def _may_be_typo(self, span: list[str], start: int, plain: list[bool] | None) -> bool:
        """Whether a span is worth a fuzzy look-up: it could be a misspelt name."""
        if len(span) == 1 and is_hangul(span[0]):
            return False
        if span[0] in STOPWORDS or span[-1] in STOPWORDS:
            return False
        length = sum(map(len, span))
        # Folding shortens a key by at most a third ("yeo" -> "yo").
        if length < 4 or length * 2 / 3 > self._longest_fuzzy:
            return False  # too short to tell, or too long to be close to any name
        flags = plain[start : start + len(span)] if plain else [self._is_plain(t) for t in span]
        if len(span) == 1 and flags[0]:
            return False
        # An ordinary word is no part of a typo of a name.
        return not any(flag and len(token) > 3 for flag, token in zip(flags, span, strict=True))

    def _match_fuzzy(self, span: list[str], start: int, end: int) -> Mention | None:
        folded = self._fold("".join(span))
        cutoff = 80 if len(folded) >= 5 else 87
        best = process.extractOne(folded, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None:
            return None
        return Mention(self._folded[best[0]], start, end, False)
