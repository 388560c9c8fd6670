"""Credentials for a remote SPARQL server, sent only when it asks and never shown.

A server that takes writes (Virtuoso's ``/sparql-graph-crud-auth``, an Oxigraph behind a
proxy) asks with a ``401`` and a ``WWW-Authenticate`` challenge: HTTP Digest (what Virtuoso
asks) or Basic. The user name and password come from the URL's userinfo
(``http://user:pw@host/…``), else from LEXGRAPH_REMOTE_USER and LEXGRAPH_REMOTE_PASSWORD,
else from the ``~/.netrc`` entry of the server's host. URLs are shown without their userinfo,
and the password is in no message, log line or ``repr``.
"""

from __future__ import annotations

import netrc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generator
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx


@dataclass(frozen=True)
class Credentials:
    """A user name and its password (the password never in ``repr``)."""

    user: str
    password: str = field(repr=False)


def redact(url: str) -> str:
    """``url`` without its userinfo, for messages and for the HTTP client (which would
    otherwise send the userinfo as Basic credentials to anyone, asked or not)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _from_netrc(host: str) -> Credentials | None:
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None
    if entry is None or not entry[0]:
        return None
    return Credentials(entry[0], entry[2] or "")


def resolve(url: str, user: str | None = None, password: str | None = None) -> tuple[str, Credentials | None]:
    """The URL to connect to (no userinfo) and the credentials to answer its challenges with:
    the URL's own, else ``user``/``password`` (the settings), else ``~/.netrc``'s."""
    parts = urlsplit(url)
    if parts.username:
        return redact(url), Credentials(unquote(parts.username), unquote(parts.password or ""))
    if user:
        return url, Credentials(user, password or "")
    return url, _from_netrc(parts.hostname or "")


class ChallengeAuth(httpx.Auth):
    """Answer a server's ``401`` challenge with Digest or Basic, as it asks; send nothing to a
    server that does not ask."""

    requires_request_body = True

    def __init__(self, credentials: Credentials) -> None:
        self._basic = httpx.BasicAuth(credentials.user, credentials.password)
        self._digest = httpx.DigestAuth(credentials.user, credentials.password)
        self._chosen: httpx.Auth | None = None
        """The scheme the server asked for: used from the start of every later request."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._chosen is not None:
            yield from self._chosen.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        schemes = response.headers.get("www-authenticate", "").lower()
        if schemes.startswith("digest"):
            self._chosen = self._digest
        elif schemes.startswith("basic"):
            self._chosen = self._basic
        else:
            return
        flow = self._chosen.auth_flow(request)
        retried = next(flow)
        try:
            if "authorization" not in retried.headers:
                retried = flow.send(response)  # Digest sends first without, then answers the challenge
            while True:
                response = yield retried
                retried = flow.send(response)
        except StopIteration:
            return


def auth_for(credentials: Credentials | None) -> httpx.Auth | None:
    return ChallengeAuth(credentials) if credentials else None
