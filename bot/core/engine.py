"""Answer questions about a show as of a viewer's progress; the heart of the bot."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from bot.core.cut import as_known, cut_show, progress_points
from bot.core.factbase import read_library
from bot.core.index import FactIndex, Match, Query
from bot.core.names import NameMatcher
from bot.core.progress import Progress, last_episode, parse_progress, valid_range
from bot.core.results import Answer, CharacterView, RecapView, Status
from bot.core.routing import Route, ShowNames, route
from bot.core.schema import Character, Fact, ShowFile
from bot.core.smalltalk import chatter_in
from bot.core.terms import (
    FATE,
    FRIEND,
    HOW,
    QUESTION_WORDS,
    ROMANCE,
    SHOW_ENTITY,
    TOGETHER,
    WHY,
    entity_term,
    episode_term_of,
    is_entity,
    is_word,
)
from bot.core.text import (
    INTENT_NEEDS,
    INTENTS,
    KIND_CUES,
    PERSON_NOUNS,
    RELATION_WORDS,
    Lexicon,
    cued,
    remembering_texts,
    words,
)

# Past this many characters a question is only noise for matching, and slow to scan.
MAX_QUESTION_CHARS = 400
ANSWER_THRESHOLD = 0.45
# A fact whose answer holds most of the question answers it, even when none of its
# paraphrases is worded like it ("who fell into the elevator shaft").
STRONG_RECALL = 0.6
# A question that names nobody must be mostly about something the base knows: "is Squid
# Game season 2 out" shares "season 2" with a fact, but most of it is about another show.
MIN_RECALL_WITHOUT_NAMES = 0.4
# A question that names someone still has to be about them in a way the base knows:
# "what's Nam-ra's blood type" shares only her name with "who is Nam-ra".
MIN_RECALL_WITH_NAMES = 0.2
SUGGESTION_THRESHOLD = 0.25
# Facts nearly as good as the best one answer beside it.
CLOSE_RATIO = 0.85
MAX_FACTS = 3
# A fact of the kind a question asks for (a reason for "why") outranks one this much better.
INTENT_BOOST = 1.25
ANSWER_KINDS = frozenset({"reason", "quote", "time", "count"})
# Words that make a question about two people one about them together.
TOGETHER_WORDS = frozenset({ROMANCE, FRIEND, TOGETHER})
# Question words that ask for an event ("how did X die"), not for where X stands.
EVENT_WORDS = frozenset({HOW, WHY})
# How well a relative clause must match a fact to say whom it describes.
DESCRIPTION_THRESHOLD = 0.5
# A card whose words are mostly another card's says the same thing ("X: a student at ..."
# beside "X is a student at ...").
DUPLICATE_SHARE = 0.7
MAX_FATES = 6  # people whose fate one question can ask after
MAX_CHOICES = 25


class ShowView:
    """One show as a bot that knew only the episodes up to one point would answer about it.

    Everything here, from the names it recognises to its term statistics, comes from the base
    cut at that point, so nothing later can shape a reply.
    """

    def __init__(
        self,
        show_file: ShowFile,
        point: Progress,
        lexicon: Lexicon | None = None,
        kinds: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self.point = point
        self.show = show_file.show
        characters = [as_known(c) for c in show_file.characters]
        self.characters = {c.id: c for c in characters}
        known = show_file.model_copy(update={"characters": characters})
        # Sorted by episode: the index breaks ties in favour of later facts.
        self.facts = sorted([*show_file.facts, *derived_facts(known)], key=lambda f: f.episode)
        # The language is the same at every point (nothing in it is stamped with an episode),
        # so one lexicon, and its caches, serve every view of a show.
        self.lexicon = lexicon or Lexicon(self.show.vocabulary)
        names = relational_names(characters, self.lexicon)
        names[SHOW_ENTITY] = [self.show.title, *self.show.aliases]
        texts = (text for f in self.facts for text in (*f.questions, f.answer))
        vocabulary = {w for text in texts for w in self.lexicon.words(text)}
        self.names = NameMatcher(names, vocabulary, self.lexicon)
        seasons = self.show.episode_counts
        self.index = FactIndex(
            self.facts,
            self.names,
            lexicon=self.lexicon,
            vocabulary=vocabulary,
            single_season=next(iter(seasons)) if len(seasons) == 1 else None,
        )
        # A kind depends only on the fact's own words, so views share the work; keyed by the
        # words, not the id, since a derived profile reads differently once a twist is out.
        shared = {} if kinds is None else kinds
        self._kinds: dict[str, frozenset[str]] = {}
        for fact in self.facts:
            key = f"{fact.kind}|{fact.answer}"
            if key not in shared:
                shared[key] = kinds_of(fact, self.lexicon)
            self._kinds[fact.id] = shared[key]
        self._fates: dict[str, list[Fact]] = {}
        for fact in self.facts:
            if "fate" in fact.topics:
                for ref in fact.subjects:
                    self._fates.setdefault(ref, []).append(fact)

    def ask(self, question: str, progress: Progress, *, reveal: bool = False) -> Answer:
        # Fans ask the same questions over and over; the base never changes once loaded.
        return self._remembered(question[:MAX_QUESTION_CHARS], progress, reveal)

    @lru_cache(maxsize=4096)  # noqa: B019 - views live as long as the process
    def _remembered(self, question: str, progress: Progress, reveal: bool) -> Answer:
        return self.answer(question, progress, reveal=reveal)

    def answer(self, question: str, progress: Progress, *, reveal: bool = False) -> Answer:
        """Work out the answer from this view's facts, all of which the viewer may see."""
        question = question[:MAX_QUESTION_CHARS]

        def result(status: Status, **kwargs: Any) -> Answer:
            return Answer(status, self.show, progress, revealed=reveal, **kwargs)

        if chatter := chatter_in(question):  # decided by the words alone, never by facts
            return result(Status.CHATTER, chatter=chatter)

        query = self._analyse(question, progress)
        if not self._covers_episodes(query.episodes):
            return result(Status.UNKNOWN)
        query = self._resolve_description(question, query, progress)
        ranked, matches = self._matches(query)
        if not matches and (focus := focused_question(question)) is not None:
            # A long message buries its question in chatter: ask the question sentences,
            # keeping the people the whole message is about ("... will he make it?").
            focused = self._analyse(focus, progress)
            focused.entities |= query.entities
            focused.terms.update({entity_term(e): 1.0 for e in focused.entities})
            ranked, matches = self._matches(focused)
            query = focused if matches else query
        tokens = self.lexicon.words(question)
        intents = frozenset(
            i
            for i in cued(tokens, INTENTS)
            if i not in INTENT_NEEDS or INTENT_NEEDS[i] & set(tokens)
        )
        if "arc" in intents and len(query.entities) == 1:
            # "Her whole arc": the timeline, dated, as /character gives it.
            arc = self.timeline(next(iter(query.entities)))
            if arc:
                picked = arc if len(arc) <= MAX_FATES else (arc[0], *arc[-(MAX_FATES - 1) :])
                return result(Status.ANSWERED, facts=tuple(picked), dated=True)
        matches = self._prefer_kind(matches, intents)
        floor = CLOSE_RATIO * matches[0].score if matches else 0.0
        chosen = [m.fact for m in matches if m.score >= floor][:MAX_FACTS]
        together = len(query.entities) > 1 and bool(TOGETHER_WORDS & query.terms.keys())
        if together:
            # "Are Nam-ra and Su-hyeok a thing?" is about the two of them, not each alone.
            chosen = [m.fact for m in matches if query.entities <= set(m.fact.about)][:MAX_FACTS]
        # "How did X die?" and "why?" want the event; "is X alive?", a bare "X?" and "will
        # he make it to the end?" ask where X stands, which X's timeline tells even when no
        # fact is worded like the question.
        asks_event = bool(EVENT_WORDS & query.terms.keys() or ANSWER_KINDS & intents)
        asks_state = (query.asks_fate or query.names_only) and not query.asks_when
        if query.entities and asks_state and not together and not asks_event:
            chosen = self._latest_states(query.entities, chosen)
            if query.names_only:  # who they are first, then where they stand
                profiles = {profile_fact_id(e) for e in query.entities}
                chosen.sort(key=lambda fact: fact.id not in profiles)
        elif query.entities and chosen:
            if query.asks_fate or content_terms(query):
                # "How did X die?", "who went after X?": what X did or met, not who X is.
                chosen.sort(key=is_profile)
            if query.entities & set(chosen[0].subjects) and not is_profile(chosen[0]):
                # Beside the one event asked about, other states of the same people are padding.
                states = {f.id for e in query.entities for f in self._fates.get(e, [])}
                chosen = [chosen[0], *(f for f in chosen[1:] if f.id not in states)]
        chosen = self._distinct(chosen)
        if not chosen:
            return result(Status.UNKNOWN, suggestions=self._suggestions(ranked))
        # "When does X die?" wants the event itself, dated.
        return result(Status.ANSWERED, facts=tuple(chosen), dated=query.asks_when)

    def _resolve_description(self, question: str, query: Query, progress: Progress) -> Query:
        """Read "the girl who infected Gyeong-su, what happened to her" as a question about her.

        The clause is matched against the facts; the person the best fact is about, other than
        the people the clause names, is the one described.
        """
        found = describe_person(self.lexicon.words(question), self.lexicon.concept_of)
        if found is None:
            return query
        clause, rest = found
        described = self._analyse(" ".join(clause), progress)
        matches = self._matches(described)[1]
        if not matches or matches[0].score < DESCRIPTION_THRESHOLD:
            return query
        best = matches[0].fact
        people = [e for e in best.subjects if e not in described.entities and e in self.characters]
        if not people:
            return query
        resolved = self._analyse(" ".join(rest), progress)
        resolved.entities = resolved.entities | {people[0]}
        resolved.terms[entity_term(people[0])] = 1.0
        return resolved

    def _analyse(self, text: str, progress: Progress) -> Query:
        query = self.index.analyse(text)
        if query.last_watched and progress.started:  # "last episode": the viewer's own
            query.terms[episode_term_of(progress)] = 1.0
        return query

    def _matches(self, query: Query) -> tuple[list[Match], list[Match]]:
        """Return the ranked facts, and those good enough to answer with."""
        ranked = self.index.search(query)  # only facts about the people named, if any
        min_recall = MIN_RECALL_WITH_NAMES if query.entities else MIN_RECALL_WITHOUT_NAMES
        matches = [
            m
            for m in ranked
            if (m.score >= ANSWER_THRESHOLD or m.recall >= STRONG_RECALL) and m.recall >= min_recall
        ]
        return ranked, matches

    def _covers_episodes(self, episodes: frozenset[tuple[int, int]]) -> bool:
        """Whether the base can speak of every season and episode a question names."""
        counts = self.show.episode_counts
        upcoming = max(counts) + 1  # "will there be a season 2" is a fair question
        return all(
            (episode == 0 and season == upcoming) or 0 <= episode <= counts.get(season, -1)
            for season, episode in episodes
        )

    def _latest_states(self, entities: frozenset[str], chosen: list[Fact]) -> list[Fact]:
        """Answer "is X alive?" with X's latest state instead of every state so far."""
        latest = [self._fates[e][-1] for e in sorted(entities) if e in self._fates]
        if not latest:
            # Who someone is does not say whether they live: better nothing than a profile.
            return [f for f in chosen if not is_profile(f)]
        stale = {f.id for entity in entities for f in self._fates.get(entity, [])}
        others = [f for f in chosen if f.id not in stale and f not in latest]
        # "Which of the main four live?" gets each of them, not the first three.
        limit = max(MAX_FACTS, min(len(latest) + bool(others), MAX_FATES))
        if len(entities) > 1 and others:
            # "Does On-jo end up with Cheong-san?" is about the two of them, not each alone.
            return [others[0], *latest, *others[1:]][:limit]
        return [*latest, *others][:limit]

    def _prefer_kind(self, matches: list[Match], intents: frozenset[str]) -> list[Match]:
        """Rank first, among facts that fit, those of the kind the question asks for."""
        wanted = intents & ANSWER_KINDS
        if not wanted or not matches:
            return matches
        boosted = [
            m._replace(score=m.score * INTENT_BOOST) if wanted & self._kinds[m.fact.id] else m
            for m in matches
        ]
        return sorted(boosted, key=lambda m: m.score, reverse=True)

    def _distinct(self, facts: list[Fact]) -> list[Fact]:
        """Drop cards that say again what another card says: a reply is read in seconds.

        Of two such cards the one that says more stays, in the better one's place.
        """
        kept: list[Fact] = []
        contents: list[set[str]] = []
        for fact in facts:
            content = self._content(fact.answer)
            same = next(
                (
                    i
                    for i, other in enumerate(contents)
                    if len(content & other) >= DUPLICATE_SHARE * min(len(content), len(other))
                ),
                None,
            )
            if same is None:
                kept.append(fact)
                contents.append(content)
            elif len(content) > len(contents[same]):
                kept[same], contents[same] = fact, content
        return kept

    def _content(self, text: str) -> set[str]:
        """Return what a card says beyond whom it names: its words' stems."""
        terms = self.index.analyse(text, fuzzy=False).terms
        return {t for t in terms if is_word(t)} or {text}

    def _suggestions(self, ranked: list[Match]) -> tuple[str, ...]:
        picks: dict[frozenset[str], str] = {}  # by meaning: "who is On-jo" = "who is Nam On-jo"
        for match in ranked:
            if match.score >= SUGGESTION_THRESHOLD:
                question = match.fact.questions[0]
                meaning = frozenset(self.index.analyse(question, fuzzy=False).terms)
                picks.setdefault(meaning, question)
        return tuple(picks.values())[:3]

    def met_characters(self) -> list[Character]:
        """Return the characters of this view, in order of appearance."""
        return sorted(self.characters.values(), key=lambda c: (c.first_seen, c.name))

    def find_character(self, name: str) -> Character | None:
        """Return the character a typed name means, if this view knows them."""
        entity = self.names.entity_for(name[:MAX_QUESTION_CHARS])
        if entity is None:
            entity = next((c.id for c in self.characters.values() if c.name == name), None)
        return self.characters.get(entity) if entity else None

    def timeline(self, character_id: str) -> tuple[Fact, ...]:
        """Return a character's own states and events, oldest first."""
        fates = self._fates.get(character_id)
        if fates:
            return tuple(fates)
        # The derived "who is" fact only repeats the role, which a view already leads with.
        profile = profile_fact_id(character_id)
        return tuple(f for f in self.facts if character_id in f.about and f.id != profile)

    def complete_character(self, typed: str) -> list[str]:
        """Return up to 25 names of this view's characters that fit what was typed."""
        met = self.met_characters()
        if not typed.strip():
            return [c.name for c in met][:MAX_CHOICES]
        key = "".join(words(typed))
        scored = []
        for character in met:
            keys = ["".join(words(n)) for n in character.names]
            best = max(
                fuzz.partial_ratio(key, k) if len(key) <= len(k) else fuzz.ratio(key, k)
                for k in keys
            )
            if best >= 70:
                scored.append((best, character.name))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [name for _, name in scored][:MAX_CHOICES]


