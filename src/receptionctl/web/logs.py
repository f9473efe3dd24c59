"""The server's logs: uvicorn's, with nothing secret in them.

A password travels in a POST body and a session in a cookie: uvicorn's access log shows
neither (it writes the client, the request line, the status). The request line's query
string is dropped as well, so that a password or a token put in an address by mistake is not
written either: the log shows the path alone.
"""

from __future__ import annotations

import copy
import logging


class PathOnly(logging.Filter):
    """An access log record's path without its query string (uvicorn's access record's args are
    client, method, path with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def log_config() -> dict:
    """uvicorn's logging configuration with the PathOnly filter on the access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["path_only"] = {"()": PathOnly}
    config["handlers"]["access"]["filters"] = ["path_only"]
    return config
