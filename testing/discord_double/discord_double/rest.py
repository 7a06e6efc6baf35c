"""The REST API under /api/v10: login, command sync, interaction callbacks and webhooks,
channels, messages, DMs; every call recorded, and faults applied before it is answered.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import traceback
from collections.abc import Callable
from typing import Any

from aiohttp import web

from discord_double import payloads
from discord_double.faults import Fault, Faults
from discord_double.flags import EPHEMERAL, LOADING, MANAGE_MESSAGES, MANAGE_WEBHOOKS
from discord_double.gateway import GATEWAY_PATHS
from discord_double.interactions import Interactions
from discord_double.limits import (
    callback_problem,
    message_problem,
    rejected,
    webhook_name_problem,
    webhook_username_problem,
)
from discord_double.payloads import error_response, json_response, now_iso, snowflake
from discord_double.records import InteractionRecord, RecordedRequest, ReplyEvent
from discord_double.store import API_PREFIX

_RECORD = web.RequestKey("record", RecordedRequest)
_FILES = web.RequestKey("files", list)

Handler = Callable[[web.Request], Any]


class RestApi(Interactions):
    """The aiohttp app: REST routes, the gateway's websocket and the attachment CDN."""

    def __init__(self, **store: Any) -> None:
        super().__init__(**store)
        self._faults = Faults()

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
        self._faults.add(Fault(method, path_glob, times, status, retry_after, is_global))

    def delay_next(
        self, method: str, path_glob: str, seconds: float, *, times: int | None = 1
    ) -> None:
        """Hold the next `times` (None: all) matching REST calls for `seconds` before answering."""
        self._faults.add(Fault(method, path_glob, times, delay=seconds))

    # -- the app ---------------------------------------------------------------------------------

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        for path in GATEWAY_PATHS:
            app.router.add_get(path, self._gateway)
        app.router.add_get("/attachments/{att_id}/{filename}", self._attachment_file)
        for method, path, handler in self._routes():
            app.router.add_route(method, API_PREFIX + path, handler)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        return app

    def _routes(self) -> list[tuple[str, str, Handler]]:
        webhook_message = "/webhooks/{app_id}/{token}/messages/{message_id}"
        channel_message = "/channels/{channel_id}/messages/{message_id}"
        return [
            ("GET", "/users/@me", self._get_me),
            ("POST", "/users/@me/channels", self._create_dm),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/@me", self._get_application),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("PUT", "/applications/{app_id}/commands", self._sync_commands),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._sync_commands),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app_id}/{token}", self._followup),
            ("PATCH", webhook_message, self._edit_webhook_message),
            ("POST", "/channels/{channel_id}/messages", self._post_channel_message),
            ("GET", "/channels/{channel_id}/webhooks", self._channel_webhooks),
            ("POST", "/channels/{channel_id}/webhooks", self._channel_webhooks),
            ("DELETE", channel_message, self._delete_channel_message),
        ]

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in GATEWAY_PATHS or request.path.startswith("/attachments/"):
            response: web.StreamResponse = await handler(request)
            return response
        arrived = time.monotonic()
        body, uploads = await _read_body(request)
        files = [self._store_file(f["filename"], f["data"], f["content_type"]) for f in uploads]
        path = request.path.removeprefix(API_PREFIX) or "/"
        record = RecordedRequest(request.method, path, dict(request.query), body, arrived)
        self.requests.append(record)
        request[_RECORD], request[_FILES] = record, files
        delay = self._faults.take_delay(record.method, record.path)
        if delay:
            await asyncio.sleep(delay)
        failure = self._faults.take_failure(record.method, record.path)
        try:
            response = failure if failure is not None else await handler(request)
        except web.HTTPException:
            raise
        except Exception:
            # A 400 fails the bot's call at once; a 500 would make discord.py retry for ~25 s.
            self.server_errors.append(traceback.format_exc())
            response = error_response(
                400, 0, "discord double: internal error (see double.server_errors)"
            )
        record.status = response.status
        self._notify()
        return response

    async def _unknown(self, request: web.Request) -> web.Response:
        self.unknown_requests.append(request[_RECORD])
        return error_response(
            404, 0, f"404: Not Found (discord double has no route {request.method} {request.path})"
        )

    # -- login and the gateway's address ---------------------------------------------------------

    async def _get_me(self, request: web.Request) -> web.Response:
        return json_response(payloads.current_user(self.users[self.bot_user_id]))

    async def _get_application(self, request: web.Request) -> web.Response:
        bot_user = self.users[self.bot_user_id]
        return json_response(payloads.application(self.application_id, self.bot_name, bot_user))

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}
        return json_response(
            {"url": self.gateway_url, "shards": self.shard_count, "session_start_limit": limit}
        )

    # -- application commands --------------------------------------------------------------------

    async def _sync_commands(self, request: web.Request) -> web.Response:
        """A bulk overwrite (PUT): the commands of one scope become exactly those sent."""
        if int(request.match_info["app_id"]) != self.application_id:
            return error_response(403, 50001, "Missing Access")
        scope = int(request.match_info["guild_id"]) if "guild_id" in request.match_info else None
        if scope is not None and all(g.id != scope for g in self.guilds):
            return error_response(403, 50001, "Missing Access")
        body = request[_RECORD].json
        self.commands[scope] = [self._store_command(scope, cmd) for cmd in body]
        self.syncs.append((scope, body))
        return json_response(self.commands[scope])

    # -- interaction callbacks, follow-ups and the original response -----------------------------

    async def _callback(self, request: web.Request) -> web.Response:
        record = self._by_id.get(int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["token"]:
            return error_response(404, 10062, "Unknown interaction")
        arrived = request[_RECORD].at
        if record.callback is not None:
            return error_response(400, 40060, "Interaction has already been acknowledged.")
        if (
            self.interaction_deadline is not None
            and arrived - record.dispatched_at > self.interaction_deadline
        ):
            return error_response(404, 10062, "Unknown interaction")
        body = request[_RECORD].json or {}
        ctype, data = body.get("type"), body.get("data") or {}
        problem = callback_problem(ctype, data, request[_FILES], record.type)
        if problem is not None:
            return rejected(problem)
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
                message["edited_timestamp"] = now_iso()
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
        return json_response({"interaction": interaction, "resource": resource})

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
            return error_response(404, 10015, "Unknown Webhook")
        data, files = request[_RECORD].json or {}, request[_FILES]
        problem = message_problem(data, files)
        if problem is not None:
            return rejected(problem)
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
            return json_response(message)
        return web.Response(status=204)

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        """PATCH the original response (@original) or a follow-up; the first fills a defer."""
        record = self._webhook_record(request)
        if record is None:
            return error_response(404, 10015, "Unknown Webhook")
        raw_id = request.match_info["message_id"]
        mid = record.original_id if raw_id == "@original" else int(raw_id)
        known = {record.original_id, *record.followup_ids}
        stored = self._messages.get(mid or 0)
        if stored is None or stored.deleted or mid not in known:
            return error_response(404, 10008, "Unknown Message")
        at = request[_RECORD].at
        data = request[_RECORD].json or {}
        problem = message_problem(data, request[_FILES], partial=True)
        if problem is not None:
            return rejected(problem)
        self._apply_edit(mid or 0, data, request[_FILES])
        if stored.payload["flags"] & LOADING:
            stored.payload["flags"] &= ~LOADING
        else:
            stored.payload["edited_timestamp"] = now_iso()
        record.events.append(ReplyEvent("edit", data, at, mid))
        return json_response(stored.payload)

    # -- channel webhooks ------------------------------------------------------------------------

    async def _channel_webhooks(self, request: web.Request) -> web.Response:
        channel = self._channel(int(request.match_info["channel_id"]))
        if channel is None or "guild_id" not in channel:
            return error_response(404, 10003, "Unknown Channel")
        if not self._bot_can(int(channel["id"]), MANAGE_WEBHOOKS):
            return error_response(403, 50013, "Missing Permissions")
        if request.method == "GET":
            return json_response(self.webhooks(int(channel["id"])))
        body = request[_RECORD].json or {}
        name = str(body.get("name") or "")
        problem = webhook_name_problem(name)
        if problem is not None:
            return rejected(problem)
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
        return json_response(hook)

    async def _execute_webhook(self, request: web.Request, hook: dict[str, Any]) -> web.Response:
        if request.match_info["token"] != hook["token"]:
            return error_response(401, 50027, "Invalid Webhook Token")
        data, files = request[_RECORD].json or {}, request[_FILES]
        problem = message_problem(data, files)
        if problem is not None:
            return rejected(problem)
        username = data.get("username") or hook["name"]
        problem = webhook_username_problem(username)
        if problem is not None:
            return rejected(problem)
        # A webhook's messages are never ephemeral.
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
            return json_response(message)
        return web.Response(status=204)

    # -- channels, messages, DMs, attachments ----------------------------------------------------

    async def _attachment_file(self, request: web.Request) -> web.Response:
        data = self._files.get(request.match_info["att_id"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _create_dm(self, request: web.Request) -> web.Response:
        user_id = int((request[_RECORD].json or {})["recipient_id"])
        self._ensure_user(user_id)
        return json_response(self._dm_channel(user_id))

    async def _post_channel_message(self, request: web.Request) -> web.Response:
        channel = self._channel(int(request.match_info["channel_id"]))
        if channel is None:
            return error_response(404, 10003, "Unknown Channel")
        data, files = request[_RECORD].json or {}, request[_FILES]
        problem = message_problem(data, files)
        if problem is not None:
            return rejected(problem)
        # Only interaction responses can be ephemeral.
        data = {**data, "flags": int(data.get("flags") or 0) & ~EPHEMERAL}
        return json_response(self._new_message(channel["id"], data, files, mtype=0))

    async def _delete_channel_message(self, request: web.Request) -> web.Response:
        """Its own messages the bot may delete; others' need Manage Messages."""
        stored = self._messages.get(int(request.match_info["message_id"]))
        if (
            stored is None
            or stored.deleted
            or stored.payload["channel_id"] != request.match_info["channel_id"]
        ):
            return error_response(404, 10008, "Unknown Message")
        own = stored.payload["author"]["id"] == str(self.bot_user_id)
        if not own and not self._bot_can(int(stored.payload["channel_id"]), MANAGE_MESSAGES):
            return error_response(403, 50013, "Missing Permissions")
        stored.deleted = True
        self._notify()
        return web.Response(status=204)


async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
    """The JSON body, or a multipart upload's payload_json and its files."""
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
    return (json.loads(raw) if raw else None), []
