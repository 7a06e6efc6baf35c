"""Injected failures: REST calls answered with an error status or a 429, or held back."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from discord_double.limits import rate_limited
from discord_double.payloads import error_response


def matches(method: str, pattern: str, actual_method: str, path: str) -> bool:
    """Whether a call matches a method ("*": any) and a path glob like "/interactions/*"."""
    return method in ("*", actual_method) and fnmatch.fnmatchcase(path, pattern)


@dataclass
class Fault:
    """What to do to the next `remaining` (None: every) matching REST call."""

    method: str
    pattern: str
    remaining: int | None
    status: int = 0
    retry_after: float = 0.0
    is_global: bool = False
    delay: float = 0.0

    def response(self) -> web.Response:
        if self.status == 429:
            return rate_limited(self.retry_after, is_global=self.is_global)
        return error_response(self.status, 0, f"{self.status}: injected by discord double")


class Faults:
    """The faults waiting for a REST call, in the order they were asked for."""

    def __init__(self) -> None:
        self._pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._pending.append(fault)

    def take_delay(self, method: str, path: str) -> float:
        """Seconds to hold this call before answering (0: none)."""
        fault = self._take(method, path, lambda f: f.delay > 0)
        return fault.delay if fault is not None else 0.0

    def take_failure(self, method: str, path: str) -> web.Response | None:
        """The error to answer this call with, if one is due."""
        fault = self._take(method, path, lambda f: f.status > 0)
        return fault.response() if fault is not None else None

    def _take(self, method: str, path: str, kind: Callable[[Fault], bool]) -> Fault | None:
        for fault in self._pending:
            if kind(fault) and matches(fault.method, fault.pattern, method, path):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._pending.remove(fault)
                return fault
        return None
