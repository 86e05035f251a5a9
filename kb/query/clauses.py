"""A long question cut into its sentences: a consultation tells a story and asks one or more
legal questions in one message, and one vector of the whole blurs them.

The semantic pass embeds each sentence beside the whole question and keeps, per passage, the best
cosine of any of them (kb/semantic/retriever.py), so a passage answering one of several issues
is found as well as one answering the gist.
"""

from __future__ import annotations

import re

LONG_CHARS = 40  # shorter questions are one thought: never cut
MIN_PART = 8  # a shorter piece joins the next one (好的, 你好, 请问 …)
MAX_PARTS = 3  # the last ones: a consultation asks at its end
_END = re.compile(r"[。！？!?；;…\n]+")
_GREETING = re.compile(r"^(?:你好|您好|律师你好|律师您好|请问|谢谢|麻烦了)[，,、\s]*")


def clauses(text: str) -> tuple[str, ...]:
    """The sentences of a long question worth a vector of their own (at most MAX_PARTS, the
    last ones); () for a short question or one of a single sentence."""
    if len(text) < LONG_CHARS:
        return ()
    parts, pending = [], ""
    for piece in _END.split(text):
        piece = _GREETING.sub("", piece.strip())
        if not piece:
            continue
        pending = f"{pending}，{piece}" if pending else piece
        if len(pending) >= MIN_PART:
            parts.append(pending)
            pending = ""
    if pending:
        if parts:
            parts[-1] = f"{parts[-1]}，{pending}"
        else:
            parts.append(pending)
    return tuple(parts[-MAX_PARTS:]) if len(parts) >= 2 else ()
