"""Child processes that do not outlive their parent (Linux: PR_SET_PDEATHSIG).

A parent killed outright (kill -9, the out-of-memory killer) runs no cleanup, so its children
ask the kernel to signal them when it dies: index writers and embedders are killed, server
workers are told to stop rather than go on serving the port as orphans.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys

log = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> None:
    """Have Linux send `sig` to this process when its parent dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no usable libc
            log.debug("prctl(PR_SET_PDEATHSIG) unavailable", exc_info=True)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
