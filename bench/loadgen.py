"""What the bench scripts share: Django on a throwaway SQLite file, a throwaway PostgreSQL
database, a threaded HTTP load and one driven by ``wrk``."""

import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def setup_django_on_scratch_sqlite(prefix):
    """Set Django up in this process with the test settings, on a SQLite file and a media
    directory in a new temporary directory (named ``prefix``...), without Redis; returns that
    directory. The caller migrates."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="cms.settings.test",
        DATABASE_URL=f"sqlite:///{scratch / 'db.sqlite3'}",
        TEST_MEDIA_ROOT=str(scratch / "media"),
        REDIS_URL="",
    )
    import django

    django.setup()
    return scratch


def recreate_database(url, drop_only=False):
    """Drop the database ``url`` names (and create it afresh unless ``drop_only``)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def load(port, paths, duration, concurrency, headers=None):
    """GET ``paths`` round-robin from ``concurrency`` threads for ``duration`` seconds.

    Each thread keeps one connection (http.client reopens it when gunicorn's sync workers
    close it) and times every request from sending it to reading the last byte. Returns the
    wall time, the latencies of the 200s, a description of each failure and the count of
    ``X-Cache: hit`` answers.
    """
    deadline = time.perf_counter() + duration
    results = []

    def worker(offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies, failures, hits = [], [], 0
        turn = offset
        while True:
            started = time.perf_counter()
            if started >= deadline:
                break
            path = paths[turn % len(paths)]
            turn += 1
            try:
                conn.request("GET", path, headers=headers or {})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                failures.append(f"{path}: {exc!r}")
                conn.close()
                continue
            if response.status == 200:
                latencies.append(time.perf_counter() - started)
                hits += response.getheader("X-Cache") == "hit"
            else:
                failures.append(f"{path}: HTTP {response.status}")
        conn.close()
        results.append((latencies, failures, hits))

    started = time.perf_counter()
    threads = [
        threading.Thread(target=worker, args=(offset * len(paths) // concurrency,))
        for offset in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "wall": time.perf_counter() - started,
        "latencies": [latency for result in results for latency in result[0]],
        "failures": [failure for result in results for failure in result[1]],
        "hits": sum(result[2] for result in results),
    }


def drain(port, connections, path="/healthz"):
    """Wait until the server has finished what a load left behind.

    wrk stops at its deadline without waiting for the answers under way, which the server still
    renders; ``connections`` cheap requests sent at once are answered only after them.
    """

    def ask():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request("GET", path)
            conn.getresponse().read()
        finally:
            conn.close()

    threads = [threading.Thread(target=ask) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_rotate.lua"


def wrk_load(port, paths, duration, connections, threads=1, headers=None, workdir=None):
    """GET ``paths`` in turn with ``wrk`` (``bench/wrk_rotate.lua``) for ``duration`` seconds
    (whole seconds: wrk takes no fractions), keeping ``connections`` open from ``threads``
    threads.

    Returns, as :func:`load` does, the wall time, one description per failure (answers other
    than 2xx, and wrk's socket errors and timeouts) and the count of ``X-Cache: hit`` answers;
    instead of every latency, the count of 2xx answers and ``weighted``: wrk's latency
    quantiles from 0.5% to 99.5%, each with the share of answers it stands for (answers other than 2xx, and wrk's socket errors and
    timeouts) and the count of ``X-Cache: hit`` answers.
    """
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (apt-get install wrk), or use --client python")
    with tempfile.NamedTemporaryFile("w", suffix=".paths", dir=workdir, delete=False) as file:
        file.write("\n".join(paths) + "\n")
    try:
        command = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            "--timeout",
            "60s",
            "-s",
            str(WRK_SCRIPT),
            f"http://127.0.0.1:{port}",
            "--",
            file.name,
            *(f"{name}: {value}" for name, value in (headers or {}).items()),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(file.name)
    line = next((line for line in output.splitlines() if line.startswith("WRK_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no summary:\n{output}")
    numbers = json.loads(line.removeprefix("WRK_JSON "))
    failures = ["an answer not 2xx"] * numbers["non_2xx"]
    for kind in ("connect_errors", "read_errors", "write_errors", "timeouts"):
        failures += [f"wrk {kind.replace('_', ' ')}"] * numbers[kind]
    weight = numbers["ok"] / len(numbers["quantiles_us"])
    return {
        "wall": numbers["seconds"],
        "requests": numbers["ok"],
        "weighted": [(value / 1e6, weight) for value in numbers["quantiles_us"]],
        "failures": failures,
        "hits": numbers["hits"],
    }


def percentile(sorted_values, fraction):
    """The value at ``fraction`` of ``sorted_values`` (seconds), in milliseconds."""
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))] * 1000


def weighted_percentile(weighted, fraction):
    """The value at ``fraction`` of ``(seconds, weight)`` pairs sorted by value, in ms."""
    total = sum(weight for _, weight in weighted)
    if not total:
        return float("nan")
    seen = 0
    for value, weight in weighted:
        seen += weight
        if seen >= fraction * total:
            return value * 1000
    return weighted[-1][0] * 1000
