"""Benchmarks and tuning scripts; run them as modules from the checkout: python -m bench.NAME."""
