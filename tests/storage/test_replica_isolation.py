"""A person's updates take turns across replicas (storage/replica_isolation.py): while one
replica handles Анна's update, another replica given her next one waits for it to end,
however many transactions the first takes; Борис's update does not wait."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.fsm.storage.base import StorageKey

from storage.replica_isolation import ReplicaEventIsolation, lock_key

BOT = 42
ANNA = StorageKey(bot_id=BOT, chat_id=1001, user_id=1001)
BORIS = StorageKey(bot_id=BOT, chat_id=1002, user_id=1002)


@pytest.fixture
async def replicas(postgres_url: str):
    first = ReplicaEventIsolation(postgres_url, connections=4)
    second = ReplicaEventIsolation(postgres_url, connections=4)
    yield first, second
    await first.close()
    await second.close()


async def handled(isolation: ReplicaEventIsolation, key: StorageKey, order: list[str], name: str):
    async with isolation.lock(key):
        order.append(f"{name} begins")
        await asyncio.sleep(0.3)
        order.append(f"{name} ends")


@pytest.mark.parametrize(("other", "waits"), [(ANNA, True), (BORIS, False)])
async def test_the_other_replica_waits_for_the_same_persons_update_only(
    replicas: tuple[ReplicaEventIsolation, ReplicaEventIsolation], other: StorageKey, waits: bool
) -> None:
    first, second = replicas
    order: list[str] = []
    one = asyncio.create_task(handled(first, ANNA, order, "first"))
    await asyncio.sleep(0.1)  # the first replica holds Анна's turn
    await handled(second, other, order, "second")
    await one
    if waits:
        assert order == ["first begins", "first ends", "second begins", "second ends"]
    else:
        assert order == ["first begins", "second begins", "first ends", "second ends"]


async def test_a_replica_that_dies_mid_update_lets_the_turn_go(
    replicas: tuple[ReplicaEventIsolation, ReplicaEventIsolation],
) -> None:
    first, second = replicas
    held = asyncio.Event()

    async def hangs() -> None:
        async with first.lock(ANNA):
            held.set()
            await asyncio.Event().wait()

    hanging = asyncio.create_task(hangs())
    await held.wait()
    assert first._pool is not None
    first._pool.terminate()  # the process is gone: the server ends its sessions
    async with asyncio.timeout(5):
        async with second.lock(ANNA):
            pass
    hanging.cancel()
    with pytest.raises((asyncio.CancelledError, Exception)):
        await hanging


def test_lock_keys_tell_people_apart_and_fit_postgresqls_int4() -> None:
    assert lock_key(ANNA) != lock_key(BORIS)
    group = StorageKey(bot_id=BOT, chat_id=-1001234567890, user_id=77, thread_id=5)
    assert all(-(2**31) <= lock_key(k) < 2**31 for k in (ANNA, BORIS, group))
