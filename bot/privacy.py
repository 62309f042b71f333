"""Masking of personal data (mobile phone and ID-card numbers) in logs and reports."""
from __future__ import annotations

import logging
import re

# 18-digit resident ID (last may be X), 15-digit old ID, mainland mobile numbers.
_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)|(?<!\d)(\d{6})\d{6}(\d{3})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask(text: str) -> str:
    """'13812345678' -> '138****5678'; '110101199003071234' -> '110101********1234'."""
    if not text:
        return text
    text = _ID_CARD.sub(lambda m: (m.group(1) or m.group(3)) + "*" * (8 if m.group(1) else 6)
                        + (m.group(2) or m.group(4)), text)
    return _MOBILE.sub(r"\1****\2", text)


_installed = False


def install_log_masking() -> None:
    """Mask personal data in every log record of this process, whatever logger or
    handler emits it (a record factory, so later logging configuration keeps it)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:
            return record
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
