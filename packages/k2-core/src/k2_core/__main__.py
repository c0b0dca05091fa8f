"""`python -m k2_core ...` runs the `k2` command."""

from .cli import main

main()
