"""Shared fixtures: `app` runs the real StoryBot against the loopback Discord emulator.

A test fails at teardown if the bot made a request Discord would reject, unless the test
is marked `@pytest.mark.rejections_expected` or makes it inside
`with app.emu.expect_rejections(): ...`; and if the bot logged an error (an unexpected
failure), unless the test checked and cleared `app.emu.logged_errors`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator.harness import App, run_bot


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "rejections_expected: the bot may make requests the emulator rejects"
    )


@pytest.fixture
async def app(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[App]:
    async with run_bot(tmp_path) as running:
        yield running
        unexpected = running.emu.unexpected_rejections()
        errors = list(running.emu.logged_errors)
    if unexpected and request.node.get_closest_marker("rejections_expected") is None:
        lines = "\n".join(r.describe() for r in unexpected)
        pytest.fail(f"the bot made requests Discord would reject:\n{lines}", pytrace=False)
    if errors:
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in errors)
        pytest.fail(f"the bot logged unexpected errors:\n{lines}", pytrace=False)
