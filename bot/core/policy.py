"""When a fact answers a question, and how many: every number and word of the answer decision.

ShowView reads them all from one AnswerPolicy (DEFAULT_POLICY unless given another), so a
change of policy is a change of this file, and an experiment can pass its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from bot.core.terms import FRIEND, HOW, ROMANCE, TOGETHER, WHY, concept_term
from bot.core.text import OTHERS_CUES, SINGULAR_PRONOUNS, STANDING_CUES


@dataclass(frozen=True, slots=True)
class AnswerPolicy:
    # Past this many characters a question is only noise for matching, and slow to scan.
    max_question_chars: int = 400
    # A fact scoring this much answers; below it the reply is "I don't know" (with suggestions).
    answer_threshold: float = 0.45
    # A fact whose answer holds most of the question answers it, even when none of its
    # paraphrases is worded like it ("who fell into the elevator shaft").
    strong_recall: float = 0.6
    # A question that names nobody must be mostly about something the base knows: "is Squid
    # Game season 2 out" shares "season 2" with a fact, but most of it is about another show.
    min_recall_without_names: float = 0.4
    # A question that names someone still has to be about them in a way the base knows:
    # "what's Nam-ra's blood type" shares only her name with "who is Nam-ra".
    min_recall_with_names: float = 0.2
    # Facts scoring this much are close enough to offer as "did you mean" questions.
    suggestion_threshold: float = 0.25
    # At most this many suggestions: a reply is read in seconds.
    max_suggestions: int = 3
    # Facts nearly as good as the best one answer beside it.
    close_ratio: float = 0.85
    # At most this many facts answer one question.
    max_facts: int = 3
    # A fact of the kind a question asks for (a reason for "why") outranks one this much better.
    intent_boost: float = 1.25
    # The kinds of answer a question's intent can ask for (see text.INTENTS and KIND_CUES).
    answer_kinds: frozenset[str] = frozenset({"reason", "quote", "time", "count"})
    # Words that make a question about two people one about them together.
    together_words: frozenset[str] = frozenset({ROMANCE, FRIEND, TOGETHER})
    # The kinds of card that tell a stage of a story (where someone or a pair stands), of
    # which a reply shows only the latest.
    stage_kinds: frozenset[str] = frozenset({"state", "relationship"})
    # A pronoun for one person: a fate asked with it is asked of one of a pair, unless the
    # question asks what is between them.
    singular_pronouns: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType(SINGULAR_PRONOUNS)
    )
    pair_word: str = TOGETHER
    # The weight of the words of a clause that says when a question is asked ("after X
    # happens, where do they hide?"), against the question's own.
    premise_weight: float = 0.2
    # Word pairs that ask after people other than the ones a question names ("who else").
    others_words: frozenset[tuple[str, ...]] = OTHERS_CUES
    # Word pairs of a yes-or-no question that asks where someone stands ("does she get out").
    standing_words: frozenset[tuple[str, ...]] = STANDING_CUES
    # The topic of an episode's recap card, and the concepts of questions that ask after a
    # whole episode ("in the finale", "at the end") besides those naming one.
    recap_topic: str = "recap"
    # The kind of card on how the show was made, which no episode tells.
    making_kind: str = "making"
    episode_concepts: frozenset[str] = frozenset({concept_term("ending")})
    # The kind of card that tells where someone stands at one point.
    state_kind: str = "state"
    # Cards that say what a name means: beside a profile, they answer nothing else asked of
    # the people a question names ("is it El's fault the monster got out").
    gloss_kinds: frozenset[str] = frozenset({"definition"})
    # The topics of facts that tell what two people are to each other.
    relationship_topics: frozenset[str] = frozenset({"relationship", "romance", "family"})
    # Question words that ask for an event ("how did X die"), not for where X stands.
    event_words: frozenset[str] = frozenset({HOW, WHY})
    # A question about someone's state is answered first by an event card that holds this
    # much more of the question than their latest state ("which teacher died saving Na-yeon").
    event_margin: float = 0.2
    # The intent ("her whole arc") answered with one person's timeline, dated.
    timeline_intent: str = "arc"
    # The topic of the facts that tell someone's state: their timeline, their latest state.
    fate_topic: str = "fate"
    # How well a relative clause must match a fact to say whom it describes.
    description_threshold: float = 0.5
    # How much of a description ("the funny guy", "On-jo's childhood friend") one character's
    # profile must hold for the description to mean that character.
    role_recall: float = 0.5
    # ... and only when the next best character holds less than this share of what it holds.
    role_margin: float = 0.75
    # A card whose words are mostly another card's says the same thing ("X: a student at ..."
    # beside "X is a student at ..."), so only one of them is shown.
    duplicate_share: float = 0.7
    # People whose fate one question can ask after ("which of the main four live?"), and the
    # most entries of a timeline one reply shows.
    max_fates: int = 6


DEFAULT_POLICY = AnswerPolicy()
