"""`python -m indexer` runs the `vnsearch` command."""

from indexer.cli import main

main()
