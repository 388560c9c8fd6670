"""lexgraph: a knowledge graph of treaties, laws and institutions, and the tools to check and query it."""

__version__ = "0.1.0"
