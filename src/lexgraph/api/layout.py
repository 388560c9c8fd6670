"""The one page skeleton every HTML page of the service shares: head (title, meta description,
viewport, versioned stylesheets), a skip link, the site header with its navigation, then the
page's own ``<main id="main">``. Pages differ only in what they put inside ``main``.

The header needs no JavaScript and wraps on a narrow screen instead of scrolling sideways
(``static/site.css``)."""

from __future__ import annotations

import html
from collections.abc import Iterable

from .static_assets import static_url

SITE_NAME = "lexgraph"

NAV: tuple[tuple[str, str, str], ...] = (
    ("home", "/", "Home"),
    ("search", "/search", "Search"),
    ("sparql", "/sparql", "SPARQL editor"),
    ("timeline", "/timeline", "Timelines"),
    ("in-force", "/in-force", "In force"),
    ("def", "/def", "Ontology"),
    ("vocab", "/vocab", "Vocabularies"),
    ("data", "/data", "Downloads"),
    ("docs", "/docs", "API docs"),
)
"""(key, path, label) of each navigation link; a page names its key as ``current``."""


def esc(value: object) -> str:
    """Text or attribute value made safe for HTML."""
    return html.escape(str(value), quote=True)


def site_header(current: str) -> str:
    """The skip link and the header: the site's name (home), a small search form and the
    navigation, with ``aria-current="page"`` on the link whose key is ``current``."""
    marked = ' aria-current="page"'
    items = "".join(f'<li><a href="{path}"{marked if key == current else ""}>{esc(label)}</a></li>'
                    for key, path, label in NAV)
    return (
        '<a class="skip-link" href="#main">Skip to main content</a>\n'
        '<header class="site-header">\n'
        f'  <a class="site-name" href="/">{SITE_NAME}</a>\n'
        '  <form class="site-search" action="/search" method="get" role="search">'
        '<label for="site-search-q" class="visually-hidden">Search the graph</label>'
        '<input id="site-search-q" type="search" name="q" placeholder="Search labels and quotes">'
        '<button type="submit">Search</button></form>\n'
        f'  <nav class="site-nav" aria-label="Site"><ul>{items}</ul></nav>\n'
        '</header>\n')


def page(title: str, description: str, body: str, *, current: str = "", stylesheets: Iterable[str] = (),
         scripts: Iterable[str] = (), head_extra: str = "", lang: str = "en") -> str:
    """A whole HTML page.

    ``title`` and ``description`` are plain text (escaped here); ``body`` is HTML placed inside
    ``<main id="main">``. ``stylesheets`` and ``scripts`` are paths under ``static/`` (e.g.
    ``"pages.css"``, ``"yasgui/yasgui.min.js"``), linked through :func:`static_url` after the
    site's own stylesheet; scripts load in order at the end of the body. ``head_extra`` is raw
    HTML for the head (alternate links, a JSON config block)."""
    links = "".join(f'<link rel="stylesheet" href="{esc(static_url(s))}">\n' for s in ("site.css", *stylesheets))
    script_tags = "".join(f'<script src="{esc(static_url(s))}"></script>\n' for s in scripts)
    return f"""<!doctype html>
<html lang="{esc(lang)}">
<head>
<meta charset="utf-8">
<title>{esc(title)} · {SITE_NAME}</title>
<meta name="description" content="{esc(description)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
{links}{head_extra}</head>
<body>
{site_header(current)}<main id="main">
{body}
</main>
{script_tags}</body>
</html>
"""
