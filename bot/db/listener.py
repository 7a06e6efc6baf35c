"""Hear about progress changes made by other processes, through PostgreSQL LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

# The trigger of migration 7c3e51a0b9d2 notifies "viewer_progress:<schema of the table>".
PROGRESS_CHANNEL_PREFIX = "viewer_progress:"
LISTENER_APPLICATION_NAME = f"spoiler-bot progress listener {os.getpid()}"
_TABLE_SCHEMA = (
    "SELECT coalesce((SELECT n.nspname FROM pg_class c JOIN pg_namespace n"
    " ON n.oid = c.relnamespace WHERE c.oid = to_regclass('viewer_progress')), current_schema())"
)


class ProgressListener:
    """Keep one dedicated connection listening for progress changes, reconnecting when it drops.

    `on_change` gets each payload ("<user id> <show>", or "*" for everything).
    `on_connected` runs once LISTEN is in place, so changes from then on are heard;
    `on_lost` runs as soon as the connection is known to be gone, when changes may be missed.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        on_change: Callable[[str], None],
        on_connected: Callable[[], None],
        on_lost: Callable[[], None],
        ping_interval: float = 5.0,
        ping_timeout: float = 5.0,
        retry_delays: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0, 5.0),
    ) -> None:
        self._engine = engine
        self._on_change = on_change
        self._on_connected = on_connected
        self._on_lost = on_lost
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._retry_delays = retry_delays
        self._task: asyncio.Task[None] | None = None
        self._connection: Any = None  # the asyncpg connection while listening
        self._lost = asyncio.Event()
        self.backend_pid: int | None = None  # for pg_terminate_backend in tests and operations

    @property
    def connected(self) -> bool:
        return self._connection is not None

    async def start(self) -> None:
        """Connect now if the database lets us, then keep listening in the background."""
        try:
            await self._connect()
        except Exception as error:  # the background task keeps trying
            log.warning("Progress listener could not connect (%s); reading the database", error)
        self._task = asyncio.create_task(self._run(), name="progress-listener")

    async def close(self) -> None:
        """Stop listening and close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._disconnect()

    async def _connect(self) -> None:
        # A connection from the engine's own pool, with its settings (timeouts, search_path),
        # taken out of the pool for good so it never serves a query of the bot's.
        raw = await self._engine.raw_connection()
        connection = raw.driver_connection
        if connection is None:  # only a connection the pool has already invalidated
            raw.invalidate()
            raise ConnectionError("the pool gave a connection that is already closed")
        raw.detach()
        try:
            # Named, so operators (and tests) can find it in pg_stat_activity.
            await connection.execute(f"SET application_name = '{LISTENER_APPLICATION_NAME}'")
            schema = await connection.fetchval(_TABLE_SCHEMA)
            self._lost = lost = asyncio.Event()
            connection.add_termination_listener(lambda _connection: self._report_lost(lost))
            await connection.add_listener(PROGRESS_CHANNEL_PREFIX + schema, self._notified)
            self.backend_pid = connection.get_server_pid()
        except BaseException:
            connection.terminate()
            raise
        self._connection = connection
        self._on_connected()
        log.info("Progress listener connected (backend %s)", self.backend_pid)

    def _report_lost(self, lost: asyncio.Event) -> None:
        # Called by asyncpg the moment the socket closes: stop trusting the cache now, not
        # when the background task next runs.
        if not lost.is_set():
            lost.set()
            self._on_lost()

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            self._report_lost(self._lost)
            connection.terminate()  # no goodbye: the server may already be gone

    def _notified(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self._on_change(payload)

    async def _run(self) -> None:
        failures = 0
        while True:
            if self._connection is None:
                # Wait before every attempt, the first too: a server that keeps dropping us
                # must not get a reconnect loop (reads go to the database meanwhile).
                await asyncio.sleep(self._retry_delays[min(failures, len(self._retry_delays) - 1)])
                try:
                    await self._connect()
                    failures = 0
                except Exception as error:
                    failures += 1
                    log.warning("Progress listener failed to reconnect (%s), retrying", error)
                    continue
            if await self._healthy():
                continue
            log.warning("Progress listener lost its connection; reading the database until back")
            await self._disconnect()

    async def _healthy(self) -> bool:
        """Wait one ping interval; return False once the connection is gone or stops answering."""
        lost = self._lost
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(lost.wait(), self._ping_interval)
        if lost.is_set():
            return False
        # A silently dead network never closes the socket; a ping that goes unanswered does.
        try:
            await asyncio.wait_for(self._connection.fetchval("SELECT 1"), self._ping_timeout)
        except Exception:
            return False
        return not lost.is_set()
