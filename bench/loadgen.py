"""What the bench scripts share: Django on a throwaway SQLite file, a throwaway PostgreSQL
database and a threaded HTTP load."""

import http.client
import os
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


def percentile(sorted_values, fraction):
    """The value at ``fraction`` of ``sorted_values`` (seconds), in milliseconds."""
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))] * 1000
