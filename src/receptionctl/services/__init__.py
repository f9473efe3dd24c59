"""Services: the infrastructure any front end calls, below the command line and beside render.

- `keys`: the key file of the sensitive fields (found, created, read) and the crash-safe
  order of a key rotation around domain/core/keys.py's one transaction;
- `hooks`: the executables of the hooks folder, run with each committed event;
- `mail`: the mail server setting, a mail, and handing it to the server;
- `notify`: sending the queued notifications, one at a time, each in its own transactions.

A service takes plain arguments (paths, setting values, a session factory, the actor), never
reads the command line's options, never prints: it returns what it did or raises an error
of `receptionctl.errors`; the words for people around it are the front end's. A session
factory is anything called like `Database.session(write=False)` (the command line passes
its `State.session`, which also runs the hooks after a commit).

`lint-imports` keeps the arrows: cli -> services -> domain -> store -> errors; services and
render never import each other, and services never import cli.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Callable

SessionFactory = Callable[..., AbstractContextManager[Any]]