class ShowEngine:
    """One show, answered for each viewer from the view cut at their progress."""

    def __init__(self, show_file: ShowFile) -> None:
        self.show = show_file.show
        self.finale = last_episode(self.show)
        self._characters = {c.id: c for c in show_file.characters}
        self._lexicon = Lexicon(self.show.vocabulary)
        self._kinds: dict[str, frozenset[str]] = {}
        # One view per progress point, each built the first time a viewer there asks (or all
        # at once by `build_views`): memory grows with the number of episodes, and a
        # question costs the same at every point.
        self._cuts = [(point, cut_show(show_file, point)) for point in progress_points(show_file)]
        self._views: dict[Progress, ShowView] = {}

    @property
    def points(self) -> list[Progress]:
        """Every progress point a viewer of the show can be at."""
        return [point for point, _ in self._cuts]

    @property
    def full(self) -> ShowView:
        """The view of the whole base: for viewers who finished, and for reveal."""
        return self._view_at(len(self._cuts) - 1)

    def _view_at(self, number: int) -> ShowView:
        point, cut = self._cuts[number]
        view = self._views.get(point)
        if view is None:
            with collector_paused(), remembering_texts():
                view = ShowView(cut, point, self._lexicon, self._kinds)
            self._views[point] = view
        return view

    def build_views(self) -> None:
        """Build the view of every progress point now, so no viewer waits for one later."""
        with remembering_texts():
            for number in range(len(self._cuts)):
                self._view_at(number)

    @property
    def slug(self) -> str:
        return self.show.slug

    @property
    def facts(self) -> list[Fact]:
        """Every fact of the show, derived ones included (for tools and tests)."""
        return self.full.facts

    @property
    def characters(self) -> dict[str, Character]:
        return self.full.characters

    @property
    def names(self) -> NameMatcher:
        return self.full.names

    def view(self, progress: Progress, *, reveal: bool = False) -> ShowView:
        """Return the view a viewer at `progress` is answered from; `reveal` sees everything."""
        if reveal or progress >= self.finale:
            return self.full
        number = next(i for i in range(len(self._cuts) - 1, -1, -1) if self._cuts[i][0] <= progress)
        return self._view_at(number)

    def parse_progress(self, text: str) -> Progress:
        return parse_progress(text, self.show)

    def valid_range(self) -> str:
        return valid_range(self.show)

    def has_met(self, character_id: str, progress: Progress) -> bool:
        met = self._characters[character_id].first_seen
        return progress.covers(met.season, met.episode)

    def ask(self, question: str, progress: Progress, *, reveal: bool = False) -> Answer:
        """Answer a question for a viewer at `progress`; `reveal` lifts the gate deliberately."""
        return self.view(progress, reveal=reveal).ask(question, progress, reveal=reveal)

    def answer(self, question: str, progress: Progress, *, reveal: bool = False) -> Answer:
        """Work out the answer without the cache (what `ask` does on a question it hasn't seen)."""
        return self.view(progress, reveal=reveal).answer(question, progress, reveal=reveal)

    def met_characters(self, progress: Progress) -> list[Character]:
        """Return the characters a viewer has met, in order of appearance."""
        return self.view(progress).met_characters()

    def find_character(self, name: str, progress: Progress) -> Character | None:
        """Return the character a typed name means, only if the viewer has met them."""
        return self.view(progress).find_character(name)

    def describe_character(self, character: Character, progress: Progress) -> CharacterView:
        view = self.view(progress)
        if character.id not in view.characters:
            raise ValueError("the viewer has not met this character")
        return CharacterView(
            view.characters[character.id], self.show, progress, view.timeline(character.id)
        )

    def complete_character(self, typed: str, progress: Progress) -> list[str]:
        """Return up to 25 names of met characters that fit what was typed."""
        return self.view(progress).complete_character(typed)

    def recap(self, progress: Progress, episode: Progress | None = None) -> RecapView:
        """Return summaries of watched episodes, or of one episode if it has been watched."""
        recaps = self.view(progress).show.recaps
        if episode is not None:
            if not progress.covers(episode.season, episode.episode):
                return RecapView(self.show, progress, locked=True)
            chosen = [r for r in recaps if r.episode == episode]
        else:
            chosen = list(recaps)
        return RecapView(self.show, progress, tuple(sorted(chosen, key=lambda r: r.episode)))

    def complete_episode(self, typed: str) -> list[str]:
        """Return up to 25 progress choices ("S1E7", "finished", ...) that fit what was typed."""
        labels = [
            f"S{s}E{e}"
            for s, n in sorted(self.show.episode_counts.items())
            for e in range(1, n + 1)
        ]
        options = ["finished", "none", *labels]
        cleaned = typed.strip().lower()
        if not cleaned:
            return options[:MAX_CHOICES]
        try:
            exact = self.parse_progress(cleaned)
        except ValueError:
            exact = None
        hits = [o for o in options if cleaned in o.lower()]
        if exact is not None:
            label = "none" if not exact.started else exact.label()
            hits = [label, *[h for h in hits if h != label]]
        return hits[:MAX_CHOICES]


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


