"""`python -m k2_train ...` runs the `k2-train` command (also how `accelerate launch -m k2_train` starts it)."""

from .cli import main

main()
