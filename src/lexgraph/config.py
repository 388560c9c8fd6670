"""All of lexgraph's settings, read once from ``LEXGRAPH_*`` environment variables.

Each setting has a documented default; :func:`load_settings` checks them all and raises
:class:`~lexgraph.errors.ConfigError` naming the variable, so a bad value stops the program
at startup rather than at first use.

==========================  =====================================================
variable                    default
==========================  =====================================================
LEXGRAPH_ROOT               the checkout that holds this package, else the cwd
LEXGRAPH_ONTOLOGY_DIR       $LEXGRAPH_ROOT/ontology
LEXGRAPH_DATA_DIR           $LEXGRAPH_ROOT/data
LEXGRAPH_SHAPES_DIR         $LEXGRAPH_ROOT/shapes
LEXGRAPH_QUALITY_DIR        $LEXGRAPH_SHAPES_DIR/quality
LEXGRAPH_QUERIES_DIR        $LEXGRAPH_ROOT/queries
LEXGRAPH_SEEDS_DIR          $LEXGRAPH_ROOT/../shared/seeds
LEXGRAPH_HOST               127.0.0.1 (the service's address)
LEXGRAPH_PORT               8000
LEXGRAPH_WORKERS            1 (uvicorn worker processes)
LEXGRAPH_EXECUTORS          2 (query executor processes per worker)
LEXGRAPH_QUERY_TIMEOUT_S    10 (default time limit of a query)
LEXGRAPH_QUERY_TIMEOUT_MAX_S  60 (no request may raise its limit above this)
LEXGRAPH_MAX_RESULTS        10000 (rows or triples in one answer; more is capped)
LEXGRAPH_MAX_BODY_BYTES     1048576 (larger request bodies get 413)
LEXGRAPH_MAX_QUERY_DEPTH    64 (deeper nesting of { ( [ gets 400)
LEXGRAPH_CACHE_BYTES       67108864 (SPARQL answers cached per worker, and as much again
                            for timelines; 0 turns the caches off)
LEXGRAPH_STORE              embedded (or remote)
LEXGRAPH_STORE_DIR          a new temporary folder (embedded store location)
LEXGRAPH_REMOTE_QUERY_URL   (remote mode) the SPARQL 1.1 query endpoint
LEXGRAPH_REMOTE_STORE_URL   (remote mode) the Graph Store Protocol endpoint
LEXGRAPH_STORE_CHECK_S      30 (remote mode: seconds between checks for changed
                            content, which clear the cache and rebuild the graph
                            view; 0 never checks)
==========================  =====================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .errors import ConfigError

_PACKAGE_CHECKOUT = Path(__file__).resolve().parents[2]


def _default_root() -> Path:
    if (_PACKAGE_CHECKOUT / "ontology").is_dir():
        return _PACKAGE_CHECKOUT
    return Path.cwd()


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build with :func:`load_settings`."""

    root: Path
    ontology_dir: Path
    data_dir: Path
    shapes_dir: Path
    quality_dir: Path
    queries_dir: Path
    seeds_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    executors: int = 2
    query_timeout_s: float = 10.0
    query_timeout_max_s: float = 60.0
    max_results: int = 10_000
    max_body_bytes: int = 1_048_576
    max_query_depth: int = 64
    cache_bytes: int = 64 * 1024 * 1024
    store: str = "embedded"
    store_dir: Path | None = None
    remote_query_url: str | None = None
    remote_store_url: str | None = None
    store_check_s: float = 30.0


def _dir(env: Mapping[str, str], name: str, default: Path, *, must_exist: bool) -> Path:
    raw = env.get(name)
    path = Path(raw).expanduser() if raw else default
    if must_exist and not path.is_dir():
        origin = f"{name}={raw!r}" if raw else f"default for {name}"
        raise ConfigError(f"{origin}: {path} is not a directory")
    return path.resolve() if path.exists() else path


def _number(env: Mapping[str, str], name: str, default: float, kind: type, minimum: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected {'an integer' if kind is int else 'a number'}") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def _url(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name) or None
    if raw is not None and not raw.startswith(("http://", "https://")):
        raise ConfigError(f"{name}={raw!r}: expected an http:// or https:// URL")
    return raw


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check every LEXGRAPH_* setting (from ``os.environ`` unless given)."""
    env = os.environ if env is None else env
    root = _dir(env, "LEXGRAPH_ROOT", _default_root(), must_exist=True)
    shapes_dir = _dir(env, "LEXGRAPH_SHAPES_DIR", root / "shapes", must_exist=True)
    timeout = _number(env, "LEXGRAPH_QUERY_TIMEOUT_S", 10.0, float, 0.001)
    timeout_max = _number(env, "LEXGRAPH_QUERY_TIMEOUT_MAX_S", max(60.0, timeout), float, 0.001)
    if timeout > timeout_max:
        raise ConfigError(
            f"LEXGRAPH_QUERY_TIMEOUT_S={timeout:g} is above LEXGRAPH_QUERY_TIMEOUT_MAX_S={timeout_max:g}"
        )
    store = env.get("LEXGRAPH_STORE", "embedded") or "embedded"
    if store not in ("embedded", "remote"):
        raise ConfigError(f"LEXGRAPH_STORE={store!r}: expected 'embedded' or 'remote'")
    remote_query_url = _url(env, "LEXGRAPH_REMOTE_QUERY_URL")
    if store == "remote" and not remote_query_url:
        raise ConfigError("LEXGRAPH_STORE=remote needs LEXGRAPH_REMOTE_QUERY_URL")
    store_dir = env.get("LEXGRAPH_STORE_DIR") or None
    return Settings(
        root=root,
        ontology_dir=_dir(env, "LEXGRAPH_ONTOLOGY_DIR", root / "ontology", must_exist=True),
        data_dir=_dir(env, "LEXGRAPH_DATA_DIR", root / "data", must_exist=True),
        shapes_dir=shapes_dir,
        quality_dir=_dir(env, "LEXGRAPH_QUALITY_DIR", shapes_dir / "quality", must_exist=True),
        queries_dir=_dir(env, "LEXGRAPH_QUERIES_DIR", root / "queries", must_exist=True),
        # The seeds are only needed by the quote check, so a missing folder is not fatal here.
        seeds_dir=_dir(env, "LEXGRAPH_SEEDS_DIR", root.parent / "shared" / "seeds", must_exist=False),
        host=env.get("LEXGRAPH_HOST") or "127.0.0.1",
        port=int(_number(env, "LEXGRAPH_PORT", 8000, int, 0)),
        workers=int(_number(env, "LEXGRAPH_WORKERS", 1, int, 1)),
        executors=int(_number(env, "LEXGRAPH_EXECUTORS", 2, int, 1)),
        query_timeout_s=timeout,
        query_timeout_max_s=timeout_max,
        max_results=int(_number(env, "LEXGRAPH_MAX_RESULTS", 10_000, int, 1)),
        max_body_bytes=int(_number(env, "LEXGRAPH_MAX_BODY_BYTES", 1_048_576, int, 1)),
        max_query_depth=int(_number(env, "LEXGRAPH_MAX_QUERY_DEPTH", 64, int, 1)),
        cache_bytes=int(_number(env, "LEXGRAPH_CACHE_BYTES", 64 * 1024 * 1024, int, 0)),
        store=store,
        store_dir=Path(store_dir) if store_dir else None,
        remote_query_url=remote_query_url,
        remote_store_url=_url(env, "LEXGRAPH_REMOTE_STORE_URL"),
        store_check_s=_number(env, "LEXGRAPH_STORE_CHECK_S", 30.0, float, 0),
    )
