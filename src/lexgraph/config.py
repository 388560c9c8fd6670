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


def _dir(env: Mapping[str, str], name: str, default: Path, *, must_exist: bool) -> Path:
    raw = env.get(name)
    path = Path(raw).expanduser() if raw else default
    if must_exist and not path.is_dir():
        origin = f"{name}={raw!r}" if raw else f"default for {name}"
        raise ConfigError(f"{origin}: {path} is not a directory")
    return path.resolve() if path.exists() else path


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check every LEXGRAPH_* setting (from ``os.environ`` unless given)."""
    env = os.environ if env is None else env
    root = _dir(env, "LEXGRAPH_ROOT", _default_root(), must_exist=True)
    shapes_dir = _dir(env, "LEXGRAPH_SHAPES_DIR", root / "shapes", must_exist=True)
    return Settings(
        root=root,
        ontology_dir=_dir(env, "LEXGRAPH_ONTOLOGY_DIR", root / "ontology", must_exist=True),
        data_dir=_dir(env, "LEXGRAPH_DATA_DIR", root / "data", must_exist=True),
        shapes_dir=shapes_dir,
        quality_dir=_dir(env, "LEXGRAPH_QUALITY_DIR", shapes_dir / "quality", must_exist=True),
        queries_dir=_dir(env, "LEXGRAPH_QUERIES_DIR", root / "queries", must_exist=True),
        # The seeds are only needed by the quote check, so a missing folder is not fatal here.
        seeds_dir=_dir(env, "LEXGRAPH_SEEDS_DIR", root.parent / "shared" / "seeds", must_exist=False),
    )
