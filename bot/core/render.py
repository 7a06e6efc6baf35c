"""Turn core results into the exact text a user sees: every fact inside spoiler tags."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.progress import Progress, last_episode
from bot.core.results import Answer, CharacterView, RecapView, Status
from bot.core.schema import Fact, ShowInfo
from bot.core.smalltalk import chatter_reply
from bot.core.terms import FATE, KILL
from bot.core.text import Lexicon, escape_markdown

MESSAGE_LIMIT = 2000
ECHO_LIMIT = 300
# Shown to every viewer who hasn't finished, whether or not more is to come: saying it only
# when later episodes hold more would itself tell them that something happens.
AS_OF_NOTE = "Answered as of your episode; later episodes may add to this."
UNKNOWN_REPLY = "I don't know that one: nothing in my notes on this show answers it."
# The same words whether or not a later episode answers: any difference would tell.
NOT_YET_REPLY = (
    "Nothing up to your episode answers that. Later episodes may or may not; "
    "ask again with reveal if you want to check them, spoilers and all."
)
LEFT_OUT_NOTE = "(Earlier entries left out to fit.)"


def _finished(show: ShowInfo, progress: Progress) -> bool:
    return progress >= last_episode(show)


def spoiler(text: str) -> str:
    """Wrap text in spoiler bars after making it unable to close them early."""
    return f"||{escape_markdown(text)}||"


# Concepts that make a word read as an answer outside the spoiler tags: "Dead" in a title,
# under a question about who died, reads like the reply.
_ANSWER_LIKE = frozenset({FATE, KILL})
_NEUTRAL_TITLES: dict[str, str] = {}


def neutral_title(show: ShowInfo) -> str:
    """Return the show's title, or its initials when a word of it could read as an answer."""
    title = _NEUTRAL_TITLES.get(show.slug)
    if title is None:
        lexicon = Lexicon(show.vocabulary)
        telling = _ANSWER_LIKE | lexicon.states
        terms = {t for word in lexicon.words(show.title) for t in lexicon.terms_of_word(word)}
        title = show.title
        if terms & telling:
            title = "".join(word[0] for word in show.title.split() if word[0].isalnum()).upper()
        _NEUTRAL_TITLES[show.slug] = title  # one entry per show loaded
    return title


def progress_line(
    progress: Progress, *, revealed: bool = False, show: ShowInfo | None = None
) -> str:
    """Return the one neutral line that says which progress (and show) a reply was written for."""
    # The show is named only when several shows are loaded and the reader must know which
    # one a reply is about, and then by a name that cannot read as an answer (see
    # neutral_title).
    where = f"up to {progress}" if progress.started else "who hasn't started yet"
    line = f"-# Answered for a viewer {where}."
    if show is not None:
        line = f"-# {escape_markdown(neutral_title(show))}, answered for a viewer {where}."
    if revealed:
        line += " You asked to reveal: this may spoil later episodes."
    return line


def fit(blocks: list[str], footer: list[str], limit: int = MESSAGE_LIMIT) -> str:
    """Join whole blocks under the limit, always keeping the footer; never cut a block."""
    budget = limit - sum(len(line) + 1 for line in footer)
    kept: list[str] = []
    for block in blocks:
        if len(block) + 1 > budget:
            break
        kept.append(block)
        budget -= len(block) + 1
    return "\n".join([*kept, *footer])[:limit]


def _dated(fact: Fact) -> str:
    # Inside the spoiler bars: which episode something happens in is itself a spoiler.
    return f"{fact.episode}: {fact.answer}" if fact.episode.started else fact.answer


