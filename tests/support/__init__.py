"""Helpers the tests import as modules: sources for small indexes, processes, faults, parsing."""
