"""Rank a show's facts against a question in plain words."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, compress, filterfalse, islice, pairwise, repeat
from operator import add, itemgetter, mul
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from bot.core.names import Mention, NameMatcher, english_words
from bot.core.schema import Fact
from bot.core.terms import (
    FATE,
    LAST_WATCHED,
    QUESTION_WORDS,
    SHOW_CONCEPT,
    SHOW_ENTITY,
    WHEN,
    entity_term,
    episode_term,
    episode_term_of,
    is_entity,
)
from bot.core.text import STOPWORDS, Lexicon

# What a term weighs in a fact's entry: in its paraphrases, topics or people; in its answer
# only; its episode (a recap's counts fully). No posting holds another weight.
_FULL_WEIGHT = 1.0
_ANSWER_WEIGHT = 0.6
_EPISODE_WEIGHT = 0.3
POSTING_WEIGHTS = frozenset({_FULL_WEIGHT, _ANSWER_WEIGHT, _EPISODE_WEIGHT})
# The least a fact lacking a term's heaviest weight falls short by, per unit of query weight.
_WEIGHT_STEP = min(b - a for a, b in pairwise(sorted({0.0, *POSTING_WEIGHTS})))
_QUESTION_WORD_WEIGHT = 0.4
_CANDIDATES = 15
# Bounds are summed in another order than recall, so they may differ in the last bits.
_MARGIN = 1e-9
# Below this many postings in all, scoring them all is faster than working out what to skip.
_FEW_POSTINGS = 2_000
_EPISODE_MENTION = re.compile(r"\b(?:s(?:eason)?\s*(\d{1,3})\s*)?e(?:p|pisode)?\s*(\d{1,3})\b")
_DIGIT = re.compile(r"\d")
_SEASON_MENTION = re.compile(r"\bs(?:eason\s*)?(\d{1,3})\b|\b(\d{1,3})(?:st|nd|rd|th)? season\b")
# Typo corrections one text may try: each is a fuzzy search of the base's vocabulary, and
# 400 characters of unknown words would otherwise search it for every word.
MAX_CORRECTIONS = 3
_CORRECTION_CUTOFF = 82


def _shared(postings: dict[str, dict[int, float]]) -> dict[str, dict[int, float]]:
    """Make terms with equal postings share one dict: search merges them, memory halves."""
    kept: dict[tuple[int, int, int], list[dict[int, float]]] = defaultdict(list)
    for term, entries in postings.items():
        key = (len(entries), next(iter(entries)), next(reversed(entries)))
        same = next((other for other in kept[key] if other == entries), None)
        if same is None:
            kept[key].append(entries)
        else:
            postings[term] = same
    return postings


def _unnamed(tokens: list[str], mentions: list[Mention]) -> list[str]:
    """Return the tokens no mention covers, in order (mentions come in order, never overlapping)."""
    if not mentions:
        return tokens
    rest: list[str] = []
    at = 0
    for mention in mentions:
        rest += tokens[at : mention.start]
        at = mention.end
    rest += tokens[at:]
    return rest


def _kth_largest(values: Iterable[float], k: int) -> float:
    # sorted() runs in C; heapq.nlargest loops in Python over every value.
    return sorted(values, reverse=True)[k - 1]


@dataclass(slots=True)
class Query:
    """A question reduced to weighted terms, with the entities it names."""

    terms: dict[str, float]
    entities: frozenset[str]
    # (season, episode) pairs the question names; episode 0 when it names only a season.
    episodes: frozenset[tuple[int, int]] = frozenset()
    # "What happened last episode?": the viewer's own latest, which only the engine knows.
    last_watched: bool = False
    # Concepts that make "is X <word>?" a question about X's state, and concepts a fact must
    # speak of to answer a question that uses them (the actors, not the characters).
    states: frozenset[str] = frozenset()
    required_concepts: frozenset[str] = frozenset()

    @property
    def asks_when(self) -> bool:
        return WHEN in self.terms

    @property
    def names_only(self) -> bool:
        """Whether the question is nothing but names ("minjae?")."""
        return bool(self.entities) and all(is_entity(term) for term in self.terms)

    @property
    def required(self) -> frozenset[str]:
        return self.required_concepts & self.terms.keys()

    @property
    def asks_fate(self) -> bool:
        """Whether the question is about someone's state: alive, dead, turned, bitten."""
        if FATE in self.terms:
            return True
        state = self.states & self.terms.keys()
        return bool(state) and not QUESTION_WORDS & self.terms.keys()


