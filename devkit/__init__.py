"""Development-only code shared by tests and bench (case generators); never imported by the product."""
