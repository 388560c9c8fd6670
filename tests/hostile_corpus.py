"""Spellings of ``SERVICE <url>`` and ``LOAD <url>`` that Oxigraph's parser really reads as such.

Not a test module: tests import :func:`service_and_load_spellings` and send every item where
a query may go. Each item is a query (or, for LOAD and INSERT, an update sent as a query)
that pyoxigraph 0.5 parses *and evaluates* so that it contacts ``url`` on an empty store:
the SERVICE sits where evaluation reaches it (tests/test_sparql_guard.py checks this with a
loopback listener). The ``SERVICE ?x`` item with a plain ``BIND`` is the exception: Oxigraph
parses it as SERVICE but leaves the variable unbound (``LATERAL`` binds it, and is here too).

The spellings aim at lexers that disagree with Oxigraph's: comments ended by CR, ``#``
inside strings and IRIs, long strings with embedded quotes, escapes, the less-than
operator next to an IRI-looking text, glued keywords, prefixed names that Oxigraph's parser
re-reads as ``SERVICE`` after a failed expansion, relative IRIs and prefixed names.
"""

from __future__ import annotations

import re

_LOCAL_SAFE = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_\-]*[A-Za-z0-9_\-])?")


def _split(url: str) -> tuple[str, str]:
    """``url`` as a namespace and a local name usable in a prefixed name (the local name may
    be empty: then the prefix alone names the url)."""
    cut = max(url.rfind("/"), url.rfind(":"), url.rfind("#")) + 1
    namespace, local = url[:cut], url[cut:]
    if local and not _LOCAL_SAFE.fullmatch(local):
        return url, ""
    return namespace, local


def _escaped(url: str) -> str:
    """``url`` with its first character written as a ``\\u`` escape, which IRIs allow."""
    return f"\\u{ord(url[0]):04X}{url[1:]}"


