"""The gunicorn servers of bench/public.py and the load measured against them.

A :class:`Server` is a gunicorn master with its sync workers on a free loopback port, in its own
process group (so that stopping it, or killing it when it does not stop, reaches every worker),
with a small config whose ``post_request`` hook notes which worker served which warm-up request.
:func:`warm` requests every page until every worker has served it; :func:`measure` drives a set
of targets in interleaved rounds with a load generator from ``bench/load.py``; :func:`fetch` is
one GET; :func:`cpu_times` reads the machine's steal time around the load.
"""
from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from platforms import LANGUAGE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WARM_BUDGET = 600  # seconds at most to warm one server
# Written next to each server: gunicorn calls ``post_request`` after every request anyway (the
# default does nothing); this one also notes which worker served a warm-up request (a request
# with the X-Bench-Warm header, which the load generators never send), so that warming can go on
# until every worker has served every page. Measured requests pay one dict lookup for it.
HOOK = """# written by bench/public.py for one benchmark server
import os

_DIR = {marks!r}


def post_request(worker, req, environ, resp):
    mark = environ.get("HTTP_X_BENCH_WARM")
    if mark:
        fd = os.open(os.path.join(_DIR, "served-%d" % os.getpid()), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, mark.encode() + b"\\n")
        finally:
            os.close(fd)
"""


def free_ports(count: int) -> list[int]:
    """``count`` distinct free loopback ports (all held open until every one is chosen)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def cpu_times() -> tuple[int, int]:
    """``(steal, total)`` CPU ticks of the machine so far: steal is time the hypervisor gave to
    other guests, a measure of how much the shared machine was busy elsewhere."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields)



