"""Real races for tests that claim "never": each action runs in its own thread with its own
database connection, all released at the same instant."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from core.errors import DomainError


def race(*actions: Callable[[], Any]) -> list[Any]:
    """Runs the actions at once; returns each one's result or the exception it raised."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = actions[index]()
        except Exception as exc:  # the outcome, result or refusal, is what the test checks
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def outcomes(results: list[Any], success: str = "ok") -> list[str]:
    """Sorted outcomes: `success`, a refusal's code, or "crash: ..." for anything unexpected."""

    def name(result: Any) -> str:
        if isinstance(result, DomainError):
            return result.code
        if isinstance(result, Exception):
            return f"crash: {result!r}"
        return success

    return sorted(name(r) for r in results)
