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


class InvalidParameter(UsageError):
    """A request parameter is malformed, out of its bounds or ambiguous (the API answers 422)."""

    code = "invalid_parameters"


class NotFound(UserError):
    """A thing the user named (a party, a treaty) is not in the graph."""

    code = "not_found"


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


class QuerySyntaxError(UserError):
    """The store's parser rejected a query; carries line and column when it gave them."""

    code = "query_syntax_error"

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column

    def __reduce__(self) -> tuple[object, ...]:
        # Crosses the process boundary from a query executor with its position intact.
        return (type(self), (str(self),), {"line": self.line, "column": self.column})


class UnknownGraph(UserError):
    """A dataset parameter names a graph the store does not hold."""

    code = "unknown_graph"


class QueryTimeout(LexgraphError):
    """A query ran past its time limit and was stopped."""

    code = "query_timeout"

    def __init__(self, limit_s: float) -> None:
        super().__init__(f"the query did not finish within {limit_s:g} s and was stopped")
        self.limit_s = limit_s


class ServerBusy(LexgraphError):
    """Every query executor stayed busy for the whole time limit."""

    code = "server_busy"

    def __init__(self, limit_s: float) -> None:
        super().__init__(f"no query executor became free within {limit_s:g} s; try again")
        self.limit_s = limit_s


class StoreUnavailable(LexgraphError):
    """The store (an executor process or a remote server) failed to answer."""

    code = "store_unavailable"


class UnsupportedMediaType(UserError):
    """A request body in a media type the endpoint does not take."""

    code = "unsupported_media_type"


class PayloadTooLarge(UserError):
    """A request body over the server's size limit."""

    code = "payload_too_large"


class ExecutorFailed(StoreUnavailable):
    """A query executor died or ran out of memory while answering; it has been replaced."""

    code = "executor_failed"


class BadGateway(LexgraphError):
    """The remote SPARQL server's answer broke off or could not be read."""

    code = "bad_gateway"


class RateLimited(LexgraphError):
    """One client asked for more than its share: too many queries at once, or more query
    time in the last minute than its budget."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class BodyTimeout(UserError):
    """The client did not send its whole request body in time."""

    code = "body_timeout"


class InternalQueryFailed(LexgraphError):
    """One of lexgraph's own queries was refused by the store: a bug of ours, reported
    without the query (which may hold a request's values)."""

    code = "internal_error"
