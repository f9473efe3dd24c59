"""The web front desk's server time (issue 27, item 8): the board (/), the daily report's page
(/report) and a visit's page (/visits/ID), each requested N times (200) by a signed-in
coordinator through Starlette's in-process test client, on a bench database.

What is timed is the server's part of each request: from the moment the app is called to the
end of the response body (an ASGI wrapper around the app), the test client's own work left
out. The app is made once, before the first request, as `receptionctl serve` makes it; one
request of each page warms it (the calendar cache, the templates), then the timed ones run.
The median and the 95th percentile are printed in milliseconds beside the target (p95 at most
50 ms), and how many modules the timed requests imported (none: everything is imported at
start-up). A page's read model is kept while nothing changes (web/base.py, Page.kept), so the
200 requests are what a desk's refreshed board costs; each page is also timed read afresh (the
kept model dropped before each of 20 requests), the first view after a change, with no target.

    python -m bench.web DB [--requests N] [--visit ID]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import datetime

TARGET_MS = 50.0
# Each page is also read afresh (its kept read model dropped before each request, as after a
# change of the database): the first view after a check-in. Printed beside, with no target.
AFRESH = 20
USER, PASSWORD = "staff0", "bench-password-1"  # staff0 is a coordinator of bench/synthetic.py's team


class Timed:
    """ASGI: the app, with the time of each request's server part kept in `times` (seconds)."""

    def __init__(self, app) -> None:
        self.app = app
        self.times: list[float] = []

    async def __call__(self, scope, receive, send) -> None:
        start = time.perf_counter()

        async def timed_send(message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.times.append(time.perf_counter() - start)

        await self.app(scope, receive, timed_send)


def set_password(target: str, now: datetime) -> None:
    """The coordinator's password, set through the domain as `staff password` sets it."""
    from receptionctl.domain.core import clock
    from receptionctl.domain.people import passwords
    from receptionctl.services import runs

    clock.pin(now)
    db = runs.open_database(target)
    try:
        with runs.work(db, write=True) as session:
            passwords.set_password(session, "admin", USER, PASSWORD)
    finally:
        db.dispose()


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 200 requests: the 190th fastest)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def measure(target: str, now: datetime, requests: int = 200, visit: int = 5) -> dict[str, tuple[float, float]]:
    """{page: (median ms, p95 ms)} of `requests` requests of each page, signed in as the coordinator."""
    from starlette.testclient import TestClient

    from receptionctl.domain.core import clock
    from receptionctl.web.app import create_app

    set_password(target, now)
    clock.pin(now)
    timed = Timed(create_app(target, secret="a bench secret, long enough to sign with"))
    pages = {"board /": "/", "report /report": "/report", f"visit /visits/{visit}": f"/visits/{visit}"}
    results = {}
    with TestClient(timed, base_url="http://testserver", headers={"accept-language": "zh-CN"}) as client:
        login = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        signed = client.post("/login", data={"username": USER, "password": PASSWORD, "csrf_token": token})
        if signed.url.path != "/":
            raise SystemExit(f"the bench could not sign in as {USER}: {signed.status_code}")
        for path in pages.values():  # warm: the calendar, the templates
            page = client.get(path)
            if page.status_code != 200:
                raise SystemExit(f"{path} answered {page.status_code}")
        modules = len(sys.modules)
        kept = timed.app.state.web.pages  # the pages' read models the app keeps (web/base.py, Page.kept)
        for name, path in pages.items():
            timed.times.clear()
            for _ in range(requests):
                client.get(path)
            ms = [t * 1000 for t in timed.times]
            results[name] = (statistics.median(ms), percentile(ms, 0.95))
        for name, path in pages.items():  # read afresh, as after a change: nothing kept
            timed.times.clear()
            for _ in range(AFRESH):
                kept.clear()
                client.get(path)
            ms = [t * 1000 for t in timed.times]
            results[f"{name}, read afresh"] = (statistics.median(ms), percentile(ms, 0.95))
        results["modules imported by the requests"] = (len(sys.modules) - modules, 0)
    clock.pin(None)
    return results


def report(results: dict, requests: int) -> int:
    """Print the figures; 1 when a page's p95 is over the target."""
    print(f"  {'page':36} {'median':>8} {'p95':>8}  (ms, {requests} requests each, target p95 <= {TARGET_MS:g} ms)")
    status = 0
    for name, (median, p95) in results.items():
        if name.startswith("modules"):
            print(f"  {name}: {median}")
            continue
        flag = "" if name.endswith("read afresh") else "ok" if p95 <= TARGET_MS else "OVER"
        status |= flag != "ok"
        print(f"  {name:36} {median:8.1f} {p95:8.1f}  {flag}")
    return status


def main() -> int:
    from bench.run import NOW

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a bench database (python -m bench.run --keep DIR builds DIR/plain.db)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--visit", type=int, default=5)
    args = parser.parse_args()
    return report(measure(args.db, NOW, args.requests, args.visit), args.requests)


if __name__ == "__main__":
    sys.exit(main())
