"""Find the RDF files a command should read. No rdflib here: the service uses it too."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .errors import InputNotFound

RDF_SUFFIXES = (".ttl",)


def rdf_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to the Turtle files under them, sorted; refuse paths that do not exist."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in RDF_SUFFIXES and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise InputNotFound(f"{path}: no such file or directory")
    return files
