"""Find what a message reveals about a show: the facts it states and the latest episode among them.

The detector reads a message the way the answering core reads a question (names, vocabulary,
typos), but looks only at its statements: a question ("did Nam-ra survive?") asks, it does not
tell, and naming someone ("Nam-ra is my fave") says nothing about what happens to them. Each
statement is matched against the whole base (a message may reveal anything), and a fact counts
only when the statement covers what is specific to it:

- a fate fact (someone's state): the statement names its subject with a fate word of the same
  sense as the fact's answer ("dies" for a death, "survives" for a survival, "is a zombie" for
  a state the show names), negation read ("doesn't make it" is a death);
- any fact: the statement covers most of one of its paraphrased questions' weight, every
  person that question names and a word that is neither a name nor a fate word, while the
  fact keeps most of the statement's own words and at least one fairly rare one;
- any fact: most of the statement's weight lies in the fact's answer, with two words in
  common that are not names (or one that no other fact uses, said of two of its people);
- a twist: one person named both by a name a later episode reveals and by another.

Words about the fan ("cute", "omg") count for nothing and wishes ("I hope...") state
nothing. Of the facts one statement tells, a later one that only repeats an earlier one is
not the reveal ("Cheong-san survives" is told at his first survival).

Knows nothing of Discord: the bot, the guard and the command line all call `detect`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from bot.core.engine import ShowEngine, ShowView
from bot.core.index import Query
from bot.core.library import Library
from bot.core.names import NameMatcher
from bot.core.progress import Progress
from bot.core.schema import Fact
from bot.core.terms import (
    FATE,
    KILL,
    LAST_WATCHED,
    QUESTION_WORDS,
    SHOW_CONCEPT,
    SHOW_ENTITY,
    entity_term,
    fact_mark,
    is_concept,
    is_entity,
    is_episode,
    is_word,
)
from bot.core.text import stem

# A finding at or above this confidence counts; a paraphrase match's confidence is the share
# of the paraphrase the statement covers. Lower catches more loosely worded spoilers and flags
# more harmless chat; higher the reverse. A missed spoiler costs a viewer the story, a false
# alarm costs a reader one click, so it sits at the low end of where false alarms stay flat.
# On tests/detector/messages.yaml (`python benchmarks/detector.py`), spoilers caught one
# episode short / harmless messages flagged: 0.89 / 0.03 at 0.3 and 0.4, 0.87 / 0.03 at 0.5,
# 0.84 / 0.03 at 0.6 and 0.7, 0.76 / 0 at 0.8, 0.37 / 0 at 0.95.
THRESHOLD = 0.4
# How sure each rule is when it fires (fate rule) or at most (the coverage rules).
FATE_CONFIDENCE = 0.9
ANSWER_CONFIDENCE = 0.85
# Share of a statement's weight that must lie in a fact's answer for the answer rule to fire
# (its confidence then grows with that share and with the words in common).
MIN_ANSWER_RECALL = 0.7
MIN_SHARED_ANSWER_WORDS = 2
# A word no other fact uses, said with two of the fact's people, may carry a statement alone,
# when it holds this share of the statement.
MIN_RARE_RECALL = 0.5
# A paraphrase match must keep this share of the statement's own words (names aside).
MIN_STATEMENT_KEPT = 0.6
# ... and words enough to say something: the weight (idf) of one fairly rare word, so "Mike
# is a good friend" (a word a dozen facts use) is not "Mike and Dustin are best friends",
# while "they kiss" (a word of three facts) still tells a kiss.
MIN_KEPT_WEIGHT = 3.5
# A paraphrase matched on one word ("who started it" in "just started ep 3") is chance.
MIN_SHARED_PARAPHRASE_TERMS = 2
# A message is cut here and reads at most this many statements: the cost per message stays
# bounded whatever is pasted (Discord's own limit is 2,000 characters, 4,000 with Nitro).
MAX_MESSAGE_CHARS = 4000
MAX_STATEMENTS = 24
_CANDIDATES = 40

# Generic English: the sense of a fate word. The index folds them all into one concept
# ("fate"), which is right for questions ("did X die" and "did X survive" ask the same) but
# not for statements, which tell one or the other.
_DEATH_WORDS = (
    "die dies died dying dead death deaths kill kills killed killing murder murders murdered "
    "perish perishes perished sacrifice sacrifices sacrificed rip destroy destroys destroyed "
    "disintegrate disintegrates disintegrated"
)
_ALIVE_WORDS = (
    "alive survive survives survived surviving survivor survivors lives living "
    "rescue rescues rescued"
)
# "Whether she is alive" says neither.
_OPEN = frozenset("whether if unclear unknown".split())
# Words about the fan, not the story: "such a good friend" tells nothing of what happens.
_OPINION = frozenset(
    (
        "good great nice cute iconic icon amazing awesome cool love loved loves lovely adore "
        "hate hated hates cry cried crying sad happy funny hilarious scary scared creepy "
        "omg lol lmao wtf ngl tbh honestly really so such very literally fave favourite "
        "favorite worst stan obsessed annoying boring beautiful gorgeous perfect"
    ).split()
)
# A wish or a wonder is no statement of what happens ("I hope they end up together").
_WISHES = frozenset("hope hoping hopefully wish wishing wonder wondering pray praying".split())
_NEGATIONS = frozenset(
    "not no never doesnt dont didnt isnt wasnt wont cant cannot arent werent nobody".split()
)
# "Makes it" folds into "survive" when the index reads it; the detector reads tokens itself.
_MAKES_IT = re.compile(r"\bmak(?:e|es|ing)\s+it\b|\bmade\s+it\b")
_QUESTION_START = frozenset(
    (
        "who whom whose what which when where why how did does do is are was were will would "
        "can could should shall has have had am isnt arent wasnt doesnt didnt wont"
    ).split()
)
_PRONOUNS = frozenset("he she they him her them his hers their theirs".split())
# "Ms. Park" is one name, not the end of a sentence.
_ABBREVIATION = re.compile(r"\b(mr|mrs|ms|dr|st|jr|sr|prof)\.", re.I)
_SENTENCE = re.compile(r"[^.!?\n;]+[.!?\n;]*")
# A later fact that tells at most this share more of a statement than an earlier one repeats it.
_SAME_TELLING = 0.1
# ... and it must be about as sure a match as the later one.
_CLOSE_CONFIDENCE = 0.05
# The index's concepts for fate words, which say what happens without saying which way.
_SENSE_CONCEPTS = frozenset({FATE, KILL})
DEATH = "death"
ALIVE = "alive"


@dataclass(frozen=True, slots=True)
class Finding:
    """One fact a message reveals, and how sure the detector is."""

    fact: Fact
    confidence: float
    rule: str  # "fate", "paraphrase", "answer" or "twist"


@dataclass(frozen=True, slots=True)
class Detection:
    """What a message reveals about one show: confident findings, latest episode first."""

    show: str
    findings: tuple[Finding, ...] = ()
    # The latest episode a statement names ("Cheong-san dies in ep 11"): a message that
    # reveals something and dates it reveals it from that episode at least.
    named: Progress | None = None

    @property
    def latest(self) -> Progress | None:
        """Return the latest episode the message reveals something from, if any."""
        if not self.findings:
            return None
        found = self.findings[0].fact.episode
        return max(found, self.named) if self.named else found

    @property
    def confidence(self) -> float:
        """Return how sure the detector is of the latest episode (0 when nothing is found)."""
        latest = self.latest
        return max((f.confidence for f in self.findings if f.fact.episode == latest), default=0.0)

    def safe_for(self, progress: Progress) -> bool:
        """Return whether a viewer at `progress` has seen everything the message reveals."""
        latest = self.latest
        return latest is None or progress.covers(latest.season, latest.episode)

    def past(self, cap: Progress) -> bool:
        """Return whether the message reveals anything after `cap`."""
        return not self.safe_for(cap)


@dataclass(frozen=True, slots=True)
class _FactTerms:
    fact: Fact
    answer: frozenset[str]
    paraphrases: tuple[frozenset[str], ...]
    subjects: frozenset[str]
    senses: frozenset[str]  # the fate senses its answer speaks of, for fate facts
    told: frozenset[str]  # the fate senses its answer speaks of, any fact
    terms: frozenset[str]  # its answer's and paraphrases' terms together


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in text.split())


_DEATH = _stems(_DEATH_WORDS)
_ALIVE = _stems(_ALIVE_WORDS)
_FATE_TERMS = _DEATH | _ALIVE | _SENSE_CONCEPTS


def sentences(text: str) -> list[str]:
    """Return the sentences of a message, spoiler bars removed."""
    text = _ABBREVIATION.sub(r"\1", text[:MAX_MESSAGE_CHARS].replace("||", " "))
    return [s for s in (s.strip() for s in _SENTENCE.findall(text)) if s]


class SpoilerDetector:
    """Match messages against one show's whole base (built once per show, then reused)."""

    def __init__(self, engine: ShowEngine) -> None:
        self.engine = engine
        self.view: ShowView = engine.full
        self._states = self.view.lexicon.states
        terms_of = self.view.lexicon.terms_of_word
        self._opinions = frozenset(t for word in _OPINION for t in terms_of(word))
        facts = [f for f in self.view.facts if f.episode.started]  # S0E0 spoils nothing
        self._facts: list[_FactTerms] = []
        frequency: Counter[str] = Counter()
        for fact in facts:
            terms = self._fact_terms(fact)
            self._facts.append(terms)
            frequency.update(terms.answer | frozenset().union(*terms.paraphrases))
        total = max(1, len(facts))
        self._idf = {t: math.log(1 + total / n) for t, n in frequency.items()}
        self._unknown_idf = math.log(1 + total)
        self._by_id = {terms.fact.id: terms for terms in self._facts}
        # A twist name ("Papa") said as another name of the same person reveals the twist.
        self._twists: dict[tuple[str, str], Fact] = {}
        raw = engine._characters  # the show file's own characters, reveals and all
        for character in raw.values():
            for number, reveal in enumerate(character.reveals):
                for name in filter(None, [reveal.name, *reveal.aliases]):
                    key = "".join(self.view.lexicon.words(name))
                    self._twists[character.id, key] = Fact(
                        id=f"reveal-{character.id}-{number + 1}",
                        episode=reveal.episode,
                        about=[character.id],
                        answer=f"{name} is {character.name}.",
                        questions=[f"who is {name}"],
                        source="character reveals",
                    )
        self._fates: dict[str, list[_FactTerms]] = {}
        for terms in self._facts:
            for subject in terms.subjects if terms.senses else ():
                self._fates.setdefault(subject, []).append(terms)

    def _fact_terms(self, fact: Fact) -> _FactTerms:
        index = self.view.index
        answer = frozenset(_content(index.analyse(fact.answer, fuzzy=False).terms))
        # An episode's recap is asked for by number ("what happens in episode 2"), which a
        # statement about episode 2 would cover without telling any of it.
        paraphrases = (
            ()
            if "recap" in fact.topics
            else tuple(
                frozenset(_content(index.analyse(q, fuzzy=False).terms)) for q in fact.questions
            )
        )
        told = self._senses(fact.answer, answer)
        senses = told if "fate" in fact.topics else frozenset()
        every = answer.union(*paraphrases)
        return _FactTerms(fact, answer, paraphrases, self._leads(fact), senses, told, every)

    def _leads(self, fact: Fact) -> frozenset[str]:
        """Return whose state a fate fact tells: its subject, else the first person it names."""
        if fact.subject is not None or len(fact.about) <= 1:
            return frozenset(fact.subjects)
        # "Wu-jin dies ... Nam-ra kills him" is Wu-jin's fate, not Nam-ra's.
        tokens = self.view.lexicon.words(fact.answer)
        mentions = [m.entity for m in self.view.names.find(tokens, fuzzy=False)]
        first = next((e for e in mentions if e in fact.about), None)
        return frozenset([first] if first else fact.about)

    def _senses(self, text: str, terms: frozenset[str] | set[str]) -> frozenset[str]:
        """Return the fate senses a text speaks of: death, alive, and the show's own states."""
        tokens = self.view.lexicon.words(_MAKES_IT.sub(" survives ", text.lower()))
        senses: set[str] = set()
        for position, token in enumerate(tokens):
            word = stem(token)
            sense = DEATH if word in _DEATH else ALIVE if word in _ALIVE else None
            if sense is None:
                continue
            before = tokens[max(0, position - 4) : position]
            if _OPEN.intersection(before):
                continue
            if any(t in _NEGATIONS for t in before[-3:]):
                sense = ALIVE if sense == DEATH else DEATH  # "doesn't survive" is a death
            senses.add(sense)
        senses.update(state for state in self._states if state in terms)
        return frozenset(senses)

    def _weight(self, term: str) -> float:
        return self._idf.get(term, self._unknown_idf)

    def _asks(self, sentence: str, tokens: list[str]) -> bool:
        """Whether a sentence asks (ends in "?", starts like a question) or only wishes."""
        if _WISHES.intersection(tokens):
            return True
        starts_like_one = bool(tokens) and tokens[0] in _QUESTION_START
        if sentence.endswith("?") and not (
            sentence.endswith(("??", "?!", "!?")) and not starts_like_one
        ):
            return True  # "the army just leaves them there??" exclaims
        if not starts_like_one:
            return False
        mentions = self.view.names.find(tokens[:3], fuzzy=False)
        return not (mentions and mentions[0].start == 0)  # "Will is found" names Will

    def detect(self, text: str) -> Detection:
        """Return what a message reveals: confident findings, latest episode first."""
        best: dict[str, Finding] = {}
        previous: frozenset[str] = frozenset()
        named: Progress | None = None
        read = 0
        for sentence in sentences(text):
            tokens = self.view.lexicon.words(sentence)
            query = self.view.index.analyse(sentence)
            entities = query.entities - {SHOW_ENTITY}
            if not entities and _PRONOUNS.intersection(tokens):
                entities = previous  # "Is Nam-ra ok? ||She turns.||": she is Nam-ra
            previous = entities or previous
            if self._asks(sentence, tokens):
                continue
            read += 1
            if read > MAX_STATEMENTS:
                break
            episodes = [Progress(s, e) for s, e in query.episodes if s and e]
            if episodes and self._within_show(max(episodes)):
                named = max([named, *episodes]) if named else max(episodes)
            for finding in self._statement(sentence, query.terms, entities):
                known = best.get(finding.fact.id)
                if known is None or finding.confidence > known.confidence:
                    best[finding.fact.id] = finding
        findings = sorted(best.values(), key=lambda f: (f.fact.episode, f.confidence), reverse=True)
        return Detection(self.engine.slug, tuple(findings), named)

    def _within_show(self, episode: Progress) -> bool:
        counts = self.engine.show.episode_counts
        return 1 <= episode.episode <= counts.get(episode.season, 0)

    def _statement(
        self, sentence: str, raw_terms: dict[str, float], entities: frozenset[str]
    ) -> list[Finding]:
        """Return the confident findings of one statement, each the earliest that tells it."""
        terms = (_content(raw_terms) - self._opinions) | {entity_term(e) for e in entities}
        words = {t for t in terms if not is_entity(t)}
        plain = {t for t in words if not is_concept(t)}
        found: list[tuple[Finding, frozenset[str]]] = self._reveals(sentence)
        if not words:
            return [f for f, _ in found]  # only names: "Nam-ra is my fave" tells nothing
        senses = self._senses(sentence, terms)
        sense_terms = {t for t in words if t in _FATE_TERMS or t in self._states}
        if senses:  # fate: the person and a fate word of the same sense
            for entity in entities:
                for fate in self._fates.get(entity, ()):
                    if senses & fate.senses:
                        person = entity_term(entity)
                        told = frozenset({person, *sense_terms}) | (terms & fate.answer)
                        found.append((Finding(fate.fact, FATE_CONFIDENCE, "fate"), told))
        query = Query({t: 1.0 for t in terms}, entities)
        total = sum(self._weight(t) for t in words)
        for match in self.view.index.search(query, limit=_CANDIDATES):
            fact = self._by_id.get(match.fact.id)
            if fact is None:
                continue
            if senses and fact.told and not senses & fact.told:
                continue  # "Will is found dead" is not told by a fact that finds him alive
            shared = frozenset(terms & fact.answer)
            coverage, matched = self._paraphrase_coverage(fact, terms)
            # Most of what the statement says must be in the fact too: "Nancy and Steve are
            # cute together" covers "did Nancy and Steve get together" but says something else.
            said = sum(self._weight(t) for t in plain)
            kept = sum(self._weight(t) for t in plain & fact.terms)
            if (
                coverage >= THRESHOLD
                and (not said or kept / said >= MIN_STATEMENT_KEPT)
                and kept >= MIN_KEPT_WEIGHT
            ):
                found.append((Finding(fact.fact, coverage, "paraphrase"), matched | shared))
            shared_words = {t for t in shared if is_word(t)}
            named = not entities or any(entity_term(e) in fact.answer for e in entities)
            rare = [t for t in shared_words if self._weight(t) >= self._unknown_idf]
            enough = len(shared_words) >= MIN_SHARED_ANSWER_WORDS
            if total and named and (enough or (rare and len(entities) >= 2)):
                recall = sum(self._weight(t) for t in shared if t in words) / total
                if recall >= MIN_ANSWER_RECALL or (rare and recall >= MIN_RARE_RECALL):
                    # Two words in common may be chance ("best friends"); four rarely are,
                    # and neither is a word only this fact uses, said of its people ("CPR").
                    sure = 1.0 if rare and len(entities) >= 2 else min(1.0, len(shared_words) / 3)
                    found.append(
                        (Finding(fact.fact, ANSWER_CONFIDENCE * recall * sure, "answer"), shared)
                    )
        confident = [(f, told) for f, told in found if f.confidence >= THRESHOLD]
        return [f for f, told in confident if not self._told_earlier(f, told, confident)]

    def _reveals(self, sentence: str) -> list[tuple[Finding, frozenset[str]]]:
        """Return the twists a statement tells: one person named by a twist name and another."""
        if not self._twists:
            return []
        tokens = self.view.lexicon.words(sentence)
        keys: dict[str, set[str]] = {}
        for mention in self.view.names.find(tokens, fuzzy=False):
            keys.setdefault(mention.entity, set()).add("".join(tokens[mention.start : mention.end]))
        found = []
        for entity, names in keys.items():
            twists = [self._twists[entity, n] for n in names if (entity, n) in self._twists]
            if twists and len(names) > len(twists):
                for fact in twists:
                    # Its own mark, so no fact about the person in general hides the twist.
                    told = frozenset({entity_term(entity), fact_mark(fact.id)})
                    found.append((Finding(fact, FATE_CONFIDENCE, "twist"), told))
        return found

    def _told_earlier(
        self,
        finding: Finding,
        told: frozenset[str],
        others: list[tuple[Finding, frozenset[str]]],
    ) -> bool:
        """Whether an earlier fact already tells what this one matched of the statement.

        "Cheong-san survives" matches every fact that has him alive; the first one reveals it,
        and later ones repeat it. A later fact stays when it tells more of the statement.
        """
        weight = sum(self._weight(t) for t in told)
        for other, other_told in others:
            if other.fact.episode >= finding.fact.episode:
                continue
            if other.confidence < finding.confidence - _CLOSE_CONFIDENCE:
                continue  # a weaker, earlier match ("almost kiss") does not tell "kiss"
            extra = sum(self._weight(t) for t in told - other_told)
            if extra <= _SAME_TELLING * weight:
                return True
        return False

    def _paraphrase_coverage(
        self, fact: _FactTerms, terms: set[str]
    ) -> tuple[float, frozenset[str]]:
        """Return the best share of a paraphrase's weight the statement covers, and its terms."""
        best, matched = 0.0, frozenset[str]()
        for paraphrase in fact.paraphrases:
            people = {t for t in paraphrase if is_entity(t)}
            if not paraphrase or not people <= terms:
                continue  # every person the question is about must be named
            shared = paraphrase & terms
            if not shared - people - _FATE_TERMS:
                continue  # "does Will die" is answered either way: the fate rule decides
            if sum(not is_concept(t) for t in shared) < MIN_SHARED_PARAPHRASE_TERMS:
                continue  # one word and its concept ("finale") is chance
            size = sum(self._weight(t) for t in paraphrase)
            coverage = sum(self._weight(t) for t in shared) / size
            if coverage > best:
                best, matched = coverage, frozenset(shared)
        return best, matched


