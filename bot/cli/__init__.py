"""The `catalyst-bot` command line: one module per command group."""