def service_and_load_spellings(url: str) -> list[str]:
    """At least 50 distinct query texts, each of which Oxigraph reads as ``SERVICE <url>``
    (evaluated on an empty store) or, sent as an update, as ``LOAD <url>``."""
    u = f"<{url}>"
    namespace, local = _split(url)
    pname = f"p:{local}"
    service = [
        # plain, case and white space
        f"SELECT * WHERE {{ SERVICE {u} {{ }} }}",
        f"SELECT * {{ SERVICE SILENT {u} {{ }} }}",
        f"select * {{ service {u} {{ }} }}",
        f"SeLeCt * {{ sErViCe SiLeNt {u} {{ }} }}",
        f"SELECT*{{SERVICE{u}{{}}}}",
        f"SELECT\t*\t{{\tSERVICE\t{u}\t{{\t}}\t}}",
        f"SELECT\r*\r{{\rSERVICE\r{u}\r{{\r}}\r}}",
        f"SELECT\r\n*\r\n{{\r\nSERVICE\r\n{u}\r\n{{\r\n}}\r\n}}",
        f"SELECT *\nWHERE {{\n  SERVICE {u}\n  {{\n  }}\n}}\n",
        # comments ended by CR, LF or CRLF, with what a careless lexer reads as openers
        f"SELECT * {{ # a comment\rSERVICE {u} {{ }} }}",
        f"SELECT * {{ # a comment\nSERVICE {u} {{ }} }}",
        f"SELECT * {{ # a comment\r\nSERVICE {u} {{ }} }}",
        f"SELECT * {{ # \"\"\" ''' < {{\rSERVICE {u} {{ }} # \"\"\" '''\r}}",
        f"SELECT * {{ SERVICE # between\r{u} # and\r{{ }} }}",
        f"# SERVICE in a comment first\rSELECT * {{ SERVICE {u} {{ }} }}",
        f"SELECT * {{ #\rSERVICE {u} {{ }} }}",
        # '#' and quotes inside strings and IRIs before the keyword
        f'SELECT * {{ BIND("#" AS ?h) SERVICE {u} {{ }} }}',
        f"SELECT * {{ BIND('#' AS ?h) SERVICE {u} {{ }} }}",
        f'SELECT * {{ BIND("a \\" #" AS ?h) SERVICE {u} {{ }} }}',
        f'SELECT * {{ BIND("a\\u0022 #" AS ?h) SERVICE {u} {{ }} }}',
        f'SELECT * {{ BIND("""a "" " # b""" AS ?h) SERVICE {u} {{ }} }}',
        f"SELECT * {{ BIND('''a '' ' # b''' AS ?h) SERVICE {u} {{ }} }}",
        f'SELECT * {{ BIND("""\n# not a comment\r""" AS ?h) SERVICE {u} {{ }} }}',
        f"SELECT * {{ BIND(<urn:a#b> AS ?i) SERVICE {u} {{ }} }}",
        f"SELECT * {{ BIND(<urn:a'b> AS ?i) SERVICE {u} {{ }} }}",
        f"PREFIX ex: <urn:x:> SELECT * {{ BIND(ex:a\\#b AS ?i) SERVICE {u} {{ }} }}",
        f"PREFIX ex: <urn:x:> SELECT * {{ BIND(ex:a\\'b AS ?i) SERVICE {u} {{ }} }}",
        # '<' as less-than before an IRI-looking text, and '#' IRIs in lists of terms
        f"SELECT * {{ BIND(1 AS ?o) FILTER(?o<2)SERVICE#>\n{u} {{ }} }}",
        f"BASE <urn:b/> SELECT * {{ BIND(1 AS ?o) FILTER(?o<2)#>\nSERVICE {u} {{ }} }}",
        f"SELECT * {{ VALUES (?a ?b) {{ (<urn:a#1> <urn:b#2>) }} SERVICE {u} {{ }} }}",
        f"SELECT * {{ OPTIONAL {{ ?s <urn:p> (?x <urn:a#b>) }} SERVICE {u} {{ }} }}",
        f"SELECT * {{ BIND(<<( <urn:s> <urn:p#> <urn:o> )>> AS ?t) SERVICE {u} {{ }} }}",
        # keywords glued, and prefixed names Oxigraph re-reads as SERVICE
        f"SELECT * {{ SERVICESILENT{u}{{}} }}",
        f"PREFIX service: <urn:unused:> PREFIX : <{namespace}> SELECT * {{ service:{local} {{ }} }}",
        # variables
        f"SELECT * {{ BIND({u} AS ?x) SERVICE ?x {{ }} }}",
        f"SELECT * {{ VALUES ?x {{ {u} }} LATERAL {{ SERVICE ?x {{ }} }} }}",
        f"SELECT * {{ BIND({u} AS ?x) LATERAL {{ SERVICE SILENT ?x {{ }} }} }}",
        # every nesting position
        f"SELECT * {{ OPTIONAL {{ SERVICE {u} {{ }} }} }}",
        f"SELECT * {{ BIND(1 AS ?o) MINUS {{ SERVICE {u} {{ }} }} }}",
        f"SELECT * {{ {{ }} UNION {{ SERVICE {u} {{ }} }} }}",
        f"SELECT * {{ {{ SERVICE {u} {{ }} }} UNION {{ }} }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE {u} {{ }} }} }} }}",
        f"SELECT * {{ FILTER EXISTS {{ SERVICE {u} {{ }} }} }}",
        f"SELECT * {{ FILTER NOT EXISTS {{ SERVICE {u} {{ }} }} }}",
        f"SELECT * {{ BIND(EXISTS {{ SERVICE {u} {{ }} }} AS ?e) }}",
        f"SELECT * {{ GRAPH <urn:g> {{ SERVICE {u} {{ }} }} }}",
        f"SELECT * {{ GRAPH ?g {{ SERVICE {u} {{ }} }} }}",
        f"SELECT * {{ OPTIONAL {{ {{ SELECT * {{ GRAPH <urn:g> {{ SERVICE SILENT {u} {{ }} }} }} }} }} }}",
        f"SELECT * {{ SERVICE {u} {{ SERVICE <urn:lexgraph:inner> {{ }} }} }}",
        f"ASK {{ SERVICE {u} {{ }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {u} {{ }} }}",
        f"DESCRIBE ?x WHERE {{ SERVICE {u} {{ }} }}",
        f"DESCRIBE <urn:a> {{ SERVICE SILENT {u} {{ }} }}",
        f"SELECT (COUNT(*) AS ?n) {{ SERVICE {u} {{ }} }} GROUP BY ?x",
        # the IRI spelled relative, prefixed or escaped
        f"BASE {u} SELECT * {{ SERVICE <> {{ }} }}",
        f"BASE <{namespace}> SELECT * {{ SERVICE <{local}> {{ }} }}",
        f"PREFIX p: <{namespace}> SELECT * {{ SERVICE {pname} {{ }} }}",
        f"PREFIX p: {u} SELECT * {{ SERVICE p: {{ }} }}",
        f"SELECT * {{ SERVICE <{_escaped(url)}> {{ }} }}",
    ]
    updates = [
        f"LOAD {u}",
        f"LOAD SILENT {u}",
        f"load {u} into graph <urn:g>",
        f"BASE {u} LOAD <>",
        f"PREFIX p: {u} LOAD p:",
        f"# comment\rLOAD {u}",
        f"INSERT {{ }} WHERE {{ SERVICE {u} {{ }} }}",
        f"DELETE {{ ?s ?p ?o }} WHERE {{ SERVICE SILENT {u} {{ }} }}",
    ]
    return list(dict.fromkeys(service + updates))
