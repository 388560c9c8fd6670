"""The HTTP layer: app factory, protocol parsing, error mapping, routes."""
