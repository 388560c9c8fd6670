"""All of lexgraph's settings, read once from ``LEXGRAPH_*`` environment variables.

Each setting has a documented default; :func:`load_settings` checks them all and raises
:class:`~lexgraph.errors.ConfigError` naming the variable, so a bad value stops the program
at startup rather than at first use.

==========================  =====================================================
variable                    default
==========================  =====================================================
LEXGRAPH_ROOT               the checkout that holds this package, else the cwd
LEXGRAPH_ONTOLOGY_DIR       $LEXGRAPH_ROOT/ontology
LEXGRAPH_DATA_DIR           $LEXGRAPH_ROOT/data (serve --data PATH overrides it)
LEXGRAPH_SHAPES_DIR         $LEXGRAPH_ROOT/shapes
LEXGRAPH_QUALITY_DIR        $LEXGRAPH_SHAPES_DIR/quality
LEXGRAPH_QUERIES_DIR        $LEXGRAPH_ROOT/queries
LEXGRAPH_SEEDS_DIR          $LEXGRAPH_ROOT/../shared/seeds
LEXGRAPH_HOST               127.0.0.1 (the service's address)
LEXGRAPH_PORT               8000
LEXGRAPH_WORKERS            1 (uvicorn worker processes)
LEXGRAPH_EXECUTORS          4 (query executor processes per worker: at most this many
                            users' queries run at once)
LEXGRAPH_QUERY_TIMEOUT_S    10 (default time limit of a query)
LEXGRAPH_QUERY_TIMEOUT_MAX_S  60 (no request may raise its limit above this)
LEXGRAPH_MAX_RESULTS        10000 (rows or triples in one answer; more is capped)
LEXGRAPH_MAX_BODY_BYTES     1048576 (larger request bodies get 413)
LEXGRAPH_MAX_QUERY_BYTES    65536 (a longer query text gets 413, before any parsing)
LEXGRAPH_MAX_QUERY_DEPTH    64 (deeper nesting of { ( [ gets 400)
LEXGRAPH_MAX_QUERY_OPERATORS  256 (operators in expressions and property paths, in all;
                            more gets 400)
LEXGRAPH_MAX_QUERY_UNIONS   64 (UNION and MINUS branches; more gets 400)
LEXGRAPH_MAX_QUERY_PATTERNS 128 (triple patterns and graph-pattern clauses; more gets 400)
LEXGRAPH_EXECUTOR_MEMORY_BYTES  this machine's memory / (2 x workers x executors), at most
                            4 GiB (address space of one executor; a query past it gets 503)
LEXGRAPH_EXECUTOR_STORE     disk (executors read the on-disk store; 'memory': each copies
                            it into its memory at start and answers from the copy,
                            several times faster, for about 400 bytes per quad in each
                            executor: embedded store only)
LEXGRAPH_SANDBOX            required (executors may not open network sockets nor touch
                            files outside the store, enforced by the kernel: seccomp and
                            Landlock; start-up fails where the kernel cannot; 'off' opts out)
LEXGRAPH_CLIENT_CONCURRENCY 2 (uncached queries one client may run at once; more gets 429)
LEXGRAPH_CLIENT_QUERY_S_PER_MIN  60 (seconds of query time one client may use per
                            minute; past it, 429 with Retry-After)
LEXGRAPH_BODY_TIMEOUT_S     10 (a request line with headers, or a body, not received
                            within this gets 408; an idle connection is closed)
LEXGRAPH_PUBLIC_URL         (none) the service's public base URL, named in the service
                            description; without it, each request's own host
LEXGRAPH_CACHE_BYTES       67108864 (SPARQL answers cached per worker, and as much again
                            for timelines; 0 turns the caches off)
LEXGRAPH_STORE              embedded (or remote)
LEXGRAPH_STORE_DIR          a new temporary folder, removed when serve stops (embedded
                            store location; a folder named here is kept, its manifest
                            beside it as <folder>.manifest.json, and reused while its
                            sources are unchanged)
LEXGRAPH_REMOTE_QUERY_URL   (remote mode) the SPARQL 1.1 query endpoint
LEXGRAPH_REMOTE_STORE_URL   (remote mode) the Graph Store Protocol endpoint
LEXGRAPH_REMOTE_USER        (none) user name sent when the remote server asks (HTTP
                            Digest or Basic), for queries and `load --to`; the URL's
                            userinfo or ~/.netrc may give it instead
LEXGRAPH_REMOTE_PASSWORD    (none) its password (never shown in messages or logs)
LEXGRAPH_REMOTE_GRAPHS      * (remote mode: the graphs served, space-separated IRIs,
                            `*` matching any characters)
LEXGRAPH_REMOTE_SYSTEM_GRAPHS  the server's own (Virtuoso: virtrdf#, ldp#, DAV, ...;
                            others: none): graphs never served, nor counted, nor
                            downloaded, as patterns like LEXGRAPH_REMOTE_GRAPHS;
                            'none' serves them all
LEXGRAPH_STORE_CHECK_S      30 (remote mode: seconds between checks for changed
                            content, which clear the cache and rebuild the graph
                            view; 0 never checks)
LEXGRAPH_ENTAILMENT         rdfs (what the subclass and subproperty hierarchies
                            entail, materialised at load into the graph
                            <https://w3id.org/lexgraph/graph/entailed>, part of the
                            default graph; 'off' leaves it out: embedded stores and
                            load --to)
LEXGRAPH_VALIDATE_CACHE     (none: off) a folder where `lexgraph validate FILE`
                            keeps the parsed context of the files it checks
                            (lexgraph.validate_cache), so the next check of a
                            file beside an unchanged repository does not parse it
                            again; e.g. .lexgraph-cache/validate
==========================  =====================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Mapping

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
    executors: int = 4
    query_timeout_s: float = 10.0
    query_timeout_max_s: float = 60.0
    max_results: int = 10_000
    max_body_bytes: int = 1_048_576
    max_query_bytes: int = 65_536
    max_query_depth: int = 64
    max_query_operators: int = 256
    max_query_unions: int = 64
    max_query_patterns: int = 128
    executor_memory_bytes: int = 4 * 1024**3
    sandbox: str = "required"
    executor_store: str = "disk"
    client_concurrency: int = 2
    client_query_s_per_min: float = 60.0
    body_timeout_s: float = 10.0
    public_url: str | None = None
    cache_bytes: int = 64 * 1024 * 1024
    store: str = "embedded"
    store_dir: Path | None = None
    remote_query_url: str | None = None
    remote_store_url: str | None = None
    remote_user: str | None = None
    remote_password: str | None = field(default=None, repr=False)
    remote_graphs: tuple[str, ...] = ("*",)
    remote_system_graphs: tuple[str, ...] | None = None
    """None: the server's own system graphs, by its kind."""
    store_check_s: float = 30.0
    entailment: Literal["rdfs", "off"] = "rdfs"
    validate_cache: Path | None = None