_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")


def focused_question(text: str) -> str | None:
    """Return the sentences of a message that ask something, if it has others too."""
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    if len(sentences) < 2:
        return None
    asking = [s for s in sentences if s.endswith("?")] or sentences[-1:]
    return " ".join(asking) if len(asking) < len(sentences) else None


def content_terms(query: Query) -> set[str]:
    """Return what a question asks beyond whom it names and its question words."""
    return {t for t in query.terms if not is_entity(t) and t not in QUESTION_WORDS}


def kinds_of(fact: Fact, lexicon: Lexicon) -> frozenset[str]:
    """Return what kind of answer a fact gives: its `kind`, or what its wording shows."""
    if fact.kind:
        return frozenset({fact.kind})
    tokens = lexicon.words(fact.answer)
    kinds = cued(tokens, KIND_CUES)
    return kinds | {"count"} if any(t.isdigit() for t in tokens) else kinds


def describe_person(
    tokens: list[str], concept_of: dict[str, str] | None = None
) -> tuple[list[str], list[str]] | None:
    """Split "the guy who wouldn't open the door, what happened to him" into its clause
    ("wouldn't open the door") and the rest ("what happened to him"), if it has one."""
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
            return clause[:end], [*tokens[:start], *clause[end:]]
    return None


_ARTICLES = frozenset({"the", "that", "this", "a", "an"})
_CLAUSE_ENDS = frozenset({"what", "whatever", "how", "is", "did", "does", "was", "where", "why"})


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large structures that hold no cycles.

    Its scans grow with the heap and add about 40% to a 10,000-fact index build.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def profile_fact_id(character_id: str) -> str:
    return f"who-is-{character_id}"