class Server:
    """A gunicorn master with ``workers`` sync workers on a loopback port, in its own process group:
    :meth:`start` starts it, :meth:`wait_ready` waits until it answers, :meth:`stop` stops it."""

    def __init__(self, label: str, app_spec: str, workers: int, env: dict, ready: tuple[str, str], scratch: str, port: int):
        self.label, self.app_spec, self.workers, self.env, self.ready, self.port = label, app_spec, workers, env, ready, port
        self.marks = tempfile.mkdtemp(prefix="server-", dir=scratch)
        self.process: subprocess.Popen | None = None
        self.warm_calls = 0

    def start(self) -> None:
        """Write the server's gunicorn config and start the master in a new session (its own process group)."""
        config = os.path.join(self.marks, "gunicorn_conf.py")
        with open(config, "w", encoding="utf-8") as f:
            f.write(HOOK.format(marks=self.marks))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", config, "-k", "sync", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--chdir", ROOT, "--pythonpath", f"{ROOT},{os.path.join(ROOT, 'bench')}", self.app_spec],
            env={**os.environ, **self.env}, stdout=subprocess.DEVNULL, start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        """Wait until the server answers its ``ready`` page; RuntimeError when it exits or ``timeout`` passes first."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                fetch(self.port, *self.ready)
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"{self.label} server did not start") from None
                time.sleep(0.2)

    def worker_pids(self) -> list[int]:
        """The pids of the master's children (its workers), from /proc."""
        pids = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                        pids.append(int(pid))
            except (OSError, ValueError, IndexError):
                continue
        return pids

    def worker_rss_mb(self) -> float:
        """The largest resident set of this server's workers, in MB."""
        largest = 0
        for pid in self.worker_pids():
            try:
                with open(f"/proc/{pid}/status") as f:
                    largest = max(largest, next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")))
            except (OSError, StopIteration, ValueError):
                continue
        return round(largest / 1024, 1)

    def served(self) -> dict[int, set[str]]:
        """Per worker pid, the warm-up marks it has served."""
        result: dict[int, set[str]] = {}
        for name in os.listdir(self.marks):
            if name.startswith("served-"):
                with open(os.path.join(self.marks, name), encoding="utf-8") as f:
                    # A line still being written has no newline yet: it counts on the next look.
                    result[int(name[len("served-"):])] = {line[:-1] for line in f if line.endswith("\n")}
        return result

    def terminate(self) -> None:
        """Send SIGTERM to the master, if it is running (gunicorn then stops its workers); do not wait."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        """Stop the server and wait: SIGTERM, then SIGKILL to its whole process group after 20 s."""
        if self.process is None:
            return
        self.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: the master and its workers
            except ProcessLookupError:
                pass
            self.process.wait()


def stop_all(servers) -> None:
    """Stop every server of ``servers``: all of them asked to stop first, then each waited for."""
    servers = list(servers)
    for server in servers:
        server.terminate()
    for server in servers:
        server.stop()


def fetch(port: int, host: str, path: str, headers: dict | None = None):
    """``(status, headers, body)`` of one GET to 127.0.0.1."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Host": host, "Accept-Language": LANGUAGE, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def warm(server: Server, requests, connections: int) -> dict:
    """Request the pages of ``requests`` until every worker of ``server`` has served each of them
    at least once (for at most WARM_BUDGET seconds). The first pass requests each page once; each
    later pass requests each page that some worker still lacks once per worker, back to back, so
    that the concurrent copies reach different workers."""
    started, sent, passes = time.monotonic(), 0, 0
    server.warm_calls += 1  # marks of an earlier call do not count for this one
    wanted = [f"{server.warm_calls}:{n}" for n in range(len(requests))]

    def page(mark: str) -> tuple[str, str]:
        return requests[int(mark.split(":")[1])][:2]

    def lacking(pids: list[int]) -> list[str]:
        served = server.served()
        return [mark for mark in wanted if any(mark not in served.get(pid, ()) for pid in pids)]

    batch, missing = wanted, wanted
    while batch and time.monotonic() - started < WARM_BUDGET:
        with ThreadPoolExecutor(connections) as pool:
            statuses = list(pool.map(lambda mark: fetch(server.port, *page(mark), {"X-Bench-Warm": mark})[0], batch))
        sent, passes = sent + len(batch), passes + 1
        for mark, status in zip(batch, statuses):
            if status != 200:
                host, path = page(mark)
                raise RuntimeError(f"{server.label}: {host}{path} answered {status}")
        pids = server.worker_pids()
        if not pids:
            raise RuntimeError(f"{server.label}: the server has no workers")
        missing = lacking(pids)
        if missing:
            time.sleep(0.05)  # the hook writes its mark after the response: let the last ones land
            missing = lacking(pids)
        batch = [mark for mark in missing for _ in pids]
    return {"pages": len(requests), "requests": sent, "passes": passes, "seconds": round(time.monotonic() - started, 1),
            "complete": not missing}


def measure(run, targets: list, slice_seconds: float, rounds: int, connections: int) -> list[list[dict]]:
    """Measure each ``(server, requests)`` target for ``rounds`` slices of ``slice_seconds``, all
    targets in every round, in alternating order (forward, then backward), so that a burst of load
    from elsewhere on the machine, or a slow drift, hits every target alike. Returns each target's
    slices; slice ``r`` of every target belongs to round ``r`` (see :func:`summarise`)."""
    parts: list[list[dict]] = [[] for _ in targets]
    for r in range(rounds):
        order = range(len(targets)) if r % 2 == 0 else reversed(range(len(targets)))
        for index in order:
            server, requests = targets[index]
            parts[index].append(run(server.port, requests, slice_seconds, connections))
    return parts


def summarise(slices: list[dict], rss_mb: float) -> dict:
    """One target's figures from its slices: req/s over all of them, p50 the median of the slices'
    p50s, p99 the worst slice's p99, and every slice's req/s."""
    return {
        "rps": round(sum(s["requests"] for s in slices) / sum(s["elapsed"] for s in slices), 1),
        "p50_ms": round(statistics.median(s["p50_ms"] for s in slices), 2), "p99_ms": round(max(s["p99_ms"] for s in slices), 2),
        "requests": sum(s["requests"] for s in slices), "errors": sum(s["errors"] for s in slices),
        "rss_mb": rss_mb, "slices_rps": [round(s["rps"], 1) for s in slices],
    }
