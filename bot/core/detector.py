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
- an event: the core ranks the fact first (or nearly) for the statement, which names one
  of its people (or, naming nobody, shares two words with it) and says what happens in
  words of the fact that carry weight, each word once (light words such as "say" or "end"
  aside), and naming two or more of them says who did it to whom, which weighs too ("X
  saves Y" needs less than "X saves"); a statement that only describes someone ("X is a
  good friend") needs two;
- a twist: one person named both by a name a later episode reveals and by another, or by a
  description a fact is asked by ("who is patient zero") and by another name or as someone's
  kin ("patient zero is her own son").

A message is read as statements about people: emoji, " = " and ", and then ..." end one;
"she", "the poor girl" mean whom the sentence before (or after) names; a role only one
character has describes them ("the ex-delinquent"); fans' words become the base's
("grilling" is questioning, "goes down" dies), and Korean words English ones, names
written in Hangul found by their romanised spelling (bot/core/lang/detector.yaml). A
question that asserts ("is it true X dies?", "why did X kill Y?") states what it asserts;
a guess ("i bet", "theory:") states nothing. In a fate, who kills is not who dies, a
plain survival ("X makes it out alive") is the latest one, and a fact saying something
almost happened does not tell that it did.

Words about the fan ("cute", "omg"), the cast's names, where the fan is ("just started
ep 3"), what someone has by their names ("X with the bow", as "the girl with the bow" names
her) and a scene named by what is in it ("the basement scene is so wholesome") count for
nothing; wishes ("I hope..."), feelings ("i feel like"), what would be and
tag questions ("..., right?") state nothing, while openers ("wait, is it true...") and a
clause after "when" or "how" with no question mark ("when X stabbed Y i screamed") do not
stop a sentence stating. "and" or "but" before someone else's name and what they do starts
a new statement, and so does "while" before any name. A statement that describes people (a
copula after their names) tells an event only in two words of the fact's answer, not in
words of what they are to each other ("best friends"). In Korean, a name said with 한테/에게
before a passive verb is who does it. Who the people of the first episode are and who plays
them is the premise, never a reveal.
Of the facts one statement tells, a later one that only repeats an earlier one is not the
reveal ("Nam-ra is bitten" is told at her bite, not at every state that follows).

Knows nothing of Discord: the bot, the guard and the command line all call `detect`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from bot.core.characters import HAVING, best_described, describe_by_role
from bot.core.derived import is_profile, profile_fact_id
from bot.core.engine import ShowEngine, ShowView
from bot.core.index import Query
from bot.core.library import Library
from bot.core.names import Mention, NameMatcher, english_words
from bot.core.progress import Progress
from bot.core.schema import Character, Fact
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
    is_word,
)
from bot.core.text import (
    PERSON_NOUNS,
    RELATION_WORDS,
    STOPWORDS,
    WORD_CACHE_ENTRIES,
    is_hangul,
    stem,
    strip_particle,
    without_name_suffix,
)

# A finding at or above this confidence counts; a paraphrase match's confidence is the share
# of the paraphrase the statement covers. Lower catches more loosely worded spoilers and flags
# more harmless chat; higher the reverse. A missed spoiler costs a viewer the story, a false
# alarm costs a reader one click, so it sits at the low end of where false alarms stay flat.
# Spoilers caught one episode short / harmless messages flagged (`python benchmarks/detector.py`)
# on tests/detector/messages.yaml, blind-messages.yaml and blind-messages-2.yaml (the blind
# ones tuned on since their first reading):
#   0.3 to 0.45   0.97 / 0.03   1.00 / 0   0.99 / 0
#   0.5           0.97 / 0.03   0.99 / 0   0.93 / 0
#   0.6           0.95 / 0.03   0.96 / 0   0.87 / 0
#   0.7           0.95 / 0      0.94 / 0   0.79 / 0
#   0.8           0.87 / 0      0.89 / 0   0.68 / 0
THRESHOLD = 0.4
# How sure each rule is when it fires (fate rule) or at most (the coverage rules).
FATE_CONFIDENCE = 0.9
# The event rule: a statement that names a fact's people and says what happens in its words.
EVENT_CONFIDENCE = 0.8
EVENT_RANKS = 3
EVENT_MARGIN = 0.1
MIN_EVENT_WEIGHT = 3.0
MIN_EVENT_PRECISION = 0.3
MIN_UNNAMED_SHARE = 0.5
# ... and naming nobody, more weight than a word or two anyone might say ("the government
# is worse than the zombies").
MIN_UNNAMED_WEIGHT = 6.0
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
# ... and covering a question of how or why it happened is less sure: the fact tells the
# cause, which may come before the event the statement tells.
EXPLAINED = 0.8
# A message is cut here and reads at most this many statements: the cost per message stays
# bounded whatever is pasted (Discord's own limit is 2,000 characters, 4,000 with Nitro).
MAX_MESSAGE_CHARS = 4000
MAX_STATEMENTS = 24
_CANDIDATES = 12

# Generic English: the sense of a fate word. The index folds them all into one concept
# ("fate"), which is right for questions ("did X die" and "did X survive" ask the same) but
# not for statements, which tell one or the other.
_DEATH_WORDS = (
    "die dies died dying dead death deaths kill kills killed killing murder murders murdered "
    "perish perishes perished sacrifice sacrifices sacrificed destroy destroys destroyed "
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
_NEARLY = frozenset("almost nearly".split())
# Said of anyone in a show, as a person noun is: "the main character" is whom "main" fits.
_CHARACTER = frozenset("character characters".split())
_QUOTED_FIRST = re.compile(r"""\s*(['"\u2018\u201c])[^'"\u2019\u201d]{3,}['"\u2019\u201d]\s+\w""")
# Killing words: the one who kills is not the one who dies.
_KILLING = frozenset(stem(w) for w in "kill kills killed killing murder murders murdered".split())
_PASSIVE = frozenset("is are was were be been being get gets got getting".split())
_COPULAS = frozenset("is are was were".split())
# The verbs a question puts before its subject ("how did Will die", "why hasn't she turned").
_AUXILIARY_VERBS = frozenset(
    (
        "did does do is are was were has have had can could would should will shall must "
        "didnt doesnt dont isnt arent wasnt werent hasnt havent hadnt cant couldnt wouldnt "
        "shouldnt wont mustnt aint"
    ).split()
)
_AUXILIARIES = _PASSIVE | frozenset("has have had already also then soon later".split())
_LISTING = frozenset("and & n or".split())
_DETERMINERS = frozenset("the a an her his their my our your its".split())
_JOINS = frozenset("and but".split())
# Said before a relation word, they make it someone's kin ("her own son").
_KIN_OF = frozenset("his her their its my our your own".split())
# A description the show lists as a name ("the bald girl") may be said with another of these
# or a word more ("a hungry bald girl"), when it is "the" and two words at least.
_LOOSE_DETERMINERS = frozenset("the a an that this".split())
_LOOSE_SPAN = 3
# ... and words that always start a clause of their own ("X was on the roof while Y ...").
_SUBORDINATORS = frozenset("while whilst whereas".split())
_CLAUSE_STARTS = _JOINS | _SUBORDINATORS


def _language() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        files("bot.core.lang").joinpath("detector.yaml").read_text(encoding="utf-8")
    )
    return data


# The detector's own language (bot/core/lang/detector.yaml): fans' words for events, lead-ins
# that make a question assert, guesses, and Korean word stems. Only the detector reads it.
_LANG = _language()
_SYNONYMS: dict[str, str] = _LANG["synonyms"]
# Each phrase with the words it needs, so a sentence without them is not searched for it.
_PHRASES = [
    (re.compile(rule["pattern"]), f" {rule['as']} ", tuple(rule["needs"]))
    for rule in _LANG["phrases"]
]
_LEAD_INS = [tuple(map(str, words)) for words in _LANG["lead_ins"]]
_PRESUPPOSING = frozenset(_LANG["presupposing"])
_PRESUPPOSING_VERBS = frozenset(_LANG["presupposing_verbs"])
_OPEN_QUESTIONS = frozenset(_LANG["open_questions"])
_PRESENT_ASKS = frozenset(_LANG["present_asks"])
_PRESENT_VERBS = frozenset(_LANG["present_verbs"])
_STATIVE = frozenset(_LANG["stative_verbs"])
_WHERE_ASKS = frozenset(_LANG["where_asks"])
_WHERE_VERBS = frozenset(_LANG["where_verbs"])
_FAN_WORDS = frozenset(_LANG["fan_words"])
# Read as the words of a sentence are, with fan words dropped ("trust me bro").
_GUESSES: dict[str, list[tuple[str, ...]]] = {}
for _words in _LANG["guesses"]:
    _guess = tuple(str(w) for w in _words if w not in _FAN_WORDS)
    _GUESSES.setdefault(_guess[0], []).append(_guess)
