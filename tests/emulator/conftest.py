from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.emulator.tinybot import Tiny, run_tiny


@pytest.fixture
async def tiny() -> AsyncIterator[Tiny]:
    async with run_tiny() as running:
        yield running
