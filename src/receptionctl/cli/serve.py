"""receptionctl serve: the web front desk (receptionctl/web/) under uvicorn."""

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from receptionctl.cli.common import calendar_cache, run_hooks, state, whole
from receptionctl.i18n import _

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="The address to listen on. The default serves this computer "
                                      "only; another (0.0.0.0: every network) without TLS or a proxy prints a "
                                      "warning.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", parser=whole(1, 65535), metavar="PORT",
                                      help="The port to listen on.")] = 8080,
    proxy_headers: Annotated[bool, typer.Option("--proxy-headers", help="Behind a reverse proxy (nginx with TLS): "
                                                "trust its X-Forwarded-Proto and X-Forwarded-For, from the addresses "
                                                "of --forwarded-allow-ips.")] = False,
    forwarded_allow_ips: Annotated[Optional[str], typer.Option(
        "--forwarded-allow-ips", metavar="ADDRESSES", help="The proxy's addresses whose forwarded headers are "
        "trusted, comma-separated (default 127.0.0.1).")] = None,
    ssl_certfile: Annotated[Optional[Path], typer.Option("--ssl-certfile", metavar="FILE", help="Serve over TLS "
                                                         "with this certificate (PEM); needs --ssl-keyfile.")] = None,
    ssl_keyfile: Annotated[Optional[Path], typer.Option("--ssl-keyfile", metavar="FILE", help="The certificate's "
                                                        "private key (PEM).")] = None,
) -> None:
    from receptionctl.errors import BadInput
    from receptionctl.render.output import say, warn
    from receptionctl.services import runs

    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise BadInput(_("--ssl-certfile and --ssl-keyfile go together: expected both or neither"))
    for path in (ssl_certfile, ssl_keyfile):
        if path is not None and not path.is_file():
            raise BadInput(_("{path} is not a readable file").format(path=path))
    tls = ssl_certfile is not None
    if host not in LOOPBACK and not (tls or proxy_headers):
        warn(_("serving {host} without TLS: passwords and sessions cross the network in clear; serve it behind "
               "a proxy with TLS (--proxy-headers) or give --ssl-certfile and --ssl-keyfile").format(host=host))
    st = state(ctx)
    calendar_cache()
    with runs.work(st.db):  # the database is there and at the schema this version needs (else exit 5)
        pass
    import uvicorn

    from receptionctl.web.app import SECRET_ENV, create_app
    from receptionctl.web.logs import log_config

    app = create_app(st.db_target, secret=os.environ.get(SECRET_ENV), key_env=os.environ.get(runs.KEY_ENV),
                     after_commit=run_hooks, busy_timeout=runs.busy_timeout(os.environ.get(runs.BUSY_TIMEOUT_ENV)))
    scheme = "https" if tls else "http"
    say(_("the front desk is at {url} (Ctrl-C stops it)").format(url=f"{scheme}://{host}:{port}/"))
    uvicorn.run(app, host=host, port=port, proxy_headers=proxy_headers,
                forwarded_allow_ips=forwarded_allow_ips or "127.0.0.1",
                ssl_certfile=str(ssl_certfile) if tls else None, ssl_keyfile=str(ssl_keyfile) if tls else None,
                log_config=log_config(), server_header=False)
