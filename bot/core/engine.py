"""Answer questions about a show as of a viewer's progress; the heart of the bot."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Hashable
from dataclasses import replace
from functools import lru_cache
from itertools import chain, pairwise
from operator import attrgetter
from typing import Any

from bot.core.characters import (
    HAVING,
    best_described,
    complete_character,
    describe_by_role,
    describe_person,
    find_character,
    met_characters,
    relational_names,
    timeline,
)
from bot.core.collector import collector_paused
from bot.core.cut import as_known, cut_show, progress_points
from bot.core.derived import derived_facts, is_profile, profile_fact_id
from bot.core.index import FactIndex, Match, Query
from bot.core.names import Mention, NameMatcher
from bot.core.policy import DEFAULT_POLICY, AnswerPolicy
from bot.core.progress import Progress, last_episode, parse_progress, valid_range
from bot.core.recaps import complete_episode, recap_view
from bot.core.results import Answer, CharacterView, RecapView, Status
from bot.core.schema import Character, Fact, ShowFile
from bot.core.smalltalk import chatter_in
from bot.core.terms import (
    FATE,
    HOW,
    OFFSCREEN,
    QUESTION_WORDS,
    SHOW_ENTITY,
    WHERE,
    WHO,
    entity_term,
    episode_term_of,
    is_concept,
    is_entity,
    is_episode,
    is_word,
)
from bot.core.text import (
    INTENT_NEEDS,
    INTENTS,
    KIND_CUES,
    PERSON_NOUNS,
    POSSESSIVE_PRONOUNS,
    PREMISE_OPENERS,
    QUESTION_OPENERS,
    RELATION_WORDS,
    STOPWORDS,
    YES_NO_OPENERS,
    Lexicon,
    remembering_texts,
)

# A question's words, the names it says exactly, and those of them written with 's.
Possessives = tuple[list[str], list[Mention], list[Mention]]

# "On-jo's friend": the name a possessive is written on (its last word, as a question's words are).
_POSSESSOR = re.compile(r"([^\W_][\w-]*)['’]s\b")

# What kind of answer a fact gives (a reason, a time, a count...), by its kind and answer.
Kinds = dict[tuple[str | None, str], frozenset[str]]

# Progress values whose view is remembered: every episode of a long show, and then some.
_REMEMBERED_POINTS = 4096

# A fact's episode as a plain tuple, the order of Progress: tuples compare in C, and a sort
# of a large base compared Progress objects a million times.
_EPISODE_ORDER = attrgetter("episode.season", "episode.episode")


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
        kinds: Kinds | None = None,
        policy: AnswerPolicy = DEFAULT_POLICY,
        contents: dict[Hashable, dict[str, set[str]]] | None = None,
    ) -> None:
        self.point = point
        self.policy = policy
        self.show = show_file.show
        characters = [as_known(c) for c in show_file.characters]
        self.characters = {c.id: c for c in characters}
        known = show_file.model_copy(update={"characters": characters})
        # Sorted by episode: the index breaks ties in favour of later facts.
        self.facts = sorted([*show_file.facts, *derived_facts(known)], key=_EPISODE_ORDER)
        # The language is the same at every point (nothing in it is stamped with an episode),
        # so one lexicon, and its caches, serve every view of a show.
        self.lexicon = lexicon or Lexicon(self.show.vocabulary)
        names = relational_names(characters, self.lexicon)
        names[SHOW_ENTITY] = [self.show.title, *self.show.aliases]
        # Facts share paraphrases ("where was the key found"): each text is split once.
        texts = dict.fromkeys(text for f in self.facts for text in (*f.questions, f.answer))
        vocabulary = set(chain.from_iterable(map(self.lexicon.words, texts)))
        self.names = NameMatcher(names, vocabulary, self.lexicon)
        seasons = self.show.episode_counts
        # The seasons the base tells; another season named is answered only by what it says
        # of that one.
        self._seasons_told = frozenset((season, 0) for season in seasons)
        self._fact_seasons: dict[str, frozenset[tuple[int, int]]] = {}  # worked out when asked
        self._role_terms: dict[str, frozenset[str]] | None = None  # worked out when asked
        self.index = FactIndex(
            self.facts,
            self.names,
            lexicon=self.lexicon,
            vocabulary=vocabulary,
            single_season=next(iter(seasons)) if len(seasons) == 1 else None,
        )
        # A kind depends only on the fact's own words, so views share the work; keyed by the
        # words, not the id, since a derived profile reads differently once a twist is out.
        # Only facts a question asking for a kind ranks are read for it (see `_kind_of`).
        self._kinds: Kinds = {} if kinds is None else kinds
        # What each card says beyond whom it names, by its answer's text: worked out when a
        # reply first holds the card (see `_content`). It depends on the text and on the
        # names this view knows, nothing else: views that know the same names share it.
        known_names = frozenset((entity, tuple(spelt)) for entity, spelt in names.items())
        self._contents: dict[str, set[str]] = ({} if contents is None else contents).setdefault(
            known_names, {}
        )
        self._fates: dict[str, list[Fact]] = {}
        for fact in self.facts:
            if policy.fate_topic in fact.topics:
                for ref in fact.subjects:
                    self._fates.setdefault(ref, []).append(fact)

    def ask(self, question: str, progress: Progress, *, reveal: bool = False) -> Answer:
        # Fans ask the same questions over and over; the base never changes once loaded.
        return self._remembered(question[: self.policy.max_question_chars], progress, reveal)

    @lru_cache(maxsize=4096)  # noqa: B019 - views live as long as the process
    def _remembered(self, question: str, progress: Progress, reveal: bool) -> Answer:
        return self.answer(question, progress, reveal=reveal)

    def answer(self, question: str, progress: Progress, *, reveal: bool = False) -> Answer:
        """Work out the answer from this view's facts, all of which the viewer may see."""
        policy = self.policy
        question = question[: policy.max_question_chars]

        def result(status: Status, **kwargs: Any) -> Answer:
            return Answer(status, self.show, progress, revealed=reveal, **kwargs)

        if chatter := chatter_in(question):  # decided by the words alone, never by facts
            return result(Status.CHATTER, chatter=chatter)

        asked = self._pronoun_owners(question)
        query = self._analyse(asked, progress)
        if not self._covers_episodes(query.episodes):
            return result(Status.UNKNOWN, beyond_episodes=True)
        query = self._resolve_description(asked, query, progress)
        query = self._weigh_premise(asked, query)
        possessives = self._possessives(question, asked)
        query = self._resolve_role(possessives, query, progress)
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
            for i in INTENTS.found(tokens)
            if i not in INTENT_NEEDS or INTENT_NEEDS[i] & set(tokens)
        )
        if policy.timeline_intent in intents and len(query.entities) == 1:
            # "Her whole arc": the timeline, dated, as /character gives it.
            arc = self.timeline(next(iter(query.entities)))
            if arc:
                most = policy.max_fates
                picked = arc if len(arc) <= most else (arc[0], *arc[-(most - 1) :])
                return result(Status.ANSWERED, facts=tuple(picked), dated=True)
        matches = self._prefer_kind(matches, intents)
        if OFFSCREEN not in query.terms:
            # How the show was made answers only what asks about the making: "why did Lucas
            # and Mike fight on the tracks" is their quarrel, not the film the walk nods to.
            matches = [m for m in matches if m.fact.kind != policy.making_kind] or matches
        floor = policy.close_ratio * matches[0].score if matches else 0.0
        chosen = [m.fact for m in matches if m.score >= floor][: policy.max_facts]
        # "Are Nam-ra and Su-hyeok a thing?" is about the two of them, not each alone; so is
        # "On-jo and Cheong-san, what's the deal with them", which asks nothing else.
        bare_pair = not {t for t in content_terms(query) if not is_episode(t)}
        # "They just kissed, pls tell me she makes it": a fate asked of one of them.
        one_of_them = (
            query.asks_fate
            and not policy.singular_pronouns.keys().isdisjoint(tokens)
            and policy.pair_word not in query.terms  # "what went down between them before he ran"
        )
        together = (
            len(query.entities) > 1
            and not one_of_them
            and (bool(policy.together_words & query.terms.keys()) or bare_pair)
        )
        if together:
            chosen = [m.fact for m in matches if query.entities <= set(m.fact.about)]
            if bare_pair:  # what they are to each other first
                chosen.sort(key=lambda fact: not is_relationship(fact, policy))
            chosen = chosen[: policy.max_facts]
        # "How did X die?" and "why?" want the event; "is X alive?", a bare "X?" and "will
        # he make it to the end?" ask where X stands, which X's timeline tells even when no
        # fact is worded like the question.
        asks_event = bool(policy.event_words & query.terms.keys() or policy.answer_kinds & intents)
        if owners := relatives_unnamed(possessives, query.entities):
            # "Did Cheong-san's mom make it?" before she is a character: his story is not hers,
            # unless a card of it speaks of her ("... carrying her newborn").
            owner_states = self._state_ids(owners)
            kin = relations_asked(possessives)
            chosen = [f for f in chosen if f.id not in owner_states] or [
                f for f in chosen if not kin.isdisjoint(self.lexicon.words(f.answer))
            ]
            if WHO in query.terms:
                # "Who is El's real mom?" before any character is her: nothing the viewer
                # has seen says, whatever else is told of El.
                chosen = []
        # "I know On-jo makes it, who else is alive?": the people named are not the ones asked.
        others = bool(query.entities) and any(
            pair in policy.others_words for pair in pairwise(tokens)
        )
        if others:
            named = query.entities
            chosen = [f for f in chosen if not set(f.subjects) <= named] or chosen
        asks_state = (
            (query.asks_fate or query.names_only)
            and not others
            and not query.asks_when
            and not asks_after_a_thing(possessives, self.lexicon.concept_of, query.entities)
            and not self._untold_seasons(query)  # "what happens to El in season 2"
        )
        yes_no = self._asks_yes_or_no(question)  # "is X a half-zombie?", "... does he get out?"
        if (after := self._asked_after_telling(question, query, ranked)) is not None:
            chosen = self._latest_states(after, [])
        elif query.entities and asks_state and not together and not asks_event:
            event = None if yes_no else self._answering_event(matches, ranked, query.entities)
            asked_of = self._asked_of(question, query.entities, ranked) if one_of_them else None
            # A bare "X?" asks who they are as well as where they stand.
            chosen = self._latest_states(
                asked_of or query.entities, chosen, profiles=query.names_only
            )
            if event is not None:
                chosen = [event, *(f for f in chosen if f is not event)][: len(chosen)]
            if query.names_only:  # who they are first, then where they stand
                profiles = {profile_fact_id(e) for e in query.entities}
                chosen.sort(key=lambda fact: fact.id not in profiles)
        elif query.entities and chosen:
            if query.asks_fate or asks_event or content_terms(query):
                # "How did X die?", "who went after X?": what X did or met, not who X is.
                # "How did she get through the gym?": her story before the deaths she is
                # named in.
                chosen.sort(
                    key=lambda fact: (is_profile(fact), query.entities.isdisjoint(fact.subjects))
                )
            if asks_event and (event := self._event_over_state(chosen[0], matches, query)):
                chosen = [event, *(f for f in chosen if f is not event)]
            if query.entities & set(chosen[0].subjects) and not is_profile(chosen[0]):
                # Beside the one event asked about, other states of the same people are padding.
                states = self._state_ids(query.entities)
                chosen = [chosen[0], *(f for f in chosen[1:] if f.id not in states)]
        # The words a question asks with, beyond names and question words.
        wanted = {t for t in content_terms(query) if is_word(t) or is_concept(t)}
        if (
            query.entities
            and chosen
            and all(is_profile(fact) for fact in chosen)
            and WHO not in query.terms
            and wanted
            and not wanted & self._terms_of(chosen)
        ):
            # "Does Nam-ra stay with the group?" asks more than who she is, and nothing says
            # it better than where she stands as of the viewer's episode: that first. ("How
            # old is Will?" is answered by a profile that tells his age.)
            chosen = [*self._latest_states(query.entities, []), *chosen][: policy.max_facts]
        if query.entities and WHO in query.terms and not content_terms(query):
            # "Who is Jane?" asks who she is, before any scene a paraphrase names her in.
            who = [f for f in chosen if is_profile(f) and query.entities & {*f.subjects}]
            chosen = who or chosen
        if chosen and not query.asks_fate and WHO not in query.terms:
            # Where people the question does not name stand is padding beside what it asks
            # ("what did they make the bath out of" is not asked of Will and Barb).
            chosen = [chosen[0], *(f for f in chosen[1:] if not self._bystander(f, query.entities))]
        if (query.names_only or yes_no) and QUESTION_WORDS.isdisjoint(query.terms):
            # "Does X get out?" and "X?" ask where X stands now, whatever state matched.
            chosen = self._current_states(chosen, query.entities)
        asks_episode = bool(
            query.episodes or query.last_watched or policy.episode_concepts & query.terms.keys()
        )
        if not asks_episode and not all(policy.recap_topic in f.topics for f in chosen):
            # An episode's recap retells all of it: beside a card on what was asked, it only
            # repeats that card among other things (unless an episode is what was asked).
            chosen = [f for f in chosen if policy.recap_topic not in f.topics]
        chosen = self._distinct(chosen)
        if not query.asks_when:
            chosen = latest_stages(chosen, query.entities, policy.stage_kinds)
        if (
            chosen
            and wanted
            and WHO not in query.terms
            and all(
                is_profile(f)
                or (query.asks_when and f.kind == policy.state_kind)
                or (query.entities and f.kind in policy.gloss_kinds)
                for f in chosen
            )
            and not wanted & self._terms_of(chosen)
        ):
            # "Does Hopper have kids?" before it is told: who he is answers nothing, and
            # "when does X tell Y how he feels" before he does is not told by where he stands.
            chosen = []
        if not chosen:
            # The making of the show is in no episode; a season 2 may be spoken of in one.
            beyond = OFFSCREEN in query.terms
            return result(
                Status.UNKNOWN, suggestions=self._suggestions(ranked), beyond_episodes=beyond
            )
        # "When does X die?" wants the event itself, dated; so does a state last told episodes
        # ago ("is Dae-su ok?" at S1E7, when he was last seen in S1E4): where someone stood
        # then is not where they stand now.
        stale = policy.fate_topic in chosen[0].topics and chosen[0].episode < progress
        return result(Status.ANSWERED, facts=tuple(chosen), dated=query.asks_when or stale)

    def _terms_of(self, facts: list[Fact]) -> set[str]:
        """Return every term the facts are indexed under."""
        return set().union(*(self.index.terms_of(fact) for fact in facts))

    def _weigh_premise(self, question: str, query: Query) -> Query:
        """Weigh less the words of an opening clause that says when a question is asked.

        "After Su-hyeok pulls Cheong-san up off the fire hose, where do they all hide?" asks
        where they hide: the rescue is what the fan has just seen, not what they ask about,
        and the people it names are not the ones asked about unless the question names them.
        """
        tokens = self.lexicon.words(question)
        if not tokens or tokens[0] not in PREMISE_OPENERS:
            return query
        cut = next((i for i, t in enumerate(tokens) if opens_question(t)), None)
        if cut is None or cut < 2:
            return query
        asked = self.index.analyse(" ".join(tokens[cut:]), fuzzy=False)
        weight = self.policy.premise_weight
        terms = {t: w if t in asked.terms else w * weight for t, w in query.terms.items()}
        return replace(query, terms=terms, entities=query.entities & asked.entities)

    def _pronoun_owners(self, question: str) -> str:
        """Read "Ha-ri and her brother" as "Ha-ri and Ha-ri's brother"."""
        tokens = self.lexicon.words(question)
        spots = [
            i
            for i in range(1, len(tokens) - 1)
            if tokens[i] in POSSESSIVE_PRONOUNS and tokens[i + 1] in RELATION_WORDS
        ]
        if not spots:
            return question
        mentions = [m for m in self.names.find(tokens) if m.entity in self.characters]
        for i in reversed(spots):
            owner = max((m for m in mentions if m.end <= i), key=lambda m: m.end, default=None)
            if owner is not None:
                tokens[i : i + 1] = tokens[owner.start : owner.end]
        return " ".join(tokens)

    def _resolve_description(self, question: str, query: Query, progress: Progress) -> Query:
        """Read "the girl who infected Gyeong-su, what happened to her" as a question about her.

        The clause is matched against the facts; the person the best fact is about, other than
        the people the clause names, is the one described.
        """
        found = describe_person(self.lexicon.words(question), self.lexicon.concept_of)
        if found is None:
            return query
        head, clause, rest = found
        named = self._analyse(" ".join(head), progress).entities & self.characters.keys()
        if named:
            # "The rich girl who infected her classmate": the head is already a name.
            resolved = self._analyse(" ".join(rest), progress)
            resolved.entities = resolved.entities | named
            resolved.terms.update({entity_term(e): 1.0 for e in named})
            return resolved
        described = self._analyse(" ".join(clause), progress)
        matches = self._matches(described)[1]
        if not matches or matches[0].score < self.policy.description_threshold:
            return query
        best = matches[0].fact
        # Whoever the fact is about besides the clause's people: the one who did it, even when
        # the fact is the other's fate ("the lady who shot Benny" is in Benny's death card).
        people = [e for e in best.about if e not in described.entities and e in self.characters]
        if not people:
            return query
        resolved = self._analyse(" ".join(rest), progress)
        resolved.entities = resolved.entities | {people[0]}
        resolved.terms[entity_term(people[0])] = 1.0
        return resolved

    def _resolve_role(self, possessives: Possessives, query: Query, progress: Progress) -> Query:
        """Read "did the funny guy survive" and "On-jo's childhood friend" as about that person.

        The description is matched against who each character is (their role and names); it
        names someone only when one character fits it clearly better than any other.
        """
        tokens, _, owning = possessives
        owners = {m.end - 1: m.entity for m in owning if m.entity in self.characters}
        if query.entities - set(owners.values()):
            return query  # someone is named besides whose friend or child is asked after
        found = describe_by_role(tokens, frozenset(owners))
        if found is None:
            return query
        description, rest = found
        owned = {entity_term(e) for e in owners.values()}
        # What qualifies the person ("funny", "childhood"), apart from the noun and the owner:
        # "the first person infected" or "Hopper's daughter" qualify no one a role tells.
        # Exact words only: the question's own analysis has spent its typo budget.
        qualifying = [t for t in description if t not in PERSON_NOUNS | RELATION_WORDS.keys()]
        qualifiers = set(self.index.analyse(" ".join(qualifying), fuzzy=False).terms) - owned
        if not qualifiers:
            return query
        roles = {id_: terms for id_, terms in self._roles().items() if id_ not in owners.values()}
        # The noun ("kid", "guy") is in many roles, or none: who is meant is in its qualifiers.
        policy = self.policy
        person = best_described(
            qualifiers | owned, roles, qualifiers, policy.role_recall, policy.role_margin
        )
        if person is None or owned - roles[person]:
            return query
        # The question as asked, with the person in place of the description.
        kept = set(self.index.analyse(" ".join(rest), fuzzy=False).terms)
        described = set(self.index.analyse(" ".join(description), fuzzy=False).terms) - kept
        terms = {t: w for t, w in query.terms.items() if t not in described}
        terms[entity_term(person)] = 1.0
        return replace(
            query, terms=terms, entities=query.entities - set(owners.values()) | {person}
        )

    def _possessives(self, question: str, asked: str) -> Possessives:
        """Return the words of a question, the names it says, and those written with 's.

        Exact names only: the question's own analysis has spent its typo budget already.
        """
        tokens = self.lexicon.words(asked)
        possessors = {w[-1] for m in _POSSESSOR.findall(question) if (w := self.lexicon.words(m))}
        if not possessors:
            return tokens, [], []
        mentions = self.names.find(tokens, fuzzy=False)
        return tokens, mentions, [m for m in mentions if tokens[m.end - 1] in possessors]

    def _roles(self) -> dict[str, frozenset[str]]:
        """Return, for each character of this view, the terms of their role, names and profiles."""
        if self._role_terms is None:
            told = {
                c.id: set(self.index.analyse(" ".join([c.role, *c.names]), fuzzy=False).terms)
                | self._described_by(c)
                for c in self.characters.values()
            }
            for fact in self.facts:  # a profile's questions are how fans describe someone
                if is_profile(fact) and (person := self._profiled(fact)) in told:
                    told[person] |= self.index.terms_of(fact)
            self._role_terms = {id_: frozenset(terms) for id_, terms in told.items()}
        return self._role_terms

    def _described_by(self, character: Character) -> set[str]:
        """Return the words of the names that describe someone ("the girl with the bow").

        Read as names, they say only who she is; a description in another language ("활 쏘는
        여자애") is matched on what they say of her.
        """
        words = [self.lexicon.words(alias) for alias in character.aliases]
        # What someone has describes them; where they are ("the thing in the wall") is
        # already said by the scenes a question is matched with.
        described = [w for w in words if HAVING in w]
        return {t for alias in described for w in alias for t in self.lexicon.terms_of_word(w)}

    def _profiled(self, fact: Fact) -> str | None:
        """Return whom a profile is of: its one subject, or the one its answer opens with."""
        if len(fact.subjects) == 1:
            return fact.subjects[0]
        mentions = self.names.find(self.lexicon.words(fact.answer), fuzzy=False)
        if mentions and mentions[0].start == 0 and mentions[0].entity in fact.subjects:
            return mentions[0].entity
        return None

    def _analyse(self, text: str, progress: Progress) -> Query:
        query = self.index.analyse(text)
        if query.last_watched and progress.started:  # "last episode": the viewer's own
            query.terms[episode_term_of(progress)] = 1.0
        return query

    def _matches(self, query: Query) -> tuple[list[Match], list[Match]]:
        """Return the ranked facts, and those good enough to answer with."""
        ranked = self.index.search(query)  # only facts about the people named, if any
        policy = self.policy
        min_recall = (
            policy.min_recall_with_names if query.entities else policy.min_recall_without_names
        )
        matches = [
            m
            for m in ranked
            if (m.score >= policy.answer_threshold or m.recall >= policy.strong_recall)
            and m.recall >= min_recall
        ]
        if seasons := self._untold_seasons(query):
            # "When is season 2 out?" is answered only by what the base says of season 2,
            # never by what it says of season 1.
            matches = [m for m in matches if seasons <= self._seasons_of(m.fact)]
            if query.asks_when:  # and "when" by a date, not by what it might be about
                matches = [m for m in matches if "time" in self._kind_of(m.fact)]
        return ranked, matches

    def _untold_seasons(self, query: Query) -> set[tuple[int, int]]:
        """Return the seasons a question names that the base does not tell ("season 2")."""
        seasons = {(season, 0) for season, episode in query.episodes if episode == 0}
        return seasons - self._seasons_told

    def _seasons_of(self, fact: Fact) -> frozenset[tuple[int, int]]:
        """Return the seasons a fact speaks of by number ("a possible season 2")."""
        seasons = self._fact_seasons.get(fact.id)
        if seasons is None:
            texts = (fact.answer, *fact.questions)
            seasons = self._fact_seasons[fact.id] = frozenset(
                e for text in texts for e in self.index.analyse(text).episodes if e[1] == 0
            )
        return seasons

    def _covers_episodes(self, episodes: frozenset[tuple[int, int]]) -> bool:
        """Whether the base can speak of every season and episode a question names."""
        counts = self.show.episode_counts
        upcoming = max(counts) + 1  # "will there be a season 2" is a fair question
        return all(
            (episode == 0 and season == upcoming) or 0 <= episode <= counts.get(season, -1)
            for season, episode in episodes
        )

    def _latest_states(
        self, entities: frozenset[str], chosen: list[Fact], *, profiles: bool = False
    ) -> list[Fact]:
        """Answer "is X alive?" with X's latest state instead of every state so far."""
        latest = [self._fates[e][-1] for e in sorted(entities) if e in self._fates]
        if not latest:
            # Who someone is does not say whether they live: better nothing than a profile.
            return [f for f in chosen if not is_profile(f)]
        stale = self._state_ids(entities)
        policy = self.policy
        others = [
            f
            for f in chosen
            if f.id not in stale
            and f not in latest
            and not self._bystander(f, entities)  # "does El die" is not asked of Mike
            and (profiles or not is_profile(f))  # who someone is, beside it, is padding
        ]
        # "Which of the main four live?" gets each of them, not the first three.
        limit = max(policy.max_facts, min(len(latest) + bool(others), policy.max_fates))
        if len(entities) > 1 and others and entities <= set(others[0].about):
            # "Does On-jo end up with Cheong-san?" is about the two of them, not each alone
            # (a card on only one of them, or on the place one hides in, is no such card).
            return [others[0], *latest, *others[1:]][:limit]
        return [*latest, *others][:limit]

    def _asked_after_telling(
        self, question: str, query: Query, ranked: list[Match]
    ) -> frozenset[str] | None:
        """Return whom a message asks where they stand after telling what the viewer saw.

        "El got Will singing on the radio. So where is he?": the card on the scene told is
        what the fan just watched; what is asked is where Will stands, as of their episode.
        Only a bare question of where someone stands counts ("is he ok?", "where is she"):
        one that asks something of its own ("why did he do it?", "does he ever tell her?")
        is answered as it is.
        """
        if not query.entities:
            return None
        asking = focused_question(question) or trailing_question(question)
        if asking is None:
            return None
        asked = self.index.analyse(asking, fuzzy=False)
        words = self.lexicon.words(asking)
        named_at = {i for m in self.names.find(words, fuzzy=False) for i in range(m.start, m.end)}
        # "Is he ok till the end?": the end is when, not what else is asked.
        fates = {FATE} | query.states | self.policy.episode_concepts
        # What the question says besides names and where someone stands ("die", "ok"); words
        # no card uses ("noooo", "pls") say nothing of their own.
        said = {
            term
            for position, word in enumerate(words)
            if position not in named_at
            and fates.isdisjoint(terms := self.lexicon.terms_of_word(word))
            for term in terms
            if term not in QUESTION_WORDS and (is_concept(term) or self.index.holds(term))
        }
        standing = (
            asked.asks_fate
            or WHERE in asked.terms
            or (
                self._asks_yes_or_no(asking)
                and any(pair in self.policy.standing_words for pair in pairwise(words))
            )
        )
        if said or not standing:
            return None  # "does he ever tell her?" asks something of its own
        if not PERSON_NOUNS.isdisjoint(words):
            return None  # "did the rich girl infect him on purpose?" asks about her act
        if asked.terms.keys() & (QUESTION_WORDS - {WHERE}):
            return None  # "how do they get Will back?" asks how, not where he stands
        named = asked.entities & query.entities
        if len(named) > 1:
            return None  # "are Barb and Will ok?" asks after both
        if not named and self.policy.singular_pronouns.keys().isdisjoint(words):
            return None  # "is that even possible?" asks after no one
        person = named if len(named) == 1 else self._asked_of(question, query.entities, ranked)
        if person is None or len(person) != 1 or not person <= self._fates.keys():
            return None
        return person

    def _asked_of(
        self, question: str, entities: frozenset[str], ranked: list[Match]
    ) -> frozenset[str] | None:
        """Return the one of several people a fate said with "he" or "she" is asked of.

        "The science teacher tied up Hyeon-ju... is he behind this?" can only mean him; "he
        fell down the shaft with Gwi-nam... is Cheong-san dead?" names him where it asks;
        "Min-jae got bit by Gwi-nam, is he gonna be ok?" asks after the one whose state holds
        most of what is said of him.
        """
        pronouns = {self.policy.singular_pronouns.get(t) for t in self.lexicon.words(question)}
        pronouns.discard(None)
        if len(pronouns) == 1:
            characters = self.characters
            fitting = frozenset(
                e for e in entities if e in characters and characters[e].pronoun in pronouns
            )
            entities = fitting or entities
            if len(fitting) == 1:
                return fitting
        if (asking := focused_question(question)) is not None:
            named = self.index.analyse(asking, fuzzy=False).entities & entities
            if named and named != entities:
                return named
        latest = {self._fates[e][-1].id: e for e in entities if e in self._fates}
        best = next((m.fact.id for m in ranked if m.fact.id in latest), None)
        return frozenset({latest[best]}) if best is not None else None

    def _asks_yes_or_no(self, question: str) -> bool:
        """Whether the question a message asks is answered yes or no ("... does he get out?")."""
        asked = focused_question(question) or question
        return any(
            words[0] in YES_NO_OPENERS
            for sentence in _SENTENCE.findall(asked)
            if (words := self.lexicon.words(sentence))
        )

    def _current_states(self, chosen: list[Fact], entities: frozenset[str]) -> list[Fact]:
        """Put in place of an older state of someone asked about where they stand now.

        "Does On-jo's dad get out with them?" at S1E10 matches his S1E4 state by its words,
        but where he stood then is not where he stands as of the viewer's episode.
        """
        policy = self.policy
        latest = {e: self._fates[e][-1] for e in entities if e in self._fates}
        current: dict[str, Fact] = {}
        for fact in chosen:
            subjects = fact.subjects
            if (
                fact.kind == policy.state_kind
                and policy.fate_topic in fact.topics
                and len(subjects) == 1
                and subjects[0] in latest
            ):
                fact = latest[subjects[0]]
            current.setdefault(fact.id, fact)
        return list(current.values())

    def _bystander(self, fact: Fact, named: frozenset[str]) -> bool:
        """Whether a card tells where someone the question does not name stands."""
        return fact.kind == self.policy.state_kind and named.isdisjoint(fact.subjects)

    def _state_ids(self, entities: frozenset[str]) -> set[str]:
        """Return the ids of every state card of these people, their timelines."""
        return {f.id for e in entities for f in self._fates.get(e, [])}

    def _answering_event(
        self, matches: list[Match], ranked: list[Match], entities: frozenset[str]
    ) -> Fact | None:
        """Return the event card that answers a state question better than the states do.

        "Which teacher died saving Na-yeon?" uses a fate word, yet the card about the teacher
        holds far more of the question than where Na-yeon stands does.
        """
        if not matches:
            return None
        top = matches[0]
        states = self._state_ids(entities)
        if top.fact.id in states or is_profile(top.fact):
            return None
        latest = {self._fates[e][-1].id for e in entities if e in self._fates}
        best_state = max((m.recall for m in ranked if m.fact.id in latest), default=0.0)
        return top.fact if top.recall >= best_state + self.policy.event_margin else None

    def _event_over_state(self, first: Fact, matches: list[Match], query: Query) -> Fact | None:
        """Return the event card that tells how or why better than the state card first.

        "How did Nam-ra get the zombies to go away?": where she stands mentions it, the
        card about her trick tells it.
        """
        states = self._state_ids(query.entities)
        if first.id not in states or query.asks_fate or HOW not in query.terms:
            return None  # "how did X die" is answered by X's last state, "why" often too
        held = next((m.recall for m in matches if m.fact is first), 1.0)
        fate = self.policy.fate_topic
        return next(
            (
                m.fact
                for m in matches
                if m.recall > held and fate not in m.fact.topics and not is_profile(m.fact)
            ),
            None,
        )

    def _prefer_kind(self, matches: list[Match], intents: frozenset[str]) -> list[Match]:
        """Rank first, among facts that fit, those of the kind the question asks for."""
        wanted = intents & self.policy.answer_kinds
        if not wanted or not matches:
            return matches
        boost = self.policy.intent_boost
        boosted = [
            m._replace(score=m.score * boost) if wanted & self._kind_of(m.fact) else m
            for m in matches
        ]
        return sorted(boosted, key=lambda m: m.score, reverse=True)

    def _kind_of(self, fact: Fact) -> frozenset[str]:
        """Return what kind of answer a fact gives, read once per wording for every view."""
        key = (fact.kind, fact.answer)
        kinds = self._kinds.get(key)
        if kinds is None:
            kinds = self._kinds[key] = kinds_of(fact, self.lexicon)
        return kinds

    def _distinct(self, facts: list[Fact]) -> list[Fact]:
        """Drop cards that say again what another card says: a reply is read in seconds.

        Of two such cards the one that says more stays, in the better one's place.
        """
        share = self.policy.duplicate_share
        kept: list[Fact] = []
        contents: list[set[str]] = []
        for fact in facts:
            content = self._content(fact.answer)
            same = next(
                (
                    i
                    for i, other in enumerate(contents)
                    if len(content & other) >= share * min(len(content), len(other))
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
        content = self._contents.get(text)
        if content is None:
            terms = self.index.analyse(text, fuzzy=False).terms
            content = self._contents[text] = {t for t in terms if is_word(t)} or {text}
        return content

    def _suggestions(self, ranked: list[Match]) -> tuple[str, ...]:
        picks: dict[frozenset[str], str] = {}  # by meaning: "who is On-jo" = "who is Nam On-jo"
        for match in ranked:
            if match.score >= self.policy.suggestion_threshold:
                # The terms of its first paraphrase, as the index holds them.
                meaning = self.index.paraphrases_of(match.fact)[0]
                picks.setdefault(meaning, match.fact.questions[0])
        return tuple(picks.values())[: self.policy.max_suggestions]

    def met_characters(self) -> list[Character]:
        """Return the characters of this view, in order of appearance."""
        return met_characters(self.characters)

    def find_character(self, name: str) -> Character | None:
        """Return the character a typed name means, if this view knows them."""
        return find_character(name, self.characters, self.names, self.policy.max_question_chars)

    def timeline(self, character_id: str) -> tuple[Fact, ...]:
        """Return a character's own states and events, oldest first."""
        return timeline(character_id, self._fates, self.facts)

    def complete_character(self, typed: str) -> list[str]:
        """Return up to 25 names of this view's characters that fit what was typed."""
        return complete_character(typed, self.met_characters())


class ShowEngine:
    """One show, answered for each viewer from the view cut at their progress."""

    def __init__(self, show_file: ShowFile) -> None:
        self.show = show_file.show
        self.finale = last_episode(self.show)
        self._characters = {c.id: c for c in show_file.characters}
        self._lexicon = Lexicon(self.show.vocabulary)
        self._kinds: Kinds = {}
        self._contents: dict[Hashable, dict[str, set[str]]] = {}  # by the names a view knows
        # One view per progress point, each built the first time a viewer there asks (or all
        # at once by `build_views`): memory grows with the number of episodes, and a
        # question costs the same at every point. The base is cut for a view as it is built:
        # a hundred cuts of a large base, made up front, cost time and memory before any
        # viewer is at those points.
        self._show_file = show_file
        self._points = progress_points(show_file)
        self._views: dict[Progress, ShowView] = {}
        # The view each progress asked at is answered from: found by one look-up, not a
        # bisection comparing Progress objects, on every question.
        self._view_of: dict[Progress, ShowView] = {}

    @property
    def points(self) -> list[Progress]:
        """Every progress point a viewer of the show can be at."""
        return list(self._points)

    @property
    def full(self) -> ShowView:
        """The view of the whole base: for viewers who finished, and for reveal."""
        return self._view_at(len(self._points) - 1)

    def _view_at(self, number: int) -> ShowView:
        point = self._points[number]
        view = self._views.get(point)
        if view is None:
            # Two threads asking at a new point at once would each build an equal view; the
            # bot answers on one event loop, so that costs time at worst, never a reply.
            with collector_paused(), remembering_texts():
                cut = cut_show(self._show_file, point)
                view = ShowView(cut, point, self._lexicon, self._kinds, contents=self._contents)
            self._views[point] = view
        return view

    def build_views(self) -> None:
        """Build the view of every progress point now, so no viewer waits for one later."""
        with remembering_texts():
            for number in range(len(self._points)):
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
        if reveal:
            return self.full
        view = self._view_of.get(progress)
        if view is None:
            if progress >= self.finale:
                view = self.full
            else:
                # The last point at or before the viewer's (in order, "not started" first).
                view = self._view_at(bisect_right(self._points, progress) - 1)
            if len(self._view_of) < _REMEMBERED_POINTS:
                self._view_of[progress] = view
        return view

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
        return recap_view(self.show, self.view(progress).show.recaps, progress, episode)

    def complete_episode(self, typed: str) -> list[str]:
        """Return up to 25 progress choices ("S1E7", "finished", ...) that fit what was typed."""
        return complete_episode(self.show, typed)


_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")


def focused_question(text: str) -> str | None:
    """Return the sentences of a message that ask something, if it has others too."""
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    if len(sentences) < 2:
        return None
    asking = [s for s in sentences if s.endswith("?")] or sentences[-1:]
    return " ".join(asking) if len(asking) < len(sentences) else None


def trailing_question(text: str) -> str | None:
    """Return a question said after a comma that follows what happened ("..., where is she")."""
    head, comma, tail = text.rpartition(",")
    words = tail.split()
    if not comma or not head.strip() or not words:
        return None
    return tail if opens_question(words[0].lower()) else None


def opens_question(word: str) -> bool:
    """Whether a word can start a question ("where", "does", "is")."""
    return word in YES_NO_OPENERS or word in QUESTION_OPENERS


def content_terms(query: Query) -> set[str]:
    """Return what a question asks beyond whom it names and its question words."""
    return {t for t in query.terms if not is_entity(t) and t not in QUESTION_WORDS}


def asks_after_a_thing(
    possessives: Possessives, concept_of: dict[str, str], asked: frozenset[str]
) -> bool:
    """Whether a question asks after something a person has ("what happened to Will's bike"),
    not after the person.

    `asked` holds whom the question is about once descriptions are read: a relation neither
    an alias nor a role names ("Cheong-san's mom" before she is a character) leaves its owner
    there, and is someone else too.
    """
    tokens, mentions, owners = possessives
    if not owners or len(owners) < len(mentions):
        return False  # "the bully's victims, Cheol-su and Eun-ji": people are named too
    owned = [(m.end, m.entity) for m in owners if m.end < len(tokens)]
    return any(
        (tokens[i] not in PERSON_NOUNS or (tokens[i] in RELATION_WORDS and owner in asked))
        and tokens[i] not in STOPWORDS
        and concept_of.get(tokens[i]) != FATE
        for i, owner in owned
    )


def relatives_unnamed(possessives: Possessives, asked: frozenset[str]) -> frozenset[str]:
    """Return the people whose relative a question asks after when no alias or role names
    that relative ("Cheong-san's mom" before she is a character)."""
    tokens, _, owners = possessives
    return frozenset(
        m.entity for m in owners if m.entity in asked and _relation_after(tokens, m.end)
    )


def relations_asked(possessives: Possessives) -> frozenset[str]:
    """Return the words for the relations a question asks after ("mom": mother, mom, mum...)."""
    tokens, _, owners = possessives
    return frozenset(
        word
        for m in owners
        if (relation := _relation_after(tokens, m.end))
        for word in RELATION_WORDS[relation]
    )


def _relation_after(tokens: list[str], position: int) -> str | None:
    """Return the relation word after a possessor, maybe after a word ("El's real mom")."""
    for token in tokens[position : position + 2]:
        if token in RELATION_WORDS:
            return token
        if token in STOPWORDS:
            return None
    return None


def latest_stages(facts: list[Fact], named: frozenset[str], kinds: frozenset[str]) -> list[Fact]:
    """Drop a stage a later card of the same story supersedes.

    "Steve and Nancy, still together?" at the finale is answered by where they end up; the
    same pair's earlier stages (drifting apart, the fight) would tell the opposite. Two cards
    are stages of one story when both are states or relationships, the later holds every
    topic of the earlier, and both are about the same people among those the question names.
    """
    kept: list[Fact] = []
    for fact in facts:
        later = any(
            other.episode > fact.episode
            and fact.kind in kinds
            and other.kind in kinds
            and set(fact.topics) <= set(other.topics)
            and named & set(fact.about) == named & set(other.about)
            for other in facts
        )
        if not later:
            kept.append(fact)
    return kept


def is_relationship(fact: Fact, policy: AnswerPolicy) -> bool:
    """Whether a fact tells what people are to each other (friends, a couple, family)."""
    return fact.kind == "relationship" or bool(policy.relationship_topics & {*fact.topics})


def kinds_of(fact: Fact, lexicon: Lexicon) -> frozenset[str]:
    """Return what kind of answer a fact gives: its `kind`, or what its wording shows."""
    if fact.kind:
        return frozenset({fact.kind})
    tokens = lexicon.words(fact.answer)
    kinds = KIND_CUES.found(tokens)
    return kinds | {"count"} if any(map(str.isdigit, tokens)) else kinds
