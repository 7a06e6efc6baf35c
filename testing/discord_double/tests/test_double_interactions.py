"""Interactions: options typed from the synced commands, replies, defers, components, menus."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands
from discord_double import EPHEMERAL, DiscordDouble
from sample_bots import DoubleTestBot, Listener


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
    assert double.message_allowed_mentions(reply.message_id) == reply.allowed_mentions


async def test_allowed_mentions_decide_who_is_pinged(
    double: DiscordDouble, bot: DoubleTestBot
) -> None:
    role = double.role_id("Moderator")
    text = f"@everyone <@1234> <@&{role}>"
    reply = await (await double.send_command("shout", {"text": text})).wait_reply(timeout=3)
    assert not reply.ephemeral
    assert reply.mention_everyone and reply.pinged_user_ids == [1234]
    assert reply.pinged_role_ids == []  # roles were not allowed


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


async def test_defer_edit_then_followup(double: DiscordDouble, bot: DoubleTestBot) -> None:
    record = await double.send_command("edit")
    await double.wait_until(lambda: len(record.followups) == 1, 3)
    assert [e.kind for e in record.events] == ["callback", "edit", "edit", "followup"]
    reply = record.reply()
    assert reply is not None and reply.content == "second" and reply.ephemeral
    assert reply.message["edited_timestamp"] is not None  # the first edit only filled the defer
    [extra] = record.followups
    assert extra.content == "extra" and extra.ephemeral and not extra.deferred


async def test_options_must_match_the_synced_command(
    double: DiscordDouble, bot: DoubleTestBot
) -> None:
    with pytest.raises(ValueError, match="no option 'txt'"):
        await double.send_command("echo", {"txt": "hi"})
    with pytest.raises(ValueError, match="missing required options"):
        await double.send_command("echo")
    with pytest.raises(ValueError, match="not a synced subcommand"):
        await double.send_command("settings get", {"key": "k"})
    with pytest.raises(ValueError, match="not a synced command"):
        await double.send_command("nothing")
    assert double.interactions == []


async def test_autocomplete_returns_choices(double: DiscordDouble, bot: DoubleTestBot) -> None:
    choices = await double.send_autocomplete("show", {"title": "king"}, focused="title", timeout=3)
    assert [c["name"] for c in choices] == ["Kingdom", "Kingdom: Ashin of the North"]
    focused = double.interactions[-1].payload["data"]["options"][0]
    assert focused == {"type": 3, "name": "title", "value": "king", "focused": True}


async def test_button_click_updates_the_message(double: DiscordDouble, bot: DoubleTestBot) -> None:
    reply = await (await double.send_command("spoiler")).wait_reply(timeout=3)
    assert reply.content == "||hidden||" and not reply.ephemeral
    assert reply.components[0]["components"][0]["custom_id"] == "reveal"

    click = await double.send_component(reply.message_id, "reveal")
    updated = await click.wait_reply(timeout=3)
    assert click.callback_type == 7
    assert updated.message_id == reply.message_id
    assert updated.content == "revealed" and updated.components == []


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
    newcomer = double.add_member(username="carol", roles=["Moderator"])
    carol = await double.send_command("inspect", {**options, "member": newcomer}, user_id=bob)
    assert (await carol.wait_reply(timeout=3)).content.startswith("Carol/")


async def test_command_in_a_dm(double: DiscordDouble, bot: DoubleTestBot) -> None:
    record = await double.send_command("echo", {"text": "psst"}, dm=True)
    assert (await record.wait_reply(timeout=3)).content == "psst"
    assert record.payload["context"] == 1 and "guild_id" not in record.payload
    assert record.payload["channel"]["type"] == 1


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
