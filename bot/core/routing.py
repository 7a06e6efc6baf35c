"""Pick the show a question is about, from nothing the viewer has not been told."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from bot.core.progress import NOT_STARTED, Progress
from bot.core.terms import SHOW_ENTITY
from bot.core.text import CONCEPT_OF, STOPWORDS, is_hangul, strip_particle, words

if TYPE_CHECKING:
    from bot.core.engine import ShowEngine

MAX_CHOICES = 25
# A typed show name this close to a title or alias still picks it in an option; never in a
# question, where only the exact words route.
_FUZZY_NAME = 80


class RouteReason(StrEnum):
    OPTION = "option"  # the command's `show`
    TITLE = "title"  # the question names the show
    NAMES = "names"  # the question names people the viewer has met in that show only
    DEFAULT = "default"  # nothing show-specific: the server's or the library's default
    AMBIGUOUS = "ambiguous"  # it could be about several shows: ask which


@dataclass(frozen=True, slots=True)
class Route:
    """Where a question goes: one show (and the question to ask it), or the shows to choose from."""

    question: str
    reason: RouteReason
    engine: ShowEngine | None = None
    candidates: tuple[ShowEngine, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.engine is None


def _key(text: str) -> str:
    """Return a show name as compared: lower-case letters and digits, spacing ignored."""
    return "".join(words(text))


def _title_tokens(text: str) -> tuple[str, ...]:
    tokens = words(text)
    # "지금 우리 학교는" is also asked as "지금 우리 학교에서 ...": the last word's particle varies.
    if tokens and is_hangul(tokens[-1]):
        tokens[-1] = strip_particle(tokens[-1])
    return tuple(tokens)


def _title_pattern(tokens: tuple[str, ...]) -> re.Pattern[str]:
    """Match a title in raw text, any spacing or punctuation between its words."""
    body = r"[\W_]*".join(re.escape(t) for t in tokens)
    particle = r"[\uac00-\ud7a3]*" if is_hangul(tokens[-1]) else ""
    return re.compile(rf"(?<!\w){body}{particle}(?!\w)", re.IGNORECASE)


def _is_evidence(tokens: list[str]) -> bool:
    """Whether a name spelt with these words tells which show a question is about."""
    # "will" (a modal verb), "11" (an episode number) and "papa" (any father) are names in
    # some show but ordinary words in every question.
    return any(
        t not in STOPWORDS and not t.isdigit() and t not in CONCEPT_OF and len(t) > 1
        for t in tokens
    )


class ShowNames:
    """The titles and aliases of the loaded shows: for options, autocomplete and questions."""

    def __init__(self, engines: Iterable[ShowEngine]) -> None:
        self._engines = list(engines)
        self._names: dict[str, list[str]] = {}
        self._titles: dict[str, list[tuple[str, ...]]] = {}
        for engine in self._engines:
            show = engine.show
            names = [show.title, *show.aliases, engine.slug.replace("-", " ")]
            self._names[engine.slug] = names
            titles = {_title_tokens(name) for name in names} - {()}
            # Longest first, so stripping "Stranger Things season 1" takes the season too.
            self._titles[engine.slug] = sorted(titles, key=lambda t: -len("".join(t)))
        # Compiled once: every routed question has its show's titles taken out.
        self._patterns = {
            slug: [_title_pattern(tokens) for tokens in titles]
            for slug, titles in self._titles.items()
        }
        self._by_title = {"".join(t): slug for slug, ts in self._titles.items() for t in ts}
        self._longest = max((len(t) for ts in self._titles.values() for t in ts), default=1)
        # Every start of a title's letters: a run of words that starts none can't grow into one.
        self._title_starts = {key[:i] for key in self._by_title for i in range(1, len(key) + 1)}

    def exact(self, typed: str) -> str | None:
        """Return the slug a typed name spells exactly (any case, spacing or script)."""
        key = _key(typed)
        if not key:
            return None
        for slug, names in self._names.items():
            if key == slug.replace("-", "") or any(_key(name) == key for name in names):
                return slug
        return None

    def _rank(self, typed: str, slug: str) -> int | None:
        """Return how well a typed name fits a show (0 best), or None if it does not."""
        key = _key(typed)
        keys = [_key(name) for name in self._names[slug]]
        if key in keys:
            return 0
        if any(k.startswith(key) for k in keys):
            return 1
        # "our school", "things": a later word of a name.
        starts = ["".join(words(name)[i:]) for name in self._names[slug] for i in range(1, 8)]
        if any(s.startswith(key) for s in starts if s):
            return 2
        if len(key) >= 3 and any(key in k for k in keys):
            return 3
        if len(key) >= 4 and max(fuzz.ratio(key, k) for k in keys) >= _FUZZY_NAME:
            return 4
        return None

    def complete(self, typed: str) -> list[ShowEngine]:
        """Return the shows a partly typed name may mean, best first."""
        if not _key(typed):
            return self._engines[:MAX_CHOICES]
        ranked = [(self._rank(typed, e.slug), e.show.title, e) for e in self._engines]
        hits = sorted((rank, title, e) for rank, title, e in ranked if rank is not None)
        return [e for _, _, e in hits][:MAX_CHOICES]

    def lookup(self, typed: str) -> str | None:
        """Return the one show a typed name means: exact, else the only one it fits."""
        exact = self.exact(typed)
        if exact is not None:
            return exact
        ranked = [(self._rank(typed, e.slug), e.slug) for e in self._engines]
        hits = sorted((rank, slug) for rank, slug in ranked if rank is not None)
        if not hits or (len(hits) > 1 and hits[0][0] == hits[1][0]):
            return None
        return hits[0][1]

    def in_question(self, question: str) -> list[str]:
        """Return the slugs of the shows whose title or alias a question spells out."""
        tokens = words(question)
        found: list[str] = []
        for start in range(len(tokens)):
            key = ""
            for token in tokens[start : start + self._longest]:
                # Titles are kept with their last word's particle stripped (see _title_tokens).
                stripped = strip_particle(token) if is_hangul(token) else token
                slug = self._by_title.get(key + token) or self._by_title.get(key + stripped)
                key += token
                if slug is not None and slug not in found:
                    found.append(slug)
                if key not in self._title_starts:
                    break
        return found

    def strip(self, question: str, slug: str) -> str:
        """Take a show's title out of a question about it: "in X, who died" asks "who died"."""
        stripped = question
        for pattern in self._patterns[slug]:
            stripped = pattern.sub(" ", stripped)
        stripped = " ".join(stripped.split())
        # "what is X about" is about the show itself: with its title gone nothing is asked.
        left = [w for w in words(stripped) if w not in STOPWORDS]
        return stripped if left else question


