"""Payload builders: Discord's JSON shapes for users, guilds, channels, messages, READY.

discord.py 2.x stops the whole client on a gateway payload it cannot parse, so these stay close
to what Discord really sends, extra fields included.
"""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from discord_double.guilds import GuildState

_DISCORD_EPOCH_MS = 1420070400000
_increment = itertools.count()


def snowflake() -> int:
    """A new, unique, time-ordered Discord snowflake."""
    return ((int(time.time() * 1000) - _DISCORD_EPOCH_MS) << 22) | (next(_increment) & 0x3FFFFF)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": discord.py treats "...; charset=utf-8" as plain text.
    body = json.dumps(data).encode()
    return web.Response(
        body=body, status=status, headers={**(headers or {}), "Content-Type": "application/json"}
    )


def error_response(status: int, code: int, message: str) -> web.Response:
    return json_response({"message": message, "code": code}, status)


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": None if bot else name.title(),
        "discriminator": "0" if not bot else "0001",
        "avatar": None,
        "public_flags": 0,
        "avatar_decoration_data": None,
        **({"bot": True} if bot else {}),
    }


def current_user(bot_user: dict[str, Any]) -> dict[str, Any]:
    """The bot's user as GET /users/@me and READY give it."""
    return {**bot_user, "verified": True, "mfa_enabled": False, "flags": 0}


def role(
    rid: int, name: str, permissions: int, position: int, *, bot_id: int | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
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
        payload["tags"] = {"bot_id": str(bot_id)}
    return payload


def text_channel(cid: int, name: str, position: int) -> dict[str, Any]:
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


def dm_channel(recipient: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(snowflake()),
        "type": 1,
        "last_message_id": None,
        "flags": 0,
        "recipients": [recipient],
    }


def attachment(att_id: str, filename: str, info: dict[str, Any]) -> dict[str, Any]:
    url = f"https://cdn.discord-double.invalid/attachments/{att_id}/{filename}"
    return {
        "id": att_id,
        "filename": filename,
        "size": int(info.get("size", 0)),
        "url": url,
        "proxy_url": url,
        "content_type": info.get("content_type", "application/octet-stream"),
    }


def member(
    guild: GuildState, user_id: int, users: dict[int, dict[str, Any]], *, with_user: bool = True
) -> dict[str, Any]:
    state = guild.members[user_id]
    payload: dict[str, Any] = {
        "roles": [str(r) for r in state["roles"]],
        "nick": state["nick"],
        "avatar": None,
        "banner": None,
        "joined_at": state["joined_at"],
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        payload["user"] = users[user_id]
    return payload


def message(
    mid: int, channel_id: str, author: dict[str, Any], *, mtype: int, tts: bool, flags: int
) -> dict[str, Any]:
    """An empty message; content, embeds and the rest are applied to it afterwards."""
    return {
        "id": str(mid),
        "type": mtype,
        "channel_id": channel_id,
        "author": author,
        "content": "",
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": tts,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "flags": flags,
    }


def application(application_id: int, name: str, bot_user: dict[str, Any]) -> dict[str, Any]:
    """GET /oauth2/applications/@me: discord.py's login needs every one of these."""
    owner = {
        "id": "1",
        "username": "owner",
        "discriminator": "0",
        "avatar": None,
        "global_name": "Owner",
    }
    return {
        "id": str(application_id),
        "name": name,
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": owner,
        "verify_key": "0" * 64,
        "flags": 0,
        "team": None,
        "bot": bot_user,
    }


def ready(
    bot_user: dict[str, Any],
    guilds: list[GuildState],
    session_id: str,
    resume_gateway_url: str,
    application_id: int,
) -> dict[str, Any]:
    return {
        "v": 10,
        "user": current_user(bot_user),
        "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_gateway_url,
        "application": {"id": str(application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
        "_trace": ["discord-double"],
    }


def guild_create(
    guild: GuildState, members: list[dict[str, Any]], joined_at: str
) -> dict[str, Any]:
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
        "members": members,
        "member_count": len(guild.members),
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "joined_at": joined_at,
        "large": False,
        "unavailable": False,
        "lazy": True,
        "nsfw": False,
        "incidents_data": None,
    }
