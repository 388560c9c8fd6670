"""The one exception tree of lexgraph.

Every error a user can cause derives from :class:`UserError` and says what is wrong and
where; the CLI maps these to exit code 2 and the HTTP layer to 4xx, each in one table.
Anything else is a bug in lexgraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class LexgraphError(Exception):
    """Root of every error lexgraph raises on purpose."""

    code = "lexgraph_error"


class ConfigError(LexgraphError):
    """A LEXGRAPH_* setting is missing or invalid; raised at startup."""

    code = "config_error"


class UserError(LexgraphError):
    """Bad input from the user: a file, an argument, a query."""

    code = "bad_input"


class UsageError(UserError):
    """A command or request was called with arguments that make no sense."""

    code = "usage_error"


class InputNotFound(UserError):
    """A path given by the user does not exist."""

    code = "not_found"


@dataclass
class SyntaxErrorLocation:
    """Where in a file a syntax error sits (1-based line, column when known)."""

    path: str
    line: int | None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


class RdfSyntaxError(UserError):
    """An RDF file could not be parsed; carries the file and line."""

    code = "syntax_error"

    def __init__(self, location: SyntaxErrorLocation, detail: str) -> None:
        self.location = location
        self.detail = detail
        super().__init__(f"{location}: syntax error: {detail}")

    @property
    def path(self) -> Path:
        return Path(self.location.path)


class QueryError(UserError):
    """A SPARQL query in a file of ours or from a user is malformed."""

    code = "query_error"