def met_names(engine: ShowEngine, question: str, progress: Progress) -> set[str]:
    """Return the names of people the viewer has met that a question spells exactly."""
    # Only the view at the viewer's own progress is asked, and without typo correction: a
    # person not met yet is a word this view has never heard, and a typo never routes.
    view = engine.view(progress)
    if view.names.entities <= {SHOW_ENTITY}:
        return set()  # no one met yet (a show not started): no name can route
    tokens = view.lexicon.words(question)
    found = set()
    for mention in view.names.find(tokens, fuzzy=False):
        span = tokens[mention.start : mention.end]
        if mention.entity != SHOW_ENTITY and _is_evidence(span):
            found.add(unicodedata.normalize("NFKC", "".join(span)))
    return found


def route(
    engines: Mapping[str, ShowEngine],
    names: ShowNames,
    question: str,
    progress: Mapping[str, Progress],
    *,
    default: ShowEngine,
    option: ShowEngine | None = None,
) -> Route:
    """Pick the show a question is about, or the shows it could be about."""
    # The command's show wins; then a title or alias in the question; then people the viewer
    # has met (at their stored progress in each show) who belong to one show only; else the
    # default. Nothing else is looked at, so no reply depends on what comes later in any show.

    def to(engine: ShowEngine, reason: RouteReason) -> Route:
        return Route(names.strip(question, engine.slug), reason, engine)

    if option is not None:
        return to(option, RouteReason.OPTION)
    if len(engines) == 1:
        return to(default, RouteReason.DEFAULT)
    titled = names.in_question(question)
    if len(titled) == 1:
        return to(engines[titled[0]], RouteReason.TITLE)
    if titled:
        return ambiguous(question, [e for slug, e in engines.items() if slug in titled])
    # name -> the shows in which the viewer has met someone of that name
    owners: dict[str, set[str]] = {}
    for slug, engine in engines.items():
        for name in met_names(engine, question, progress.get(slug, NOT_STARTED)):
            owners.setdefault(name, set()).add(slug)
    # "Troy the bully" is one person in one show, though "the bully" is someone in another:
    # the longer name is the reading, as it is inside a show.
    owners = {
        name: shows
        for name, shows in owners.items()
        if not any(name != other and name in other for other in owners)
    }
    if not owners:
        return to(default, RouteReason.DEFAULT)
    # "Did the bully bite Nam-ra": "the bully" is in two shows, Nam-ra in one; that one.
    common = set.intersection(*owners.values())
    if len(common) == 1:
        return to(engines[common.pop()], RouteReason.NAMES)
    shows = common or set.union(*owners.values())
    return ambiguous(question, [e for slug, e in engines.items() if slug in shows])


def ambiguous(question: str, candidates: list[ShowEngine]) -> Route:
    return Route(question, RouteReason.AMBIGUOUS, None, tuple(candidates))
