"""Load and validate show files into a library of fact bases."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.core.names import NameMatcher
from bot.core.progress import Progress
from bot.core.schema import (
    MAX_ANSWER_CHARS,
    MAX_SUMMARY_CHARS,
    Character,
    EpisodeRecap,
    Fact,
    ShowFile,
    ShowInfo,
)
from bot.core.text import Lexicon, remembering_texts, words

SHOW_FILE = "show.yaml"
VOCABULARY_FILE = "vocabulary.yaml"
M = TypeVar("M", bound=BaseModel)
# libyaml's loader parses a show file about ten times faster than the pure-Python one and
# builds the same values; PyYAML is sometimes built without it.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Characters that would open markup, break out of spoiler bars or ping someone on Discord.
_MARKUP = re.compile(r"\|\||[*_`~#>\[\]<@]|https?://|\n")


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a show file, located precisely enough to fix it."""

    path: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.message}"


class FactBaseError(Exception):
    """A fact base that must not be served; carries every issue found."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


def read_show_file(path: Path) -> ShowFile:
    """Parse and fully validate one show file, raising FactBaseError with every issue."""
    where = str(path)
    try:
        raw = yaml.load(path.read_bytes().decode("utf-8"), Loader=_SafeLoader)
    except OSError as error:
        raise FactBaseError([Issue(where, "file", f"cannot read: {error.strerror}")]) from None
    except UnicodeDecodeError as error:
        message = f"not valid UTF-8 text ({error.reason}); save the file as UTF-8"
        raise FactBaseError([Issue(where, f"byte {error.start}", message)]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = getattr(error, "problem", None) or str(error)
        raise FactBaseError([Issue(where, at, f"invalid YAML: {problem}")]) from None
    if not isinstance(raw, dict):
        raise FactBaseError(
            [Issue(where, "file", "expected a mapping with show, characters, facts")]
        )
    vocabulary = path.with_name(VOCABULARY_FILE)
    if path.name == SHOW_FILE and vocabulary.exists():
        _merge_vocabulary(raw, vocabulary)
    try:
        show_file = ShowFile.model_validate(raw)
    except ValidationError as error:
        issues = list(_schema_issues(where, raw, error))
        # The rules run on what did parse, so one run reports every problem.
        partial, unparsed = _parsed_parts(raw)
        if partial is not None:
            issues.extend(validate(partial, where, unparsed_characters=unparsed))
        raise FactBaseError(issues) from None
    issues = validate(show_file, where)
    if issues:
        raise FactBaseError(issues)
    return show_file


def _merge_vocabulary(raw: dict[str, Any], path: Path) -> None:
    """Put a show folder's vocabulary file where the schema expects it: show.vocabulary."""
    where = str(path)
    try:
        vocabulary = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise FactBaseError([Issue(where, "file", f"cannot read: {error}")]) from None
    show = raw.get("show")
    if not isinstance(show, dict):
        return  # the schema reports the missing show
    if "vocabulary" in show:
        raise FactBaseError(
            [Issue(where, "file", "the show file has a vocabulary too; keep one of the two")]
        )
    show["vocabulary"] = vocabulary


def _parsed_parts(raw: dict[str, Any]) -> tuple[ShowFile | None, frozenset[str]]:
    """Return the items of a file that pass the schema, and the ids of characters that don't."""
    # No rule can run without the show's seasons: None when they can't be read.
    show_raw = raw.get("show")
    if not isinstance(show_raw, dict):
        return None, frozenset()
    recaps = show_raw.get("recaps")
    if isinstance(recaps, list):
        show_raw = {**show_raw, "recaps": _valid_items(EpisodeRecap, recaps)}
    try:
        show = ShowInfo.model_validate(show_raw)
    except ValidationError:
        return None, frozenset()
    characters = _items(raw, "characters")
    parsed = _valid_items(Character, characters)
    unparsed = {c.get("id") for c in characters if isinstance(c, dict)} - {c.id for c in parsed}
    partial = ShowFile.model_construct(
        show=show, characters=parsed, facts=_valid_items(Fact, _items(raw, "facts"))
    )
    return partial, frozenset(str(ident) for ident in unparsed)


