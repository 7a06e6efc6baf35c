"""Discord's limits as the double enforces them: sizes, callback rules, deadlines, rate limits.

Each check returns Discord's (error code, message) for a body it would reject, or None.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from discord_double.payloads import error_response, json_response

# Discord drops an interaction whose first callback comes later than this (seconds).
INTERACTION_DEADLINE = 3.0
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
CONTENT_LIMIT = 2000
EMBEDS_LIMIT = 10
EMBED_FIELDS_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000
CHOICES_LIMIT = 25
CHOICE_LIMIT = 100
WEBHOOK_NAME_LIMIT = 80

Problem = tuple[int, str]

# Interaction type -> the callback types Discord accepts for it.
_CALLBACKS_FOR = {2: (4, 5, 9), 3: (4, 5, 6, 7, 9), 4: (8,), 5: (4, 5, 6, 7)}


def message_problem(
    data: dict[str, Any], files: list[dict[str, Any]], *, partial: bool = False
) -> Problem | None:
    """A message body Discord would reject; `partial` for edits, which may leave all out."""
    content = data.get("content") or ""
    if len(content) > CONTENT_LIMIT:
        return 50035, f"Invalid Form Body: content: Must be {CONTENT_LIMIT} or fewer in length."
    embeds = data.get("embeds") or []
    if len(embeds) > EMBEDS_LIMIT:
        return 50035, f"Invalid Form Body: embeds: Must be {EMBEDS_LIMIT} or fewer in length."
    total = 0
    for embed in embeds:
        texts = [
            ("title", embed.get("title"), 256),
            ("description", embed.get("description"), 4096),
            ("footer.text", (embed.get("footer") or {}).get("text"), 2048),
            ("author.name", (embed.get("author") or {}).get("name"), 256),
        ]
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_LIMIT:
            limit = EMBED_FIELDS_LIMIT
            return 50035, f"Invalid Form Body: embeds.fields: Must be {limit} or fewer in length."
        for f in fields:
            if not f.get("name") or not f.get("value"):
                return 50035, "Invalid Form Body: embeds.fields: name and value are required."
            texts += [("fields.name", f["name"], 256), ("fields.value", f["value"], 1024)]
        for name, text, limit in texts:
            if text and len(text) > limit:
                return (
                    50035,
                    f"Invalid Form Body: embeds.{name}: Must be {limit} or fewer in length.",
                )
            total += len(text or "")
    if total > EMBED_TOTAL_LIMIT:
        return (
            50035,
            f"Invalid Form Body: embeds: Embed size exceeds maximum size of {EMBED_TOTAL_LIMIT}",
        )
    if not partial and not (
        content or embeds or files or data.get("components") or data.get("poll")
    ):
        return 50006, "Cannot send an empty message"
    return None


def callback_problem(
    ctype: Any, data: dict[str, Any], files: list[dict[str, Any]], interaction_type: int
) -> Problem | None:
    """A callback Discord would reject: the wrong type for the interaction, or a bad body."""
    if ctype not in _CALLBACKS_FOR.get(interaction_type, ()):
        return (
            50035,
            f"Invalid Form Body: type {ctype} is not valid for interaction type {interaction_type}",
        )
    if ctype == 4:
        return message_problem(data, files)
    if ctype == 7:
        return message_problem(data, files, partial=True)
    if ctype == 8:
        choices = data.get("choices") or []
        if len(choices) > CHOICES_LIMIT:
            return (
                50035,
                f"Invalid Form Body: data.choices: Must be {CHOICES_LIMIT} or fewer in length.",
            )
        for choice in choices:
            if (
                not 1 <= len(choice.get("name", "")) <= CHOICE_LIMIT
                or len(str(choice.get("value", ""))) > CHOICE_LIMIT
            ):
                return (
                    50035,
                    "Invalid Form Body: data.choices: names need 1-100 characters, values <= 100.",
                )
    return None


def webhook_name_problem(name: str) -> Problem | None:
    """Discord refuses webhook names out of 1-80 characters or holding "clyde" or "discord"."""
    lowered = name.lower()
    if not 1 <= len(name) <= WEBHOOK_NAME_LIMIT or "clyde" in lowered or "discord" in lowered:
        return 50035, "Invalid Form Body: name: invalid webhook name"
    return None


def webhook_username_problem(username: str) -> Problem | None:
    """The name a webhook message posts as must be 1-80 characters."""
    if not 1 <= len(username) <= WEBHOOK_NAME_LIMIT:
        return 50035, "Invalid Form Body: username: Must be 1-80 in length."
    return None


def rate_limited(retry_after: float, *, is_global: bool = False) -> web.Response:
    """A 429 as Discord sends it, with the headers discord.py reads to wait and retry."""
    headers = {
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Scope": "global" if is_global else "user",
        "Via": "1.1 google",  # discord.py treats a 429 without Via as a Cloudflare ban
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
        "code": 0,
    }
    return json_response(body, 429, headers)


def rejected(problem: Problem) -> web.Response:
    """A 400 for a problem one of the checks found."""
    return error_response(400, *problem)
