"""A local Discord double: REST API and gateway on 127.0.0.1 for the real discord.py client.

Typical use (give the bot `guild_ready_timeout=0.1` so on_ready does not wait 2 s)::

    @pytest.fixture
    async def double():
        async with DiscordDouble() as fake:
            yield fake

    @pytest.fixture
    async def bot(double):
        async with double.run_bot(make_bot(), timeout=5) as client:
            yield client

    async def test_echo(double, bot):
        record = await double.send_command("echo", {"text": "hi"})
        reply = await record.wait_reply(timeout=3)
        assert reply.ephemeral and reply.content == "hi"

Commands the bot syncs are stored, so `send_command` types options from the synced payload and
fills in `data.id` (and `data.guild_id` for guild-scoped commands). Members post and edit
messages with `post_message` / `edit_message` (MESSAGE_CREATE / MESSAGE_UPDATE as the bot's
intents allow),
`send_message_command` runs a message context-menu command on one of them, and the bot's
channel permissions (`GuildSpec.bot_permissions`, `set_bot_permissions`) gate deleting others'
messages and webhooks, which post as any name the bot gives them. Leave the `run_bot` block only
after waiting for what you assert on: closing the bot cuts any call it is still making.
"""

# Every wait takes an explicit timeout so a test can never hang on a bot that stays silent.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import itertools
import json
import re
import secrets
import socket
import time
import traceback
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord
from aiohttp import WSMsgType, web

from bot.endpoints import use_discord_endpoints

API_PREFIX = "/api/v10"
_GATEWAY_PATHS = ("/gateway", "/resume-gateway")
_FATAL_CLOSE_CODES = frozenset({4004, 4010, 4011, 4012, 4013, 4014})
EPHEMERAL = 64
LOADING = 128
# Flags a bot may set on a message: suppress embeds, ephemeral, silent, components v2.
_KEPT_MESSAGE_FLAGS = 4 | EPHEMERAL | 4096 | 32768
_DISCORD_EPOCH_MS = 1420070400000
_increment = itertools.count()

EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    read_message_history=True,
    use_application_commands=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
).value
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | discord.Permissions(send_messages_in_threads=True).value
MODERATOR_PERMISSIONS = discord.Permissions(manage_messages=True, manage_guild=True).value
MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value
MANAGE_WEBHOOKS = discord.Permissions(manage_webhooks=True).value
# Gateway intents the double honours for MESSAGE_CREATE.
GUILD_MESSAGES_INTENT = 1 << 9
MESSAGE_CONTENT_INTENT = 1 << 15
_ALL_PERMISSIONS = discord.Permissions.all().value
_ADMINISTRATOR = discord.Permissions(administrator=True).value
_MENTION_RE = re.compile(r"<@(!|&)?(\d+)>")


def snowflake() -> int:
    """A new, unique, time-ordered Discord snowflake."""
    return ((int(time.time() * 1000) - _DISCORD_EPOCH_MS) << 22) | (next(_increment) & 0x3FFFFF)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly "application/json": discord.py treats "...; charset=utf-8" as plain text.
    body = json.dumps(data).encode()
    return web.Response(
        body=body, status=status, headers={**(headers or {}), "Content-Type": "application/json"}
    )


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"message": message, "code": code}, status)


@dataclass
class RoleSpec:
    """A guild role; `id` 0 means "assign a snowflake"."""

    name: str
    permissions: int = 0
    id: int = 0


@dataclass
class MemberSpec:
    """A guild member; `roles` holds role names or ids."""

    user_id: int
    username: str
    roles: list[str | int] = field(default_factory=list)
    nick: str | None = None
    bot: bool = False


@dataclass
class GuildSpec:
    """A guild the bot is in: text channels by name; no members means alice and bob (Moderator)."""

    name: str = "Test Guild"
    id: int = 0
    channels: list[str] = field(default_factory=lambda: ["general"])
    roles: list[RoleSpec] = field(
        default_factory=lambda: [RoleSpec("Moderator", MODERATOR_PERMISSIONS)]
    )
    members: list[MemberSpec] = field(default_factory=list)
    everyone_permissions: int = EVERYONE_PERMISSIONS
    bot_permissions: int = BOT_PERMISSIONS