def _items(raw: dict[str, Any], key: str) -> list[Any]:
    items = raw.get(key)
    return items if isinstance(items, list) else []


def _valid_items(model: type[M], items: list[Any]) -> list[M]:
    valid = []
    for item in items:
        with contextlib.suppress(ValidationError):  # already reported by the schema check
            valid.append(model.model_validate(item))
    return valid


def _schema_issues(where: str, raw: dict[str, Any], error: ValidationError) -> Iterator[Issue]:
    for detail in error.errors():
        loc = list(detail["loc"])
        label = _describe_location(raw, loc)
        yield Issue(where, label, detail["msg"])


def _describe_location(raw: dict[str, Any], loc: list[Any]) -> str:
    """Turn a pydantic location into "fact 'some-id' field answer" where an id is known."""
    if len(loc) >= 2 and loc[0] in ("facts", "characters") and isinstance(loc[1], int):
        items = raw.get(loc[0]) or []
        item = items[loc[1]] if loc[1] < len(items) else None
        ident = item.get("id") if isinstance(item, dict) else None
        kind = loc[0][:-1]
        name = f"{kind} {ident!r}" if ident else f"{kind} #{loc[1] + 1}"
        rest = ".".join(str(part) for part in loc[2:])
        return f"{name} field {rest}" if rest else name
    return ".".join(str(part) for part in loc) or "file"


