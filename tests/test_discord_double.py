"""The Discord double against the real discord.py client: sync, replies, autocomplete, resume."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.discord_double import (
    BOT_PERMISSIONS,
    EPHEMERAL,
    MANAGE_MESSAGES,
    MANAGE_WEBHOOKS,
    DiscordDouble,
)

SHOWS = ["Kingdom", "Kingdom: Ashin of the North", "All of Us Are Dead", "Sweet Home"]


class Settings(app_commands.Group, name="settings", description="Your settings."):
    @app_commands.command(name="set", description="Set a value.")
    async def set_(
        self, interaction: discord.Interaction, key: str, value: int, public: bool = False
    ) -> None:
        await interaction.response.defer(ephemeral=not public, thinking=True)
        await interaction.followup.send(f"{key}={value}")


class RevealView(discord.ui.View):
    @discord.ui.button(label="Reveal", custom_id="reveal")
    async def reveal(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="revealed", view=None)


class DoubleTestBot(commands.AutoShardedBot):
    def __init__(self, dev_guild_id: int) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.1,
        )
        self.resumed = asyncio.Event()
        self.dev_guild = discord.Object(dev_guild_id)

    async def setup_hook(self) -> None:
        @app_commands.command(name="echo", description="Repeat text privately.")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )

        @app_commands.command(name="show", description="Pick a show.")
        async def show(interaction: discord.Interaction, title: str) -> None:
            await interaction.response.send_message(f"show: {title}", ephemeral=True)

        @show.autocomplete("title")
        async def title_choices(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            found = [s for s in SHOWS if current.lower() in s.lower()]
            return [app_commands.Choice(name=s, value=s) for s in found][:25]

        @app_commands.command(name="spoiler", description="A hidden answer.")
        async def spoiler(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("||hidden||", view=RevealView(timeout=None))

        @app_commands.command(name="announce", description="Post to the channel.")
        async def announce(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message("posted", ephemeral=True)
            assert interaction.channel is not None
            await interaction.channel.send(text)

        @app_commands.command(name="slow", description="Answers too late.")
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.3)
            await interaction.response.send_message("late")

        @app_commands.command(name="inspect", description="Describe a member, role and channel.")
        async def inspect(
            interaction: discord.Interaction,
            member: discord.Member,
            role: discord.Role,
            channel: discord.TextChannel,
        ) -> None:
            mod = interaction.permissions.manage_guild
            await interaction.response.send_message(
                f"{member.display_name}/{role.name}/{channel.name}/mod={mod}", ephemeral=True
            )

        for command in (echo, show, spoiler, announce, slow):
            self.tree.add_command(command)
        self.tree.add_command(Settings())
        self.tree.add_command(inspect, guild=self.dev_guild)
        await self.tree.sync()
        await self.tree.sync(guild=self.dev_guild)

    async def on_resumed(self) -> None:
        self.resumed.set()


@pytest.fixture
async def double() -> AsyncIterator[DiscordDouble]:
    async with DiscordDouble() as fake:
        yield fake
        assert not fake.server_errors, fake.server_errors


@pytest.fixture
async def bot(double: DiscordDouble) -> AsyncIterator[DoubleTestBot]:
    async with double.run_bot(DoubleTestBot(double.guild_id), timeout=5) as client:
        yield client


async def test_login_and_command_sync(double: DiscordDouble, bot: DoubleTestBot) -> None:
    paths = [(r.method, r.path) for r in double.requests]
    assert ("GET", "/users/@me") in paths
    assert ("GET", "/oauth2/applications/@me") in paths
    assert ("GET", "/gateway/bot") in paths
    assert [scope for scope, _ in double.syncs] == [None, double.guild_id]
    assert double.identify_count == 1
    assert double.identify_payloads[0]["shard"] == [0, 1]
    assert bot.get_guild(double.guild_id) is not None

    echo = double.synced_command("echo")
    assert echo is not None
    assert [(o["name"], o["type"], o.get("required")) for o in echo["options"]] == [
        ("text", 3, True)
    ]
    settings = double.synced_command("settings")
    assert settings is not None
    [set_] = settings["options"]
    assert (set_["name"], set_["type"]) == ("set", 1)
    assert [(o["name"], o["type"]) for o in set_["options"]] == [
        ("key", 3),
        ("value", 4),
        ("public", 5),
    ]
    show = double.synced_command("show")
    assert show is not None and show["options"][0]["autocomplete"] is True
    assert not double.unknown_requests


async def test_json_content_type_is_exact(double: DiscordDouble) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(double.api_base_url + "/users/@me") as response:
            assert response.headers["Content-Type"] == "application/json"
            assert (await response.json())["id"] == str(double.bot_user_id)
        async with session.get(double.api_base_url + "/nowhere") as response:
            assert response.status == 404
    assert [r.path for r in double.unknown_requests] == ["/nowhere"]


async def test_echo_replies_ephemerally_without_pings(
    double: DiscordDouble, bot: DoubleTestBot
) -> None:
    record = await double.send_command("echo", {"text": "hi @everyone <@1234>"})
    reply = await record.wait_reply(timeout=3)
    assert reply.content == "hi @everyone <@1234>"
    assert reply.ephemeral and reply.flags & EPHEMERAL
    assert reply.allowed_mentions is not None and reply.allowed_mentions["parse"] == []
    assert not reply.mention_everyone and reply.pinged_user_ids == []
    assert not reply.deferred
    assert [e.kind for e in reply.events] == ["callback"]
    assert record.latency is not None and 0 < record.latency < 3
    [option] = record.payload["data"]["options"]
    assert option == {"type": 3, "name": "text", "value": "hi @everyone <@1234>"}
    assert record.payload["data"]["id"] == double.synced_command("echo")["id"]


async def test_subcommand_defer_then_followup(double: DiscordDouble, bot: DoubleTestBot) -> None:
    record = await double.send_command("settings", {"key": "pace", "value": 3}, subcommand="set")
    reply = await record.wait_reply(timeout=3)
    assert reply.content == "pace=3"
    assert reply.deferred and reply.ephemeral
    assert [e.kind for e in record.events] == ["callback", "followup"]
    assert record.callback_type == 5
    [sub] = record.payload["data"]["options"]
    assert sub["type"] == 1 and sub["name"] == "set"
    assert {o["name"]: o["value"] for o in sub["options"]} == {"key": "pace", "value": 3}

    public = await double.send_command("settings set", {"key": "k", "value": 1, "public": True})
    assert not (await public.wait_reply(timeout=3)).ephemeral


async def test_autocomplete_returns_choices(double: DiscordDouble, bot: DoubleTestBot) -> None:
    choices = await double.send_autocomplete("show", {"title": "king"}, focused="title", timeout=3)
    assert [c["name"] for c in choices] == ["Kingdom", "Kingdom: Ashin of the North"]
    focused = double.interactions[-1].payload["data"]["options"][0]
    assert focused == {"type": 3, "name": "title", "value": "king", "focused": True}


async def test_resume_after_dropped_gateway(double: DiscordDouble, bot: DoubleTestBot) -> None:
    await double.drop_gateway()
    await double.wait_for_resume(timeout=5)
    await asyncio.wait_for(bot.resumed.wait(), 2)
    assert double.identify_count == 1 and double.resume_count == 1
    assert double.gateway_connections == ["/gateway", "/resume-gateway"]

    reply = await (await double.send_command("echo", {"text": "still here"})).wait_reply(timeout=3)
    assert reply.content == "still here"


async def test_events_sent_while_disconnected_are_replayed(
    double: DiscordDouble, bot: DoubleTestBot
) -> None:
    double.interaction_deadline = None
    await double.drop_gateway(code=4000)
    record = await double.send_command("echo", {"text": "queued"})
    await double.wait_for_resume(timeout=5)
    assert (await record.wait_reply(timeout=3)).content == "queued"


async def test_rate_limited_callback_is_retried(double: DiscordDouble, bot: DoubleTestBot) -> None:
    double.fail_next("POST", "/interactions/*/callback", status=429, retry_after=0.05)
    record = await double.send_command("echo", {"text": "again"})
    assert (await record.wait_reply(timeout=3)).content == "again"
    statuses = [r.status for r in double.requests_to("POST", "/interactions/*/callback")]
    assert statuses == [429, 200]


async def test_late_callback_is_rejected(double: DiscordDouble, bot: DoubleTestBot) -> None:
    double.interaction_deadline = 0.1
    record = await double.send_command("slow")
    await double.wait_until(lambda: double.requests_to("POST", f"/interactions/{record.id}/*"), 3)
    [request] = double.requests_to("POST", f"/interactions/{record.id}/*")
    assert request.status == 404 and record.callback is None
    assert (await (await double.send_command("echo", {"text": "ok"})).wait_reply(3)).content == "ok"


async def test_button_click_updates_the_message(double: DiscordDouble, bot: DoubleTestBot) -> None:
    reply = await (await double.send_command("spoiler")).wait_reply(timeout=3)
    assert reply.content == "||hidden||" and not reply.ephemeral
    assert reply.components[0]["components"][0]["custom_id"] == "reveal"

    click = await double.send_component(reply.message_id, "reveal")
    updated = await click.wait_reply(timeout=3)
    assert click.callback_type == 7
    assert updated.message_id == reply.message_id
    assert updated.content == "revealed" and updated.components == []


async def test_channel_message_is_recorded(double: DiscordDouble, bot: DoubleTestBot) -> None:
    record = await double.send_command("announce", {"text": "hello channel"})
    await record.wait_reply(timeout=3)
    await double.wait_until(lambda: bool(double.channel_messages()), 3)
    [message] = double.channel_messages()
    assert message["content"] == "hello channel" and message["type"] == 0


async def test_guild_command_resolves_member_role_and_channel(
    double: DiscordDouble, bot: DoubleTestBot
) -> None:
    bob = double.user_id_named("bob")
    options = {"member": bob, "role": double.role_id("Moderator"), "channel": double.channel_id}
    record = await double.send_command("inspect", options, user_id=bob)
    assert (await record.wait_reply(timeout=3)).content == "Bob/Moderator/general/mod=True"
    data = record.payload["data"]
    assert data["guild_id"] == str(double.guild_id)
    assert sorted(data["resolved"]) == ["channels", "members", "roles", "users"]
    assert double.synced_command("inspect") is None
    assert double.synced_command("inspect", double.guild_id) is not None

    alice = await double.send_command("inspect", options, user_id=double.user_id)
    assert (await alice.wait_reply(timeout=3)).content.endswith("mod=False")


async def test_command_in_a_dm(double: DiscordDouble, bot: DoubleTestBot) -> None:
    record = await double.send_command("echo", {"text": "psst"}, dm=True)
    assert (await record.wait_reply(timeout=3)).content == "psst"
    assert record.payload["context"] == 1 and "guild_id" not in record.payload
    assert record.payload["channel"]["type"] == 1


class Listener(commands.Bot):
    """A bot that keeps every message event it gets."""

    def __init__(self, intents: discord.Intents) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.1,
        )
        self.seen: list[discord.Message] = []
        self.arrived = asyncio.Event()

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(message)
        self.arrived.set()


@pytest.mark.parametrize(
    ("intents", "content"),
    [
        (discord.Intents(guilds=True, guild_messages=True, message_content=True), "hi ||there||"),
        (discord.Intents(guilds=True, guild_messages=True), ""),
    ],
    ids=["with-content", "without-content"],
)
async def test_members_messages_arrive_as_the_intents_allow(
    double: DiscordDouble, intents: discord.Intents, content: str
) -> None:
    async with double.run_bot(Listener(intents), timeout=5) as client:
        posted = await double.post_message("hi ||there||", attachments=[("a.txt", b"abc")])
        await asyncio.wait_for(client.arrived.wait(), 3)
        [message] = client.seen
        assert message.id == int(posted["id"]) and message.content == content
        assert len(message.attachments) == (1 if content else 0)
        if content:
            assert await message.attachments[0].read() == b"abc"
    async with double.run_bot(Listener(discord.Intents(guilds=True)), timeout=5) as client:
        await double.post_message("unseen")
        await asyncio.sleep(0.1)
        assert client.seen == []  # no GUILD_MESSAGES intent, no event


async def test_deleting_and_webhooks_need_the_bots_permissions(double: DiscordDouble) -> None:
    async with double.run_bot(Listener(discord.Intents(guilds=True)), timeout=5) as client:
        channel = client.get_channel(double.channel_id)
        assert isinstance(channel, discord.TextChannel)
        posted = await double.post_message("delete me")
        message = channel.get_partial_message(int(posted["id"]))
        with pytest.raises(discord.Forbidden):
            await message.delete()
        with pytest.raises(discord.Forbidden):
            await channel.create_webhook(name="hook")
        assert not double.is_deleted(int(posted["id"]))

        double.set_bot_permissions(BOT_PERMISSIONS | MANAGE_MESSAGES | MANAGE_WEBHOOKS)
        await message.delete()
        assert double.is_deleted(int(posted["id"]))
        hook = await channel.create_webhook(name="hook")
        assert [h.id for h in await channel.webhooks()] == [hook.id]
        sent = await hook.send(
            "as someone", username="Someone", avatar_url="https://example.invalid/a.png", wait=True
        )
        assert sent.author.name == "Someone" and sent.webhook_id == hook.id
        assert double.webhook_avatar_url(sent.id) == "https://example.invalid/a.png"
        assert [m["content"] for m in double.channel_messages()] == ["as someone"]


async def test_message_commands_carry_their_target(double: DiscordDouble) -> None:
    got: list[discord.Message] = []

    class MenuBot(Listener):
        async def setup_hook(self) -> None:
            @app_commands.context_menu(name="Look")
            async def look(interaction: discord.Interaction, message: discord.Message) -> None:
                got.append(message)
                await interaction.response.send_message("seen", ephemeral=True)

            self.tree.add_command(look)
            await self.tree.sync()

    async with double.run_bot(MenuBot(discord.Intents(guilds=True)), timeout=5):
        await double.wait_for_sync(1, timeout=5)
        assert double.synced_command("Look", ctype=3) is not None
        posted = await double.post_message("read ||me||")
        record = await double.send_message_command("Look", int(posted["id"]))
        assert (await record.wait_reply(timeout=3)).content == "seen"
        [message] = got
        assert message.content == "read ||me||"  # no intent needed for the target
        assert record.payload["data"]["target_id"] == posted["id"]
