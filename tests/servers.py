"""Real servers for the tests that need more than the test client: gunicorn, workers, an S3
API (moto's server), PostgreSQL and a mail server.

Each helper starts a process the test owns and stops it on exit, whatever happened.
"""

import http.client
import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import boto3
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def redis_url(db):
    """Redis database ``db`` of this machine's server, for a test that flushes it.

    ``TEST_REDIS_DB_OFFSET`` moves every test's database by the same amount: CI runs the SQLite
    and the PostgreSQL suites at once (``.ci/run``), and neither may flush the other's.
    """
    return f"redis://127.0.0.1:6379/{db + int(os.environ.get('TEST_REDIS_DB_OFFSET', '0'))}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**overrides):
    """What cms.settings.production needs to start, for a server on this machine."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "a-test-server-secret-key-that-is-long-and-random-enough-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FORM_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(overrides)
    return env


def collectstatic(env):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode(errors="replace")

    def json(self):
        return json.loads(self.body)


def request(port, path, method="GET", body=None, headers=None, timeout=30):
    """One request as a proxy terminating HTTPS would forward it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            method,
            path,
            body=body,
            headers={"X-Forwarded-Proto": "https", **(headers or {})},
        )
        response = conn.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        conn.close()


@contextmanager
def gunicorn(env, log_path, workers=1, app="cms.wsgi"):
    """``gunicorn app`` on a free port with ``env``; yields the port once ``/healthz`` answers.

    Shared by the tests and the scripts in bench/.
    """
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", app, "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--log-level", "warning"]
    with serving(command, env, log_path, port):
        yield port


@contextmanager
def runserver(env, log_path):
    """``manage.py runserver`` on a free port, as `make run` serves the admin: threaded, so an
    editor's autosave and preview requests run side by side. Yields the port."""
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks"]
    with serving([*command, f"127.0.0.1:{port}"], env, log_path, port):
        yield port


@contextmanager
def db_worker(env, log_path, backend="webhooks"):
    """A worker as `make run` and `make worker` start it: ``webhooks`` sends deliveries,
    ``cache`` re-renders the API answers a change made stale (with a shared cache), ``media``
    makes images' renditions."""
    command = [sys.executable, "manage.py", "db_worker", "--backend", backend, "--no-reload"]
    if backend == "cache":
        command += ["--interval", "0.2"]
    with running(command, env, log_path) as process:
        yield process


@contextmanager
def moto_s3(log_path):
    """moto's S3 server on a free port of 127.0.0.1, a process of its own; yields its URL."""
    port = free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    endpoint = f"http://127.0.0.1:{port}"
    with running(command, os.environ, log_path) as process:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError as exc:
                if time.monotonic() > deadline or process.poll() is not None:
                    log = Path(log_path).read_text()
                    raise RuntimeError(f"moto's S3 server did not start:\n{log}") from exc
                time.sleep(0.2)
        yield endpoint


class _SMTPSession(socketserver.StreamRequestHandler):
    """One client's SMTP session (RFC 5321's commands a Django mail backend sends, no TLS, no
    AUTH): each message is appended to the server's ``messages`` as its raw text."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith("DATA"):
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data.decode(errors="replace"))
                self.server.messages.append("".join(lines))
                self.reply("250 queued")
            elif command.startswith("QUIT"):
                self.reply("221 bye")
                return
            else:  # EHLO, HELO, MAIL FROM, RCPT TO, RSET, NOOP
                self.reply("250 ok")


@contextmanager
def smtp_sink():
    """A mail server on a free port of 127.0.0.1, in a thread: it takes every message and
    keeps it. Yields ``(port, messages)``, the raw text of each message received."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPSession)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.messages
    finally:
        server.shutdown()
        server.server_close()


def bucket_policy(bucket):
    """docs/production.md's bucket policy: anyone may read renditions, nobody else anything."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRenditions",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/images/*",
            }
        ],
    }


def create_bucket(endpoint, name, credentials):
    """Bucket ``name`` on the S3 API at ``endpoint`` (``moto_s3()``'s), with the policy
    docs/production.md gives; ``credentials`` as the settings name them
    (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``). Returns the boto3 client."""
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name)
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(bucket_policy(name)))
    return client


@contextmanager
def running(command, env, log_path):
    """``command`` in ROOT, its output appended to ``log_path``; stopped on exit."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serving(command, env, log_path, port):
    """``command`` running a server on ``port``, once ``/healthz`` answers."""
    with running(command, env, log_path) as process:
        name = " ".join(command[1:3])  # "-m gunicorn", "manage.py runserver"
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{Path(log_path).read_text()}")
            try:
                request(port, "/healthz", timeout=5)
                break
            except OSError as exc:
                if time.monotonic() > deadline:
                    log = Path(log_path).read_text()
                    raise RuntimeError(f"{name} did not answer:\n{log}") from exc
                time.sleep(0.2)
        yield


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own, in a temporary directory, on a free port.

    PostgreSQL will not run as root, so as root the cluster belongs to the ``postgres`` user.
    Durability is switched off: the data is thrown away.
    """

    def __init__(self):
        self.bin = POSTGRES_BINARIES[-1].parent
        self.dir = Path(tempfile.mkdtemp(prefix="cms-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync")

    def _run(self, tool, *args):
        command = [str(self.bin / tool), *map(str, args)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self):
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", self.dir / "log", "-w", "start")

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def remove(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.dir, ignore_errors=True)
