"""Copy an on-disk store into memory, for executors that answer from RAM (LEXGRAPH_EXECUTOR_STORE=memory).

pyoxigraph's in-memory store evaluates the same queries several times faster than its
RocksDB store (measured at a million triples, pyoxigraph 0.5.13: a country's timeline 1.8 ms
against 5.4 ms, a full scan of the labels 15 ms against 40 ms), for about 380 bytes of memory
per quad in every executor that holds a copy. The copy is pyoxigraph's own: the disk store
writes N-Quads into a pipe in one thread while the memory store bulk-loads them in another,
both in Rust without the GIL, so the dump is never held whole in memory.

N-Quads keep every quad but not the labels of blank nodes: the copy names them afresh. Blank
node labels in SPARQL answers are scoped to one answer, so no query can tell.
"""

from __future__ import annotations

import os
import threading

import pyoxigraph as ox

from ..errors import ConfigError, StoreUnavailable

BYTES_PER_QUAD = 400
"""Memory one quad takes in a copy, rounded up from 690 MiB for 1.89M quads (the bench's 1M
store with its entailed graph) measured after the load."""


def check_fits(quads: int, memory_bytes: int | None) -> None:
    """Refuse a copy that would take more than half the executor's address space (the other
    half is for the queries): the copy would fail part-way, or leave queries no room."""
    need = quads * BYTES_PER_QUAD
    if memory_bytes is not None and need > memory_bytes // 2:
        raise ConfigError(
            f"LEXGRAPH_EXECUTOR_STORE=memory: a copy of the store's {quads:,} quads needs about "
            f"{need // 2**20:,} MiB, more than half of the executor's {memory_bytes // 2**20:,} MiB "
            "(LEXGRAPH_EXECUTOR_MEMORY_BYTES); raise it, run fewer executors, or use 'disk'")


def copy_to_memory(disk: ox.Store, memory_bytes: int | None = None) -> ox.Store:
    """A new in-memory store holding every quad of ``disk``, checked complete (same count)."""
    quads = len(disk)
    check_fits(quads, memory_bytes)
    failures: list[BaseException] = []

    def dump(write_end: int) -> None:
        try:
            with open(write_end, "wb") as sink:
                disk.dump(sink, format=ox.RdfFormat.N_QUADS)
        except BaseException as exc:  # reported below; a broken pipe means the load gave up first
            failures.append(exc)

    memory = ox.Store()
    read_end, write_end = os.pipe()
    writer = threading.Thread(target=dump, args=(write_end,), name="lexgraph-store-dump", daemon=True)
    writer.start()
    try:
        with open(read_end, "rb") as source:
            memory.bulk_load(source, format=ox.RdfFormat.N_QUADS, lenient=True)
    finally:
        writer.join()
    if failures:
        raise StoreUnavailable(f"the store could not be copied into memory: {failures[0]}") from failures[0]
    if len(memory) != quads:
        raise StoreUnavailable(f"the store's copy in memory holds {len(memory):,} quads, not {quads:,}")
    return memory
