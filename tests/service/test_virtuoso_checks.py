"""The service tests' own checks, run against lexgraph in remote mode over Virtuoso 7.2.

The test functions below are the ones of the embedded and Oxigraph-server runs, imported
unchanged: those that take ``server`` are collected here, where that fixture is lexgraph over
Virtuoso; those written for ``embedded_server`` are called with it by one parametrized test
(the real embedded server stays what the Virtuoso fixture is compared with). Each check holds
lexgraph over Virtuoso to the same answers:
the protocol (SELECT, ASK, CONSTRUCT in every format, errors, updates and SERVICE refused,
datasets, caps), timelines and what was in force, graph traversal, entity pages and
downloads. Virtuoso's own differences have tests of their own in ``test_virtuoso.py``.
"""

from __future__ import annotations

from typing import Callable

import pytest

from .servers import Server
from .test_endpoint import (  # noqa: F401  (collected here, against Virtuoso)
    test_ask_in_json_and_xml,
    test_capped_answers_say_so,
    test_construct_in_every_rdf_format,
    test_default_graph_uri_selects_a_graph_of_the_store,
    test_downloads_with_size_and_hash,
    test_get_post_form_and_post_direct_agree,
    test_graphs_not_in_the_store_are_400,
    test_named_graph_uri_limits_graph_patterns,
    test_no_accept_header_gets_json,
    test_select_results_in_every_format,
    test_service_description_with_void_statistics,
    test_syntax_error_is_400_with_line_and_column,
    test_updates_are_refused_and_change_nothing,
)
from . import test_graph_api as graph_api
from . import test_pages as pages
from . import test_timeline_api as timeline_api
from .test_pages import test_pages_work_over_a_remote_store_too  # noqa: F401
from .test_safety import listener, test_no_query_reaches_a_listener_it_names  # noqa: F401
from .test_smoke import test_health  # noqa: F401


@pytest.fixture
def server(virtuoso_lexgraph: Server) -> Server:
    return virtuoso_lexgraph


WRITTEN_FOR_THE_EMBEDDED_STORE: list[Callable[[Server], None]] = [
    graph_api.test_ancestors_carry_claim_and_source, graph_api.test_hierarchy_answers_in_turtle,
    graph_api.test_neighbours_are_capped_and_say_so, graph_api.test_no_path_is_an_empty_list,
    graph_api.test_paths_answer_in_json_through_the_provision, graph_api.test_paths_answer_in_turtle,
    graph_api.test_unknown_node_is_404, pages.test_programs_get_turtle_or_json_ld, pages.test_search_ranks_and_folds,
    timeline_api.test_in_force, timeline_api.test_timeline_csv, timeline_api.test_timeline_json_by_default,
    timeline_api.test_timeline_turtle_is_a_graph_of_the_events, timeline_api.test_unknown_party_is_404,
]


@pytest.mark.parametrize("check", WRITTEN_FOR_THE_EMBEDDED_STORE, ids=lambda check: check.__name__)
def test_embedded_store_checks(check: Callable[[Server], None], virtuoso_lexgraph: Server) -> None:
    """The check, asked of lexgraph over Virtuoso instead of the embedded store."""
    check(virtuoso_lexgraph)
