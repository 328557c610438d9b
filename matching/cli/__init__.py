"""Command line: ``python -m matching import|availability|demo-data|search``.

The top layer: it may import anything below it, and nothing in ReadyBed imports it (a test
checks). ``main`` parses and dispatches; ``search`` formats search results for a terminal,
CSV or JSON.
"""

from matching.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