def _dir(env: Mapping[str, str], name: str, default: Path, *, must_exist: bool) -> Path:
    raw = env.get(name)
    path = Path(raw).expanduser() if raw else default
    if must_exist and not path.is_dir():
        origin = f"{name}={raw!r}" if raw else f"default for {name}"
        raise ConfigError(f"{origin}: {path} is not a directory")
    return path.resolve() if path.exists() else path


def _number(env: Mapping[str, str], name: str, default: float, kind: type, minimum: float,
            maximum: float | None = None) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected {'an integer' if kind is int else 'a number'}") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r}: must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name}={raw!r}: must be at most {maximum}")
    return value


def _url(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name) or None
    if raw is not None and not raw.startswith(("http://", "https://")):
        raise ConfigError(f"{name}={raw!r}: expected an http:// or https:// URL")
    return raw


def _patterns(env: Mapping[str, str], name: str) -> tuple[str, ...] | None:
    """Space-separated graph IRI patterns; None when unset, none at all for 'none'."""
    raw = (env.get(name) or "").split()
    if not raw:
        return None
    return () if raw == ["none"] else tuple(raw)


def default_executor_memory(workers: int, executors: int) -> int:
    """Half the machine's memory shared among every executor, at most 4 GiB each: enough for
    any sensible query on a million triples, while all executors together leave the rest
    of the machine alive."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        total = 8 * 1024**3
    return max(256 * 1024**2, min(4 * 1024**3, total // (2 * workers * executors)))


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
    remote_user = env.get("LEXGRAPH_REMOTE_USER") or None
    if bool(remote_user) != bool(env.get("LEXGRAPH_REMOTE_PASSWORD")):
        raise ConfigError("LEXGRAPH_REMOTE_USER and LEXGRAPH_REMOTE_PASSWORD go together: set both or neither")
    store_dir = env.get("LEXGRAPH_STORE_DIR") or None
    workers = int(_number(env, "LEXGRAPH_WORKERS", 1, int, 1))
    executors = int(_number(env, "LEXGRAPH_EXECUTORS", 4, int, 1))
    sandbox = env.get("LEXGRAPH_SANDBOX", "required") or "required"
    if sandbox not in ("required", "off"):
        raise ConfigError(f"LEXGRAPH_SANDBOX={sandbox!r}: expected 'required' or 'off'")
    executor_store = env.get("LEXGRAPH_EXECUTOR_STORE", "disk") or "disk"
    if executor_store not in ("disk", "memory"):
        raise ConfigError(f"LEXGRAPH_EXECUTOR_STORE={executor_store!r}: expected 'disk' or 'memory'")
    public_url = _url(env, "LEXGRAPH_PUBLIC_URL")
    entailment = env.get("LEXGRAPH_ENTAILMENT", "rdfs") or "rdfs"
    validate_cache = Path(env["LEXGRAPH_VALIDATE_CACHE"]) if env.get("LEXGRAPH_VALIDATE_CACHE") else None
    if validate_cache is not None:  # the folder, or the first of its parents that exists
        existing = next(p for p in (validate_cache, *validate_cache.absolute().parents) if p.exists())
        if not existing.is_dir() or not os.access(existing, os.W_OK):
            raise ConfigError(f"LEXGRAPH_VALIDATE_CACHE={validate_cache}: not a folder lexgraph can write in")
    if entailment not in ("rdfs", "off"):
        raise ConfigError(f"LEXGRAPH_ENTAILMENT={entailment!r}: expected 'rdfs' or 'off'")
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
        port=int(_number(env, "LEXGRAPH_PORT", 8000, int, 0, 65535)),
        workers=workers,
        executors=executors,
        query_timeout_s=timeout,
        query_timeout_max_s=timeout_max,
        max_results=int(_number(env, "LEXGRAPH_MAX_RESULTS", 10_000, int, 1)),
        max_body_bytes=int(_number(env, "LEXGRAPH_MAX_BODY_BYTES", 1_048_576, int, 1)),
        max_query_bytes=int(_number(env, "LEXGRAPH_MAX_QUERY_BYTES", 65_536, int, 16)),
        max_query_depth=int(_number(env, "LEXGRAPH_MAX_QUERY_DEPTH", 64, int, 1)),
        max_query_operators=int(_number(env, "LEXGRAPH_MAX_QUERY_OPERATORS", 256, int, 1)),
        max_query_unions=int(_number(env, "LEXGRAPH_MAX_QUERY_UNIONS", 64, int, 1)),
        max_query_patterns=int(_number(env, "LEXGRAPH_MAX_QUERY_PATTERNS", 128, int, 1)),
        executor_memory_bytes=int(_number(env, "LEXGRAPH_EXECUTOR_MEMORY_BYTES",
                                          default_executor_memory(workers, executors), int, 256 * 1024**2)),
        sandbox=sandbox,
        executor_store=executor_store,
        client_concurrency=int(_number(env, "LEXGRAPH_CLIENT_CONCURRENCY", 2, int, 1)),
        client_query_s_per_min=_number(env, "LEXGRAPH_CLIENT_QUERY_S_PER_MIN", 60.0, float, 0.001),
        body_timeout_s=_number(env, "LEXGRAPH_BODY_TIMEOUT_S", 10.0, float, 0.001),
        public_url=public_url.rstrip("/") if public_url else None,
        cache_bytes=int(_number(env, "LEXGRAPH_CACHE_BYTES", 64 * 1024 * 1024, int, 0)),
        store=store,
        store_dir=Path(store_dir) if store_dir else None,
        remote_query_url=remote_query_url,
        remote_store_url=_url(env, "LEXGRAPH_REMOTE_STORE_URL"),
        remote_user=remote_user,
        remote_password=env.get("LEXGRAPH_REMOTE_PASSWORD") or None,
        remote_graphs=_patterns(env, "LEXGRAPH_REMOTE_GRAPHS") or ("*",),
        remote_system_graphs=_patterns(env, "LEXGRAPH_REMOTE_SYSTEM_GRAPHS"),
        store_check_s=_number(env, "LEXGRAPH_STORE_CHECK_S", 30.0, float, 0),
        entailment=entailment,  # type: ignore[arg-type]  # checked above
        validate_cache=validate_cache,
    )
