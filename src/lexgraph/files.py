"""Find the RDF files a command should read, and how to read each: the one table of the RDF
formats lexgraph accepts, by file extension, for the store (pyoxigraph) and for validation
(rdflib). No rdflib here: the service uses this module too.

A folder is read whole: every file under it must be in a format of :data:`FORMATS` (or its
``.gz`` form), except hidden files and folders (``.gitkeep``, ``.git/``) and ``README*``
files, which are passed over. Any other file stops the command with an error that names it,
so no data is left out without a word.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Literal

from .errors import InputNotFound, RdfSyntaxError, SyntaxErrorLocation, UsageError


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation: its name, pyoxigraph's ``RdfFormat`` member, rdflib's parser
    name, and whether a file of it may name graphs (quads)."""

    name: str
    oxigraph: str
    rdflib: str
    quads: bool


TURTLE = RdfFormat("Turtle", "TURTLE", "turtle", False)
FORMATS: dict[str, RdfFormat] = {
    ".ttl": TURTLE,
    ".trig": RdfFormat("TriG", "TRIG", "trig", True),
    ".nt": RdfFormat("N-Triples", "N_TRIPLES", "nt", False),
    ".nq": RdfFormat("N-Quads", "N_QUADS", "nquads", True),
    ".jsonld": RdfFormat("JSON-LD", "JSON_LD", "json-ld", True),
    ".rdf": RdfFormat("RDF/XML", "RDF_XML", "xml", False),
    ".owl": RdfFormat("RDF/XML", "RDF_XML", "xml", False),
}
"""Extension -> format. ``.xml`` is not here: most XML files are not RDF, so an ``.xml`` file
in a data folder is reported rather than guessed at."""

GZIP = ".gz"
READ_EXTENSIONS = ", ".join([*FORMATS, *(s + GZIP for s in FORMATS)])


def _suffixes(path: Path) -> tuple[str, bool]:
    """The format extension of ``path`` (lower case) and whether it is gzipped."""
    name = path.name.lower()
    gz = name.endswith(GZIP)
    if gz:
        name = name[: -len(GZIP)]
    return Path(name).suffix, gz


def format_of(path: Path) -> RdfFormat | None:
    """The format of ``path`` from its extension (``x.ttl``, ``x.ttl.gz``), or None."""
    suffix, _ = _suffixes(path)
    return FORMATS.get(suffix)


def is_gzip(path: Path) -> bool:
    return _suffixes(path)[1]


def stem(path: Path) -> Path:
    """``path`` without its format extension and ``.gz``: ``data/a.nq.gz`` -> ``data/a``."""
    suffix, gz = _suffixes(path)
    name = path.name[: len(path.name) - (len(GZIP) if gz else 0)]
    return path.with_name(name[: len(name) - len(suffix)] if suffix else name)


def open_rdf(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed on the fly when it ends in ``.gz``."""
    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")


def ignored(path: Path, folder: Path) -> bool:
    """Files a data folder may hold beside its RDF: hidden ones (or under a hidden folder) and
    ``README*``."""
    parts = path.relative_to(folder).parts
    return any(p.startswith(".") for p in parts) or path.name.upper().startswith("README")


def rdf_files(paths: Iterable[Path], unknown: Literal["error", "skip"] = "error") -> list[Path]:
    """Expand folders to the RDF files under them, sorted; refuse paths that do not exist.

    A file named on its own must be in a format we read. In a folder, a file in no format of
    :data:`FORMATS` raises :class:`UsageError` naming it (``unknown="error"``, for data) or is
    passed over (``unknown="skip"``, for folders that hold other files by design, such as
    ``shapes/`` with its quality queries).
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if not p.is_file() or ignored(p, path):
                    continue
                if format_of(p) is not None:
                    files.append(p)
                elif unknown == "error":
                    raise UsageError(_unknown(p))
        elif path.is_file():
            if format_of(path) is None:
                raise UsageError(_unknown(path))
            files.append(path)
        else:
            raise InputNotFound(f"{path}: no such file or directory")
    return files


def _unknown(path: Path) -> str:
    return f"{path}: not a format lexgraph reads (extensions: {READ_EXTENSIONS}); move it out of the data folder"


_POSITION = re.compile(r"^Parser error at line \d+ (?:column \d+|between columns \d+ and \d+): ")


def syntax_error(path: Path, fmt: RdfFormat, exc: SyntaxError) -> RdfSyntaxError:
    """pyoxigraph's SyntaxError as ours: ``file:line:column: syntax error: reason``.

    pyoxigraph gives no position for RDF/XML; there the XML parser of the standard library
    finds it for a file that is not well-formed XML, and the error names the file alone
    when the XML is well-formed but not RDF/XML.
    """
    line, column = exc.lineno, exc.offset
    if line is None and fmt.oxigraph == "RDF_XML":
        line, column = _xml_position(path)
    return RdfSyntaxError(SyntaxErrorLocation(str(path), line, column), _POSITION.sub("", exc.msg or str(exc)))


def _xml_position(path: Path) -> tuple[int | None, int | None]:
    from xml.parsers import expat

    parser = expat.ParserCreate()
    try:
        with open_rdf(path) as f:
            parser.ParseFile(f)
    except expat.ExpatError as exc:
        return exc.lineno, exc.offset + 1
    except (OSError, EOFError):
        pass
    return None, None
