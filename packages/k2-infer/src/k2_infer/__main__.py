"""`python -m k2_infer ...` runs the `k2-infer` command."""

from .cli import main

main()
