"""`python -m k2_cerebras ...` runs the `k2-cerebras` command."""

from .cli import main

main()
