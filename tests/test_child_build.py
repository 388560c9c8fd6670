"""Values derived from the embedded store, built in a child process (store/child_build.py):
the same values as built in the web process, the builder's errors as it raised them, a child
that dies reported, and a cancelled build's child killed."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import os
import signal
import time
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from lexgraph.config import Settings
from lexgraph.entity import build_catalog
from lexgraph.errors import InvalidParameter, StoreUnavailable
from lexgraph.overview import overview
from lexgraph.search import build_index
from lexgraph.store.embedded import EmbeddedStore, build_store, source_files
from lexgraph.timeline import build_timeline_index
from lexgraph.traverse import build_view

BUILDERS = {"labels": build_index, "catalog": build_catalog, "timelines": build_timeline_index,
            "overview": overview, "view": build_view}
PID_FILE = "child-build.pid"
TIMINGS = {"build_seconds"}
"""Fields that say how long a build took: they differ between any two builds."""


@pytest.fixture(scope="module")
def store_dir(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("child-build") / "store"
    build_store(path, source_files([settings.ontology_dir, settings.data_dir], settings.root))
    return path


def state_of(value: Any) -> Any:
    """A value as plain data, compared field by field (most derived values define no ``==``)."""
    if isinstance(value, dict):
        return {state_of(k): state_of(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(state_of(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(state_of(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, {f.name: state_of(getattr(value, f.name)) for f in dataclasses.fields(value)
                                       if f.name not in TIMINGS})
    if isinstance(value, MappingProxyType):
        return ("mappingproxy", state_of(dict(value)))
    if hasattr(value, "__dict__") and not isinstance(value, type) and not callable(value):
        return (type(value).__name__, {k: state_of(v) for k, v in vars(value).items() if k not in TIMINGS})
    return value


def with_store(store_dir: Path, scenario):  # type: ignore[no-untyped-def]
    async def main():  # type: ignore[no-untyped-def]
        store = EmbeddedStore(store_dir, executors=1)
        await store.start()
        try:
            return await scenario(store)
        finally:
            await store.close()
    return asyncio.run(main())


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_value_built_in_a_child_is_the_value_built_here(store_dir: Path, name: str) -> None:
    builder = BUILDERS[name]

    async def both(store: EmbeddedStore) -> tuple[Any, Any]:
        return await builder(store), await store.derive(builder)

    here, there = with_store(store_dir, both)
    assert type(there) is type(here)
    assert state_of(there) == state_of(here)
    assert state_of(here) != state_of(None)  # something was built


# Builders for the failure cases: module-level, as the child gets them by name.

async def refusing_builder(_store: object) -> None:
    raise InvalidParameter("this builder refuses, with a lexgraph error")


async def crashing_builder(_store: object) -> None:
    raise ZeroDivisionError("a bug in a builder")


async def dying_builder(_store: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def endless_builder(_store: object) -> None:
    Path(PID_FILE).write_text(str(os.getpid()))
    while True:
        await asyncio.sleep(0.05)


def test_the_builders_own_error_is_raised_as_it_was(store_dir: Path) -> None:
    with pytest.raises(InvalidParameter, match="this builder refuses"):
        with_store(store_dir, lambda store: store.derive(refusing_builder))


def test_a_bug_in_a_builder_is_reported_with_its_traceback(store_dir: Path) -> None:
    with pytest.raises(StoreUnavailable, match=r"(?s)crashing_builder in a child process failed:.*ZeroDivisionError: a bug in a builder"):
        with_store(store_dir, lambda store: store.derive(crashing_builder))


def test_a_child_that_dies_is_reported(store_dir: Path) -> None:
    with pytest.raises(StoreUnavailable, match="dying_builder in a child process failed: it was ended by SIGKILL"):
        with_store(store_dir, lambda store: store.derive(dying_builder))


def test_a_cancelled_build_kills_its_child(store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the child writes its pid here (it shares the working directory)
    pid_file = tmp_path / PID_FILE

    unhandled: list[dict[str, Any]] = []

    async def scenario(store: EmbeddedStore) -> int:
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: unhandled.append(context))
        task = asyncio.create_task(store.derive(endless_builder))
        for _ in range(600):  # the child starts and imports lexgraph: at most a minute
            if pid_file.exists() and pid_file.read_text():
                break
            await asyncio.sleep(0.1)
        pid = int(pid_file.read_text())
        os.kill(pid, 0)  # alive while the build goes on
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        gc.collect()  # a future whose exception nobody read is reported when it is collected
        return pid

    pid = with_store(store_dir, scenario)
    assert unhandled == []  # no "Future exception was never retrieved" in the service's log on Ctrl+C
    for _ in range(100):  # the pool joins it; give the kernel a moment to reap it
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"the child {pid} of a cancelled build is still running")
