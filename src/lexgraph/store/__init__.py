"""The one narrow store interface and its two implementations (embedded, remote)."""

from .base import GraphStore, QueryRequest

__all__ = ["GraphStore", "QueryRequest"]
