"""Bytes → text: UTF-8 (with or without BOM) or the GB family, refusing binary junk."""

from __future__ import annotations

from kb.errors import UnreadableDocument

# Declared Chinese charsets are decoded as gb18030, its superset (pages that say gb2312 use GBK).
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > len(sample) * 0.01


def decode_bytes(data: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Decode `data`, returning (text, encoding used). Raises UnreadableDocument for binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if _looks_binary(data):
        raise UnreadableDocument(source, "binary data, not text")
    declared = (declared or "").strip().lower()
    if declared in _GB_FAMILY:
        return data.decode("gb18030", errors="replace"), "gb18030"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(source, f"unknown text encoding ({exc.reason})") from exc