def is_profile(fact: Fact) -> bool:
    """Whether a fact says who someone is (a derived profile or a curated one)."""
    return fact.id.startswith("who-is-") or bool({"who", "character"} & set(fact.topics))


def derived_facts(show_file: ShowFile) -> list[Fact]:
    """Facts the show file implies: who each character is, and what each episode holds."""
    facts = []
    for character in show_file.characters:
        latin = [n for n in character.names if n.isascii()]
        questions = [f"who is {name}" for name in latin[:4]] + [f"tell me about {character.name}"]
        facts.append(
            Fact(
                id=profile_fact_id(character.id),
                episode=character.first_seen,
                about=[character.id],
                topics=["who", "character"],
                answer=f"{character.name}: {character.role}",
                questions=questions,
                source="character list",
            )
        )
    finale = last_episode(show_file.show)
    finale_questions = ["finale recap", "what happens in the finale"]
    for recap in show_file.show.recaps:
        number = recap.episode.episode
        facts.append(
            Fact(
                id=f"recap-{recap.episode.label().lower()}",
                episode=recap.episode,
                topics=["recap", "summary"],
                answer=recap.summary,
                source=recap.source,
                questions=[
                    f"what happens in episode {number}",
                    f"episode {number} recap",
                    f"summary of {recap.episode.label()}",
                    *(finale_questions if recap.episode == finale else []),
                ],
            )
        )
    return facts