class Match(NamedTuple):
    """One fact's fit to a question (a tuple: many are made per question, and cheaply)."""

    fact: Fact
    score: float
    recall: float = 0.0  # share of the question's weight the fact covers
    precision: float = 0.0  # share of the fact's best paraphrase the question covers


@dataclass(slots=True)
class _Doc:
    fact: Fact
    weights: dict[str, float]
    paraphrases: list[frozenset[str]]
    entities: frozenset[str]
    # term -> indexes of the paraphrases holding it; 1 / each paraphrase's total weight
    # (None until a search first ranks the fact)
    paraphrase_terms: dict[str, list[int]] = field(default_factory=dict)
    paraphrase_inverse: list[float] | None = None


class FactIndex:
    """An inverted index over facts: their paraphrased questions, topics, answers and people."""

    def __init__(
        self,
        facts: list[Fact],
        names: NameMatcher,
        *,
        lexicon: Lexicon,
        vocabulary: set[str],
        single_season: int | None,
    ) -> None:
        self._names = names
        self._lexicon = lexicon
        self._single_season = single_season
        # Facts repeat paraphrases ("where was the key found"): each is analysed once, and
        # the facts sharing it share its term set.
        seen: dict[str, frozenset[str]] = {}
        self._topic_terms: dict[str, tuple[str, ...]] = {}
        # Last fact first: the engine has just split every text into words in fact order, and
        # the most recent of those splits are still in words()' bounded cache.
        self._docs = [self._make_doc(fact, seen) for fact in reversed(facts)][::-1]
        # term -> {fact position: weight}, in order of position; and the facts of each person
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        self._entity_docs: dict[str, set[int]] = defaultdict(set)
        for position, doc in enumerate(self._docs):
            for term, weight in doc.weights.items():
                postings[term][position] = weight
            for entity in doc.entities:
                self._entity_docs[entity].add(position)
        total = max(1, len(facts))
        self._idf = {t: math.log(1 + total / len(p)) for t, p in postings.items()}
        self._unknown_idf = math.log(1 + total)
        self._postings = _shared(dict(postings))
        self._max_weight = {term: max(p.values()) for term, p in self._postings.items()}
        # A paraphrase shared by many facts is one object (see _paraphrase): weighed once,
        # when a search first ranks a fact holding it (see _paraphrase_parts).
        self._inverse: dict[int, float] = {}
        self._by_id = {doc.fact.id: doc for doc in self._docs}
        self._known = sorted(w for w in vocabulary if len(w) >= 4 and w not in STOPWORDS)
        self._vocabulary: dict[int, list[str]] = {}

    @property
    def terms(self) -> frozenset[str]:
        """Every term the index holds (for tools and tests)."""
        return frozenset(self._postings)

    def holds(self, term: str) -> bool:
        """Whether some fact is indexed under the term."""
        return term in self._postings

    def _weight(self, term: str) -> float:
        base = self._idf.get(term, self._unknown_idf)
        light = term in QUESTION_WORDS or term == SHOW_CONCEPT
        return base * _QUESTION_WORD_WEIGHT if light else base

    def _paraphrase(self, question: str, seen: dict[str, frozenset[str]]) -> frozenset[str]:
        terms = seen.get(question)
        if terms is None:
            terms = seen[question] = frozenset(self.analyse(question, fuzzy=False).terms)
        return terms

    def _make_doc(self, fact: Fact, seen: dict[str, frozenset[str]]) -> _Doc:
        # Each term weighs the most of any place it is found in: 1.0 in a paraphrase, a topic
        # or the people the fact is about, 0.6 in the answer only.
        paraphrases = [self._paraphrase(question, seen) for question in fact.questions]
        weights = dict.fromkeys(chain.from_iterable(paraphrases), _FULL_WEIGHT)
        for topic in fact.topics:
            topic_terms = self._topic_terms.get(topic)
            if topic_terms is None:  # a few topics serve many facts
                topic_terms = self._topic_terms[topic] = tuple(
                    chain.from_iterable(map(self._lexicon.terms_of_word, topic.split("-")))
                )
            weights.update(dict.fromkeys(topic_terms, _FULL_WEIGHT))
        weights.update({entity_term(ref): _FULL_WEIGHT for ref in fact.about})
        answer = self.analyse(fact.answer, fuzzy=False)  # answers are worded once each
        for term in answer.terms:
            if term not in weights and term not in QUESTION_WORDS:
                weights[term] = _ANSWER_WEIGHT
        episode = episode_term_of(fact.episode)
        weights[episode] = max(
            weights.get(episode, 0.0), _FULL_WEIGHT if "recap" in fact.topics else _EPISODE_WEIGHT
        )
        all_entities = frozenset(fact.about) | answer.entities
        return _Doc(fact, weights, paraphrases, all_entities)

    def analyse(self, text: str, *, fuzzy: bool = True) -> Query:
        """Reduce text to index terms: entity ids for names, stems and concepts for words."""
        lexicon = self._lexicon
        tokens = lexicon.words(text)
        mentions = self._names.find(tokens, fuzzy=fuzzy)
        terms: dict[str, float] = {}
        entities: set[str] = set()
        for mention in mentions:
            if mention.entity == SHOW_ENTITY:
                terms[SHOW_CONCEPT] = 1.0
            else:
                entities.add(mention.entity)
                terms[entity_term(mention.entity)] = 1.0
        last_watched = False
        if fuzzy:
            covered = {i for mention in mentions for i in range(mention.start, mention.end)}
            corrections = MAX_CORRECTIONS
            for position, token in enumerate(tokens):
                if position in covered:
                    continue
                if token == LAST_WATCHED:
                    last_watched = True
                    continue
                token_terms = lexicon.terms_of_word(token)
                if token_terms:
                    # "govt" means the known concept ~military; its own stem is only noise.
                    known = tuple(t for t in token_terms if t in self._idf)
                    if not known and corrections > 0:
                        corrections -= 1
                        known = self._correct(token)
                    token_terms = known or token_terms
                for term in token_terms:
                    terms[term] = 1.0
        else:
            # The same terms in the same order, without a Python step per word: every text of
            # the base is analysed this way when the index is built.
            rest = _unnamed(tokens, mentions)
            if LAST_WATCHED in rest:
                last_watched = True
                rest = [t for t in rest if t != LAST_WATCHED]
            terms.update(dict.fromkeys(chain.from_iterable(map(lexicon.terms_of_word, rest)), 1.0))
        episodes: set[tuple[int, int]] = set()
        plain = " ".join(tokens)
        if _DIGIT.search(plain):  # every mention has a number; most text has none
            for season, episode in _EPISODE_MENTION.findall(plain):
                season = season or (str(self._single_season) if self._single_season else "")
                if season:
                    episodes.add((int(season), int(episode)))
                    terms[episode_term(int(season), int(episode))] = 1.0
            for groups in _SEASON_MENTION.findall(plain):
                episodes.add((int(groups[0] or groups[1]), 0))
        return Query(
            terms,
            frozenset(entities),
            frozenset(episodes),
            last_watched,
            lexicon.states,
            lexicon.required,
        )

    def _correct(self, token: str) -> tuple[str, ...]:
        """Map a misspelt word to the closest word the fact base uses, if one is close."""
        if len(token) < 4:
            return ()
        candidates = self._vocabulary.get(len(token))
        if candidates is None:
            # fuzz.ratio can reach the cut-off only for words of similar length, so only
            # those are compared; worked out once per length, when first needed.
            low = len(token) * _CORRECTION_CUTOFF / (200 - _CORRECTION_CUTOFF)
            high = len(token) * (200 - _CORRECTION_CUTOFF) / _CORRECTION_CUTOFF
            candidates = [w for w in self._known if low <= len(w) <= high]
            self._vocabulary[len(token)] = candidates
        if not candidates or token in english_words():
            return ()  # a real word is no typo, though the base may not use it
        best = process.extractOne(
            token, candidates, scorer=fuzz.ratio, score_cutoff=_CORRECTION_CUTOFF
        )
        return self._lexicon.terms_of_word(best[0]) if best else ()

    def paraphrases_of(self, fact: Fact) -> list[frozenset[str]]:
        """Return the terms of each of a fact's paraphrases, in order, as `analyse` reads them."""
        return self._by_id[fact.id].paraphrases

    def terms_of(self, fact: Fact) -> frozenset[str]:
        """Return the terms a fact is indexed under (its paraphrases', answer's and people's)."""
        return frozenset(self._by_id[fact.id].weights)

    def search(self, query: Query, *, limit: int = _CANDIDATES) -> list[Match]:
        """Return facts ranked by how well they answer the query, best first."""
        weights = {t: w * self._weight(t) for t, w in query.terms.items()}
        total = sum(weights.values())
        if total <= 0:
            return []
        if query.entities or (
            sum(len(self._postings.get(term, ())) for term in weights) <= _FEW_POSTINGS
        ):
            top = self._top_exhaustive(query, weights, limit)
        elif query.required:
            top = self._top_required(query.required, weights, limit)
        else:
            top = self._top_pruned(weights, limit)
        matches = []
        for position, found in top:
            doc = self._docs[position]
            paraphrase_inverse = doc.paraphrase_inverse
            if paraphrase_inverse is None:
                paraphrase_inverse = self._paraphrase_parts(doc)[1]
            paraphrase_terms = doc.paraphrase_terms
            # Precision: the share of the best-matching paraphrase that the question covers.
            shared = [0.0] * len(paraphrase_inverse)
            # Most query terms are in none of a fact's paraphrases: they are skipped in C.
            for term in filter(paraphrase_terms.__contains__, weights):
                weight = weights[term]
                for number in paraphrase_terms[term]:
                    shared[number] += weight
            precision = max(map(mul, shared, paraphrase_inverse), default=0.0)
            # Among equally good facts, a later one usually says more about "now".
            recency = 0.02 * position / len(self._docs)
            score = 0.6 * (found / total) + 0.4 * precision + recency
            matches.append(Match(doc.fact, score, found / total, precision))
        matches.sort(key=lambda m: m.score, reverse=True)
        return matches

    def _paraphrase_parts(self, doc: _Doc) -> tuple[dict[str, list[int]], list[float]]:
        """Return which of a fact's paraphrases hold each term, and 1 / each one's weight.

        Only the facts a search ranks need them: working them out for all at build time cost
        a fifth of building the index of a large base.
        """
        if doc.paraphrase_inverse is None:
            inverse = self._inverse
            for terms in doc.paraphrases:
                if id(terms) not in inverse:
                    size = sum(map(self._weight, terms))
                    inverse[id(terms)] = 1 / size if size else 0.0
            paraphrase_terms: dict[str, list[int]] = {}
            for number, terms in enumerate(doc.paraphrases):
                for term in terms:
                    paraphrase_terms.setdefault(term, []).append(number)
            doc.paraphrase_terms = paraphrase_terms
            doc.paraphrase_inverse = [inverse[id(terms)] for terms in doc.paraphrases]
        return doc.paraphrase_terms, doc.paraphrase_inverse

    def _top_exhaustive(
        self, query: Query, weights: dict[str, float], limit: int
    ) -> list[tuple[int, float]]:
        """Score every fact that shares a term with the query; return the best by recall."""
        recall: dict[int, float] = defaultdict(float)
        # A question that names someone is answered only by facts about them; scoring just
        # those is much cheaper than walking long postings of common words.
        about = (
            set().union(*(self._entity_docs.get(e, ()) for e in query.entities))
            if query.entities
            else None
        )
        for term, weight in weights.items():
            postings = self._postings.get(term)
            if not postings:
                continue
            for position in postings.keys() if about is None else about & postings.keys():
                recall[position] += weight * postings[position]
        if required := query.required:
            # Dropped before ranking, so facts that cannot answer leave room for ones that can.
            for position in list(recall):
                if not required <= self._docs[position].weights.keys():
                    del recall[position]
        # What heapq.nlargest returns, ties in the same order, but sorted in C.
        return sorted(recall.items(), key=itemgetter(1), reverse=True)[:limit]

    def _top_required(
        self, required: frozenset[str], weights: dict[str, float], limit: int
    ) -> list[tuple[int, float]]:
        """Return what `_top_exhaustive` would, scoring only facts holding every required term."""
        holding = [self._postings.get(term, {}) for term in required]
        holding.sort(key=len)
        allowed = set(holding[0]).intersection(*holding[1:])
        return self._exact_top(self._terms(weights), sorted(allowed), limit)

    def _terms(self, weights: dict[str, float]) -> list[tuple[str, float, dict[int, float]]]:
        return [(t, w, p) for t, w in weights.items() if (p := self._postings.get(t))]

    @staticmethod
    def _exact_top(
        terms: list[tuple[str, float, dict[int, float]]], positions: Iterable[int], limit: int
    ) -> list[tuple[int, float]]:
        """Rank the given facts as `_top_exhaustive` does, bit for bit.

        Recall is summed in the query's order, and equals are in the order `_top_exhaustive`
        first meets them: by the first query term a fact holds, then by position. The sums
        run term by term over all the facts in C (a term a fact lacks adds 0.0, which leaves
        a sum as it is); only the facts that make the top are ordered in Python.
        """
        positions = list(positions)
        if not positions:
            return []
        recalls = [0.0] * len(positions)
        for _, weight, postings in terms:
            found = map(postings.get, positions, repeat(0.0))
            recalls = list(map(add, recalls, map(weight.__mul__, found)))
        kth = sorted(recalls, reverse=True)[min(limit, len(positions)) - 1]
        if kth <= 0.0:  # facts holding no term would rank first among equals: no shortcut
            return FactIndex._exact_top_slow(terms, positions, limit)
        chosen = list(compress(zip(positions, recalls, strict=True), map(kth.__lt__, recalls)))
        tied = list(compress(positions, map(kth.__eq__, recalls)))
        need = limit - len(chosen)
        if len(tied) > need:
            # Equals at the cut-off go by the first query term they hold, then by position:
            # the tied facts are walked in position order, each term's holders only until
            # enough are found (a common term's postings can be far more than the tied).
            remaining, picked = sorted(tied), list[int]()
            for _, _, postings in terms:
                holding = postings.__contains__
                picked += islice(filter(holding, remaining), need - len(picked))
                if len(picked) >= need:
                    break
                remaining = list(filterfalse(holding, remaining))  # all its holders were taken
            tied = picked
        chosen += [(position, kth) for position in tied]
        ranked = []
        for position, recall in chosen:
            first = next(n for n, (_, _, postings) in enumerate(terms) if position in postings)
            ranked.append((-recall, first, position))
        ranked.sort()
        return [(position, -recall) for recall, _, position in ranked[:limit]]

    @staticmethod
    def _exact_top_slow(
        terms: list[tuple[str, float, dict[int, float]]], positions: list[int], limit: int
    ) -> list[tuple[int, float]]:
        ranked = []
        for position in positions:
            recall, first = 0.0, -1
            for number, (_, weight, postings) in enumerate(terms):
                found = postings.get(position)
                if found is not None:
                    recall += weight * found
                    if first < 0:
                        first = number
            ranked.append((-recall, first, position))
        ranked.sort()
        return [(position, -recall) for recall, _, position in ranked[:limit]]

    def _top_pruned(self, weights: dict[str, float], limit: int) -> list[tuple[int, float]]:
        """Return what `_top_exhaustive` would, without scoring every posting (MaxScore).

        Terms are taken by how much they can add, rare and heavy ones first. Once what the
        terms left could add at most is below the current k-th best recall, a fact not seen
        yet cannot make the top k: the common terms' long postings are then only looked up
        for the facts still in the running, which shrink as the bound tightens. These sums
        only bound; `_exact_top` ranks the facts left.
        """
        terms = self._terms(weights)
        if not terms:
            return []
        if (top := self._top_fully_held(terms, limit)) is not None:
            return top
        # Terms with the same postings (a stem and the concept only it has) count as one.
        merged: dict[int, list[Any]] = {}
        for term, weight, postings in terms:
            group = merged.setdefault(id(postings), [postings, 0.0, self._max_weight[term]])
            group[1] += weight
        groups = sorted(merged.values(), key=lambda g: (-g[1] * g[2], len(g[0])))
        rest = [0.0] * (len(groups) + 1)  # the most the groups from `step` on can add
        for step in range(len(groups) - 1, -1, -1):
            rest[step] = rest[step + 1] + groups[step][1] * groups[step][2]
        seen: dict[int, float] = {}
        threshold = 0.0
        step = 0
        while step < len(groups):
            # The best seen so far is at most what the groups taken could add; only then can
            # the rest fall below the k-th best, so only then is it worth finding.
            if len(seen) >= limit and rest[step] < rest[0] - rest[step]:
                threshold = _kth_largest(seen.values(), limit)
                if rest[step] < threshold - _MARGIN:
                    break
            postings, weight, heaviest = groups[step]
            if step == len(groups) - 1 and 2 * len(seen) < len(postings):
                # The last group, common: the facts holding only it score by their weight
                # for it alone, and all but the first `limit` of its heaviest lose to those.
                fresh = (p for p, w in postings.items() if w == heaviest and p not in seen)
                first = list(islice(fresh, limit))
                if len(first) == limit:
                    return self._exact_top(terms, [*seen, *first], limit)
            # Sums in C, each as the loop `seen[p] = seen.get(p, 0.0) + weight * found` makes it.
            added = map(weight.__mul__, postings.values())
            if seen:
                seen.update(
                    zip(
                        postings, map(add, map(seen.get, postings, repeat(0.0)), added), strict=True
                    )
                )
            else:
                seen = dict(zip(postings, added, strict=True))
            step += 1
        bound = threshold - _MARGIN - rest[step]
        running = list(compress(seen, map(bound.__le__, seen.values())))
        for later in range(step, len(groups)):
            postings, weight, _ = groups[later]
            # A fact without the term adds weight * 0.0, which leaves its sum as it is.
            found = map(weight.__mul__, map(postings.get, running, repeat(0.0)))
            seen.update(zip(running, map(add, map(seen.__getitem__, running), found), strict=True))
            if len(running) > limit:
                threshold = max(threshold, _kth_largest(map(seen.__getitem__, running), limit))
                bound = threshold - _MARGIN - rest[later + 1]
                running = list(compress(running, map(bound.__le__, map(seen.__getitem__, running))))
        return self._exact_top(terms, running, limit)

    def _top_fully_held(
        self, terms: list[tuple[str, float, dict[int, float]]], limit: int
    ) -> list[tuple[int, float]] | None:
        """Return the top when `limit` facts or more hold every term at its heaviest, else None.

        Those facts have the highest recall there is, all the same to the last bit (summed
        alike), and no other fact ties with them: lacking some term's heaviest weight costs
        at least that term's query weight times _WEIGHT_STEP, far more than summing in
        another order can change. Among equals the first query term they hold goes first,
        the same for all of them, then the position: the top is the first `limit` of them.
        A common question word among rarer terms ("where was the key found", thousands of
        facts tied) is answered without scoring the thousands.
        """
        if min(weight for _, weight, _ in terms) * _WEIGHT_STEP <= _MARGIN:
            return None
        recall = 0.0
        for term, weight, _ in terms:  # in the query's order, as `_exact_top` sums it
            recall += weight * self._max_weight[term]
        # Each posting list once (a stem and the concept only it has share one), shortest first.
        checks = {id(p): (p, self._max_weight[t]) for t, _, p in terms}
        (shortest, heaviest), *others = sorted(checks.values(), key=lambda check: len(check[0]))
        # Facts of the shortest list at its heaviest, in position order, as they are needed.
        candidates = compress(shortest, map(heaviest.__eq__, shortest.values()))
        held: list[int] = []
        chunk = 4 * limit
        while len(held) < limit:
            batch = list(islice(candidates, chunk))
            if not batch:
                return None
            for postings, most in others:
                # A fact without the term gets 0.0, never its weight (None would compare as
                # NotImplemented, which is true).
                found = map(postings.get, batch, repeat(0.0))
                batch = list(compress(batch, map(most.__eq__, found)))
            held += batch
            chunk *= 4  # held facts are rare in this list: take more of it at a time
        return [(position, recall) for position in held[:limit]]

    def entities_of(self, fact: Fact) -> frozenset[str]:
        """Return the characters a fact is about or names."""
        return self._by_id[fact.id].entities
