"""The websocket gateway: HELLO, IDENTIFY/READY, RESUME with replay, dispatches, dropped links.

Members' messages go out here too, as MESSAGE_CREATE / MESSAGE_UPDATE when the bot's intents
allow them.
"""

# Every wait takes an explicit timeout so a test can never hang on a bot that stays silent.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
import secrets
import traceback
from typing import Any

from aiohttp import WSMsgType, web

from discord_double import payloads
from discord_double.flags import (
    GUILD_MEMBERS_INTENT,
    GUILD_MESSAGES_INTENT,
    MESSAGE_CONTENT_INTENT,
)
from discord_double.guilds import GuildState
from discord_double.payloads import now_iso
from discord_double.store import Store

GATEWAY_PATHS = ("/gateway", "/resume-gateway")
# Close codes after which Discord never lets the client come back.
FATAL_CLOSE_CODES = frozenset({4004, 4010, 4011, 4012, 4013, 4014})


class Session:
    """One shard's gateway session: its sequence and the log RESUME replays from."""

    def __init__(self, shard_id: int, shard_count: int, intents: int) -> None:
        self.id = secrets.token_hex(16)
        self.shard_id, self.shard_count, self.intents = shard_id, shard_count, intents
        self.seq = 0
        self.log: list[dict[str, Any]] = []
        self.ws: web.WebSocketResponse | None = None
        self.request: web.Request | None = None
        self.lock = asyncio.Lock()


async def send_frame(ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
    # Plain text frames: the client only zlib-decompresses binary ones.
    await ws.send_str(json.dumps(frame))


class Gateway(Store):
    """The gateway's sessions and what a test does to them."""

    def __init__(self, **store: Any) -> None:
        super().__init__(**store)
        self.shard_count = 1
        self.heartbeat_interval_ms = 41250
        self.identify_payloads: list[dict[str, Any]] = []
        self.gateway_connections: list[str] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0
        self._sessions: dict[int, Session] = {}
        self._sessions_by_id: dict[str, Session] = {}
        self._sockets: set[web.WebSocketResponse] = set()
        self._resumes_at_drop = 0
        self._fatal_close: int | None = None

    # -- what a test does ------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any], *, shard_id: int = 0) -> None:
        """Send a raw DISPATCH event (logged for replay if the shard is disconnected)."""
        session = self._session(shard_id)
        async with session.lock:
            await self._dispatch_locked(session, event, data)

    async def drop_gateway(self, *, code: int | None = None) -> None:
        """Cut all gateway connections: abort TCP (default) or close with `code`; clients RESUME.

        A code Discord never lets a client come back from (4004 authentication failed,
        4010-4014) also ends the sessions: a RESUME or IDENTIFY after it is closed with the
        same code, as Discord does with a revoked token.
        """
        self._resumes_at_drop = self.resume_count
        if code in FATAL_CLOSE_CODES:
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
        guild = self._guild_of_channel(cid)
        assert guild is not None, f"no guild has channel {cid}"
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
        stored.payload["edited_timestamp"] = now_iso()
        self._apply_mentions(stored)
        guild = self._guild_of_channel(int(stored.payload["channel_id"]))
        assert guild is not None, "members edit guild messages only"
        await self._message_event("MESSAGE_UPDATE", guild, stored.payload)
        return stored.payload

    # -- internals -------------------------------------------------------------------------------

    def _session(self, shard_id: int) -> Session:
        session = self._sessions.get(shard_id)
        if session is None:
            raise RuntimeError(f"no gateway session for shard {shard_id}: is the bot running?")
        return session

    def _shard_count(self) -> int:
        return (
            next(iter(self._sessions.values())).shard_count if self._sessions else self.shard_count
        )

    async def _message_event(self, event: str, guild: GuildState, payload: dict[str, Any]) -> None:
        shard_id = guild.shard_id(self._shard_count())
        session = self._sessions.get(shard_id)
        if session is not None and session.intents & GUILD_MESSAGES_INTENT:
            data = dict(payload)
            if not session.intents & MESSAGE_CONTENT_INTENT:
                data.update(content="", attachments=[], embeds=[], components=[])
            await self.dispatch(event, data, shard_id=shard_id)

    async def _close_sockets(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        self.gateway_connections.append(request.path)
        session: Session | None = None
        try:
            hello = {"heartbeat_interval": self.heartbeat_interval_ms}
            await send_frame(ws, {"op": 10, "d": hello, "s": None, "t": None})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op, data = frame.get("op"), frame.get("d")
                self._notify()
                if op == 1:
                    self.heartbeat_count += 1
                    await send_frame(ws, {"op": 11, "d": None, "s": None, "t": None})
                elif op in (2, 6) and self._fatal_close is not None:
                    # The client may see the first close as 1006 and try again; it gets the
                    # same answer until it stops.
                    await ws.close(code=self._fatal_close)
                    break
                elif op == 2:
                    session = await self._identify(ws, request, data)
                elif op == 6:
                    session = await self._resume(ws, request, data) or session
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
    ) -> Session:
        shard_id, shard_count = data.get("shard") or (0, 1)
        session = Session(shard_id, shard_count, int(data.get("intents") or 0))
        self._sessions[shard_id] = self._sessions_by_id[session.id] = session
        self.identify_payloads.append({k: v for k, v in data.items() if k != "token"})
        guilds = [g for g in self.guilds if g.shard_id(shard_count) == shard_id]
        resume_url = f"ws://127.0.0.1:{self._port}/resume-gateway"
        bot_user = self.users[self.bot_user_id]
        ready = payloads.ready(bot_user, guilds, session.id, resume_url, self.application_id)
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

    def _guild_create(self, guild: GuildState, intents: int) -> dict[str, Any]:
        # Without the GUILD_MEMBERS intent Discord only sends the bot's own member.
        member_ids = list(guild.members) if intents & GUILD_MEMBERS_INTENT else [self.bot_user_id]
        members = [self._member_payload(guild, uid) for uid in member_ids]
        return payloads.guild_create(guild, members, guild.members[self.bot_user_id]["joined_at"])

    async def _resume(
        self, ws: web.WebSocketResponse, request: web.Request, data: dict[str, Any]
    ) -> Session | None:
        session = self._sessions_by_id.get(data.get("session_id") or "")
        if session is None or self._sessions.get(session.shard_id) is not session:
            await send_frame(ws, {"op": 9, "d": False, "s": None, "t": None})
            return None
        async with session.lock:
            session.ws, session.request = ws, request
            seq = data.get("seq") or 0
            for frame in session.log:
                if frame["s"] > seq:
                    await send_frame(ws, frame)
            await self._dispatch_locked(session, "RESUMED", {"_trace": ["discord-double"]})
        self.resume_count += 1
        self._notify()
        return session

    async def _dispatch_locked(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.log.append(frame)
        self._notify()
        if session.ws is not None:
            try:
                await send_frame(session.ws, frame)
            except (ConnectionError, RuntimeError):
                session.ws = session.request = None  # kept in the log: replayed on RESUME
