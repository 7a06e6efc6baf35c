"""Facts a show file implies without stating them: who each character is, each episode's recap."""

from __future__ import annotations

from bot.core.progress import last_episode
from bot.core.schema import Fact, ShowFile

# A derived profile's id is this and the character's id; its topics, like a curated profile's.
_PROFILE_PREFIX = "who-is-"
_PROFILE_TOPICS = ["who", "character"]


def profile_fact_id(character_id: str) -> str:
    return f"{_PROFILE_PREFIX}{character_id}"


def is_profile(fact: Fact) -> bool:
    """Whether a fact says who someone is (a derived profile or a curated one)."""
    return fact.id.startswith(_PROFILE_PREFIX) or bool(set(_PROFILE_TOPICS) & set(fact.topics))


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
                topics=list(_PROFILE_TOPICS),
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
