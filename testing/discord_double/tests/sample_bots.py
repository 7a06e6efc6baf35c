"""Bots for testing the double alone: discord.py's own machinery, none of the project's code."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

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
    """Slash commands of every kind the double has to carry: options, subcommands, defer,
    autocomplete, components, guild scope, and bodies Discord refuses."""

    def __init__(self, dev_guild_id: int) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.1,
        )
        self.resumed = asyncio.Event()
        self.dev_guild = discord.Object(dev_guild_id)
        self.errors: list[discord.HTTPException] = []
        self.failed = asyncio.Event()

    async def setup_hook(self) -> None:
        @app_commands.command(name="echo", description="Repeat text privately.")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )

        @app_commands.command(name="shout", description="Repeat text publicly, pings allowed.")
        async def shout(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message(
                text, allowed_mentions=discord.AllowedMentions(everyone=True, users=True)
            )

        @app_commands.command(name="show", description="Pick a show.")
        async def show(interaction: discord.Interaction, title: str) -> None:
            await interaction.response.send_message(f"show: {title}", ephemeral=True)

        @show.autocomplete("title")
        async def title_choices(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            if current == "everything":  # more than Discord takes
                return [app_commands.Choice(name=f"s{i}", value=f"s{i}") for i in range(26)]
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

        @app_commands.command(name="long", description="Answers with more than Discord takes.")
        async def long(interaction: discord.Interaction, length: int) -> None:
            try:
                await interaction.response.send_message("x" * length, ephemeral=True)
            except discord.HTTPException as exc:
                self.errors.append(exc)
                self.failed.set()

        @app_commands.command(name="edit", description="Defer, edit twice, follow up.")
        async def edit(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True)
            await interaction.edit_original_response(content="first")
            await interaction.edit_original_response(content="second")
            await interaction.followup.send("extra", ephemeral=True)

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

        for command in (echo, shout, show, spoiler, announce, slow, long, edit):
            self.tree.add_command(command)
        self.tree.add_command(Settings())
        self.tree.add_command(inspect, guild=self.dev_guild)
        await self.tree.sync()
        await self.tree.sync(guild=self.dev_guild)

    async def on_resumed(self) -> None:
        self.resumed.set()


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
        self.edits: list[discord.Message] = []
        self.arrived = asyncio.Event()

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(message)
        self.arrived.set()

    async def on_message_edit(self, before: discord.Message, after: discord.Message) -> None:
        self.edits.append(after)
        self.arrived.set()
