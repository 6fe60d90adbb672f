"""Request-id aware log records, as text (dev) or JSON lines (T&I, PRD)."""

import contextvars
import json
import logging
import sys

request_id_var = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class GunicornAccessFilter(logging.Filter):
    """gunicorn's access line with the fields of our own request line (its atoms are the record's args)."""

    def filter(self, record):
        atoms = record.args if isinstance(record.args, dict) else {}
        record.request_id = atoms.get("{x-request-id}o") or "-"
        if atoms:
            record.method, record.path, record.status = atoms.get("m"), atoms.get("U"), atoms.get("s")
        return True


class JsonFormatter(logging.Formatter):
    EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "audit")

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        entry.update({key: getattr(record, key) for key in self.EXTRA_FIELDS if hasattr(record, key)})
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_uncaught_exceptions():
    """An exception nobody caught is logged (one JSON line in T&I/PRD), not printed as a bare traceback."""

    def hook(kind, value, traceback):
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, traceback)
            return
        logging.getLogger("ncregister").critical("uncaught exception", exc_info=(kind, value, traceback))

    sys.excepthook = hook
