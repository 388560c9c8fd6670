"""The service tests' own checks, run against lexgraph in remote mode over Virtuoso 7.2.

The test functions below are the ones of the embedded and Oxigraph-server runs, imported
unchanged: this module gives the server fixtures they ask for (``server``,
``embedded_server``) to lexgraph over Virtuoso, so each check holds it to the same answers:
the protocol (SELECT, ASK, CONSTRUCT in every format, errors, updates and SERVICE refused,
datasets, caps), timelines and what was in force, graph traversal, entity pages and
downloads. Virtuoso's own differences have tests of their own in ``test_virtuoso.py``.
"""

from __future__ import annotations

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
from .test_graph_api import (  # noqa: F401
    test_ancestors_carry_claim_and_source,
    test_hierarchy_answers_in_turtle,
    test_neighbours_are_capped_and_say_so,
    test_no_path_is_an_empty_list,
    test_paths_answer_in_json_through_the_provision,
    test_paths_answer_in_turtle,
    test_unknown_node_is_404,
)
from .test_pages import (  # noqa: F401
    test_pages_work_over_a_remote_store_too,
    test_programs_get_turtle_or_json_ld,
    test_search_ranks_and_folds,
)
from .test_safety import listener, test_no_query_reaches_a_listener_it_names  # noqa: F401
from .test_smoke import test_health  # noqa: F401
from .test_timeline_api import (  # noqa: F401
    test_in_force,
    test_timeline_csv,
    test_timeline_json_by_default,
    test_timeline_turtle_is_a_graph_of_the_events,
    test_unknown_party_is_404,
)


@pytest.fixture
def server(virtuoso_lexgraph: Server) -> Server:
    return virtuoso_lexgraph


@pytest.fixture
def embedded_server(virtuoso_lexgraph: Server) -> Server:
    """The checks written for the embedded store, asked of lexgraph over Virtuoso instead."""
    return virtuoso_lexgraph