def render_answer(answer: Answer, *, question: str | None = None, name_show: bool = False) -> str:
    """Render an answer; `question`, when given, is echoed inside spoiler tags (public replies)."""
    # `name_show` names the show in the neutral line (when several shows are loaded).
    blocks: list[str] = []
    if question is not None:
        echo = question if len(question) <= ECHO_LIMIT else question[: ECHO_LIMIT - 1] + "…"
        blocks.append(f"Question: {spoiler(echo)}")
    if answer.status is Status.CHATTER and answer.chatter is not None:
        return fit([*blocks, *chatter_reply(answer.chatter)], [])  # no facts, so no progress line
    titled = answer.show if name_show else None
    footer = [progress_line(answer.progress, revealed=answer.revealed, show=titled)]
    if answer.status is Status.ANSWERED:
        blocks.extend(
            spoiler(_dated(fact) if answer.dated else fact.answer) for fact in answer.facts
        )
        if not answer.revealed and not _finished(answer.show, answer.progress):
            footer.insert(0, AS_OF_NOTE)
    elif answer.revealed or answer.beyond_episodes or _finished(answer.show, answer.progress):
        blocks.append(UNKNOWN_REPLY)
    else:
        blocks.append(NOT_YET_REPLY)
        if answer.suggestions:
            blocks.append("Maybe you meant: " + " · ".join(spoiler(s) for s in answer.suggestions))
    return fit(blocks, footer)


def render_character(view: CharacterView, *, name_show: bool = False) -> str:
    """Render what a viewer knows of a character: who they are, then their timeline."""
    character = view.character
    head = spoiler(f"{character.name}: {character.role}")
    entries = [spoiler(f"{fact.episode}: {fact.answer}") for fact in view.timeline]
    footer = [progress_line(view.progress, show=view.show if name_show else None)]
    if not _finished(view.show, view.progress):
        footer.insert(0, AS_OF_NOTE)
    budget = MESSAGE_LIMIT - sum(len(line) + 1 for line in [head, *footer])
    if sum(len(e) + 1 for e in entries) > budget:
        # Where they stand now matters most: drop the oldest entries after the first.
        budget -= len(LEFT_OUT_NOTE) + 1
        first, rest = entries[:1], entries[1:]
        kept: list[str] = []
        used = sum(len(e) + 1 for e in first)
        for entry in reversed(rest):
            if used + len(entry) + 1 > budget:
                break
            kept.insert(0, entry)
            used += len(entry) + 1
        entries = [*first, LEFT_OUT_NOTE, *kept]
    return fit([head, *entries], footer)


def render_recap(view: RecapView, *, name_show: bool = False) -> str:
    """Render summaries of the episodes a viewer has watched."""
    footer = [progress_line(view.progress, show=view.show if name_show else None)]
    if view.locked:
        return fit(["You haven't watched that episode yet, so no recap of it."], footer)
    if not view.recaps:
        text = (
            "Nothing to recap yet: you haven't started."
            if not view.progress.started
            else "I have no recap for that episode."
        )
        return fit([text], footer)
    blocks = [f"{recap.episode}: {spoiler(recap.summary)}" for recap in view.recaps]
    if sum(len(b) + 1 for b in blocks) <= MESSAGE_LIMIT - 200:
        return fit(blocks, footer)
    # The newest episodes matter most when space runs out; the reply says what it left out.
    labels = [recap.episode.label() for recap in view.recaps]
    longest = max(labels, key=len)
    text = fit(blocks[::-1], [_left_out_note(longest, longest), *footer])
    kept = text.split("\n")[: -len(footer) - 1]
    missing = labels[: len(labels) - len(kept)]
    notes = [_left_out_note(missing[0], missing[-1])] if missing else []
    return "\n".join([*kept[::-1], *notes, *footer])


def _left_out_note(first: str, last: str) -> str:
    episodes = first if first == last else f"{first} to {last}"
    return (
        f"-# {episodes} left out to fit one message; /recap with an episode "
        f"(e.g. {last}) shows one."
    )


def render_unknown_character(show: ShowInfo, progress: Progress, *, name_show: bool = False) -> str:
    """Say a name means nothing yet, without revealing whether the character exists later."""
    return fit(
        ["I don't know anyone by that name that you've met so far."],
        [progress_line(progress, show=show if name_show else None)],
    )


