"""pytest fixtures for the fake Odoo.

Enable them with ``pytest_plugins = ["fake_odoo.pytest_plugin"]`` in the root conftest.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import FakeOdoo, start_fake_odoo


@pytest.fixture
def fake_odoo() -> Iterator[FakeOdoo]:
    """A fresh fake Odoo 17 with the bundled recording, stopped after the test."""
    with start_fake_odoo() as server:
        yield server
