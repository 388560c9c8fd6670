"""The app factory: it only wires settings, store, routers, errors and static files."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from fastapi import FastAPI

from .. import __version__
from ..catalog import named_queries
from ..config import Settings, load_settings
from ..executor import ExecutorOptions
from ..exports import Exports
from ..store.base import GraphStore
from ..store.changes import watch
from ..cache import AnswerCache
from . import routes_data, routes_docs, routes_graph, routes_pages, routes_sparql, routes_timeline, static_delivery
from .compression import CompressHTML
from .envelope import Envelope
from .query_endpoint import LexgraphASGI, QueryEndpoint
from .errors import install_error_handlers
from .state import ServiceState

def create_app(settings: Settings, store: GraphStore, exports_dir: Path) -> Envelope:
    """The service over ``store``: the query hot path in front of a FastAPI app; the store is
    started and closed with the app (its lifespan)."""
    state = ServiceState(
        settings=settings, store=store, exports=Exports(store, exports_dir),  # type: ignore[arg-type]
        named_queries=named_queries(settings.queries_dir), cache=AnswerCache(settings.cache_bytes),
        derived=AnswerCache(settings.cache_bytes),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await store.start()  # type: ignore[attr-defined]
        await state.refresh_graphs()
        background = [asyncio.create_task(state.warm_up())]
        if store.kind == "remote" and settings.store_check_s > 0:  # the embedded store never changes
            watched = store.whole_server  # type: ignore[attr-defined]  # every graph, new ones included
            background.append(asyncio.create_task(watch(watched, settings.store_check_s, state.store_changed)))
        yield
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await store.close()

    app = FastAPI(
        title="lexgraph",
        version=__version__,
        description="A knowledge graph of treaties, laws and institutions: SPARQL 1.1 query endpoint, downloads.",
        lifespan=lifespan,
        docs_url=None,  # routes_docs serves it from our own copy of Swagger UI: no CDN at run time
        redoc_url=None,
    )

    app.state.lexgraph = state
    install_error_handlers(app)
    app.include_router(routes_sparql.router)
    app.include_router(routes_data.router)
    app.include_router(routes_timeline.router)
    app.include_router(routes_graph.router)
    app.include_router(routes_pages.router)
    app.include_router(routes_docs.router)
    app.include_router(static_delivery.router)
    return Envelope(LexgraphASGI(CompressHTML(app), QueryEndpoint(state)))


def store_from_settings(settings: Settings) -> tuple[GraphStore, Path]:
    """The store the settings ask for, and a folder for downloads."""
    if settings.store == "remote":
        from ..store.remote import remote_store

        return remote_store(settings), Path(tempfile.mkdtemp(prefix="lexgraph-exports-"))
    from ..store.embedded import EmbeddedStore, build_store, source_files

    store_dir = settings.store_dir
    if store_dir is None or not store_dir.exists():
        store_dir = store_dir or Path(tempfile.mkdtemp(prefix="lexgraph-store-")) / "store"
        build_store(store_dir, source_files([settings.ontology_dir, settings.data_dir], settings.root))
    options = ExecutorOptions(memory_bytes=settings.executor_memory_bytes, sandbox=settings.sandbox == "required",
                              memory_copy=settings.executor_store == "memory")
    return EmbeddedStore(store_dir, settings.executors, options), store_dir.parent / "exports"


def app_from_env() -> Envelope:
    """Entry point for uvicorn (``--factory``): settings from LEXGRAPH_* variables; an
    embedded store built by ``lexgraph serve`` is reused through LEXGRAPH_STORE_DIR."""
    settings = load_settings(os.environ)
    store, exports_dir = store_from_settings(settings)
    return create_app(settings, store, exports_dir)
