"""`python -m cli` runs the `kb` command."""

from cli import main

main()