def _content(terms: dict[str, float] | frozenset[str]) -> set[str]:
    """Keep the terms that say something: no question words, numbers or the show's title."""
    return {
        t
        for t in terms
        if t not in QUESTION_WORDS
        and t not in (SHOW_CONCEPT, LAST_WATCHED)
        and not is_episode(t)
        and not t.isdigit()
    }


@lru_cache(maxsize=64)
def detector_for(engine: ShowEngine) -> SpoilerDetector:
    """Return the detector of a show, built on first use."""
    return SpoilerDetector(engine)


def detect(engine: ShowEngine, text: str) -> Detection:
    """Return what a message reveals about a show."""
    return detector_for(engine).detect(text)


@lru_cache(maxsize=16)
def _titles(library: Library) -> NameMatcher:
    return NameMatcher({e.slug: [e.show.title, *e.show.aliases] for e in library.shows.values()})


def show_of_message(library: Library, text: str, default: ShowEngine) -> ShowEngine:
    """Return the show a message is about: `default`, unless it names another show's title."""
    return shows_of_message(library, text, default)[0]


def shows_of_message(library: Library, text: str, default: ShowEngine) -> list[ShowEngine]:
    """Return the shows a message may be about, the one it is about first.

    That is the show it names when it names another, else `default`; `default` is always
    among them, so a stray word that spells a title ("St Louis" and a show called "ST") never
    lets a spoiler of the default show through.
    """
    titles = _titles(library)
    tokens = default.full.lexicon.words(text[:MAX_MESSAGE_CHARS].replace("||", " "))
    named = list(dict.fromkeys(m.entity for m in titles.find(tokens, fuzzy=False)))
    if default.slug in named or not named:
        return [default, *(library.shows[s] for s in named if s != default.slug)]
    return [*(library.shows[s] for s in named), default]
