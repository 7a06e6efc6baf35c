"""Interactions the double sends: slash commands, autocomplete, components, message commands.

Only commands the bot synced can be sent, and their options are typed from the synced payload,
as Discord does: a test that passes an option the bot never declared fails here, not in the bot.
"""

# Every wait takes an explicit timeout so a test can never hang on a bot that stays silent.
# ruff: noqa: ASYNC109

from __future__ import annotations

import secrets
import time
from typing import Any

from discord_double.flags import ALL_PERMISSIONS, BOT_PERMISSIONS
from discord_double.gateway import Gateway
from discord_double.guilds import GuildState
from discord_double.limits import ATTACHMENT_SIZE_LIMIT, INTERACTION_DEADLINE
from discord_double.payloads import snowflake
from discord_double.records import InteractionRecord


class Interactions(Gateway):
    """Dispatching INTERACTION_CREATE, and the records the REST layer fills in."""

    def __init__(self, **store: Any) -> None:
        super().__init__(**store)
        # None: callbacks are accepted however late they come.
        self.interaction_deadline: float | None = INTERACTION_DEADLINE
        self._by_id: dict[int, InteractionRecord] = {}
        self._by_token: dict[str, InteractionRecord] = {}

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
        member_permissions: str | int | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Dispatch a component interaction (type 3): a click on the button `custom_id`."""
        message = self._messages[message_id].payload
        cid = int(message["channel_id"])
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
        return await self._send_interaction(
            3,
            data,
            user_id,
            self._guild_of_channel(cid),
            cid,
            member_permissions,
            locale,
            message=message,
            source_message_id=message_id,
        )

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
        guild = self._guild_of_channel(cid)
        cmd, scope = self._find_command(name, guild.id if guild else None, 3)
        if cmd is None:
            raise ValueError(f"{name!r} is not a synced message command")
        data: dict[str, Any] = {
            "id": cmd["id"],
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

    # -- internals -------------------------------------------------------------------------------

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
        if cmd is None:
            # Discord only ever sends commands the bot synced.
            raise ValueError(f"/{top} is not a synced command")
        if focused is not None and focused not in values:
            values = {**values, focused: ""}
        schema: list[dict[str, Any]] = cmd.get("options") or []
        chain: list[tuple[str, int]] = []
        for index, sub in enumerate(subs):
            found = next((o for o in schema if o["name"] == sub and o["type"] in (1, 2)), None)
            if found is None:
                raise ValueError(f"/{' '.join(path[: index + 1])} is not a synced subcommand")
            chain.append((sub, found["type"]))
            schema = found.get("options") or []
        resolved: dict[str, dict[str, Any]] = {}
        options = self._build_options(schema, values, guild, resolved, focused, " ".join(path))
        for sub, otype in reversed(chain):
            options = [{"type": otype, "name": sub, "options": options}]
        data: dict[str, Any] = {"id": cmd["id"], "name": top, "type": 1}
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

    def _build_options(
        self,
        schema: list[dict[str, Any]],
        values: dict[str, Any],
        guild: GuildState | None,
        resolved: dict[str, dict[str, Any]],
        focused: str | None,
        path: str,
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in schema}
        options = []
        for name, value in values.items():
            spec = by_name.get(name)
            if spec is None:
                raise ValueError(
                    f"/{path} has no option {name!r}; synced options: {sorted(by_name)}"
                )
            otype = spec["type"]
            option: dict[str, Any] = {"type": otype, "name": name}
            if name == focused:
                option["value"], option["focused"] = str(value), True
            else:
                option["value"] = self._option_value(otype, value, guild, resolved)
            options.append(option)
        if focused is None:
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
                member["permissions"] = str(guild.permissions(snowflake_id))
                resolved.setdefault("members", {})[str(snowflake_id)] = member
        elif otype == 7:
            channel = self._channel(snowflake_id)
            if channel is None:
                raise ValueError(f"unknown channel {snowflake_id}")
            entry = {
                k: channel[k] for k in ("id", "type", "name", "parent_id", "flags", "topic", "nsfw")
            }
            entry["permissions"] = str(ALL_PERMISSIONS)
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
            # Required: without it discord.py's parser raises and the whole client stops.
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None:
            if user_id not in guild.members:
                self.add_member(user_id, guild_id=guild.id)
            perms = (
                member_permissions if member_permissions is not None else guild.permissions(user_id)
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
                app_permissions=str(guild.permissions(self.bot_user_id)),
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
        session = self._session(guild.shard_id(self._shard_count()) if guild else 0)
        record = InteractionRecord(self, payload, source_message_id)
        self.interactions.append(record)
        self._by_id[record.id] = record
        self._by_token[record.token] = record
        async with session.lock:
            record.dispatched_at = time.monotonic()
            await self._dispatch_locked(session, "INTERACTION_CREATE", payload)
        return record
