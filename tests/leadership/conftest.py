"""A fresh, empty PostgreSQL database for each test that asks for `postgres_url`.

The server is whatever TEST_POSTGRES_DSN points at (a URL whose user may create and drop
databases); without it the tests that need PostgreSQL are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    dsn = os.environ.get("TEST_POSTGRES_DSN")
    if not dsn:
        pytest.skip("TEST_POSTGRES_DSN is not set: no PostgreSQL server to test against")
    import asyncpg

    name = f"frontdesk_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    parts = urlsplit(dsn)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
