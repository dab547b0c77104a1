"""No unmasked personal number reaches CloudWatch (R-COMP-4): a filter on every handler's logger.

Handlers log ids, never bodies; this is the second line of defence, for an exception message or
an `extra` value that quotes a customer. Message, arguments, exception text and string extras are
masked with pii.yaml's rules. The policy is read on the first record, not at import, so cold
starts do not pay for it.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

_STANDARD = frozenset(vars(logging.makeLogRecord({})))


@cache
def _mask() -> Any:
    from policies.pii import load_pii_policy

    return load_pii_policy().mask


class PersonalNumberFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        mask = _mask()
        record.msg = mask(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            kind, error, traceback = record.exc_info
            # Same name, same traceback (code lines only), masked message: the log stays useful.
            stand_in = type(kind.__name__, (Exception,), {"__module__": kind.__module__})
            record.exc_info = (stand_in, stand_in(mask(str(error))), traceback)
            record.exc_text = None
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and isinstance(value, str):
                setattr(record, name, mask(value))
        return True


def mask_personal_numbers(logger: Any) -> Any:
    """Attach the filter (to a Powertools Logger or a logging.Logger); returns the logger."""
    logger.addFilter(PersonalNumberFilter())
    return logger