@remembering_texts()
def validate(
    show_file: ShowFile,
    where: str = "<memory>",
    *,
    unparsed_characters: frozenset[str] = frozenset(),
) -> list[Issue]:
    """Return every rule the show file breaks beyond its schema."""
    # `unparsed_characters`: ids of characters the schema rejected, so references to them
    # are not reported a second time as unknown.
    issues: list[Issue] = []

    def add(location: str, message: str) -> None:
        issues.append(Issue(where, location, message))

    show = show_file.show
    counts = show.episode_counts
    characters = {c.id: c for c in show_file.characters}

    def check_episode(location: str, episode: Progress) -> None:
        if episode.episode > counts.get(episode.season, 0):
            add(location, f"episode {episode} is outside the show ({_range(counts)})")

    def check_text(location: str, text: str, limit: int) -> None:
        bad = _MARKUP.search(text)
        if bad:
            add(
                location,
                f"contains {bad.group()!r}, which would break spoiler tags or ping "
                "someone; write plain text",
            )
        if len(text) > limit:
            add(location, f"is {len(text)} characters long; keep it under {limit}")

    for kind, ids in (
        ("character", [c.id for c in show_file.characters]),
        ("fact", [f.id for f in show_file.facts]),
    ):
        for ident, count in Counter(ids).items():
            if count > 1:
                add(f"{kind} {ident!r}", f"duplicate id (used {count} times)")

    alias_owner: dict[str, str] = {}
    for character in show_file.characters:
        check_episode(f"character {character.id!r} field first_seen", character.first_seen)
        for name in character.names:
            key = "".join(words(name))
            owner = alias_owner.setdefault(key, character.id)
            if owner != character.id:
                add(
                    f"character {character.id!r} field aliases",
                    f"name {name!r} is also a name of character {owner!r}",
                )

    # A name means its character from the episode viewers can know it by: first_seen for the
    # names they are met with, the reveal's episode for a twist identity.
    known_from: dict[str, tuple[str, Progress]] = {}
    names: dict[str, list[str]] = {}
    for character in show_file.characters:
        key = character.id
        names[key] = [character.name, *character.aliases]
        known_from[key] = (character.id, character.first_seen)
        for number, reveal in enumerate(character.reveals):
            key = f"{character.id}#{number}"
            names[key] = [*([reveal.name] if reveal.name else []), *reveal.aliases]
            known_from[key] = (character.id, reveal.episode)
            location = f"character {character.id!r} field reveals"
            check_episode(location, reveal.episode)
            if reveal.episode <= character.first_seen:
                add(location, f"reveal at {reveal.episode} is not after first_seen")
            if reveal.role:
                check_text(location, reveal.role, MAX_ANSWER_CHARS)
    lexicon = Lexicon(show.vocabulary)
    matcher = NameMatcher(names, lexicon=lexicon)

    def check_names(location: str, episode: Progress, texts: Iterable[str]) -> None:
        for text in texts:
            for mention in matcher.find(lexicon.words(text), fuzzy=False):
                ident, met = known_from[mention.entity]
                if met > episode:
                    add(
                        location,
                        f"names {ident!r} in {text!r}, but viewers first know them by that "
                        f"name in {met}, after {episode}",
                    )

    for character in show_file.characters:
        location = f"character {character.id!r} field role"
        check_text(location, character.role, MAX_ANSWER_CHARS)
        check_names(location, character.first_seen, [character.role])
        for reveal in character.reveals:
            if reveal.role:
                check_names(f"{location}s", reveal.episode, [reveal.role])

    for fact in show_file.facts:
        location = f"fact {fact.id!r}"
        check_episode(f"{location} field episode", fact.episode)
        for ref in fact.about:
            if ref in unparsed_characters:
                continue
            if ref not in characters:
                add(f"{location} field about", f"unknown character {ref!r}")
            elif characters[ref].first_seen > fact.episode:
                add(
                    f"{location} field about",
                    f"is about {ref!r}, whom viewers first meet in "
                    f"{characters[ref].first_seen}, after {fact.episode}",
                )
        for ref in fact.subject or []:
            if ref not in fact.about:
                add(f"{location} field subject", f"{ref!r} is not in the fact's about")
        check_text(f"{location} field answer", fact.answer, MAX_ANSWER_CHARS)
        for question in fact.questions:
            if "||" in question:
                add(f"{location} field questions", f"question {question!r} contains '||'")
        check_names(f"{location} field answer", fact.episode, [fact.answer])
        check_names(f"{location} field questions", fact.episode, fact.questions)

    seen_recaps: set[Progress] = set()
    for recap in show.recaps:
        location = f"recap {recap.episode}"
        check_episode(location, recap.episode)
        if recap.episode in seen_recaps:
            add(location, "duplicate recap for this episode")
        seen_recaps.add(recap.episode)
        check_text(f"{location} field summary", recap.summary, MAX_SUMMARY_CHARS)
        check_names(f"{location} field summary", recap.episode, [recap.summary])
    return issues


def _range(counts: dict[int, int]) -> str:
    return ", ".join(f"S{s}E1-S{s}E{n}" for s, n in sorted(counts.items()))


def show_files(path: Path) -> list[Path]:
    """Return the show files at a path: the file itself, or every show in a folder.

    A show is either one YAML file in the folder or a folder of its own holding `show.yaml`
    (and optionally `vocabulary.yaml` and an `eval/` folder of question sets).
    """
    if path.is_dir():
        files = [*path.glob("*.yaml"), *path.glob("*.yml"), *path.glob(f"*/{SHOW_FILE}")]
        return sorted(files)
    return [path]


def read_library(path: Path) -> list[ShowFile]:
    """Read every show file under a path, raising FactBaseError with all issues of all files."""
    files = show_files(path)
    if not files:
        raise FactBaseError([Issue(str(path), "folder", "no show files (*.yaml) found")])
    shows: list[ShowFile] = []
    issues: list[Issue] = []
    for file in files:
        try:
            shows.append(read_show_file(file))
        except FactBaseError as error:
            issues.extend(error.issues)
    slugs = Counter(show.show.slug for show in shows)
    issues.extend(
        Issue(str(path), f"show {slug!r}", "slug used by more than one file")
        for slug, n in slugs.items()
        if n > 1
    )
    if issues:
        raise FactBaseError(issues)
    return shows
