"""The vector filler of `kb serve` stops at a safe point: never half-way through starting one of
its embedding workers, whose start would then fail with a traceback on the terminal."""

from __future__ import annotations

import multiprocessing
import sys

import pytest

from indexer.filler import _starting_a_process


def test_the_filler_knows_when_it_is_starting_a_worker_process():
    seen = {}

    class Probe(multiprocessing.Process):
        @staticmethod
        def _Popen(process_obj):  # called by Process.start to launch the child
            seen["starting"] = _starting_a_process(sys._getframe())
            raise RuntimeError("not launched")

    with pytest.raises(RuntimeError):
        Probe().start()
    assert seen["starting"] is True
    assert _starting_a_process(sys._getframe()) is False
