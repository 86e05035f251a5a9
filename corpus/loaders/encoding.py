"""Bytes → text: UTF-8 (with or without BOM) or the GB family, refusing binary junk."""

from __future__ import annotations

import codecs
import logging
import re

from kb.errors import UnreadableDocument

logger = logging.getLogger(__name__)

# Declared Chinese charsets are decoded as gb18030, its superset (pages that say gb2312 use GBK).
_GB_FAMILY = {
    "gb2312",
    "gbk",
    "gb18030",
    "gb_2312-80",
    "x-gbk",
    "cp936",
    "euc-cn",
    "gb_2312",
    "chinese",
    "csgb2312",
    "ms936",
    "windows-936",
}
# Labels that Chinese sites often get wrong (GBK bytes served as "latin-1"): tried last, not first.
_WEAK_LABELS = {"latin_1", "iso8859-1", "cp1252", "ascii"}


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > len(sample) * 0.01


# What Chinese official text is made of: ASCII, CJK ideographs, CJK and full-width punctuation.
_PLAIN = re.compile(
    r"[\t\n\r\f\x20-\x7e\u2000-\u206f\u3000-\u303f\u3400-\u4dbf"
    r"\u4e00-\u9fff\uff00-\uffef]"
)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, codec) when NUL-rich data is really UTF-16 saved without a byte-order mark."""
    sample = data[:65536]
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = sample[: len(sample) // 2 * 2].decode(codec)
        except UnicodeDecodeError:
            continue  # e.g. cut inside a surrogate pair, or not UTF-16 at all
        if text and len(_PLAIN.findall(text)) >= 0.98 * len(text):
            return data.decode(codec, errors="replace"), codec
    return None


def canonical_charset(label: str | None) -> str | None:
    """Map a declared charset label to a Python codec name (GB family → gb18030), or None."""
    label = (label or "").strip().strip("\"'").lower()
    if not label:
        return None
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        logger.debug("ignoring unknown charset label %r", label)
        return None
    if name.startswith(("utf-16", "utf-32")):
        return None  # as in browsers: only a byte-order mark makes a page UTF-16
    return "gb18030" if name in _GB_FAMILY else name


def decode_bytes(data: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Decode `data`, returning (text, encoding used). Raises UnreadableDocument for binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if _looks_binary(data):
        found = _utf16_without_bom(data)
        if found is None:
            raise UnreadableDocument(source, "binary data, not text")
        return found
    charset = canonical_charset(declared)
    if charset == "gb18030":
        return data.decode("gb18030", errors="replace"), "gb18030"
    candidates = ["utf-8", "gb18030"]
    if charset and charset not in candidates:
        # A trustworthy declaration goes first; a weak one only when nothing else fits.
        candidates.insert(len(candidates) if charset in _WEAK_LABELS else 0, charset)
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument(source, "unknown text encoding (neither UTF-8 nor GB18030)")
