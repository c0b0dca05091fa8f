"""`python -m k2_verify ...` runs the `k2-verify` command."""

from .cli import main

main()
