"""What the double's Discord holds: users, guilds, messages, webhooks, commands, and the records.

`Store` is the base of `DiscordDouble`: the gateway, interaction and REST layers build on it,
and a test reads it to assert on what the bot did.
"""

# Every wait takes an explicit timeout so a test can never hang on a bot that stays silent.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from discord_double import payloads
from discord_double.faults import matches
from discord_double.flags import EPHEMERAL, KEPT_MESSAGE_FLAGS
from discord_double.guilds import GuildSpec, GuildState, build_guild
from discord_double.payloads import snowflake
from discord_double.records import InteractionRecord, RecordedRequest, Reply

API_PREFIX = "/api/v10"
_MENTION_RE = re.compile(r"<@(!|&)?(\d+)>")


@dataclass
class StoredMessage:
    payload: dict[str, Any]
    allowed_mentions: dict[str, Any] | None
    deleted: bool = False


class Store:
    """The state behind the double, and the questions a test asks of it."""

    def __init__(
        self,
        *,
        guilds: list[GuildSpec] | None,
        application_id: int | None,
        bot_user_id: int | None,
        bot_name: str,
    ) -> None:
        self.bot_user_id = bot_user_id or snowflake()
        self.application_id = application_id or self.bot_user_id
        self.bot_name = bot_name
        self.users: dict[int, dict[str, Any]] = {}
        self._ensure_user(self.bot_user_id, bot_name, bot=True)
        self.guilds: list[GuildState] = []
        for spec in guilds or [GuildSpec()]:
            guild, members = build_guild(spec, bot_user_id=self.bot_user_id, bot_name=bot_name)
            for member in members:
                self._ensure_user(member.user_id, member.username, bot=member.bot)
                guild.add_member(member.user_id, member.roles, member.nick)
            self.guilds.append(guild)

        self.requests: list[RecordedRequest] = []
        self.unknown_requests: list[RecordedRequest] = []
        self.server_errors: list[str] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.syncs: list[tuple[int | None, list[dict[str, Any]]]] = []
        self.interactions: list[InteractionRecord] = []

        self._command_ids: dict[tuple[int | None, str, int], int] = {}
        self._messages: dict[int, StoredMessage] = {}
        self._webhooks: dict[int, dict[str, Any]] = {}
        self._files: dict[str, bytes] = {}
        self._webhook_avatars: dict[int, str | None] = {}
        self._dm_channels: dict[int, dict[str, Any]] = {}
        self._changed = asyncio.Event()
        self._port = 0

    # -- where the double listens ----------------------------------------------------------------

    @property
    def api_base_url(self) -> str:
        """For discord.http.Route.BASE, e.g. "http://127.0.0.1:PORT/api/v10"."""
        return f"http://127.0.0.1:{self._port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """The websocket gateway, e.g. "ws://127.0.0.1:PORT/gateway"."""
        return f"ws://127.0.0.1:{self._port}/gateway"

    # -- guilds, users and commands --------------------------------------------------------------

    @property
    def guild_id(self) -> int:
        """The first guild's id (the default for interactions)."""
        return self.guilds[0].id

    @property
    def channel_id(self) -> int:
        """The first guild's first text channel id."""
        return self.guilds[0].channel_id

    @property
    def user_id(self) -> int:
        """The first guild's first non-bot member: the default invoking user."""
        guild = self.guilds[0]
        return next(uid for uid in guild.members if not self.users[uid].get("bot"))

    def guild(self, guild_id: int | None = None) -> GuildState:
        """A guild by id (default: the first)."""
        if guild_id is None:
            return self.guilds[0]
        for guild in self.guilds:
            if guild.id == guild_id:
                return guild
        raise KeyError(f"no guild {guild_id}")

    def role_id(self, name: str, guild_id: int | None = None) -> int:
        """A role's id by name."""
        return self.guild(guild_id).role_named(name)

    def channel_id_named(self, name: str, guild_id: int | None = None) -> int:
        """A text channel's id by name."""
        return next(cid for cid, ch in self.guild(guild_id).channels.items() if ch["name"] == name)

    def user_id_named(self, username: str) -> int:
        """A known user's id by username."""
        return next(uid for uid, user in self.users.items() if user["username"] == username)

    def add_member(
        self,
        user_id: int | None = None,
        username: str | None = None,
        *,
        roles: Iterable[str | int] = (),
        guild_id: int | None = None,
        nick: str | None = None,
    ) -> int:
        """Add (or update) a guild member; roles are names or ids. Returns the user id."""
        user_id = user_id or snowflake()
        self._ensure_user(user_id, username)
        self.guild(guild_id).add_member(user_id, roles, nick)
        return user_id

    def set_bot_permissions(self, permissions: int, guild_id: int | None = None) -> None:
        """Change what the bot's own role allows (takes effect for the next REST call)."""
        guild = self.guild(guild_id)
        role = next(r for r in guild.roles.values() if r.get("tags", {}).get("bot_id"))
        role["permissions"] = str(permissions)

    def synced_command(
        self, name: str, guild_id: int | None = None, *, ctype: int = 1
    ) -> dict[str, Any] | None:
        """A synced command (type 1 slash, 2 user, 3 message): guild scope first, then global."""
        return self._find_command(name, guild_id, ctype)[0]

    @property
    def sync_count(self) -> int:
        """How many times commands were bulk-synced (PUT), any scope."""
        return len(self.syncs)

    # -- what the bot sent -----------------------------------------------------------------------

    def requests_to(self, method: str, path_glob: str) -> list[RecordedRequest]:
        """Recorded requests matching a method ("*": any) and a path glob like "/interactions/*"."""
        return [r for r in self.requests if matches(method, path_glob, r.method, r.path)]

    def channel_messages(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        """Non-deleted, non-ephemeral messages in a channel (default: the first), oldest first."""
        cid = str(channel_id or self.channel_id)
        return [
            m.payload
            for m in self._messages.values()
            if not m.deleted
            and m.payload["channel_id"] == cid
            and not m.payload["flags"] & EPHEMERAL
        ]

    def is_deleted(self, message_id: int) -> bool:
        return self._messages[message_id].deleted

    def message_allowed_mentions(self, message_id: int) -> dict[str, Any] | None:
        """The allowed_mentions the sender gave for a message (None: none were given)."""
        return self._messages[message_id].allowed_mentions

    def webhook_avatar_url(self, message_id: int) -> str | None:
        """The avatar_url a webhook message was sent with."""
        return self._webhook_avatars.get(message_id)

    def attachment_bytes(self, attachment: dict[str, Any]) -> bytes:
        """The bytes behind an attachment the double stored."""
        return self._files[attachment["id"]]

    def dm_messages(self, user_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent to a user's DM channel, oldest first."""
        channel = self._dm_channels.get(user_id)
        return self.channel_messages(int(channel["id"])) if channel else []

    def webhooks(self, channel_id: int | None = None) -> list[dict[str, Any]]:
        """Webhooks created in a channel (default: the first)."""
        cid = str(channel_id or self.channel_id)
        return [w for w in self._webhooks.values() if w["channel_id"] == cid]

    # -- waiting ---------------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(
        self, predicate: Callable[[], object], timeout: float = 5.0, what: str = "a condition"
    ) -> None:
        """Wait until `predicate()` holds, re-checking after every request and gateway event."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    changed = self._changed
                    if predicate():
                        return
                    await changed.wait()
        except TimeoutError as exc:
            recent = [f"{r.method} {r.path} -> {r.status}" for r in self.requests[-8:]]
            errors = f"; server errors: {self.server_errors}" if self.server_errors else ""
            raise TimeoutError(
                f"timed out after {timeout}s waiting for {what}; recent requests: {recent}{errors}"
            ) from exc

    async def wait_for_sync(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until commands have been bulk-synced `count` times in total."""
        await self.wait_until(lambda: self.sync_count >= count, timeout, f"{count} command sync(s)")

    # -- internals: users, guilds, channels, commands --------------------------------------------

    def _ensure_user(self, user_id: int, username: str | None = None, *, bot: bool = False) -> None:
        if user_id in self.users and username is None:
            return
        self.users[user_id] = payloads.user(user_id, username or f"user{user_id % 10000}", bot=bot)

    def _member_payload(
        self, guild: GuildState, user_id: int, *, with_user: bool = True
    ) -> dict[str, Any]:
        return payloads.member(guild, user_id, self.users, with_user=with_user)

    def _guild_of_channel(self, channel_id: int) -> GuildState | None:
        return next((g for g in self.guilds if channel_id in g.channels), None)

    def _channel(self, channel_id: int) -> dict[str, Any] | None:
        guild = self._guild_of_channel(channel_id)
        if guild is not None:
            return {**guild.channels[channel_id], "guild_id": str(guild.id)}
        return next((ch for ch in self._dm_channels.values() if ch["id"] == str(channel_id)), None)

    def _dm_channel(self, user_id: int) -> dict[str, Any]:
        if user_id not in self._dm_channels:
            self._dm_channels[user_id] = payloads.dm_channel(self.users[user_id])
        return self._dm_channels[user_id]

    def _bot_can(self, channel_id: int, permission: int) -> bool:
        guild = self._guild_of_channel(channel_id)
        if guild is None:
            return False
        return guild.permissions(self.bot_user_id) & permission == permission

    def _find_command(
        self, name: str, guild_id: int | None, ctype: int = 1
    ) -> tuple[dict[str, Any] | None, int | None]:
        for scope in ([guild_id] if guild_id is not None else []) + [None]:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name and cmd.get("type", 1) == ctype:
                    return cmd, scope
        return None, None

    def _store_command(self, scope: int | None, cmd: dict[str, Any]) -> dict[str, Any]:
        ctype = cmd.get("type", 1)
        cid = self._command_ids.setdefault((scope, cmd["name"], ctype), snowflake())
        stored = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            "name_localizations": None,
            "description_localizations": None,
            **cmd,
            "id": str(cid),
            "application_id": str(self.application_id),
            "version": str(snowflake()),
        }
        if scope is not None:
            stored["guild_id"] = str(scope)
        return stored

    # -- internals: messages and files -----------------------------------------------------------

    def _store_file(self, filename: str, data: bytes, content_type: str = "") -> dict[str, Any]:
        """Keep an uploaded file so its attachment URL serves it back, as Discord's CDN does."""
        att_id = str(snowflake())
        self._files[att_id] = data
        info = {"size": len(data), "content_type": content_type or "application/octet-stream"}
        attachment = payloads.attachment(att_id, filename, info)
        url = f"http://127.0.0.1:{self._port}/attachments/{att_id}/{filename}"
        attachment.update(url=url, proxy_url=url)
        return attachment

    def _new_message(
        self,
        channel_id: str,
        data: dict[str, Any],
        files: list[dict[str, Any]],
        *,
        mtype: int,
        record: InteractionRecord | None = None,
        extra_flags: int = 0,
    ) -> dict[str, Any]:
        mid = snowflake()
        payload = payloads.message(
            mid,
            channel_id,
            self.users[self.bot_user_id],
            mtype=mtype,
            tts=bool(data.get("tts")),
            flags=(int(data.get("flags") or 0) & KEPT_MESSAGE_FLAGS) | extra_flags,
        )
        if record is not None:
            user = record.payload.get("member", {}).get("user") or record.payload.get("user")
            payload.update(
                webhook_id=str(self.application_id),
                application_id=str(self.application_id),
                interaction_metadata={
                    "id": str(record.id),
                    "type": record.type,
                    "user": user,
                    "authorizing_integration_owners": record.payload[
                        "authorizing_integration_owners"
                    ],
                },
            )
        self._messages[mid] = StoredMessage(payload, None)
        self._apply_edit(mid, data, files)
        return payload

    def _apply_edit(
        self, message_id: int, data: dict[str, Any], files: list[dict[str, Any]]
    ) -> None:
        stored = self._messages[message_id]
        msg = stored.payload
        for key in ("content", "embeds", "components", "poll"):
            if key in data and data[key] is not None:
                msg[key] = data[key]
        if "attachments" in data or files:
            keep = {str(a.get("id")) for a in data.get("attachments") or []}
            msg["attachments"] = [a for a in msg["attachments"] if a["id"] in keep] + files
        if "allowed_mentions" in data:
            stored.allowed_mentions = data["allowed_mentions"]
        self._apply_mentions(stored)

    def _apply_mentions(self, stored: StoredMessage) -> None:
        """Fill in who a message pings, as Discord does from its content and allowed_mentions."""
        msg, allowed = stored.payload, stored.allowed_mentions
        parse = (
            set(allowed.get("parse", [])) if allowed is not None else {"users", "roles", "everyone"}
        )
        explicit_users = {int(u) for u in (allowed or {}).get("users", [])}
        explicit_roles = {int(r) for r in (allowed or {}).get("roles", [])}
        users, roles = [], []
        for kind, raw_id in _MENTION_RE.findall(msg["content"]):
            target = int(raw_id)
            if kind == "&" and ("roles" in parse or target in explicit_roles):
                roles.append(str(target))
            elif kind != "&" and ("users" in parse or target in explicit_users):
                self._ensure_user(target)
                users.append(self.users[target])
        msg["mentions"], msg["mention_roles"] = users, roles
        text = msg["content"]
        msg["mention_everyone"] = "everyone" in parse and ("@everyone" in text or "@here" in text)

    def _reply(self, message_id: int, record: InteractionRecord) -> Reply:
        stored = self._messages[message_id]
        msg = stored.payload
        return Reply(
            message_id=message_id,
            content=msg["content"],
            flags=msg["flags"],
            embeds=msg["embeds"],
            components=msg["components"],
            attachments=msg["attachments"],
            allowed_mentions=stored.allowed_mentions,
            pinged_user_ids=[int(u["id"]) for u in msg["mentions"]],
            pinged_role_ids=[int(r) for r in msg["mention_roles"]],
            mention_everyone=msg["mention_everyone"],
            deferred=record.deferred and message_id == record.original_id,
            deleted=stored.deleted,
            events=[e for e in record.events if e.message_id in (None, message_id)],
            message=msg,
        )