_OPENERS = frozenset(_LANG["openers"])
_TAGS = frozenset(_LANG["tag_questions"])
_KOREAN: dict[str, Any] = _LANG["korean"]
_KOREAN_PREFIXES = sorted(_KOREAN["prefixes"].items(), key=lambda item: -len(item[0]))
_STATEMENT_END = re.compile(
    "("
    + "|".join(sorted(map(re.escape, _KOREAN["statement_endings"]), key=len, reverse=True))
    + r")(?=\s)"
)
_TITLES = sorted(map(str, _KOREAN["titles"]), key=len, reverse=True)
# Said after the one who does what a passive verb tells ("귀남이한테 물렸어", bitten by Gwi-nam):
# read as "by" after the name.
_AGENT_PARTICLES = tuple(_KOREAN["agent_particles"])
_BY = "by"
_MODALS = _LANG["modals"]
# Words the detector reads as others, or not at all.
_REWORDED = _FAN_WORDS | frozenset(_SYNONYMS) | frozenset(_MODALS)
_MODAL_BEFORE = frozenset(_LANG["modal_before"])
_MODAL_AFTER = frozenset(_LANG["modal_after"])
_MODAL_ADVERBS = frozenset(_LANG["modal_adverbs"])
_LATEST = frozenset(_LANG["latest_words"])
_LATEST_STEMS = frozenset(stem(word) for word in _LATEST)
_RELATIONS = frozenset(map(str, _LANG["relation_words"]))
_SLANG = [(re.compile(rule["pattern"]), tuple(rule["needs"])) for rule in _LANG["slang"]]
_LIGHT = frozenset(stem(word) for word in _LANG["light_words"])
_TIES = frozenset(_LANG["tie_words"])
_SCENE_WORDS = frozenset(_LANG["scene_words"])
_SCENE_CLAUSES = frozenset(_LANG["scene_clauses"])
_SCENE_STARTS = frozenset(_LANG["scene_starts"])
# The most words between "the" and "scene" read as naming the scene.
_SCENE_SPAN = 4
# Emoji, arrows and " = " end a statement as a full stop does ("X saves Y 🥹 my boy ...").
_SYMBOLS = re.compile(r"[\u2190-\u2bff\U0001f000-\U0001faff]+|\s=+\s")
# "... and then the door is locked": a new clause, whoever it is about.
_NEW_CLAUSE = re.compile(
    r",?\s+(?:and|but)\s+(?=(?:then|it|its|he|she|they|we|i)\b)"
    # "..., props to the kids for ...": the fan's praise, a sentence of its own.
    r"|,\s+(?=(?:props|kudos|shout ?outs?|respect)\s+(?:to|for)\b)",
    re.I,
)
# Hangul syllables in Latin letters (Revised Romanisation), so a name written in Hangul is
# found by its romanised spelling ("경수" -> "gyeongsu") when the show lists only that.
_INITIALS = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_MEDIALS = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_FINALS = ["", *"k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()]
_SYLLABLES = (0xAC00, 0xD7A3)
# A role word that names a person alone ("the archer"), not only before a person noun.
_AGENT = re.compile(r"(?:er|or|ist|ent|ant|ian)$")
# "Ms. Park" is one name, not the end of a sentence.
_ABBREVIATION = re.compile(r"\b(mr|mrs|ms|dr|st|jr|sr|prof)\.", re.I)
_SENTENCE = re.compile(r"[^.!?\n;]+[.!?\n;]*")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_EPISODE_TERM = re.compile(r"^~s\d+e\d+$")
# A question asking who someone named so is ("who is patient zero").
_ASKED_WHO = re.compile(r"^who (?:is|was) (.+?)\??$")
# A later fact that tells at most this share more of a statement than an earlier one repeats it.
_SAME_TELLING = 0.1
# ... and it must be about as sure a match as the later one.
_CLOSE_CONFIDENCE = 0.05
# The index's concepts for fate words, which say what happens without saying which way.
_SENSE_CONCEPTS = frozenset({FATE, KILL})
_FIRST = Progress(1, 1)
DEATH = "death"
ALIVE = "alive"


@dataclass(frozen=True, slots=True)
class Finding:
    """One fact a message reveals, and how sure the detector is."""

    fact: Fact
    confidence: float
    rule: str  # "fate", "paraphrase", "answer", "event" or "twist"


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
        """Return how sure the detector is of the latest episode (0 when nothing is found).

        That is how sure it is of the latest finding, whose episode the message may date
        later ("Papa is Brenner, in episode 4").
        """
        if not self.findings:
            return 0.0
        latest = self.findings[0].fact.episode
        return max(f.confidence for f in self.findings if f.fact.episode == latest)

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
    nearly: frozenset[str]  # terms it says almost happened ("they almost kiss")


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in text.split())


# ... and ones said only as the whole word: "rip" is a death, "a ripped shirt" none.
_DEATH_SAID = frozenset({"rip"})
_DEATH = _stems(_DEATH_WORDS)
_ALIVE = _stems(_ALIVE_WORDS)
_FATE_TERMS = _DEATH | _DEATH_SAID | _ALIVE | _SENSE_CONCEPTS


def _rank(finding: Finding) -> tuple[float, str]:
    return round(finding.confidence, 9), finding.rule


def sentences(text: str) -> list[str]:
    """Return the sentences of a message, spoiler bars removed."""
    text = _ABBREVIATION.sub(r"\1", text[:MAX_MESSAGE_CHARS].replace("||", " "))
    text = _STATEMENT_END.sub(r"\1.", _NEW_CLAUSE.sub("\n", _SYMBOLS.sub("\n", text)))
    return [s for s in (s.strip() for s in _SENTENCE.findall(text)) if s]