def render_which_show(candidates: Iterable[ShowInfo], ask: str) -> str:
    """Ask which show a question is about; `ask` says how to answer (buttons, an option)."""
    titles = [escape_markdown(neutral_title(show)) for show in candidates]
    listed = ", ".join(titles[:-1]) + f" or {titles[-1]}" if len(titles) > 1 else titles[0]
    return f"That could be about more than one show: {listed}. {ask}"


def render_saved_progress(show: ShowInfo, progress: Progress) -> str:
    """Confirm the progress a viewer set in a show."""
    where = f"up to {progress}" if progress.started else "not started"
    return f"Saved: {show.title}, {where}. I'll keep everything after that hidden."


def render_progress_list(said: Iterable[tuple[ShowInfo, Progress | None]]) -> str:
    """A viewer's progress in each show, None where they never said."""
    unsaid = "not set (treated as not started)"
    return "\n".join(
        f"{show.title}: " + (str(point) if point is not None else unsaid) for show, point in said
    )


def render_cleared_progress(show: ShowInfo, removed: bool) -> str:
    """Confirm a viewer's progress in a show was forgotten (or that there was none)."""
    text = "Cleared." if removed else "There was nothing to clear."
    return f"{text} For {show.title} I'll treat you as not started."


HELP_INTRO = (
    "I answer questions about a show only as far as you've watched it, and every "
    "answer sits inside spoiler tags. Answers are private to you unless you ask "
    "for a public one where the server allows it."
)
HELP_COMMANDS = """\
`/progress set` tell me the last episode you've watched (S1E7, 1x07, 7, finished)
`/ask` ask in plain words; add `reveal:True` to lift the spoiler gate for one question
`/character` what you know of someone so far
`/recap` summaries of the episodes you've watched
`/progress show`, `/progress clear` see or forget your progress
`/forget` delete everything I store about you
**Safe for me?** (right-click a message, Apps) whether a message is safe for your progress
Moderators: **Hide as spoiler** on a message, and `/guard` to hide spoilers in a channel"""


def render_help(said: list[tuple[ShowInfo, Progress | None]]) -> str:
    """What the bot does, its commands, and the viewer's progress in each show it knows."""
    if len(said) == 1:
        show, point = said[0]
        lines = [f"Your progress: {show.title}: {_where(point)}"]
    else:
        lines = [
            "Shows I know, and your progress in each (set it per show with `/progress set show:`):",
            *(f"- {show.title}: {_where(point)}" for show, point in said),
            "A question that names a show, or people you've met in only one, is answered "
            "from that show; others go to this server's default show, or pick one with "
            "`show:`.",
        ]
    return "\n".join([HELP_INTRO, HELP_COMMANDS, *lines])


def _where(progress: Progress | None) -> str:
    if progress is None:
        return "not set yet"
    return f"up to {progress}" if progress.started else "not started"


def render_guild_settings(default_show: ShowInfo, public_answers: bool) -> str:
    """A server's settings: whether answers may be public, and the show used by default."""
    public = "allowed" if public_answers else "not allowed"
    return f"Public answers: {public}. Default show: {default_show.title}."


def render_cap(show: ShowInfo, cap: Progress) -> str:
    """How far a guarded channel lets a show be discussed."""
    title = escape_markdown(show.title)
    if not cap.started:
        return f"no spoilers of {title} at all"
    return f"spoilers of {title} up to {cap} only"


def render_guard(show: ShowInfo, cap: Progress, *, new: bool = False) -> str:
    """A channel's guard; `new`: it was just set."""
    if new:
        allowed = f"Guard on: this channel allows {render_cap(show, cap)}."
        return f"{allowed} New messages that reveal more are hidden as spoilers."
    return f"This channel allows {render_cap(show, cap)}."
