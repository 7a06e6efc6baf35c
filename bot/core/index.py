"""Rank a show's facts against a question in plain words."""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter, mul
from typing import NamedTuple

from rapidfuzz import fuzz, process

from bot.core.names import NameMatcher, english_words
from bot.core.schema import Fact
from bot.core.text import LAST_WATCHED, QUESTION_WORDS, SHOW_CONCEPT, STOPWORDS, Lexicon

SHOW_ENTITY = "show"
_ANSWER_WEIGHT = 0.6
_QUESTION_WORD_WEIGHT = 0.4
_CANDIDATES = 15
_EPISODE_MENTION = re.compile(r"\b(?:s(?:eason)?\s*(\d{1,3})\s*)?e(?:p|pisode)?\s*(\d{1,3})\b")
_DIGIT = re.compile(r"\d")
_SEASON_MENTION = re.compile(r"\bs(?:eason\s*)?(\d{1,3})\b|\b(\d{1,3})(?:st|nd|rd|th)? season\b")
# Typo corrections one text may try: each is a fuzzy search of the base's vocabulary, and
# 400 characters of unknown words would otherwise search it for every word.
MAX_CORRECTIONS = 3
_CORRECTION_CUTOFF = 82


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
        return "~when" in self.terms

    @property
    def names_only(self) -> bool:
        """Whether the question is nothing but names ("minjae?")."""
        return bool(self.entities) and all(term.startswith("@") for term in self.terms)

    @property
    def required(self) -> frozenset[str]:
        return self.required_concepts & self.terms.keys()

    @property
    def asks_fate(self) -> bool:
        """Whether the question is about someone's state: alive, dead, turned, bitten."""
        if "~fate" in self.terms:
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
    paraphrase_terms: dict[str, list[int]] = field(default_factory=dict)
    paraphrase_inverse: list[float] = field(default_factory=list)


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
        self._docs: list[_Doc] = []
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for position, fact in enumerate(facts):
            doc = self._make_doc(fact)
            self._docs.append(doc)
            for term, weight in doc.weights.items():
                postings[term].append((position, weight))
        total = max(1, len(facts))
        self._idf = {t: math.log(1 + total / len(p)) for t, p in postings.items()}
        self._unknown_idf = math.log(1 + total)
        # term -> {fact position: weight}
        self._postings = {term: dict(entries) for term, entries in postings.items()}
        for doc in self._docs:
            sizes = [sum(map(self._weight, terms)) for terms in doc.paraphrases]
            doc.paraphrase_inverse = [1 / size if size else 0.0 for size in sizes]
            for number, terms in enumerate(doc.paraphrases):
                for term in terms:
                    doc.paraphrase_terms.setdefault(term, []).append(number)
        self._by_id = {doc.fact.id: doc for doc in self._docs}
        self._entity_docs: dict[str, set[int]] = defaultdict(set)
        for position, doc in enumerate(self._docs):
            for entity in doc.entities:
                self._entity_docs[entity].add(position)
        self._known = sorted(w for w in vocabulary if len(w) >= 4 and w not in STOPWORDS)
        self._vocabulary: dict[int, list[str]] = {}

    def _weight(self, term: str) -> float:
        base = self._idf.get(term, self._unknown_idf)
        light = term in QUESTION_WORDS or term == SHOW_CONCEPT
        return base * _QUESTION_WORD_WEIGHT if light else base

    def _make_doc(self, fact: Fact) -> _Doc:
        weights: dict[str, float] = {}
        paraphrases: list[frozenset[str]] = []

        def add(terms: set[str], weight: float) -> None:
            for term in terms:
                weights[term] = max(weights.get(term, 0.0), weight)

        for question in fact.questions:
            terms = set(self.analyse(question, fuzzy=False).terms)
            paraphrases.append(frozenset(terms))
            add(terms, 1.0)
        terms_of_word = self._lexicon.terms_of_word
        topic_terms = {
            t for topic in fact.topics for w in topic.split("-") for t in terms_of_word(w)
        }
        add(topic_terms, 1.0)
        entities = {f"@{ref}" for ref in fact.about}
        add(entities, 1.0)
        answer = self.analyse(fact.answer, fuzzy=False)
        add(set(answer.terms) - QUESTION_WORDS, _ANSWER_WEIGHT)
        episode_weight = 1.0 if "recap" in fact.topics else 0.3
        add({f"~{fact.episode.label().lower()}"}, episode_weight)
        all_entities = frozenset(ref for ref in fact.about) | answer.entities
        return _Doc(fact, weights, paraphrases, all_entities)

    def analyse(self, text: str, *, fuzzy: bool = True) -> Query:
        """Reduce text to index terms: entity ids for names, stems and concepts for words."""
        lexicon = self._lexicon
        tokens = lexicon.words(text)
        mentions = self._names.find(tokens, fuzzy=fuzzy)
        terms: dict[str, float] = {}
        entities: set[str] = set()
        covered: set[int] = set()
        for mention in mentions:
            covered.update(range(mention.start, mention.end))
            if mention.entity == SHOW_ENTITY:
                terms[SHOW_CONCEPT] = 1.0
            else:
                entities.add(mention.entity)
                terms[f"@{mention.entity}"] = 1.0
        last_watched = False
        corrections = MAX_CORRECTIONS
        for position, token in enumerate(tokens):
            if position in covered:
                continue
            if token == LAST_WATCHED:
                last_watched = True
                continue
            token_terms = lexicon.terms_of_word(token)
            if fuzzy and token_terms:
                # "govt" means the known concept ~military; its own stem is only noise.
                known = tuple(t for t in token_terms if t in self._idf)
                if not known and corrections > 0:
                    corrections -= 1
                    known = self._correct(token)
                token_terms = known or token_terms
            for term in token_terms:
                terms[term] = 1.0
        episodes: set[tuple[int, int]] = set()
        plain = " ".join(tokens)
        if _DIGIT.search(plain):  # every mention has a number; most text has none
            for season, episode in _EPISODE_MENTION.findall(plain):
                season = season or (str(self._single_season) if self._single_season else "")
                if season:
                    episodes.add((int(season), int(episode)))
                    terms[f"~s{int(season)}e{int(episode)}"] = 1.0
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

    def search(self, query: Query, *, limit: int = _CANDIDATES) -> list[Match]:
        """Return facts ranked by how well they answer the query, best first."""
        weights = {t: w * self._weight(t) for t, w in query.terms.items()}
        total = sum(weights.values())
        if total <= 0:
            return []
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
        top = heapq.nlargest(limit, recall.items(), key=itemgetter(1))
        matches = []
        for position, found in top:
            doc = self._docs[position]
            # Precision: the share of the best-matching paraphrase that the question covers.
            shared = [0.0] * len(doc.paraphrase_inverse)
            for term, weight in weights.items():
                for number in doc.paraphrase_terms.get(term, ()):
                    shared[number] += weight
            precision = max(map(mul, shared, doc.paraphrase_inverse), default=0.0)
            # Among equally good facts, a later one usually says more about "now".
            recency = 0.02 * position / len(self._docs)
            score = 0.6 * (found / total) + 0.4 * precision + recency
            matches.append(Match(doc.fact, score, found / total, precision))
        matches.sort(key=lambda m: m.score, reverse=True)
        return matches

    def entities_of(self, fact: Fact) -> frozenset[str]:
        """Return the characters a fact is about or names."""
        return self._by_id[fact.id].entities
