"""Dev-only room: public question → statute-article datasets mapped onto our corpus as training pairs.

Not installed with the product and never imported by it. `python -m training.pairs build` reads the
source datasets (see training/SOURCES.md), maps every quoted article onto the corpus and writes one
JSONL per source (the format of ../shared/eval/stard-train.jsonl) with a log of what was dropped.
"""

from kb.config import REPO_ROOT

WORK = REPO_ROOT / "var" / "training"  # pairs, LoRAs, caches (git-ignored)
