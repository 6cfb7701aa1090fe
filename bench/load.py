"""Load generators over loopback: wrk (Debian package ``wrk``) with a Lua script, or a Python
fallback. Both send a fixed list of requests (Host header, path, optional If-None-Match) in
turn, for a bounded time, and report requests per second, p50 and p99 latency."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

LUA = """
local reqs = {
%s
}
local i = 0
request = function()
  i = i %% #reqs + 1
  local r = reqs[i]
  local headers = {["Host"] = r[1], ["Accept-Language"] = "zh-CN,zh;q=0.9"}
  if r[3] ~= "" then headers["If-None-Match"] = r[3] end
  return wrk.format("GET", r[2], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, "errors": %%d, "bad_status": %%d, "p50_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(port: int, requests: list[tuple[str, str, str]], seconds: float, connections: int) -> dict:
    """Drive 127.0.0.1:``port`` with wrk for ``seconds``."""
    rows = ",\n".join(f"{{{_lua_string(h)}, {_lua_string(p)}, {_lua_string(e)}}}" for h, p, e in requests)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % rows)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s", "-s", script.name,
             f"http://127.0.0.1:{port}/"],
            capture_output=True, text=True, timeout=seconds + 30, check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON "):])
    seconds_taken = data["duration_us"] / 1e6
    return {"rps": data["requests"] / seconds_taken, "p50_ms": data["p50_us"] / 1000, "p99_ms": data["p99_us"] / 1000,
            "requests": data["requests"], "errors": data["errors"] + data["bad_status"], "elapsed": seconds_taken}


def run_python(port: int, requests: list[tuple[str, str, str]], seconds: float, connections: int) -> dict:
    """The same measurement with threads and http.client (when wrk is not installed)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int):
        n = offset
        mine, bad = [], 0
        while time.monotonic() < deadline:
            host, path, etag = requests[n % len(requests)]
            n += 1
            headers = {"Host": host, "Accept-Language": "zh-CN,zh;q=0.9"}
            if etag:
                headers["If-None-Match"] = etag
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status >= 400:
                    bad += 1
            except OSError:
                bad += 1
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k * 7,)) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pick(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0

    return {"rps": len(latencies) / elapsed, "p50_ms": pick(0.50), "p99_ms": pick(0.99), "requests": len(latencies),
            "errors": errors[0], "elapsed": elapsed}


def load_generator(prefer: str = "auto"):
    """``(name, function)``: wrk when available (or asked for), else the Python one."""
    if prefer == "python" or (prefer == "auto" and shutil.which("wrk") is None):
        return "python", run_python
    return "wrk", run_wrk