@dataclass
class GuildState:
    """A guild as the double holds it: role/channel payloads by id, members by user id."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, dict[str, Any]]
    channels: dict[int, dict[str, Any]]
    members: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def channel_id(self) -> int:
        """The first text channel, where commands run by default."""
        return next(iter(self.channels))


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
    """Something the bot did for an interaction: "callback", "followup", "edit" or "delete"."""

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


_RECORD = web.RequestKey("record", RecordedRequest)
_FILES = web.RequestKey("files", list)


@dataclass
class _StoredMessage:
    payload: dict[str, Any]
    allowed_mentions: dict[str, Any] | None
    deleted: bool = False


@dataclass
class _Fault:
    method: str
    pattern: str
    remaining: int | None
    status: int = 0
    retry_after: float = 0.0
    is_global: bool = False
    delay: float = 0.0


class _Session:
    def __init__(self, shard_id: int, shard_count: int, intents: int) -> None:
        self.id = secrets.token_hex(16)
        self.shard_id, self.shard_count, self.intents = shard_id, shard_count, intents
        self.seq = 0
        self.log: list[dict[str, Any]] = []
        self.ws: web.WebSocketResponse | None = None
        self.request: web.Request | None = None
        self.lock = asyncio.Lock()


class InteractionRecord:
    """One INTERACTION_CREATE the double sent, and everything the bot did in answer."""

    def __init__(
        self, double: DiscordDouble, payload: dict[str, Any], source_message_id: int | None
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
        self._double = double

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
        return (
            (self.callback.get("data") or {}).get("choices", [])
            if self.callback_type == 8
            else None
        )

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal's data, when the callback was type 9."""
        return self.callback.get("data") if self.callback_type == 9 else None

    def reply(self) -> Reply | None:
        """The original response as it stands now, or None if nothing visible exists yet."""
        if not self._reply_ready():
            return None
        return self._double._reply(self.original_id, self) if self.original_id else None

    @property
    def followups(self) -> list[Reply]:
        """Follow-up messages (not counting the one that filled a deferred response)."""
        return [self._double._reply(mid, self) for mid in self.followup_ids]

    def _reply_ready(self) -> bool:
        ctype = self.callback_type
        if ctype in (4, 7):
            return True
        if ctype == 5:
            stored = self._double._messages.get(self.original_id or 0)
            return stored is not None and not stored.payload["flags"] & LOADING
        if ctype == 6:
            return any(e.kind in ("edit", "followup") for e in self.events)
        return False

    async def wait_callback(self, timeout: float = 5.0) -> dict[str, Any]:
        """The first accepted callback body ({"type": ..., "data": ...})."""
        await self._double.wait_until(
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
        await self._double.wait_until(
            self._reply_ready, timeout, f"a visible reply to {self._what()}"
        )
        reply = self.reply()
        if reply is None:
            raise AssertionError(f"{self._what()} has no message: {self.events}")
        return reply

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[Reply]:
        """Wait until at least `count` follow-up messages exist; return them all."""
        await self._double.wait_until(
            lambda: len(self.followup_ids) >= count,
            timeout,
            f"{count} follow-up(s) to {self._what()}",
        )
        return self.followups

    def _what(self) -> str:
        data = self.payload.get("data") or {}
        return (
            f"interaction {self.id} ({data.get('name') or data.get('custom_id')}, type {self.type})"
        )


class DiscordDouble:
    """A fake Discord (REST + gateway) on a random 127.0.0.1 port, with one or more guilds."""

    def __init__(
        self,
        *,
        guilds: list[GuildSpec] | None = None,
        application_id: int | None = None,
        bot_user_id: int | None = None,
        bot_name: str = "TestBot",
        shard_count: int = 1,
        heartbeat_interval_ms: int = 41250,
        interaction_deadline: float | None = 3.0,
    ) -> None:
        self.bot_user_id = bot_user_id or snowflake()
        self.application_id = application_id or self.bot_user_id
        self.bot_name = bot_name
        self.shard_count = shard_count
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.interaction_deadline = interaction_deadline
        self.users: dict[int, dict[str, Any]] = {}
        self._ensure_user(self.bot_user_id, bot_name, bot=True)
        self.guilds: list[GuildState] = [
            self._build_guild(spec) for spec in guilds or [GuildSpec()]
        ]

        self.requests: list[RecordedRequest] = []
        self.unknown_requests: list[RecordedRequest] = []
        self.server_errors: list[str] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.syncs: list[tuple[int | None, list[dict[str, Any]]]] = []
        self.interactions: list[InteractionRecord] = []
        self.identify_payloads: list[dict[str, Any]] = []
        self.gateway_connections: list[str] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0

        self._command_ids: dict[tuple[int | None, str, int], int] = {}
        self._messages: dict[int, _StoredMessage] = {}
        self._webhooks: dict[int, dict[str, Any]] = {}
        self._files: dict[str, bytes] = {}
        self._webhook_avatars: dict[int, str | None] = {}
        self._dm_channels: dict[int, dict[str, Any]] = {}
        self._by_id: dict[int, InteractionRecord] = {}
        self._by_token: dict[str, InteractionRecord] = {}
        self._sessions: dict[int, _Session] = {}
        self._sessions_by_id: dict[str, _Session] = {}
        self._sockets: set[web.WebSocketResponse] = set()
        self._faults: list[_Fault] = []
        self._changed = asyncio.Event()
        self._resumes_at_drop = 0
        self._fatal_close: int | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free 127.0.0.1 port."""
        app = web.Application(middlewares=[self._middleware])
        for path in _GATEWAY_PATHS:
            app.router.add_get(path, self._gateway)
        app.router.add_get("/attachments/{att_id}/{filename}", self._attachment_file)
        for method, path, handler in self._routes():
            app.router.add_route(method, API_PREFIX + path, handler)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Close every socket and the server."""
        for ws in list(self._sockets):
            await ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordDouble:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def api_base_url(self) -> str:
        """For discord.http.Route.BASE, e.g. "http://127.0.0.1:PORT/api/v10"."""
        return f"http://127.0.0.1:{self._port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """The websocket gateway, e.g. "ws://127.0.0.1:PORT/gateway"."""
        return f"ws://127.0.0.1:{self._port}/gateway"

    @contextlib.asynccontextmanager
    async def run_bot(
        self, bot: discord.Client, *, token: str = "fake-token", timeout: float = 10.0
    ) -> AsyncIterator[discord.Client]:
        """Point discord.py here, start `bot`, wait until ready; on exit close it and restore."""
        saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        use_discord_endpoints(self.api_base_url, self.gateway_url)
        task = asyncio.create_task(bot.start(token), name="discord-double-bot")
        try:
            async with asyncio.timeout(timeout):
                while not bot.is_ready():
                    if task.done():
                        task.result()
                        raise RuntimeError("bot.start() returned before the bot became ready")
                    await asyncio.sleep(0.01)
            yield bot
        finally:
            await bot.close()
            try:
                await asyncio.wait_for(task, timeout)
            except TimeoutError:
                task.cancel()
            finally:
                discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved

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
        return _role_named(self.guild(guild_id), name)

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
        _add_member(self.guild(guild_id), user_id, roles, nick)
        return user_id

    def synced_command(
        self, name: str, guild_id: int | None = None, *, ctype: int = 1
    ) -> dict[str, Any] | None:
        """A synced command (type 1 slash, 2 user, 3 message): guild scope first, then global."""
        return self._find_command(name, guild_id, ctype)[0]

    @property
    def sync_count(self) -> int:
        """How many times commands were bulk-synced (PUT), any scope."""
        return len(self.syncs)

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

    def message(self, message_id: int) -> dict[str, Any] | None:
        """A stored message's payload, deleted or not (check `is_deleted`)."""
        stored = self._messages.get(message_id)
        return None if stored is None else stored.payload

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

    def set_bot_permissions(self, permissions: int, guild_id: int | None = None) -> None:
        """Change what the bot's own role allows (takes effect for the next REST call)."""
        guild = self.guild(guild_id)
        role = next(r for r in guild.roles.values() if r.get("tags", {}).get("bot_id"))
        role["permissions"] = str(permissions)

    async def post_message(
        self,
        content: str,
        *,
        author_id: int | None = None,
        channel_id: int | None = None,
        attachments: list[tuple[str, bytes]] | None = None,
    ) -> dict[str, Any]:
        """A member posts a message; MESSAGE_CREATE goes out as Discord sends it for the intents.

        The bot gets the event only with the GUILD_MESSAGES intent, and the text, attachments and
        embeds only with MESSAGE_CONTENT too (Discord blanks them otherwise).
        """
        author_id = author_id or self.user_id
        cid = channel_id or self.channel_id
        guild = next(g for g in self.guilds if cid in g.channels)
        if author_id not in guild.members:
            self.add_member(author_id, guild_id=guild.id)
        files = [self._store_file(name, data) for name, data in attachments or []]
        payload = self._new_message(str(cid), {"content": content}, files, mtype=0)
        payload.update(
            author=self.users[author_id],
            guild_id=str(guild.id),
            member=self._member_payload(guild, author_id, with_user=False),
        )
        await self._message_event("MESSAGE_CREATE", guild, payload)
        return payload

    async def edit_message(self, message_id: int, content: str) -> dict[str, Any]:
        """A member edits their message; MESSAGE_UPDATE (the whole message) as the intents allow."""
        stored = self._messages[message_id]
        stored.payload["content"] = content
        stored.payload["edited_timestamp"] = _now_iso()
        self._apply_mentions(stored)
        cid = int(stored.payload["channel_id"])
        guild = next(g for g in self.guilds if cid in g.channels)
        await self._message_event("MESSAGE_UPDATE", guild, stored.payload)
        return stored.payload

    async def _message_event(self, event: str, guild: GuildState, payload: dict[str, Any]) -> None:
        shard_id = (guild.id >> 22) % self._shard_count()
        session = self._sessions.get(shard_id)
        if session is not None and session.intents & GUILD_MESSAGES_INTENT:
            data = dict(payload)
            if not session.intents & MESSAGE_CONTENT_INTENT:
                data.update(content="", attachments=[], embeds=[], components=[])
            await self.dispatch(event, data, shard_id=shard_id)

    async def send_message_command(
        self,
        name: str,
        message_id: int,
        *,
        user_id: int | None = None,
        member_permissions: str | int | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Dispatch a message context-menu command (type 2, data.type 3) on a stored message.

        As on Discord the target arrives whole in `data.resolved.messages`, content included,
        whatever the bot's intents.
        """
        message = self._messages[message_id].payload
        cid = int(message["channel_id"])
        guild = next((g for g in self.guilds if cid in g.channels), None)
        cmd, scope = self._find_command(name, guild.id if guild else None, 3)
        data: dict[str, Any] = {
            "id": cmd["id"] if cmd else str(snowflake()),
            "name": name,
            "type": 3,
            "target_id": message["id"],
            "resolved": {"messages": {message["id"]: message}},
        }
        if scope is not None:
            data["guild_id"] = str(scope)
        return await self._send_interaction(
            2, data, user_id, guild, cid, member_permissions, locale
        )

    def _store_file(self, filename: str, data: bytes, content_type: str = "") -> dict[str, Any]:
        """Keep an uploaded file so its attachment URL serves it back, as Discord's CDN does."""
        att_id = str(snowflake())
        self._files[att_id] = data
        info = {"size": len(data), "content_type": content_type or "application/octet-stream"}
        attachment = _attachment(att_id, filename, info)
        url = f"http://127.0.0.1:{self._port}/attachments/{att_id}/{filename}"
        attachment.update(url=url, proxy_url=url)
        return attachment

    def requests_to(self, method: str, path_glob: str) -> list[RecordedRequest]:
        """Recorded requests matching a method ("*": any) and a path glob like "/interactions/*"."""
        return [r for r in self.requests if _matches(method, path_glob, r.method, r.path)]

    # -- fault injection -------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_glob: str,
        *,
        status: int = 500,
        times: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
    ) -> None:
        """Answer the next `times` matching REST calls with `status` (429 carries retry_after)."""
        self._faults.append(_Fault(method, path_glob, times, status, retry_after, is_global))

    def delay_next(
        self, method: str, path_glob: str, seconds: float, *, times: int | None = 1
    ) -> None:
        """Hold the next `times` (None: all) matching REST calls for `seconds` before answering."""
        self._faults.append(_Fault(method, path_glob, times, delay=seconds))

    # -- gateway control -------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any], *, shard_id: int = 0) -> None:
        """Send a raw DISPATCH event (logged for replay if the shard is disconnected)."""
        session = self._sessions.get(shard_id)
        if session is None:
            raise RuntimeError(f"no gateway session for shard {shard_id}: is the bot running?")
        async with session.lock:
            await self._dispatch_locked(session, event, data)

    async def drop_gateway(self, *, code: int | None = None) -> None:
        """Cut all gateway connections: abort TCP (default) or close with `code`; clients RESUME.

        A code Discord never lets a client come back from (4004 authentication failed,
        4010-4014) also ends the sessions: a RESUME or IDENTIFY after it is closed with the
        same code, as Discord does with a revoked token.
        """
        self._resumes_at_drop = self.resume_count
        if code in _FATAL_CLOSE_CODES:
            self._fatal_close = code
        for session in list(self._sessions.values()):
            async with session.lock:
                ws, request = session.ws, session.request
                session.ws = session.request = None
            if ws is None or request is None:
                continue
            if code is None and request.transport is not None:
                request.transport.abort()
            else:
                await ws.close(code=code or 4000)

    async def wait_for_identify(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until IDENTIFY has been received `count` times in total."""
        await self.wait_until(lambda: self.identify_count >= count, timeout, f"{count} IDENTIFY")

    async def wait_for_resume(self, count: int | None = None, timeout: float = 5.0) -> None:
        """Wait for `count` RESUMEs in total (default: one more than at the last drop_gateway())."""
        target = self._resumes_at_drop + 1 if count is None else count
        await self.wait_until(lambda: self.resume_count >= target, timeout, f"{target} RESUME")

    async def wait_for_sync(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until commands have been bulk-synced `count` times in total."""
        await self.wait_until(lambda: self.sync_count >= count, timeout, f"{count} command sync(s)")

    # -- driving interactions --------------------------------------------------------------------

    async def send_command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user_id: int | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        subcommand: str | None = None,
        member_permissions: str | int | None = None,
        locale: str = "en-US",
        dm: bool = False,
    ) -> InteractionRecord:
        """Dispatch a slash command (type 2); option types come from the synced payload.

        The subcommand path goes in `name` ("settings set") or in `subcommand` ("set", "group sub").
        """
        return await self._application_command(
            2,
            name,
            options or {},
            None,
            user_id,
            guild_id,
            channel_id,
            subcommand,
            member_permissions,
            locale,
            dm,
        )

    async def send_autocomplete(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        focused: str,
        user_id: int | None = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        subcommand: str | None = None,
        member_permissions: str | int | None = None,
        locale: str = "en-US",
        dm: bool = False,
        timeout: float = 5.0,
    ) -> list[dict[str, Any]]:
        """Dispatch an autocomplete (type 4) with `focused` flagged; return the bot's choices."""
        record = await self._application_command(
            4,
            name,
            options or {},
            focused,
            user_id,
            guild_id,
            channel_id,
            subcommand,
            member_permissions,
            locale,
            dm,
        )
        await record.wait_callback(timeout)
        if record.choices is None:
            raise AssertionError(f"autocomplete answered with callback type {record.callback_type}")
        return record.choices

    async def send_component(
        self,
        message_id: int,
        custom_id: str,
        *,
        user_id: int | None = None,
        component_type: int = 2,
        values: list[str] | None = None,
        member_permissions: str | int | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Dispatch a component interaction (type 3): a button click, or a select with `values`."""
        message = self._messages[message_id].payload
        cid = int(message["channel_id"])
        guild = next((g for g in self.guilds if cid in g.channels), None)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        return await self._send_interaction(
            3,
            data,
            user_id,
            guild,
            cid,
            member_permissions,
            locale,
            message=message,
            source_message_id=message_id,
        )

    # -- internals: interactions -----------------------------------------------------------------

    async def _application_command(
        self,
        itype: int,
        name: str,
        values: dict[str, Any],
        focused: str | None,
        user_id: int | None,
        guild_id: int | None,
        channel_id: int | None,
        subcommand: str | None,
        member_permissions: str | int | None,
        locale: str,
        dm: bool,
    ) -> InteractionRecord:
        guild = None if dm else self.guild(guild_id)
        path = name.split() + (subcommand.split() if subcommand else [])
        top, subs = path[0], path[1:]
        cmd, scope = self._find_command(top, guild.id if guild else None)
        if focused is not None and focused not in values:
            values = {**values, focused: ""}
        schema = (cmd.get("options") or []) if cmd else None
        chain: list[tuple[str, int]] = []
        for index, sub in enumerate(subs):
            found = next(
                (o for o in schema or [] if o["name"] == sub and o["type"] in (1, 2)), None
            )
            if schema is not None and found is None:
                raise ValueError(f"/{' '.join(path[: index + 1])} is not a synced subcommand")
            chain.append((sub, found["type"] if found else (2 if index < len(subs) - 1 else 1)))
            schema = found.get("options") or [] if found else None
        resolved: dict[str, dict[str, Any]] = {}
        options = self._build_options(schema, values, guild, resolved, focused, " ".join(path))
        for sub, otype in reversed(chain):
            options = [{"type": otype, "name": sub, "options": options}]
        data: dict[str, Any] = {
            "id": cmd["id"] if cmd else str(snowflake()),
            "name": top,
            "type": 1,
        }
        if options:
            data["options"] = options
        if resolved:
            data["resolved"] = resolved
        if scope is not None:
            data["guild_id"] = str(scope)
        cid = channel_id or (guild.channel_id if guild else None)
        return await self._send_interaction(
            itype, data, user_id, guild, cid, member_permissions, locale
        )

    def _find_command(
        self, name: str, guild_id: int | None, ctype: int = 1
    ) -> tuple[dict[str, Any] | None, int | None]:
        for scope in ([guild_id] if guild_id is not None else []) + [None]:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name and cmd.get("type", 1) == ctype:
                    return cmd, scope
        return None, None

    def _build_options(
        self,
        schema: list[dict[str, Any]] | None,
        values: dict[str, Any],
        guild: GuildState | None,
        resolved: dict[str, dict[str, Any]],
        focused: str | None,
        path: str,
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in schema or []}
        options = []
        for name, value in values.items():
            spec = by_name.get(name)
            if schema is not None and spec is None:
                raise ValueError(
                    f"/{path} has no option {name!r}; synced options: {sorted(by_name)}"
                )
            otype = spec["type"] if spec else _infer_option_type(value)
            option: dict[str, Any] = {"type": otype, "name": name}
            if name == focused:
                option["value"], option["focused"] = str(value), True
            else:
                option["value"] = self._option_value(otype, value, guild, resolved)
            options.append(option)
        if schema is not None and focused is None:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
            if missing:
                raise ValueError(f"/{path} is missing required options {missing}")
        return options

    def _option_value(
        self, otype: int, value: Any, guild: GuildState | None, resolved: dict[str, dict[str, Any]]
    ) -> Any:
        if otype == 3:
            return str(value)
        if otype == 4:
            return int(value)
        if otype == 5:
            return bool(value)
        if otype == 10:
            return value if isinstance(value, int | float) else float(value)
        if otype == 11:
            att_id = str(snowflake())
            resolved.setdefault("attachments", {})[att_id] = _attachment(
                att_id, value.get("filename", "file.txt"), value
            )
            return att_id
        snowflake_id = int(value)
        if otype == 8 or (otype == 9 and guild is not None and snowflake_id in guild.roles):
            if guild is None or snowflake_id not in guild.roles:
                raise ValueError(f"unknown role {snowflake_id}")
            resolved.setdefault("roles", {})[str(snowflake_id)] = guild.roles[snowflake_id]
        elif otype in (6, 9):
            self._ensure_user(snowflake_id)
            resolved.setdefault("users", {})[str(snowflake_id)] = self.users[snowflake_id]
            if guild is not None and snowflake_id in guild.members:
                member = self._member_payload(guild, snowflake_id, with_user=False)
                member["permissions"] = str(self._permissions(guild, snowflake_id))
                resolved.setdefault("members", {})[str(snowflake_id)] = member
        elif otype == 7:
            channel = self._channel(snowflake_id)
            if channel is None:
                raise ValueError(f"unknown channel {snowflake_id}")
            entry = {
                k: channel[k] for k in ("id", "type", "name", "parent_id", "flags", "topic", "nsfw")
            }
            entry["permissions"] = str(_ALL_PERMISSIONS)
            resolved.setdefault("channels", {})[str(snowflake_id)] = entry
        else:
            raise ValueError(f"option type {otype} is not supported")
        return str(snowflake_id)

    async def _send_interaction(
        self,
        itype: int,
        data: dict[str, Any],
        user_id: int | None,
        guild: GuildState | None,
        channel_id: int | None,
        member_permissions: str | int | None,
        locale: str,
        *,
        message: dict[str, Any] | None = None,
        source_message_id: int | None = None,
    ) -> InteractionRecord:
        user_id = user_id or self.user_id
        self._ensure_user(user_id)
        payload: dict[str, Any] = {
            "id": str(snowflake()),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": "fake-interaction-" + secrets.token_urlsafe(48),
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild is not None:
            if user_id not in guild.members:
                self.add_member(user_id, guild_id=guild.id)
            perms = (
                member_permissions
                if member_permissions is not None
                else self._permissions(guild, user_id)
            )
            member = self._member_payload(guild, user_id)
            member["permissions"] = str(perms)
            cid = channel_id or guild.channel_id
            channel = {**guild.channels[cid], "guild_id": str(guild.id), "permissions": str(perms)}
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                channel=channel,
                channel_id=str(cid),
                member=member,
                app_permissions=str(self._permissions(guild, self.bot_user_id)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            channel = self._dm_channel(user_id)
            payload.update(
                user=self.users[user_id],
                channel=channel,
                channel_id=channel["id"],
                app_permissions=str(BOT_PERMISSIONS),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        if message is not None:
            payload["message"] = message
        shard_id = (guild.id >> 22) % self._shard_count() if guild else 0
        session = self._sessions.get(shard_id)
        if session is None:
            raise RuntimeError(f"no gateway session for shard {shard_id}: is the bot running?")
        record = InteractionRecord(self, payload, source_message_id)
        self.interactions.append(record)
        self._by_id[record.id] = record
        self._by_token[record.token] = record
        async with session.lock:
            record.dispatched_at = time.monotonic()
            await self._dispatch_locked(session, "INTERACTION_CREATE", payload)
        return record

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

    # -- internals: payloads ---------------------------------------------------------------------

    def _ensure_user(self, user_id: int, username: str | None = None, *, bot: bool = False) -> None:
        if user_id in self.users and username is None:
            return
        name = username or f"user{user_id % 10000}"
        self.users[user_id] = {
            "id": str(user_id),
            "username": name,
            "global_name": None if bot else name.title(),
            "discriminator": "0" if not bot else "0001",
            "avatar": None,
            "public_flags": 0,
            "avatar_decoration_data": None,
            **({"bot": True} if bot else {}),
        }

    def _build_guild(self, spec: GuildSpec) -> GuildState:
        gid = spec.id or snowflake()
        roles = {gid: _role(gid, "@everyone", spec.everyone_permissions, 0)}
        for position, role in enumerate(spec.roles, start=1):
            rid = role.id or snowflake()
            roles[rid] = _role(rid, role.name, role.permissions, position)
        bot_role = snowflake()
        roles[bot_role] = _role(
            bot_role, self.bot_name, spec.bot_permissions, len(roles), bot_id=self.bot_user_id
        )
        channels = {}
        for position, name in enumerate(spec.channels):
            cid = snowflake()
            channels[cid] = _text_channel(cid, name, position)
        guild = GuildState(gid, spec.name, snowflake(), roles, channels)
        _add_member(guild, self.bot_user_id, [bot_role], None)
        defaults = [MemberSpec(snowflake(), "alice"), MemberSpec(snowflake(), "bob", ["Moderator"])]
        for member in spec.members or defaults:
            self._ensure_user(member.user_id, member.username, bot=member.bot)
            _add_member(guild, member.user_id, member.roles, member.nick)
        return guild

    def _member_payload(
        self, guild: GuildState, user_id: int, *, with_user: bool = True
    ) -> dict[str, Any]:
        member = guild.members[user_id]
        payload: dict[str, Any] = {
            "roles": [str(r) for r in member["roles"]],
            "nick": member["nick"],
            "avatar": None,
            "banner": None,
            "joined_at": member["joined_at"],
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            payload["user"] = self.users[user_id]
        return payload

    def _permissions(self, guild: GuildState, user_id: int) -> int:
        if user_id == guild.owner_id:
            return _ALL_PERMISSIONS
        perms = int(guild.roles[guild.id]["permissions"])
        for rid in guild.members.get(user_id, {}).get("roles", []):
            perms |= int(guild.roles[rid]["permissions"])
        return _ALL_PERMISSIONS if perms & _ADMINISTRATOR else perms

    def _guild_create(self, guild: GuildState, intents: int) -> dict[str, Any]:
        # Without the GUILD_MEMBERS intent Discord only sends the bot's own member.
        member_ids = list(guild.members) if intents & (1 << 1) else [self.bot_user_id]
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": str(guild.channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "application_id": None,
            "features": [],
            "roles": list(guild.roles.values()),
            "emojis": [],
            "stickers": [],
            "channels": list(guild.channels.values()),
            "threads": [],
            "members": [self._member_payload(guild, uid) for uid in member_ids],
            "member_count": len(guild.members),
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": guild.members[self.bot_user_id]["joined_at"],
            "large": False,
            "unavailable": False,
            "lazy": True,
            "nsfw": False,
            "incidents_data": None,
        }

    def _channel(self, channel_id: int) -> dict[str, Any] | None:
        for guild in self.guilds:
            if channel_id in guild.channels:
                return {**guild.channels[channel_id], "guild_id": str(guild.id)}
        return next((ch for ch in self._dm_channels.values() if ch["id"] == str(channel_id)), None)

    def _dm_channel(self, user_id: int) -> dict[str, Any]:
        if user_id not in self._dm_channels:
            self._dm_channels[user_id] = {
                "id": str(snowflake()),
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [self.users[user_id]],
            }
        return self._dm_channels[user_id]

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
        payload: dict[str, Any] = {
            "id": str(mid),
            "type": mtype,
            "channel_id": channel_id,
            "author": self.users[self.bot_user_id],
            "content": "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(data.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "flags": (int(data.get("flags") or 0) & _KEPT_MESSAGE_FLAGS) | extra_flags,
        }
        if data.get("message_reference"):
            payload["type"], payload["message_reference"] = 19, data["message_reference"]
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
        self._messages[mid] = _StoredMessage(payload, None)
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

    def _apply_mentions(self, stored: _StoredMessage) -> None:
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

    # -- internals: REST -------------------------------------------------------------------------

    def _routes(self) -> list[tuple[str, str, Callable[[web.Request], Any]]]:
        webhook_message = "/webhooks/{app_id}/{token}/messages/{message_id}"
        channel_message = "/channels/{channel_id}/messages/{message_id}"
        return [
            ("GET", "/users/@me", self._get_me),
            ("POST", "/users/@me/channels", self._create_dm),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/@me", self._get_application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            *[
                (m, "/applications/{app_id}/commands", self._commands)
                for m in ("GET", "PUT", "POST")
            ],
            *[
                (m, "/applications/{app_id}/guilds/{guild_id}/commands", self._commands)
                for m in ("GET", "PUT", "POST")
            ],
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app_id}/{token}", self._followup),
            *[(m, webhook_message, self._webhook_message) for m in ("GET", "PATCH", "DELETE")],
            ("GET", "/channels/{channel_id}", self._get_channel),
            ("POST", "/channels/{channel_id}/messages", self._post_channel_message),
            ("POST", "/channels/{channel_id}/typing", self._typing),
            ("GET", "/channels/{channel_id}/webhooks", self._channel_webhooks),
            ("POST", "/channels/{channel_id}/webhooks", self._channel_webhooks),
            *[(m, channel_message, self._channel_message) for m in ("GET", "PATCH", "DELETE")],
        ]

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        if request.path in _GATEWAY_PATHS or request.path.startswith("/attachments/"):
            return await handler(request)
        arrived = time.monotonic()
        body, uploads = await _read_body(request)
        files = [self._store_file(f["filename"], f["data"], f["content_type"]) for f in uploads]
        path = request.path.removeprefix(API_PREFIX) or "/"
        record = RecordedRequest(request.method, path, dict(request.query), body, arrived)
        self.requests.append(record)
        request[_RECORD], request[_FILES] = record, files
        delay = self._take_fault(record, lambda f: f.delay > 0)
        if delay is not None:
            await asyncio.sleep(delay.delay)
        fault = self._take_fault(record, lambda f: f.status > 0)
        try:
            response = _fault_response(fault) if fault is not None else await handler(request)
        except web.HTTPException:
            raise
        except Exception:
            # A 400 fails the bot's call at once; a 500 would make discord.py retry for ~25 s.
            self.server_errors.append(traceback.format_exc())
            response = _error(400, 0, "discord double: internal error (see double.server_errors)")
        record.status = response.status
        self._notify()
        return response

    def _take_fault(self, record: RecordedRequest, kind: Callable[[_Fault], bool]) -> _Fault | None:
        for fault in self._faults:
            if kind(fault) and _matches(fault.method, fault.pattern, record.method, record.path):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    async def _unknown(self, request: web.Request) -> web.Response:
        self.unknown_requests.append(request[_RECORD])
        return _error(
            404, 0, f"404: Not Found (discord double has no route {request.method} {request.path})"
        )

    async def _get_me(self, request: web.Request) -> web.Response:
        return _json(
            {**self.users[self.bot_user_id], "verified": True, "mfa_enabled": False, "flags": 0}
        )

    async def _get_application(self, request: web.Request) -> web.Response:
        owner = {
            "id": "1",
            "username": "owner",
            "discriminator": "0",
            "avatar": None,
            "global_name": "Owner",
        }
        return _json(
            {
                "id": str(self.application_id),
                "name": self.bot_name,
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": owner,
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "bot": self.users[self.bot_user_id],
            }
        )

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}
        return _json(
            {"url": self.gateway_url, "shards": self.shard_count, "session_start_limit": limit}
        )

    async def _commands(self, request: web.Request) -> web.Response:
        if int(request.match_info["app_id"]) != self.application_id:
            return _error(403, 50001, "Missing Access")
        scope = int(request.match_info["guild_id"]) if "guild_id" in request.match_info else None
        if scope is not None and all(g.id != scope for g in self.guilds):
            return _error(403, 50001, "Missing Access")
        body = request[_RECORD].json
        if request.method == "GET":
            return _json(self.commands.get(scope, []))
        if request.method == "POST":
            stored = self._store_command(scope, body)
            kept = [
                c
                for c in self.commands.get(scope, [])
                if (c["name"], c["type"]) != (stored["name"], stored["type"])
            ]
            self.commands[scope] = [*kept, stored]
            return _json(stored, 201)
        self.commands[scope] = [self._store_command(scope, cmd) for cmd in body]
        self.syncs.append((scope, body))
        return _json(self.commands[scope])

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

    async def _callback(self, request: web.Request) -> web.Response:
        record = self._by_id.get(int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["token"]:
            return _error(404, 10062, "Unknown interaction")
        arrived = request[_RECORD].at
        if record.callback is not None:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        if (
            self.interaction_deadline is not None
            and arrived - record.dispatched_at > self.interaction_deadline
        ):
            return _error(404, 10062, "Unknown interaction")
        body = request[_RECORD].json or {}
        ctype, data = body.get("type"), body.get("data") or {}
        problem = _callback_problem(ctype, data, request[_FILES], record)
        if problem is not None:
            return _error(400, *problem)
        channel_id = record.payload["channel_id"]
        message = None
        if ctype == 4:
            message = self._new_message(channel_id, data, request[_FILES], mtype=20, record=record)
            record.original_id = int(message["id"])
        elif ctype == 5:
            flags = {"flags": data.get("flags")}
            message = self._new_message(
                channel_id, flags, [], mtype=20, record=record, extra_flags=LOADING
            )
            record.original_id = int(message["id"])
        elif ctype in (6, 7):
            record.original_id = record.source_message_id
            if ctype == 7 and record.original_id is not None:
                self._apply_edit(record.original_id, data, request[_FILES])
                message = self._messages[record.original_id].payload
                message["edited_timestamp"] = _now_iso()
        record.callback, record.first_callback_at = body, arrived
        record.events.append(ReplyEvent("callback", body, arrived, record.original_id))
        self._notify()
        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return web.Response(status=204)
        interaction: dict[str, Any] = {"id": str(record.id), "type": record.type}
        resource: dict[str, Any] = {"type": ctype}
        if message is not None:
            interaction.update(
                response_message_id=message["id"],
                response_message_loading=bool(message["flags"] & LOADING),
                response_message_ephemeral=bool(message["flags"] & EPHEMERAL),
            )
            resource["message"] = message
        return _json({"interaction": interaction, "resource": resource})

    def _webhook_record(self, request: web.Request) -> InteractionRecord | None:
        record = self._by_token.get(request.match_info["token"])
        if (
            record is None
            or int(request.match_info["app_id"]) != self.application_id
            or record.callback is None
        ):
            return None
        return record

    async def _followup(self, request: web.Request) -> web.Response:
        hook = self._webhooks.get(int(request.match_info["app_id"]))
        if hook is not None:
            return await self._execute_webhook(request, hook)
        record = self._webhook_record(request)
        if record is None:
            return _error(404, 10015, "Unknown Webhook")
        data, files = request[_RECORD].json or {}, request[_FILES]
        problem = _message_problem(data, files)
        if problem is not None:
            return _error(400, *problem)
        original = self._messages.get(record.original_id or 0)
        if original is not None and original.payload["flags"] & LOADING:
            # The first follow-up after a defer fills the "thinking" message (flags set at defer).
            self._apply_edit(record.original_id or 0, data, files)
            original.payload["flags"] &= ~LOADING
            message = original.payload
        else:
            message = self._new_message(
                record.payload["channel_id"], data, files, mtype=20, record=record
            )
            record.followup_ids.append(int(message["id"]))
        record.events.append(ReplyEvent("followup", data, request[_RECORD].at, int(message["id"])))
        if request.query.get("wait", "").lower() in ("1", "true"):
            return _json(message)
        return web.Response(status=204)

    async def _webhook_message(self, request: web.Request) -> web.Response:
        record = self._webhook_record(request)
        if record is None:
            return _error(404, 10015, "Unknown Webhook")
        raw_id = request.match_info["message_id"]
        mid = record.original_id if raw_id == "@original" else int(raw_id)
        known = {record.original_id, *record.followup_ids}
        stored = self._messages.get(mid or 0)
        if stored is None or stored.deleted or mid not in known:
            return _error(404, 10008, "Unknown Message")
        if request.method == "GET":
            return _json(stored.payload)
        at = request[_RECORD].at
        if request.method == "DELETE":
            stored.deleted = True
            record.events.append(ReplyEvent("delete", None, at, mid))
            return web.Response(status=204)
        data = request[_RECORD].json or {}
        problem = _message_problem(data, request[_FILES], partial=True)
        if problem is not None:
            return _error(400, *problem)
        self._apply_edit(mid or 0, data, request[_FILES])
        if stored.payload["flags"] & LOADING:
            stored.payload["flags"] &= ~LOADING
        else:
            stored.payload["edited_timestamp"] = _now_iso()
        record.events.append(ReplyEvent("edit", data, at, mid))
        return _json(stored.payload)

    def _bot_can(self, channel_id: int, permission: int) -> bool:
        guild = next((g for g in self.guilds if channel_id in g.channels), None)
        if guild is None:
            return False
        perms = self._permissions(guild, self.bot_user_id)
        return perms & permission == permission

    async def _channel_webhooks(self, request: web.Request) -> web.Response:
        channel = self._channel(int(request.match_info["channel_id"]))
        if channel is None or "guild_id" not in channel:
            return _error(404, 10003, "Unknown Channel")
        if not self._bot_can(int(channel["id"]), MANAGE_WEBHOOKS):
            return _error(403, 50013, "Missing Permissions")
        if request.method == "GET":
            return _json(self.webhooks(int(channel["id"])))
        body = request[_RECORD].json or {}
        name = str(body.get("name") or "")
        if not 1 <= len(name) <= 80 or "clyde" in name.lower() or "discord" in name.lower():
            return _error(400, 50035, "Invalid Form Body: name: invalid webhook name")
        hook_id = snowflake()
        hook = {
            "id": str(hook_id),
            "type": 1,
            "guild_id": channel["guild_id"],
            "channel_id": channel["id"],
            "user": self.users[self.bot_user_id],
            "name": name,
            "avatar": None,
            "token": secrets.token_urlsafe(48),
            "application_id": str(self.application_id),
        }
        self._webhooks[hook_id] = hook
        return _json(hook)

    async def _execute_webhook(self, request: web.Request, hook: dict[str, Any]) -> web.Response:
        if request.match_info["token"] != hook["token"]:
            return _error(401, 50027, "Invalid Webhook Token")
        data, files = request[_RECORD].json or {}, request[_FILES]
        problem = _message_problem(data, files)
        if problem is not None:
            return _error(400, *problem)
        username = data.get("username") or hook["name"]
        if not 1 <= len(username) <= 80:
            return _error(400, 50035, "Invalid Form Body: username: Must be 1-80 in length.")
        data = {**data, "flags": int(data.get("flags") or 0) & ~EPHEMERAL}
        message = self._new_message(hook["channel_id"], data, files, mtype=0)
        message.update(
            author={
                "id": hook["id"],
                "username": username,
                "avatar": None,
                "discriminator": "0000",
                "public_flags": 0,
                "bot": True,
            },
            webhook_id=hook["id"],
            guild_id=hook["guild_id"],
        )
        # Discord turns avatar_url into a cached avatar hash; the double keeps the URL asked for.
        self._webhook_avatars[int(message["id"])] = data.get("avatar_url")
        self._notify()
        if request.query.get("wait", "").lower() in ("1", "true"):
            return _json(message)
        return web.Response(status=204)

    async def _attachment_file(self, request: web.Request) -> web.Response:
        data = self._files.get(request.match_info["att_id"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _create_dm(self, request: web.Request) -> web.Response:
        user_id = int((request[_RECORD].json or {})["recipient_id"])
        self._ensure_user(user_id)
        return _json(self._dm_channel(user_id))

    async def _get_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(int(request.match_info["channel_id"]))
        return _json(channel) if channel is not None else _error(404, 10003, "Unknown Channel")

    async def _typing(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _post_channel_message(self, request: web.Request) -> web.Response:
        channel = self._channel(int(request.match_info["channel_id"]))
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        data, files = request[_RECORD].json or {}, request[_FILES]
        problem = _message_problem(data, files)
        if problem is not None:
            return _error(400, *problem)
        data = {**data, "flags": int(data.get("flags") or 0) & ~EPHEMERAL}
        return _json(self._new_message(channel["id"], data, files, mtype=0))

    async def _channel_message(self, request: web.Request) -> web.Response:
        stored = self._messages.get(int(request.match_info["message_id"]))
        if (
            stored is None
            or stored.deleted
            or stored.payload["channel_id"] != request.match_info["channel_id"]
        ):
            return _error(404, 10008, "Unknown Message")
        if request.method == "GET":
            return _json(stored.payload)
        if request.method == "DELETE":
            own = stored.payload["author"]["id"] == str(self.bot_user_id)
            if not own and not self._bot_can(int(stored.payload["channel_id"]), MANAGE_MESSAGES):
                return _error(403, 50013, "Missing Permissions")
            stored.deleted = True
            self._notify()
            return web.Response(status=204)
        data = request[_RECORD].json or {}
        problem = _message_problem(data, request[_FILES], partial=True)
        if problem is not None:
            return _error(400, *problem)
        self._apply_edit(int(stored.payload["id"]), data, request[_FILES])
        stored.payload["edited_timestamp"] = _now_iso()
        return _json(stored.payload)

    # -- internals: gateway ----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        self.gateway_connections.append(request.path)
        session: _Session | None = None
        try:
            await _send(
                ws,
                {
                    "op": 10,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                    "s": None,
                    "t": None,
                },
            )
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op, data = frame.get("op"), frame.get("d")
                self._notify()
                if op == 1:
                    self.heartbeat_count += 1
                    await _send(ws, {"op": 11, "d": None, "s": None, "t": None})
                elif op in (2, 6) and self._fatal_close is not None:
                    # The client may see the first close as 1006 and try again; it gets the
                    # same answer until it stops.
                    await ws.close(code=self._fatal_close)
                    break
                elif op == 2:
                    session = await self._identify(ws, request, data)
                elif op == 6:
                    session = await self._resume(ws, request, data) or session
                elif op == 8 and session is not None:
                    await self._member_chunks(session, data)
        except (ConnectionError, RuntimeError):
            pass
        except Exception:
            self.server_errors.append(traceback.format_exc())
        finally:
            self._sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = session.request = None
        return ws

    async def _identify(
        self, ws: web.WebSocketResponse, request: web.Request, data: dict[str, Any]
    ) -> _Session:
        shard_id, shard_count = data.get("shard") or (0, 1)
        session = _Session(shard_id, shard_count, int(data.get("intents") or 0))
        self._sessions[shard_id] = self._sessions_by_id[session.id] = session
        self.identify_payloads.append({k: v for k, v in data.items() if k != "token"})
        guilds = [g for g in self.guilds if (g.id >> 22) % shard_count == shard_id]
        ready: dict[str, Any] = {
            "v": 10,
            "user": {
                **self.users[self.bot_user_id],
                "verified": True,
                "mfa_enabled": False,
                "flags": 0,
            },
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": f"ws://127.0.0.1:{self._port}/resume-gateway",
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ["discord-double"],
        }
        if "shard" in data:
            ready["shard"] = [shard_id, shard_count]
        async with session.lock:
            session.ws, session.request = ws, request
            await self._dispatch_locked(session, "READY", ready)
            for guild in guilds:
                await self._dispatch_locked(
                    session, "GUILD_CREATE", self._guild_create(guild, session.intents)
                )
        self.identify_count += 1
        self._notify()
        return session

    async def _resume(
        self, ws: web.WebSocketResponse, request: web.Request, data: dict[str, Any]
    ) -> _Session | None:
        session = self._sessions_by_id.get(data.get("session_id") or "")
        if session is None or self._sessions.get(session.shard_id) is not session:
            await _send(ws, {"op": 9, "d": False, "s": None, "t": None})
            return None
        async with session.lock:
            session.ws, session.request = ws, request
            seq = data.get("seq") or 0
            for frame in session.log:
                if frame["s"] > seq:
                    await _send(ws, frame)
            await self._dispatch_locked(session, "RESUMED", {"_trace": ["discord-double"]})
        self.resume_count += 1
        self._notify()
        return session

    async def _member_chunks(self, session: _Session, data: dict[str, Any]) -> None:
        guild_ids = data.get("guild_id")
        for raw_id in guild_ids if isinstance(guild_ids, list) else [guild_ids]:
            guild = self.guild(int(raw_id))
            wanted = {int(u) for u in data.get("user_ids") or []}
            query = (data.get("query") or "").lower()
            ids = [
                uid
                for uid in guild.members
                if (
                    uid in wanted
                    if wanted
                    else self.users[uid]["username"].lower().startswith(query)
                )
            ]
            if data.get("limit"):
                ids = ids[: data["limit"]]
            chunk = {
                "guild_id": str(guild.id),
                "members": [self._member_payload(guild, uid) for uid in ids],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [str(u) for u in wanted - set(guild.members)],
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            await self.dispatch("GUILD_MEMBERS_CHUNK", chunk, shard_id=session.shard_id)

    async def _dispatch_locked(self, session: _Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.log.append(frame)
        self._notify()
        if session.ws is not None:
            try:
                await _send(session.ws, frame)
            except (ConnectionError, RuntimeError):
                session.ws = session.request = None  # kept in the log: replayed on RESUME

    def _shard_count(self) -> int:
        return (
            next(iter(self._sessions.values())).shard_count if self._sessions else self.shard_count
        )

    # -- internals: waiting ----------------------------------------------------------------------

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


def _matches(method: str, pattern: str, actual_method: str, path: str) -> bool:
    return method in ("*", actual_method) and fnmatch.fnmatchcase(path, pattern)


def _role_named(guild: GuildState, name: str) -> int:
    try:
        return next(rid for rid, role in guild.roles.items() if role["name"] == name)
    except StopIteration:
        raise KeyError(f"no role {name!r} in guild {guild.id}") from None


def _add_member(
    guild: GuildState, user_id: int, roles: Iterable[str | int], nick: str | None
) -> None:
    role_ids = [r if isinstance(r, int) else _role_named(guild, r) for r in roles]
    guild.members[user_id] = {"roles": role_ids, "nick": nick, "joined_at": _now_iso()}


def _infer_option_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    return 3


def _role(
    rid: int, name: str, permissions: int, position: int, *, bot_id: int | None = None
) -> dict[str, Any]:
    role: dict[str, Any] = {
        "id": str(rid),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": bot_id is not None,
        "mentionable": False,
        "flags": 0,
    }
    if bot_id is not None:
        role["tags"] = {"bot_id": str(bot_id)}
    return role


def _text_channel(cid: int, name: str, position: int) -> dict[str, Any]:
    return {
        "id": str(cid),
        "type": 0,
        "name": name,
        "position": position,
        "parent_id": None,
        "topic": None,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "permission_overwrites": [],
        "last_message_id": None,
        "flags": 0,
    }


def _attachment(att_id: str, filename: str, info: dict[str, Any]) -> dict[str, Any]:
    url = f"https://cdn.discord-double.invalid/attachments/{att_id}/{filename}"
    return {
        "id": att_id,
        "filename": filename,
        "size": int(info.get("size", 0)),
        "url": url,
        "proxy_url": url,
        "content_type": info.get("content_type", "application/octet-stream"),
    }


async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
    if request.content_type == "multipart/form-data":
        form = await request.post()
        body = json.loads(str(form["payload_json"])) if "payload_json" in form else None
        files = [
            {"filename": v.filename, "data": v.file.read(), "content_type": v.content_type}
            for v in form.values()
            if isinstance(v, web.FileField)
        ]
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return raw.decode(errors="replace"), []


async def _send(ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
    # Plain text frames: the client only zlib-decompresses binary ones.
    await ws.send_str(json.dumps(frame))


def _fault_response(fault: _Fault) -> web.Response:
    if fault.status == 429:
        headers = {
            "Retry-After": str(max(1, round(fault.retry_after))),
            "X-RateLimit-Scope": "global" if fault.is_global else "user",
            "Via": "1.1 google",  # discord.py treats a 429 without Via as a Cloudflare ban
        }
        if fault.is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": fault.is_global,
        }
        return _json({**body, "code": 0}, 429, headers)
    return _error(fault.status, 0, f"{fault.status}: injected by discord double")


def _message_problem(
    data: dict[str, Any], files: list[dict[str, Any]], *, partial: bool = False
) -> tuple[int, str] | None:
    """Discord's own limits: (code, message) for a message body it would reject, else None."""
    content = data.get("content") or ""
    if len(content) > 2000:
        return 50035, "Invalid Form Body: content: Must be 2000 or fewer in length."
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        return 50035, "Invalid Form Body: embeds: Must be 10 or fewer in length."
    total = 0
    for embed in embeds:
        texts = [
            ("title", embed.get("title"), 256),
            ("description", embed.get("description"), 4096),
            ("footer.text", (embed.get("footer") or {}).get("text"), 2048),
            ("author.name", (embed.get("author") or {}).get("name"), 256),
        ]
        fields = embed.get("fields") or []
        if len(fields) > 25:
            return 50035, "Invalid Form Body: embeds.fields: Must be 25 or fewer in length."
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
    if total > 6000:
        return 50035, "Invalid Form Body: embeds: Embed size exceeds maximum size of 6000"
    if not partial and not (
        content or embeds or files or data.get("components") or data.get("poll")
    ):
        return 50006, "Cannot send an empty message"
    return None


def _callback_problem(
    ctype: Any, data: dict[str, Any], files: list[dict[str, Any]], record: InteractionRecord
) -> tuple[int, str] | None:
    allowed = {2: (4, 5, 9), 3: (4, 5, 6, 7, 9), 4: (8,), 5: (4, 5, 6, 7)}.get(record.type, ())
    if ctype not in allowed:
        return (
            50035,
            f"Invalid Form Body: type {ctype} is not valid for interaction type {record.type}",
        )
    if ctype == 4:
        return _message_problem(data, files)
    if ctype == 7:
        return _message_problem(data, files, partial=True)
    if ctype == 8:
        choices = data.get("choices") or []
        if len(choices) > 25:
            return 50035, "Invalid Form Body: data.choices: Must be 25 or fewer in length."
        for choice in choices:
            if (
                not 1 <= len(choice.get("name", "")) <= 100
                or len(str(choice.get("value", ""))) > 100
            ):
                return (
                    50035,
                    "Invalid Form Body: data.choices: names need 1-100 characters, values <= 100.",
                )
    return None
