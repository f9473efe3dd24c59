"""The server's logs: uvicorn's, with nothing secret in them.

A password travels in a POST body and a session in a cookie: uvicorn's access log shows
neither (it writes the client, the request line, the status). The request line's query
string is dropped as well, so that a password or a token put in an address by mistake is not
written either: the log shows the path alone. A calendar address carries its secret in the path
(`/calendar/<token>.ics`): the log shows `/calendar/….ics` instead.
"""

from __future__ import annotations

import copy
import logging
import re

# a person's calendar address (web/calendar.py), or anything under /calendar/ but the page's
# own forms: a token typed without its .ics, or with more after it, is hidden too
SECRET_PATH = re.compile(r"^/+calendar/+(?!(?:new|revoke)$).+", re.IGNORECASE)
HIDDEN = "/calendar/….ics"


def shown_path(path: str) -> str:
    """A request's path as the log shows it: without its query string, nor a calendar's token."""
    return SECRET_PATH.sub(HIDDEN, path.split("?", 1)[0])


class PathOnly(logging.Filter):
    """An access log record's path without its query string nor a calendar's token (uvicorn's
    access record's args are client, method, path with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], shown_path(args[2]), args[3], args[4])
        return True


def log_config() -> dict:
    """uvicorn's logging configuration with the PathOnly filter on the access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["path_only"] = {"()": PathOnly}
    config["handlers"]["access"]["filters"] = ["path_only"]
    return config