class SpoilerDetector:
    """Match messages against one show's whole base (built once per show, then reused)."""

    def __init__(self, engine: ShowEngine) -> None:
        self.engine = engine
        self.view: ShowView = engine.full
        self._states = self.view.lexicon.states
        terms_of = self.view.lexicon.terms_of_word
        self._opinions = frozenset(t for word in _OPINION for t in terms_of(word))
        raw = engine._characters  # the show file's own characters, reveals and all
        # S0E0 spoils nothing; a profile says who someone is when first seen, before any reveal.
        facts = [_first_seen(f, raw) for f in self.view.facts if f.episode.started]
        self._facts: list[_FactTerms] = []
        frequency: Counter[str] = Counter()
        for fact in facts:
            terms = self._fact_terms(fact)
            self._facts.append(terms)
            frequency.update(terms.answer | frozenset().union(*terms.paraphrases))
        self._premise = frozenset(f.id for f in facts if _premise(f))
        total = max(1, len(facts))
        self._idf = {t: math.log(1 + total / n) for t, n in frequency.items()}
        self._unknown_idf = math.log(1 + total)
        # The cast's names ("Winona Ryder"): the names the premise's making-of facts spell
        # with a capital that no fact of the story uses say nothing of the story, like "omg".
        story = frozenset().union(
            *(terms.terms for terms in self._facts if terms.fact.kind != "making")
        )
        cast = {
            term
            for terms in self._facts
            if terms.fact.kind == "making" and _premise(terms.fact)
            for word in _CAPITALISED.findall(terms.fact.answer)
            if not self._is_name(word.lower())  # the characters they play
            for term in terms_of(word.lower())
        }
        self._unsaid = self._opinions | {t for t in cast - story if is_word(t)}
        self._by_id = {terms.fact.id: terms for terms in self._facts}
        # Each paraphrase with the people it names, its weight and whether it asks a fate,
        # worked out once.
        # A question asking how or why something happened is answered by its cause, which
        # may come before it ("how did X become a half zombie": the bite, episodes earlier).
        self._paraphrase_info = {
            terms.fact.id: [
                (
                    p,
                    frozenset(t for t in p if is_entity(t)),
                    sum(map(self._weight, p)),
                    not _FATE_TERMS.isdisjoint(p),
                    EXPLAINED if question.split()[:1] in (["how"], ["why"]) else 1.0,
                )
                for p, question in zip(terms.paraphrases, terms.fact.questions, strict=False)
                if p
            ]
            for terms in self._facts
        }
        # A twist name ("Papa") said as another name of the same person reveals the twist.
        self._twists: dict[tuple[str, str], Fact] = {}
        self._twist_tokens: set[str] = set()  # the first words of twist names
        # Who each character is (the fact derived from the character list).
        self._profiles = {
            f.about[0]: f
            for f in facts
            if len(f.about) == 1 and {"who", "character"} <= set(f.topics) and f.questions
        }
        for character in raw.values():
            for number, reveal in enumerate(character.reveals):
                for name in filter(None, [reveal.name, *reveal.aliases]):
                    key = "".join(self.view.lexicon.words(name))
                    self._twist_tokens.update(self.view.lexicon.words(name)[:1])
                    self._twists[character.id, key] = Fact(
                        id=f"reveal-{character.id}-{number + 1}",
                        episode=reveal.episode,
                        about=[character.id],
                        answer=f"{name} is {character.name}.",
                        questions=[f"who is {name}"],
                        source="character reveals",
                    )
        # A description someone is asked after by ("who is patient zero") said as another of
        # their names, or as someone's kin ("patient zero is her own son"), tells the fact
        # that answers it; a name of theirs ("who is Ha-ri") is no description.
        self._asked_who: dict[tuple[str, str], Fact] = {}
        for fact in sorted(facts, key=lambda f: f.episode):
            if is_profile(fact):
                continue
            for question in fact.questions:
                asked = _ASKED_WHO.match(question.lower())
                if asked is None:
                    continue
                tokens = self.view.lexicon.words(asked.group(1))
                mentions = self.view.names.find(tokens, fuzzy=False)
                if len(mentions) != 1 or mentions[0].end - mentions[0].start != len(tokens):
                    continue
                person = raw.get(mentions[0].entity)
                if person is not None and _is_description(asked.group(1), person.name):
                    self._asked_who.setdefault((person.id, "".join(tokens)), fact)
                    self._twist_tokens.update(t for t in tokens if t not in STOPWORDS)
        self._fates: dict[str, list[_FactTerms]] = {}
        for terms in self._facts:
            for subject in terms.subjects if terms.senses else ():
                self._fates.setdefault(subject, []).append(terms)
        # A description says whom it means by a word only that person's role uses ("the
        # archer girl", "the ex-delinquent"): role words -> the one character they fit. A
        # light word fits anyone ("the main character" is a role; "the best character" no one).
        roles: dict[str, set[str]] = {}
        for character in raw.values():
            first = character.role.split(". ")[0]
            for term in _content(self.view.index.analyse(first, fuzzy=False).terms):
                if is_word(term) and term not in self._opinions and term not in _LIGHT:
                    roles.setdefault(term, set()).add(character.id)
        self._described = {t: next(iter(ids)) for t, ids in roles.items() if len(ids) == 1}
        # What someone has by their names ("the girl with the bow": bow) says who she is,
        # not what happens: "X with the bow is iconic" tells no event of hers.
        self._look: dict[str, frozenset[str]] = {}
        for character in raw.values():
            looks = (
                term
                for name in character.names
                if HAVING in (words := self.view.lexicon.words(name))
                for word in words
                if word not in STOPWORDS and word not in PERSON_NOUNS and not self._is_name(word)
                for term in self.view.lexicon.terms_of_word(word)
            )
            self._look[character.id] = frozenset(looks)
        self._korean: dict[str, str] = {}
        # Words that are read as others and are also words of a name of several words
        # ("bestie" in "On-jo's bestie"), and whether such a name is written in Hangul.
        several = [
            words
            for character in raw.values()
            for name in character.names
            if len(words := self.view.lexicon.words(name)) > 1
        ]
        self._reworded_in_names = _REWORDED.intersection(w for words in several for w in words)
        self._hangul_names = any(is_hangul(w) for words in several for w in words)
        self._name_starts = frozenset(
            words[0]
            for character in raw.values()
            for name in character.names
            if (words := self.view.lexicon.words(name))
        )
        # The words after "the" of the descriptions the show lists as names, that may be said
        # loosely ("the bald girl": "bald"; see `_loosely_named`).
        self._loose_starts = frozenset(
            words[1]
            for character in raw.values()
            for name in character.names
            if len(words := self.view.lexicon.words(name)) >= _LOOSE_SPAN and words[0] == "the"
        )
        # The names each statement of the message being read spells (see `_mentions`).
        self._found: dict[tuple[str, ...], list[Mention]] = {}
        # Verbs that are also someone's name ("will"): said as a verb, they name nobody.
        self._modal_names = frozenset(m for m in _MODALS if self._is_name(m))
        english_words()  # the word list typo correction reads: loaded now, not at a message

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
        told = self._text_senses(fact.answer, answer)
        # A fate fact's state is its first sentence when that says one: "X is alive. He
        # walks in on a murder" is no death of X.
        first = fact.answer.split(". ")[0]
        stated = self._text_senses(first, _content(index.analyse(first, fuzzy=False).terms))
        subjects = self._leads(fact)
        senses = (stated or told) if "fate" in fact.topics else frozenset()
        if stated and "fate" in fact.topics:
            # ... and what the rest says happens to them: "X dies. Once Y has bitten him, ..."
            senses |= self._later_states(fact.answer[len(first) :], subjects)
        every = answer.union(*paraphrases)
        nearly = self._nearly(fact.answer)
        return _FactTerms(fact, answer, paraphrases, subjects, senses, told, every, nearly)

    def _later_states(self, text: str, subjects: frozenset[str]) -> frozenset[str]:
        """Return the show's states a fate fact's later sentences give its subject.

        A state word's patient is the person or pronoun just after it ("has bitten him",
        "bites Nam-ra"), else the one before it ("he is bitten", "she turns"); in a fact
        about someone, a pronoun means them, unless another is named before it ("she calls
        out to Gyeong-su, not realising he has turned"). "She kills a zombie" gives her no
        state.
        """
        found: set[str] = set()
        for sentence in text.split(". "):
            tokens = self.view.lexicon.words(sentence)
            mentions = self.view.names.find(tokens, fuzzy=False)
            starts = {m.start: m.entity for m in mentions}
            ends = {m.end: m.entity for m in mentions}
            for position, token in enumerate(tokens):
                states = self._states.intersection(self.view.lexicon.terms_of_word(token))
                if not states:
                    continue
                after = position + 1
                patient = starts.get(after) or (
                    "" if after < len(tokens) and tokens[after] in _PRONOUNS else None
                )
                if patient is None:
                    before = position
                    while before and tokens[before - 1] in _AUXILIARIES:
                        before -= 1
                    pronoun = before and tokens[before - 1] in _PRONOUNS
                    others = any(m.end < before and m.entity not in subjects for m in mentions)
                    patient = ends.get(before) or ("" if pronoun and not others else None)
                if patient == "" or patient in subjects:
                    found |= states
        return frozenset(found)

    def _nearly(self, text: str) -> frozenset[str]:
        """Return the terms a text says almost happened: the words just after "almost"."""
        tokens = self.view.lexicon.words(text)
        found: set[str] = set()
        for position, token in enumerate(tokens):
            if token in _NEARLY:
                for word in tokens[position + 1 : position + 3]:
                    found.update(self.view.lexicon.terms_of_word(word))
        return frozenset(found)

    def _leads(self, fact: Fact) -> frozenset[str]:
        """Return whose state a fate fact tells: its subject, else the first person it names."""
        if fact.subject is not None or len(fact.about) <= 1:
            return frozenset(fact.subjects)
        # "Wu-jin dies ... Nam-ra kills him" is Wu-jin's fate, not Nam-ra's.
        tokens = self.view.lexicon.words(fact.answer)
        mentions = [m.entity for m in self.view.names.find(tokens, fuzzy=False)]
        first = next((e for e in mentions if e in fact.about), None)
        return frozenset([first] if first else fact.about)

    def _text_senses(self, text: str, terms: frozenset[str] | set[str]) -> frozenset[str]:
        """Return the fate senses a fact's text speaks of."""
        return self._senses(
            self.view.lexicon.words(_MAKES_IT.sub(" survives ", text.lower())), terms
        )

    def _senses(self, tokens: list[str], terms: frozenset[str] | set[str]) -> frozenset[str]:
        """Return the fate senses words speak of: death, alive, and the show's own states."""
        senses: set[str] = set()
        for position, sense in enumerate(map(_sense_of, tokens)):
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
        # A line quoted first ("'should i stay or should i go' crackling out of the radio")
        # is what someone says or sings, not the fan's question.
        starts_like_one = (
            bool(tokens) and tokens[0] in _QUESTION_START and not _QUOTED_FIRST.match(sentence)
        )
        if _asked(sentence) and not (_exclaimed(sentence) and not starts_like_one):
            return True  # "the army just leaves them there??" exclaims
        if _asked(sentence) and tokens and tokens[-1] in _TAGS:
            return True  # "... is endgame, right??" asks whether it is
        if not starts_like_one:
            return False
        mentions = self.view.names.find(tokens[:3], fuzzy=False)
        return not (mentions and mentions[0].start == 0)  # "Will is found" names Will

    def _read(self, sentence: str) -> tuple[list[str], bool]:
        """Return a sentence's words as the base would word them, and whether they are its own.

        Fans' words for events become the base's ("grilling" -> "questions"), Korean word
        stems English words, and a Korean name loses the suffix said after it ("귀남이가").
        """
        lower = sentence.lower().replace("\u2019", "'")
        text = lower
        for pattern, needs in _SLANG:
            for need in needs:  # plain loops: a generator per pattern cost as much again
                if need in text:
                    text = pattern.sub(" ", text)
                    break
        for pattern, phrased, needs in _PHRASES:
            for need in needs:
                if need in text:
                    text = pattern.sub(phrased, text)
                    break
        # Unchanged, the sentence is split once: the index reads it again from the cache.
        split = tokens = self.view.lexicon.words(sentence if text == lower else text)
        if not _RELATIONS.isdisjoint(tokens):
            tokens = self._relation_first(tokens)
        # A name of more than one word keeps its words ("On-jo's bestie", "온조 아빠가").
        kept: set[int] = set()
        if not self._reworded_in_names.isdisjoint(tokens) or (
            self._hangul_names and any(map(is_hangul, tokens))
        ):
            for mention in self.view.names.find(tokens, fuzzy=False):
                if mention.end - mention.start > 1:
                    kept.update(range(mention.start, mention.end))
        read: list[str] = []
        for position, token in enumerate(tokens):
            if position in kept:
                read.append(token)
                continue
            if token in _FAN_WORDS:
                continue
            if token in self._modal_names and self._is_modal(tokens, position):
                read.append(_MODALS[token])  # "his mom will do anything" names nobody
                continue
            word = self._hangul(token) if is_hangul(token) else _SYNONYMS.get(token, token)
            read.extend(word.split())
        if not _SCENE_WORDS.isdisjoint(read):
            read = _unnamed_scenes(read)
        return read, text == lower and read == split

    def _relation_first(self, tokens: list[str]) -> list[str]:
        """Return a sentence's words with a word said inside a name through a relation after it.

        "On-jo's brave dad" is "On-jo's dad", who is brave: the name the show lists
        ("On-jo's dad") is read as a name, and the word between stays a word of the sentence.
        """
        mentions = self._mentions(tokens)
        ends = {m.end: m for m in mentions}
        named = {i for m in mentions for i in range(m.start, m.end)}
        for position, token in enumerate(tokens):
            if token not in _RELATIONS or position in named:
                continue
            for between in (1, 2):
                mention = ends.get(position - between)
                words = tokens[position - between : position]
                if mention is None or any(
                    w in STOPWORDS or w in _RELATIONS or i in named
                    for i, w in enumerate(words, position - between)
                ):
                    continue
                span = [*tokens[mention.start : mention.end], token]
                found = self.view.names.find(span, fuzzy=False)
                if len(found) == 1 and (found[0].start, found[0].end) == (0, len(span)):
                    return [
                        *tokens[: mention.end],
                        token,
                        *words,
                        *self._relation_first(tokens[position + 1 :]),
                    ]
        return tokens

    def _opened(self, tokens: list[str]) -> list[str]:
        """Return a sentence's words after the openers said before it ("ok so wait, ...").

        A word that starts a name is no opener ("So-ju gets bitten").
        """
        start = 0
        while start < len(tokens) - 1 and tokens[start] in _OPENERS:
            head = self.view.names.find(tokens[start : start + 4], fuzzy=False)
            if head and head[0].start == 0:
                break
            start += 1
        return tokens[start:] if start else tokens

    def _is_modal(self, tokens: list[str], position: int) -> bool:
        """Whether a name that is also a verb ("will") is said as the verb here.

        It is after a pronoun ("they will find him") or before a verb's plain form or an
        adverb ("his mom will do anything", "she will never"); a name is before a verb's
        inflected form ("Will is found", "Will dies"), after the verb acting on it, and after
        an auxiliary asking about it ("how did Will die"). After an adverb, a verb's "-ing"
        form is what the name does ("Will still missing a week on"), not a verb's.
        """
        before = tokens[position - 1] if position else ""
        after = tokens[position + 1] if position + 1 < len(tokens) else ""
        if before in _AUXILIARY_VERBS:
            return False
        if before in _MODAL_BEFORE:
            return True
        if after in _MODAL_ADVERBS and position + 2 < len(tokens):
            return not tokens[position + 2].endswith("ing")
        return after in _MODAL_AFTER

    def _pauses(self, sentence: str, tokens: list[str]) -> frozenset[int]:
        """Return the positions of the words that follow a comma ("X scratched, Y ...")."""
        if "," not in sentence:
            return frozenset()
        pauses, position = set(), 0
        for part in sentence.split(",")[:-1]:
            position += len(self._read(part)[0])
            pauses.add(position)
        return frozenset(p for p in pauses if p < len(tokens))

    def _hangul(self, token: str) -> str:
        known = self._korean.get(token)
        if known is not None:
            return known
        base = strip_particle(token)
        word = token
        bare = without_name_suffix(base)
        if bare == base:
            bare = ""  # no suffix to drop
        if self._is_name(base):
            word = base
        elif bare and self._is_name(bare):
            word = bare
        elif self._is_name(_romanised(base)):
            word = _romanised(base)
        elif bare and self._is_name(_romanised(bare)):
            word = _romanised(bare)
        elif titled := self._titled(base):
            word = titled  # "박선생님": the name written "박쌤"
        else:
            for prefix, english in _KOREAN_PREFIXES:
                # A one-syllable stem is a whole word only: "문" (door) starts 문제 too.
                if base == prefix or (len(prefix) > 1 and base.startswith(prefix)):
                    word = english
                    break
        if word != token and token.endswith(_AGENT_PARTICLES) and self._is_name(word):
            word += f" {_BY}"  # "귀남이한테 물렸어": bitten by Gwi-nam
        if len(self._korean) < 4096:
            self._korean[token] = word
        return word

    def _titled(self, word: str) -> str:
        """Return a Korean name said with a title, as the show writes it with another ("박쌤")."""
        title = next((t for t in _TITLES if word.endswith(t) and len(word) > len(t)), None)
        if title is None:
            return ""
        surname = word[: -len(title)]
        return next((surname + t for t in _TITLES if self._is_name(surname + t)), "")

    def _may_start_name(self, token: str) -> bool:
        """Whether a word may start a name: a first word of one, or a Hangul word."""
        return token in self._name_starts or is_hangul(token)

    def _mentions(self, tokens: list[str]) -> list[Mention]:
        """Return the names a statement's words spell: several rules ask, once a message."""
        key = tuple(tokens)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self.view.names.find(tokens, fuzzy=False)
        return found

    def _is_name(self, word: str) -> bool:
        return bool(word) and bool(self.view.names.find([word], fuzzy=False))

    def _descriptions(self, tokens: list[str]) -> set[str]:
        """Return the people a statement describes by their role ("the archer girl")."""
        found = self._loosely_named(tokens)
        for position, token in enumerate(tokens):
            if token != "the":
                continue
            words = tokens[position + 1 : position + 4]
            for number, word in enumerate(words):
                if word in PERSON_NOUNS or word in STOPWORDS:
                    break
                person = self._described.get(stem(word))
                following = words[number + 1] if number + 1 < len(words) else ""
                if person and (
                    following in PERSON_NOUNS or following in _CHARACTER or _AGENT.search(word)
                ):
                    found.add(person)
                    break
        if not found and not PERSON_NOUNS.isdisjoint(tokens):
            person = self._described_by_role(tokens)
            if person:
                found.add(person)
        return found

    def _loosely_named(self, tokens: list[str]) -> set[str]:
        """Return the people a statement names by a description the show lists, said loosely.

        "the bald girl" said with another determiner or a word more ("a hungry bald girl",
        "that bald girl") still means her. A name of a word after "the" ("the archer") is too
        slight to be said so.
        """
        found: set[str] = set()
        for position, token in enumerate(tokens):
            if token not in _LOOSE_DETERMINERS:
                continue
            for skip in (0, 1) if token != "the" else (1,):
                start = position + 1 + skip
                if start >= len(tokens) or tokens[start] not in self._loose_starts:
                    continue
                if skip and tokens[start - 1] in STOPWORDS:
                    continue
                span = ["the", *tokens[start : start + self.view.names.max_span]]
                mentions = self.view.names.find(span, fuzzy=False)
                if mentions and mentions[0].start == 0 and mentions[0].end >= _LOOSE_SPAN:
                    found.add(mentions[0].entity)
                    break
        return found

    def _described_by_role(self, tokens: list[str]) -> str | None:
        """Return whom a description fits as the answering core reads it ("the virus guy").

        The description's qualifiers are matched against who each character is (their role,
        names and profiles); it means someone only when one character fits clearly best.
        """
        found = describe_by_role(tokens, frozenset())
        if found is None:
            return None
        qualifying = [t for t in found[0] if t not in PERSON_NOUNS and t not in RELATION_WORDS]
        qualifiers = set(self.view.index.analyse(" ".join(qualifying), fuzzy=False).terms)
        qualifiers -= self._opinions  # "the funny guy" may be a role; "the cute guy" is not
        if not qualifiers:
            return None
        policy = self.view.policy
        return best_described(
            qualifiers, self.view._roles(), qualifiers, policy.role_recall, policy.role_margin
        )

    def _statement_of(self, tokens: list[str], sentence: str) -> list[str] | None:
        """Return the words a sentence states, or None when it only asks, wishes or guesses.

        A question that embeds a statement states it: "is it true X dies?", and "why did X
        kill Y?" (asking why says it happened), but "did X die?" asks.
        """
        if _starts(tokens, _GUESSES):
            return None
        tokens = self._opened(tokens)  # "wait, is it true ...": "wait" changes nothing
        for lead in _LEAD_INS:
            if tuple(tokens[: len(lead)]) == lead:
                return tokens[len(lead) :]
        if (
            len(tokens) > 2
            and tokens[0] in _PRESUPPOSING
            and tokens[1] in _PRESUPPOSING_VERBS
            and tokens[1] not in _OPEN_QUESTIONS
            and not _asks_how_it_is(tokens)
            and self.view.names.find(tokens[2:], fuzzy=False)
        ):
            return tokens[2:]
        if tokens and tokens[0] in _PRESUPPOSING and tokens[1:2] and tokens[1] in _OPEN_QUESTIONS:
            return None
        if (
            len(tokens) > 2
            and tokens[0] in _PRESUPPOSING
            and tokens[1] not in _QUESTION_START
            and tokens[1] not in _AUXILIARY_VERBS
            and tokens[2] not in _AUXILIARY_VERBS  # "how strong is eleven" asks
            and (not _asked(sentence) or _exclaimed(sentence))
        ):
            # "when X stabbed Y i screamed", "how X saved Y >>>": no question, the clause
            # after "when" or "how" is said to have happened.
            return tokens[1:]
        if self._asks(sentence, tokens):
            return None
        return tokens

    def detect(self, text: str) -> Detection:
        """Return what a message reveals: confident findings, latest episode first."""
        self._found = {}
        best: dict[str, Finding] = {}
        named: Progress | None = None
        statements: list[tuple[list[str] | None, Query, frozenset[str], bool, str]] = []
        clauses = (
            clause
            for whole in sentences(text)[: MAX_STATEMENTS * 2]
            for clause in self._clauses(whole, *self._read(whole))
        )
        for sentence, tokens, own in clauses:
            stated = self._statement_of(tokens, sentence)
            own = own and (stated is None or len(stated) == len(tokens))
            reading = sentence if own else " ".join(tokens if stated is None else stated)
            # A question is read only for whom it names (typos in its words do not matter).
            query = self.view.index.analyse(reading, fuzzy=stated is not None)
            entities = (query.entities - {SHOW_ENTITY}) | self._descriptions(tokens)
            # "she", "the poor girl": someone the message names elsewhere.
            refers = bool(_PRONOUNS.intersection(tokens) or PERSON_NOUNS.intersection(tokens))
            # Commas are read from the sentence when its words are the statement's own.
            whole = sentence if stated is not None and len(stated) == len(tokens) else ""
            statements.append((stated, query, frozenset(entities), refers, whole))
        resolved: list[frozenset[str]] = []
        previous: frozenset[str] = frozenset()
        for _, _, entities, refers, _ in statements:
            if not entities and refers:
                entities = previous  # "Is Nam-ra ok? ||She turns.||": she is Nam-ra
            previous = entities or previous
            resolved.append(entities)
        following: frozenset[str] = frozenset()
        for number in range(len(statements) - 1, -1, -1):
            if not resolved[number] and statements[number][3]:
                resolved[number] = following  # "the poor girl got hit by a bus. X, ..."
            following = statements[number][2] or following
        read = 0
        for (stated, query, _, _, sentence), entities in zip(statements, resolved, strict=True):
            if not stated:
                continue
            read += 1
            if read > MAX_STATEMENTS:
                break
            episodes = [Progress(s, e) for s, e in query.episodes if s and e]
            if episodes and self._within_show(max(episodes)):
                named = max([named, *episodes]) if named else max(episodes)
            for finding in self._statement(stated, query.terms, entities, sentence):
                known = best.get(finding.fact.id)
                # Equally sure rules keep one name, whatever order a set gave them in.
                if known is None or _rank(finding) > _rank(known):
                    best[finding.fact.id] = finding
        # The fact's id breaks ties, so the same message always lists its findings in one order;
        # confidences are compared rounded, since sums over sets of terms can differ in their
        # last bits from one process to the next.
        findings = sorted(
            best.values(),
            key=lambda f: (f.fact.episode, round(f.confidence, 9), f.fact.id),
            reverse=True,
        )
        return Detection(self.engine.slug, tuple(findings), named)

    def _clauses(
        self, sentence: str, tokens: list[str], own: bool
    ) -> list[tuple[str, list[str], bool]]:
        """Return a sentence's clauses: "X ditching Y and Z saving her" says two things.

        A clause ends at "and" or "but" when it names someone and says something of them,
        and the next starts with a name said with a word of its own ("Z saving"): "X and Y
        kiss" and "X saves Y and Z from the fire" stay whole. "while" starts a clause before
        any name ("X was on the roof while Y was getting bitten").
        """
        if _CLAUSE_STARTS.isdisjoint(tokens) or not any(
            token in _CLAUSE_STARTS and self._may_start_name(after)
            for token, after in itertools.pairwise(tokens)
        ):
            return [(sentence, tokens, own)]
        mentions = self._mentions(tokens)
        starts = {m.start: m.end for m in mentions}
        cuts, begin = [], 0
        for position, token in enumerate(tokens):
            end = starts.get(position + 1)
            if token not in _CLAUSE_STARTS or end is None or end >= len(tokens):
                continue
            # Someone named, then a word that is no function word ("X ditching Y").
            told = any(
                begin <= m.start and not STOPWORDS.issuperset(tokens[m.end : position])
                for m in mentions
                if m.end < position
            )
            after = tokens[end]
            # After "while" a clause starts whatever its first words are.
            plain = after not in STOPWORDS and after not in _JOINS and end not in starts
            if told and (token in _SUBORDINATORS or plain):
                cuts.append(position)
                begin = position + 1
        if not cuts:
            return [(sentence, tokens, own)]
        bounds = [0, *cuts, len(tokens)]
        parts = [tokens[a + (a > 0) : b] for a, b in itertools.pairwise(bounds)]
        ending = sentence[len(sentence.rstrip("?!.")) :]
        return [
            (" ".join(part) + (ending if number == len(parts) - 1 else ""), part, False)
            for number, part in enumerate(parts)
        ]

    def _within_show(self, episode: Progress) -> bool:
        counts = self.engine.show.episode_counts
        return 1 <= episode.episode <= counts.get(episode.season, 0)

    def _statement(
        self,
        tokens: list[str],
        raw_terms: dict[str, float],
        entities: frozenset[str],
        sentence: str = "",
    ) -> list[Finding]:
        """Return the confident findings of one statement, each the earliest that tells it."""
        terms = (_content(raw_terms) - self._unsaid) | {entity_term(e) for e in entities}
        words = {t for t in terms if not is_entity(t)}
        plain = {t for t in words if not is_concept(t)}
        found: list[tuple[Finding, frozenset[str]]] = self._reveals(tokens)
        if not words:
            return [f for f, _ in found]  # only names: "Nam-ra is my fave" tells nothing
        senses = self._senses(tokens, terms)
        sense_terms = {t for t in words if t in _FATE_TERMS or t in self._states}
        if senses:  # fate: the person and a fate word of the same sense
            spared = self._not_killed(tokens) if senses == {DEATH} else frozenset()
            spared |= self._described_otherwise(tokens, entities, sentence)
            latest = not _LATEST.isdisjoint(tokens)
            for entity in entities:
                if entity in spared:
                    continue  # "X kills Y" is Y's death, not X's
                found.extend(self._fate(entity, senses, terms, sense_terms, latest))
        query = Query(dict.fromkeys(terms, 1.0), entities)
        weight = {t: self._weight(t) for t in terms}
        weight_of = weight.__getitem__
        people = {entity_term(e) for e in entities}
        nearly = bool(_NEARLY.intersection(tokens))
        total = sum(map(weight_of, words))
        # Most of what the statement says must be in the fact too: "Nancy and Steve are
        # cute together" covers "did Nancy and Steve get together" but says something else.
        said = sum(map(weight_of, plain))
        # The event rule's words, each with its stem and concept (once: "the best dad"
        # said twice is one word); light words aside.
        groups = list(
            dict.fromkeys(
                group
                for token_terms in map(self.view.lexicon.terms_of_word, tokens)
                # "in the end" dates what it says, it is no ~ending event ("마지막에")
                if _LATEST_STEMS.isdisjoint(token_terms)
                and (
                    group := tuple(
                        t
                        for t in token_terms
                        if t in words and t not in _LIGHT and t not in _SENSE_CONCEPTS
                    )
                )
            )
        )
        # Words the base does not use cannot be matched; a Latin one still says something
        # else (another show's name), a Hangul one is often a form the detector cannot read.
        unlight = sum(
            max(weight[t] for t in group)
            for group in groups
            if group[0] in self._idf or not is_hangul(group[0])
        )
        if not entities and len(plain) < 2:
            # Naming nobody, every rule left wants two words in common with a fact.
            return self._earliest(found)
        # Saying what people are to each other ("the best friend group") tells no event.
        ties = frozenset(
            group
            for token in _TIES.intersection(tokens)
            if (group := tuple(t for t in self.view.lexicon.terms_of_word(token) if t in words))
        )
        describes = self._describes(tokens)
        statement = (unlight, describes, ties)
        tied = frozenset().union(*ties) if describes else frozenset()
        matches = self.view.index.search(query, limit=_CANDIDATES)
        top = matches[0].score if matches else 0.0
        for rank, match in enumerate(matches):
            fact = self._by_id.get(match.fact.id)
            if fact is None:
                continue
            if senses and fact.told and not senses & fact.told:
                continue  # "Will is found dead" is not told by a fact that finds him alive
            if fact.nearly and not nearly and (plain & fact.terms) - _LIGHT <= fact.nearly:
                continue  # "they kiss" is not told by "they almost kiss"
            if rank < EVENT_RANKS and match.score >= top - EVENT_MARGIN:
                event = self._event(fact, match.precision, entities, groups, weight, statement)
                if event is not None:
                    found.append(event)
            shared = frozenset(terms & fact.answer)
            kept = sum(map(weight_of, plain & fact.terms))
            if kept >= MIN_KEPT_WEIGHT and (not said or kept / said >= MIN_STATEMENT_KEPT):
                coverage, matched = self._paraphrase_coverage(fact, terms, weight, tied)
                if coverage >= THRESHOLD:
                    found.append((Finding(fact.fact, coverage, "paraphrase"), matched | shared))
            if not total or (entities and people.isdisjoint(fact.answer)):
                continue  # the answer rule wants the statement's people in the fact's answer
            shared_words = (shared & plain) - _LIGHT
            enough = len(shared_words) >= MIN_SHARED_ANSWER_WORDS
            if not enough and len(entities) < 2:
                continue
            rare = [t for t in shared_words if weight[t] >= self._unknown_idf]
            if enough or rare:
                recall = sum(weight[t] for t in shared if t in words) / total
                if recall >= MIN_ANSWER_RECALL or (rare and recall >= MIN_RARE_RECALL):
                    # Two words in common may be chance ("best friends"); four rarely are,
                    # and neither is a word only this fact uses, said of its people ("CPR").
                    sure = 1.0 if rare and len(entities) >= 2 else min(1.0, len(shared_words) / 3)
                    found.append(
                        (Finding(fact.fact, ANSWER_CONFIDENCE * recall * sure, "answer"), shared)
                    )
        return self._earliest(found)

    def _earliest(self, found: list[tuple[Finding, frozenset[str]]]) -> list[Finding]:
        """Return the confident findings, each the earliest that tells what it matched."""
        confident = [(f, told) for f, told in found if f.confidence >= THRESHOLD]
        # Who the people of the first episode are, and who plays them, is the premise: a fan
        # listing "the main four" or praising an actor reveals nothing, nor does a later fact
        # that only repeats it ("Mike and Dustin are best friends").
        return [
            f
            for f, told in confident
            if f.fact.id not in self._premise and not self._told_earlier(f, told, confident)
        ]

    def _described_otherwise(
        self, tokens: list[str], entities: frozenset[str], sentence: str
    ) -> frozenset[str]:
        """Return who a state word said next to another's name does not describe.

        "zombie X going after Y" has X a zombie, not Y; so does "X turns, Y runs"; and
        "X infects him" is someone else's state, not X's.
        """
        if not entities:
            return frozenset()
        mentions = self._mentions(tokens)
        starts = {m.start: m.entity for m in mentions}
        pauses: frozenset[int] | None = None  # worked out when needed: it reads each part
        described: set[str] = set()
        for m in mentions:
            by = m.end + 1 < len(tokens) and tokens[m.end] == _BY
            if by and self._is_state(tokens[m.end + 1]):
                # Korean "A B한테 물렸어" ("A bitten by B"): A's state, or someone else's.
                described.update([e.entity for e in mentions if e.end <= m.start] or [""])
            elif m.start and self._is_state(tokens[m.start - 1]):
                described.add(m.entity)  # "zombie X"
            else:
                # "X scratched", "X got scratched" are X's state; "X bites Y" is Y's, and
                # "X infects him" is someone else's.
                at = m.end + 1 if tokens[m.end : m.end + 1] and tokens[m.end] in _PASSIVE else m.end
                if at >= len(tokens) or not self._is_state(tokens[at]):
                    continue
                after = at + 1
                if pauses is None:
                    pauses = self._pauses(sentence, tokens)
                if after in pauses or at > m.end:
                    described.add(m.entity)
                elif after in starts:
                    described.add(starts[after])
                elif tokens[after : after + 1] and tokens[after] in _PRONOUNS:
                    described.add("")  # another, whoever that is
                else:
                    described.add(m.entity)
        return frozenset(entities - described) if described else frozenset()

    def _describes(self, tokens: list[str]) -> bool:
        """Whether a statement says what someone is: a copula after its subject.

        The subject is a few words ("the poor girl is") or what it lists: names, and things
        each after a determiner ("Mike, Lucas, Dustin and Will are ...", "Ha-ri and her
        bow are ...").
        """
        if not _COPULAS.isdisjoint(tokens[:4]):
            return True
        ends = {m.start: m.end for m in self._mentions(tokens)}
        position = 0
        while position < len(tokens):
            if position in ends:
                position = ends[position]
            elif tokens[position] in _LISTING:
                position += 1
            elif tokens[position] in _DETERMINERS and position + 1 < len(tokens):
                position += 2  # "her bow"
            else:
                break
        return position > 0 and tokens[position : position + 1] in (["are"], ["were"])

    def _is_state(self, token: str) -> bool:
        return not self._states.isdisjoint(self.view.lexicon.terms_of_word(token))

    def _not_killed(self, tokens: list[str]) -> frozenset[str]:
        """Return who a statement names but does not have die, when only a killing says death.

        "X kills Y" and "Y is killed by X" are Y's death; so is Korean "X가 Y를 죽이는",
        where the one who kills comes first and the one killed before the verb. The others
        named (the killer, whoever is in the next clause) do not die by it.
        """
        deaths = [i for i, t in enumerate(tokens) if _is_death(t)]
        kills = [i for i in deaths if stem(tokens[i]) in _KILLING]
        if not kills or len(kills) < len(deaths):
            return frozenset()
        at = kills[0]
        mentions = self._mentions(tokens)
        if (at and tokens[at - 1] in _PASSIVE) or "by" in tokens[at : at + 3]:
            victims = [m for m in mentions if m.end <= at]
        elif any(map(is_hangul, tokens)):
            victims = [m for m in mentions if m.end <= at][1:]  # the first one kills
        else:
            victims = [m for m in mentions if m.start > at][:1]
        return frozenset(m.entity for m in mentions) - {m.entity for m in victims}

    def _fate(
        self,
        entity: str,
        senses: frozenset[str],
        terms: set[str],
        sense_terms: set[str],
        latest: bool,
    ) -> list[tuple[Finding, frozenset[str]]]:
        """Return the fate facts a statement of someone's fate tells.

        Of the facts of that sense, the ones that share most of the statement's other words
        ("survives the fall"); with none in common, a survival said plainly ("X makes it out
        alive") is the latest one, as a fan means it, and a death or a state the first (when
        it came). Among close facts, one dated to now or the end ("... now and lives on the
        roof") is the latest.
        """
        fates = [f for f in self._fates.get(entity, ()) if senses & f.senses]
        if not fates:
            return []
        other = terms - sense_terms - {entity_term(entity)} - _LIGHT
        overlap = [sum(self._weight(t) for t in other & f.answer) for f in fates]
        most = max(overlap)
        if most > 0:
            # The facts about as close as the closest; the first of them tells it, or the
            # last when the statement dates it to now or the end.
            fates = [f for f, o in zip(fates, overlap, strict=True) if o >= most / 2]
            if latest:
                fates = [max(fates, key=lambda f: f.fact.episode)]
        elif senses == {ALIVE}:
            fates = [max(fates, key=lambda f: f.fact.episode)]
        return [
            (
                Finding(f.fact, FATE_CONFIDENCE, "fate"),
                frozenset({entity_term(entity), *sense_terms}) | (terms & f.answer),
            )
            for f in fates
        ]

    def _event(
        self,
        fact: _FactTerms,
        precision: float,
        entities: frozenset[str],
        groups: list[tuple[str, ...]],
        weights: dict[str, float],
        statement: tuple[float, bool, frozenset[tuple[str, ...]]],
    ) -> tuple[Finding, frozenset[str]] | None:
        """Return a finding when the statement tells the fact's event about its people.

        The core ranked the fact first (or nearly) for the statement; it tells it when it
        names one of the fact's people (or, naming nobody, shares two words with it) and says
        what happens in words of the fact that carry weight, not only in names. Each word
        counts once, by its stem or its concept ("kids": "kid" or ~child).
        """
        if precision < MIN_EVENT_PRECISION:
            return None
        people = {e for e in entities if e in self.view.index.entities_of(fact.fact)}
        if entities and not people:
            return None
        said, describes, ties = statement
        event: set[str] = set()
        weight, words, answered = 0.0, 0, 0
        looks = frozenset().union(*(self._look.get(e, ()) for e in people))
        for group in groups:
            if looks.issuperset(group):
                continue  # "X with the bow": who X is
            shared = [t for t in group if t in fact.terms]
            if shared:
                event.update(shared)
                weight += max(weights[t] for t in shared)
                words += 1
                answered += group not in ties and not fact.answer.isdisjoint(shared)
        if answered and len(people) > 1:
            # Who did it to whom is said too: the people named after the first, when the
            # statement also says what happens in a word of the fact's answer.
            named = sorted(weights.get(entity_term(e), self._unknown_idf) for e in people)
            weight += sum(named[:-1])
        if weight < MIN_EVENT_WEIGHT:
            return None
        # Naming nobody, it must say most of what it says in the fact's words, and two of
        # them: "people keep posting" is no event of the base. "X is a good friend"
        # describes X: one word in common is no event either, nor two of the questions only
        # ("X, Y, Z and W are the friend group" is not "are X and Y friends again"), nor
        # words that say what they are to each other ("best friends").
        if (not people and words < 2) or (describes and answered < 2):
            return None
        if not people and (weight < MIN_UNNAMED_SHARE * said or weight < MIN_UNNAMED_WEIGHT):
            return None
        sure = min(1.0, weight / (2 * MIN_EVENT_WEIGHT)) * min(1.0, precision + 0.2)
        told = frozenset(event) | {entity_term(e) for e in people}
        return Finding(fact.fact, EVENT_CONFIDENCE * sure, "event"), told

    def _reveals(self, tokens: list[str]) -> list[tuple[Finding, frozenset[str]]]:
        """Return the identities a statement tells: one person named by two of their names.

        A twist name said as another name ("Papa is Brenner") tells the twist; a name through
        a relation said as another ("X is Y's mom") tells who that person is, from when they
        are first seen (after the first episode: before, that is the premise). A description
        a fact is asked by ("who is patient zero") said as another name, or as someone's kin,
        tells that fact.
        """
        if self._twist_tokens.isdisjoint(tokens) and _RELATIONS.isdisjoint(tokens):
            return []
        keys: dict[str, set[str]] = {}
        related: set[str] = set()
        described: set[str] = set()
        kin: set[tuple[str, str]] = set()  # descriptions said to be someone's kin
        mentions = self._mentions(tokens)
        named = {i for m in mentions for i in range(m.start, m.end)}
        for mention in mentions:
            span = tokens[mention.start : mention.end]
            key = "".join(span)
            keys.setdefault(mention.entity, set()).add(key)
            if not _RELATIONS.isdisjoint(span):
                related.add(mention.entity)
                if self._identified(tokens, mention.start, mention.end, named):
                    described.add(mention.entity)
            if (mention.entity, key) in self._asked_who and self._said_kin(
                tokens, mention.start, mention.end, named
            ):
                kin.add((mention.entity, key))
        found = []
        for entity, names in keys.items():
            for name in names:
                fact = self._asked_who.get((entity, name))
                if fact and (len(names) > 1 or (entity, name) in kin):
                    told = frozenset({entity_term(entity), fact_mark(fact.id)})
                    found.append((Finding(fact, FATE_CONFIDENCE, "twist"), told))
            twists = [self._twists[entity, n] for n in names if (entity, n) in self._twists]
            if twists and len(names) > len(twists):
                for fact in twists:
                    # Its own mark, so no fact about the person in general hides the twist.
                    told = frozenset({entity_term(entity), fact_mark(fact.id)})
                    found.append((Finding(fact, FATE_CONFIDENCE, "twist"), told))
            profile = self._profiles.get(entity)
            # Who the people of the first episode are is the premise, not a reveal.
            told_who = len(names) > 1 or entity in described
            if entity in related and told_who and profile and profile.episode > _FIRST:
                told = frozenset({entity_term(entity), fact_mark(profile.id)})
                found.append((Finding(profile, FATE_CONFIDENCE, "twist"), told))
        return found

    @staticmethod
    def _identified(tokens: list[str], start: int, end: int, named: set[int]) -> bool:
        """Whether a name through a relation is said to be someone a person noun describes.

        "the lady who stares at the tv is El's mom", "X's dad is the guy from the diner".
        """
        other = _other_side(tokens, start, end)
        return any(tokens[i] in PERSON_NOUNS and i not in named for i in other)

    @staticmethod
    def _said_kin(tokens: list[str], start: int, end: int, named: set[int]) -> bool:
        """Whether a name is said to be someone's kin: "X is her own son", "X is Y's son".

        A relation word said of nobody's ("X is a sad kid") is no kin.
        """
        return any(
            tokens[i] in _RELATIONS
            and i not in named
            and i
            and (tokens[i - 1] in _KIN_OF or i - 1 in named)
            for i in _other_side(tokens, start, end)
        )

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
        weight = sum(map(self._weight, told))
        for other, other_told in others:
            if other.fact.episode >= finding.fact.episode:
                continue
            # Compared rounded: sums over sets of terms differ in their last bits from one
            # process to the next (0.85 is sometimes 0.8499999999999999).
            if round(other.confidence, 9) < round(finding.confidence - _CLOSE_CONFIDENCE, 9):
                continue  # a weaker, earlier match ("almost kiss") does not tell "kiss"
            extra = sum(map(self._weight, told - other_told))
            if round(extra, 9) <= round(_SAME_TELLING * weight, 9):
                return True
        return False

    def _paraphrase_coverage(
        self,
        fact: _FactTerms,
        terms: set[str],
        weights: dict[str, float],
        tied: frozenset[str] = frozenset(),
    ) -> tuple[float, frozenset[str]]:
        """Return the best share of a paraphrase's weight the statement covers, and its terms.

        A question covered only in its people, fate words, or the ties a statement that
        describes them gives ("X and Y are best friends"), is not told.
        """
        best, matched = 0.0, frozenset[str]()
        fated = not _FATE_TERMS.isdisjoint(terms)
        for paraphrase, people, size, asks_fate, told in self._paraphrase_info[fact.fact.id]:
            if not people <= terms:
                continue  # every person the question is about must be named
            if asks_fate and not fated:
                continue  # "they are the main characters" tells not "which main characters die"
            shared = paraphrase & terms
            if not shared - people - _FATE_TERMS - tied:
                continue  # "does Will die" is answered either way: the fate rule decides
            if sum(not is_concept(t) for t in shared) < MIN_SHARED_PARAPHRASE_TERMS:
                continue  # one word and its concept ("finale") is chance
            coverage = told * sum(weights[t] for t in shared) / size
            if coverage > best:
                best, matched = coverage, frozenset(shared)
        return best, matched