class UnknownShowError(LookupError):
    """A show slug that no show file defines."""


class Library:
    """Every show the bot knows, by slug."""

    def __init__(self, engines: list[ShowEngine], default: str | None = None) -> None:
        if not engines:
            raise ValueError("a library needs at least one show")
        self.shows = {engine.slug: engine for engine in engines}
        if default is not None and default not in self.shows:
            raise UnknownShowError(f"no show {default!r}; known: {', '.join(sorted(self.shows))}")
        self._default = self.shows[default] if default else engines[0]
        self._names = ShowNames(engines)

    @classmethod
    def load(cls, path: Path, default: str | None = None, *, build_views: bool = True) -> Library:
        """Read, validate and index every show file under `path` (raises FactBaseError).

        `build_views=False` leaves each progress point's view to be built when first asked,
        which a one-question command line wants.
        """
        with remembering_texts():  # validating and indexing tokenise the same texts
            library = cls([ShowEngine(show_file) for show_file in read_library(path)], default)
            if build_views:
                for engine in library.shows.values():
                    engine.build_views()
        return library

    @property
    def default(self) -> ShowEngine:
        return self._default

    @property
    def several(self) -> bool:
        """Whether more than one show is loaded, so replies must say which one they are about."""
        return len(self.shows) > 1

    def get(self, name: str | None) -> ShowEngine | None:
        """Return the show a slug, title or alias names; the default show for None."""
        if name is None or not name.strip():
            return self.default
        if name in self.shows:
            return self.shows[name]
        slug = self._names.lookup(name)
        return self.shows.get(slug) if slug else None

    def complete_show(self, typed: str) -> list[tuple[str, str]]:
        """Return (title, slug) choices that fit what was typed, on titles and aliases alike."""
        return [(e.show.title, e.slug) for e in self._names.complete(typed)]

    def route(
        self,
        question: str,
        progress: Mapping[str, Progress],
        *,
        default: ShowEngine | None = None,
        option: ShowEngine | None = None,
    ) -> Route:
        """Pick the show a question is about from the viewer's progress in each (slug -> point)."""
        return route(
            self.shows,
            self._names,
            question,
            progress,
            default=default or self.default,
            option=option,
        )
