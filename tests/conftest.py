"""Hooks for the whole suite."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked `slow` (seconds of real time: processes started and killed,
    Telegram's real flood limits, retries after real seconds) go first: run in parallel
    (`-n`, with `--maxschedchunk=1` from pyproject.toml, each worker taking the next test
    as it frees), the workers then end together instead of one waiting for a slow test
    drawn last. The order is otherwise kept."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