def _unnamed_scenes(tokens: list[str]) -> list[str]:
    """Return a sentence's words without the scenes it names by what is in them.

    "the d&d basement scene is so wholesome" says which scene it loves, not what happens in
    it; "the scene where X dies" tells, so a clause after the scene word keeps its words.
    """
    for position, token in enumerate(tokens):
        if token not in _SCENE_WORDS or position == 0:
            continue
        after = tokens[position + 1 : position + 2]
        if after and after[0] in _SCENE_CLAUSES:
            continue
        for start in range(position - 1, max(-1, position - _SCENE_SPAN - 2), -1):
            if tokens[start] in _SCENE_STARTS:
                if start < position - 1:
                    rest = _unnamed_scenes(tokens[position + 1 :])
                    return [*tokens[:start], *rest]
                break
    return tokens


def _romanised(word: str) -> str:
    """Spell a Hangul word in Latin letters; "" when it holds anything but syllables."""
    letters = []
    for character in word:
        code = ord(character)
        if not _SYLLABLES[0] <= code <= _SYLLABLES[1]:
            return ""
        code -= _SYLLABLES[0]
        initial = _INITIALS[code // 588]
        letters.append(("" if initial == "-" else initial) + _MEDIALS[code % 588 // 28])
        letters.append(_FINALS[code % 28])
    return "".join(letters)


def _first_seen(fact: Fact, characters: dict[str, Character]) -> Fact:
    """Return a fact, a character's profile as of when they are first seen.

    The full base's profile carries what later episodes reveal ("she is Jane") under the
    episode they are first seen in.
    """
    character = characters.get(fact.about[0]) if len(fact.about) == 1 else None
    if character is None or not character.reveals or fact.id != profile_fact_id(character.id):
        return fact
    return fact.model_copy(update={"answer": f"{character.name}: {character.role}"})


def _is_death(token: str) -> bool:
    return token in _DEATH_SAID or stem(token) in _DEATH


def _other_side(tokens: list[str], start: int, end: int) -> range:
    """Return the positions said to be the same as a name by a copula next to it, if any."""
    if start and tokens[start - 1] in _COPULAS:
        return range(start - 1)
    if end < len(tokens) and tokens[end] in _COPULAS:
        return range(end + 1, len(tokens))
    return range(0)


def _is_description(text: str, name: str) -> bool:
    """Whether a name of someone's describes them in English words ("patient zero", "the
    archer"), rather than spelling a name of theirs ("Ha-ri", "Jinsu", "Mike")."""
    english = english_words()
    words = [w for w in re.findall(r"[a-z]+", text.lower()) if w != "s"]
    own = set(re.findall(r"[a-z]+", name.lower()))
    return bool(words) and all(w in english for w in words) and not own.issuperset(words)


def _premise(fact: Fact) -> bool:
    """Whether a fact only says who someone of the first episode is, or who plays them."""
    return fact.episode <= _FIRST and (is_profile(fact) or fact.kind == "making")


def _asks_how_it_is(tokens: list[str]) -> bool:
    """Whether a question asks how something is now, or where someone is, not how it came to be."""
    if tokens[0] in _WHERE_ASKS:
        return tokens[1] in _WHERE_VERBS
    return (
        tokens[0] in _PRESENT_ASKS
        and tokens[1] in _PRESENT_VERBS
        and not _STATIVE.isdisjoint(tokens[2:6])
    )


def _asked(sentence: str) -> bool:
    return sentence.endswith("?")


def _exclaimed(sentence: str) -> bool:
    """Whether a sentence's question mark exclaims rather than asks ("X did that??")."""
    return sentence.endswith(("??", "?!", "!?"))


def _starts(tokens: list[str], phrases: dict[str, list[tuple[str, ...]]]) -> bool:
    """Whether any of the phrases (by their first word) occurs among a sentence's first words."""
    head = tokens[:40]
    for phrase in (p for first in phrases.keys() & head for p in phrases[first]):
        size = len(phrase)
        if any(tuple(head[i : i + size]) == phrase for i in range(len(head) - size + 1)):
            return True
    return False


def _content(terms: dict[str, float] | frozenset[str]) -> set[str]:
    """Keep the terms that say something: no question words, numbers or the show's title."""
    return set(filter(_says_something, terms))


@lru_cache(maxsize=WORD_CACHE_ENTRIES)
def _says_something(term: str) -> bool:
    return (
        term not in QUESTION_WORDS
        and term not in (SHOW_CONCEPT, LAST_WATCHED)
        and not _EPISODE_TERM.match(term)
        and not term.isdigit()
    )


@lru_cache(maxsize=WORD_CACHE_ENTRIES)
def _sense_of(token: str) -> str | None:
    """Return the fate sense a word says on its own: death, alive, or none."""
    return DEATH if _is_death(token) else ALIVE if stem(token) in _ALIVE else None


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
