"""Allow ``python -m lexgraph``."""

from .cli import main

main()
