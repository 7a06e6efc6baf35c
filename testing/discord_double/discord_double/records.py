"""Records of what the double saw and sent: REST calls, interactions and the bot's replies."""

# Every wait takes an explicit timeout so a test can never hang on a bot that stays silent.
# ruff: noqa: ASYNC109

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from discord_double.flags import EPHEMERAL, LOADING

if TYPE_CHECKING:
    from discord_double.store import Store


@dataclass
class RecordedRequest:
    """One REST call: `path` is relative to the API base (e.g. "/channels/1/messages")."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    at: float
    status: int = 0


@dataclass
class ReplyEvent:
    """Something the bot did for an interaction: "callback", "followup" or "edit"."""

    kind: str
    body: Any
    at: float
    message_id: int | None = None


@dataclass
class Reply:
    """A message the bot produced for an interaction, as it currently stands."""

    message_id: int
    content: str
    flags: int
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
    allowed_mentions: dict[str, Any] | None
    pinged_user_ids: list[int]
    pinged_role_ids: list[int]
    mention_everyone: bool
    deferred: bool
    deleted: bool
    events: list[ReplyEvent]
    message: dict[str, Any]

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user sees it (flag 64)."""
        return bool(self.flags & EPHEMERAL)


class InteractionRecord:
    """One INTERACTION_CREATE the double sent, and everything the bot did in answer."""

    def __init__(
        self, store: Store, payload: dict[str, Any], source_message_id: int | None
    ) -> None:
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.source_message_id = source_message_id
        self.dispatched_at: float = 0.0
        self.first_callback_at: float | None = None
        self.callback: dict[str, Any] | None = None
        self.events: list[ReplyEvent] = []
        self.original_id: int | None = None
        self.followup_ids: list[int] = []
        self._store = store

    @property
    def latency(self) -> float | None:
        """Seconds from dispatching INTERACTION_CREATE to the first accepted callback's arrival."""
        return (
            None if self.first_callback_at is None else self.first_callback_at - self.dispatched_at
        )

    @property
    def callback_type(self) -> int | None:
        """4 message, 5 deferred message, 6 deferred update, 7 update, 8 autocomplete, 9 modal."""
        return None if self.callback is None else self.callback.get("type")

    @property
    def deferred(self) -> bool:
        """Whether the first callback was a defer (type 5 or 6)."""
        return self.callback_type in (5, 6)

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """Autocomplete choices, when the callback was type 8."""
        if self.callback is None or self.callback_type != 8:
            return None
        choices: list[dict[str, Any]] = (self.callback.get("data") or {}).get("choices", [])
        return choices

    def reply(self) -> Reply | None:
        """The original response as it stands now, or None if nothing visible exists yet."""
        if not self._reply_ready():
            return None
        return self._store._reply(self.original_id, self) if self.original_id else None

    @property
    def followups(self) -> list[Reply]:
        """Follow-up messages (not counting the one that filled a deferred response)."""
        return [self._store._reply(mid, self) for mid in self.followup_ids]

    def _reply_ready(self) -> bool:
        ctype = self.callback_type
        if ctype in (4, 7):
            return True
        if ctype == 5:
            stored = self._store._messages.get(self.original_id or 0)
            return stored is not None and not stored.payload["flags"] & LOADING
        if ctype == 6:
            return any(e.kind in ("edit", "followup") for e in self.events)
        return False

    async def wait_callback(self, timeout: float = 5.0) -> dict[str, Any]:
        """The first accepted callback body ({"type": ..., "data": ...})."""
        await self._store.wait_until(
            lambda: self.callback is not None, timeout, f"a callback for {self._what()}"
        )
        assert self.callback is not None
        return self.callback

    async def wait_reply(self, timeout: float = 5.0) -> Reply:
        """The visible reply: the type 4/7 message, or a deferred one once edited or followed up."""
        await self.wait_callback(timeout)
        if self.callback_type in (8, 9):
            raise AssertionError(
                f"{self._what()} was answered with callback type {self.callback_type}"
            )
        await self._store.wait_until(
            self._reply_ready, timeout, f"a visible reply to {self._what()}"
        )
        reply = self.reply()
        if reply is None:
            raise AssertionError(f"{self._what()} has no message: {self.events}")
        return reply

    def _what(self) -> str:
        data = self.payload.get("data") or {}
        return (
            f"interaction {self.id} ({data.get('name') or data.get('custom_id')}, type {self.type})"
        )
