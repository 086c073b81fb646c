"""How soon the Checks panel shows an editor's new grade, and what one check costs the server.

Run from the project root::

    .venv/bin/python bench/live_checks_bench.py [--runs 10 --sections 30 --blocks 200
        --busy 0 --no-browser --profile]

On a throwaway SQLite file (bench/loadgen.py) it builds one long article: ``--sections`` H2
sections over ``--blocks`` blocks (headings, paragraphs, callouts, accordions, images). Then:

1. **The server**, in this process with Django's test client: the two requests behind one
   update of the Checks panel (docs/content-checks.md), for that article with one sentence
   changed: the preview panel's POST of the edit form and the GET of the preview the checks run
   on; the median and slowest of ``--runs``, and the SQL queries of each. ``--profile`` prints
   where one GET spends its time (cProfile).
2. **The browser**: ``manage.py runserver`` serves the admin, Chromium (tests/browser.py) opens
   the article's editor and its Checks panel, and ``--runs`` times types a long sentence at the
   end of a paragraph, each time in another section, and times from the last keystroke to the
   panel showing the section's new grade, split into the wait before the preview panel posts
   the form (Draftail, Wagtail's change check and preview delay), the requests (the POST, then
   the preview loaded in its frame) and the render (axe's checks in the frame, the panel
   filled in by articles/js/live_checks.js).

``--busy N`` keeps N more processes busy on the CPU while the browser types: a loaded machine.
Nothing is asserted; it prints figures. Autosave is on, as an editor has it.
"""

import argparse
import cProfile
import functools
import io
import os
import pstats
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402

LONG_SENTENCE = (
    " Comprehensive multidisciplinary rehabilitation incorporating pharmacological "
    "optimisation, interventional procedures and graded physiotherapeutic reconditioning "
    "demonstrates considerable effectiveness regarding functional restoration."
)
WORDS = (
    "pain nerve relief dose clinic patient treatment daily movement sleep rest walk "
    "heat ice stretch gentle plan goal week month doctor nurse help pill breath calm body"
).split()

# Recorded in the editor's window (every frame runs it; only the top one records): the last
# keystroke, each POST of the preview panel, each preview loaded in its frame, and each time
# the Checks panel has shown the checks of a new preview. Times are milliseconds since the epoch.
INSTRUMENT = """
if (window === window.top) {
  const now = () => performance.timeOrigin + performance.now();
  const bench = (window.__bench = { lastKey: 0, posts: [], loaded: [], shown: [] });
  document.addEventListener('keydown', () => { bench.lastKey = now(); }, true);
  const originalFetch = window.fetch;
  window.fetch = function (resource, options) {
    const answer = originalFetch.apply(this, arguments);
    if (options?.method === 'POST' && String(resource).includes('/preview/')) {
      const post = { start: now() };
      bench.posts.push(post);
      answer.then(() => { post.end = now(); });
    }
    return answer;
  };
  document.addEventListener('w-preview:loaded', () => bench.loaded.push(now()));
  // After every listener of the event, articles/js/live_checks.js's among them, has run.
  document.addEventListener('w-preview:content', () => queueMicrotask(() => {
    const section = document.querySelector('[data-live-reading-section]')?.textContent;
    bench.shown.push({ at: now(), section });
  }));
}
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sections", type=int, default=30)
    parser.add_argument("--blocks", type=int, default=200)
    parser.add_argument("--busy", type=int, default=0, help="CPU-bound processes beside")
    parser.add_argument("--no-browser", action="store_true", help="the server's part only")
    parser.add_argument("--profile", action="store_true", help="cProfile one preview GET")
    return parser.parse_args()


# The article


def long_body(sections, blocks, image_id, seed=1):
    """A body in StreamField's stored form: ``sections`` H2 sections over ``blocks`` blocks,
    each section a heading, paragraphs, and now and then a callout, an accordion or an image."""
    from articles import body

    rng = random.Random(seed)

    def sentence():
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."

    def html():
        return "<p>" + " ".join(sentence() for _ in range(4)) + "</p>"

    per_section = blocks // sections
    children = []
    for number in range(sections):
        children.append(body.heading(f"Part {number + 1}: {sentence()[:-1]}"))
        for index in range(1, per_section + (number < blocks % sections)):
            kind = index % 7
            if kind == 3:
                children.append(body.callout(html(), variant="tip"))
            elif kind == 5:
                items = [(sentence(), html()) for _ in range(3)]
                children.append(body.accordion(items, title="Questions"))
            elif kind == 6:
                children.append(body.image(image_id, alt_text="A calm treatment room"))
            else:
                children.append(body.paragraph(html()))
    return children


@functools.cache
def draftail(source):
    """Rich text as Draftail posts it. Remembered: the converter gives each paragraph a new
    random key, while Draftail keeps a block's key as the editor types, so every form posted
    from one editor holds the same HTML for a block the editor has not changed."""
    from wagtail.test.utils.form_data import rich_text

    from headless.blocks import RICH_TEXT_FEATURES

    return rich_text(source, features=RICH_TEXT_FEATURES)


def form_value(child):
    """A stored block's value as the editor's form posts it (Draftail's JSON for rich text)."""
    text = draftail
    kind, value = child["type"], child["value"]
    if kind == "paragraph":
        return text(value)
    if kind == "callout":
        return {**value, "text": text(value["text"])}
    if kind == "image":
        return {**value, "decorative": ""}
    if kind == "accordion":
        items = value["items"]
        return {
            **value,
            "open_first": "",
            "items": {
                "count": str(len(items)),
                **{
                    str(index): {
                        "id": item["id"],
                        "deleted": "",
                        "order": str(index),
                        "value": {
                            "title": item["value"]["title"],
                            "body": text(item["value"]["body"]),
                        },
                    }
                    for index, item in enumerate(items)
                },
            },
        }
    return value


def edit_form(page, children):
    """What the article's edit form posts with ``children`` as its body."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    stream = {
        str(index): {
            "type": child["type"],
            "value": form_value(child),
            "id": child.get("id", ""),
            "deleted": "",
            "order": str(index),
        }
        for index, child in enumerate(children)
    }
    stream["count"] = str(len(children))
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": page.summary,
            "hero_image_alt": "",
            "body": stream,
            "comments": inline_formset([]),
        }
    )


def build_article(sections, blocks):
    """The site, an articles index and the long article, published; returns the article."""
    import wagtail_factories

    from tests.factories import ArticleIndexPageFactory, ArticlePageFactory, default_site

    site = default_site()
    index = ArticleIndexPageFactory(parent=site.root_page)
    image = wagtail_factories.ImageFactory(title="Treatment room")
    article = ArticlePageFactory(
        parent=index,
        title="Living with long-term pain",
        slug="living-with-long-term-pain",
        body=long_body(sections, blocks, image.pk),
    )
    article.save_revision().publish()
    return article


# The server, in this process


def time_server(article, runs, profile):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.browser import PASSWORD

    user = get_user_model().objects.create_superuser("bench", "bench@example.com", PASSWORD)
    client = Client()
    client.force_login(user)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    children = [child.get_prep_value() for child in article.body]
    paragraphs = [i for i, child in enumerate(children) if child["type"] == "paragraph"]

    def one(run):
        # Each time another paragraph gains the sentence, as an editor's typing changes one.
        draft = [dict(child) for child in children]
        index = paragraphs[run % len(paragraphs)]
        draft[index] = {**draft[index], "value": draft[index]["value"][:-4] + LONG_SENTENCE}
        data = edit_form(article, draft)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as post_queries:
            posted = client.post(url, data)
        posted_at = time.perf_counter()
        assert posted.status_code == 200 and posted.json()["is_valid"], posted.content[:500]
        with CaptureQueriesContext(connection) as get_queries:
            shown = client.get(url, {"in_preview_panel": "true"})
        done = time.perf_counter()
        assert shown.status_code == 200 and b"data-reading-article" in shown.content
        return posted_at - started, done - posted_at, len(post_queries), len(get_queries)

    one(0)  # warm-up: imports, Wagtail's caches
    results = [one(run) for run in range(1, runs + 1)]
    posts, gets = [r[0] for r in results], [r[1] for r in results]
    print(f"\nServer, in process: one update of the Checks panel, median of {runs} (max)")
    print(
        f"  POST the form  {ms(statistics.median(posts))} ({ms(max(posts))}), "
        f"{results[-1][2]} queries"
    )
    print(
        f"  GET the preview {ms(statistics.median(gets))} ({ms(max(gets))}), "
        f"{results[-1][3]} queries"
    )
    both = [p + g for p, g in zip(posts, gets, strict=True)]
    print(f"  both           {ms(statistics.median(both))} ({ms(max(both))})")
    if profile:
        data = edit_form(article, children)
        client.post(url, data)
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(url, {"in_preview_panel": "true"})
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        # Below the view: Wagtail's preview, our render, the API endpoint, the checks.
        stats.sort_stats("cumulative").print_stats(
            r"(articles|headless|wagtail/(models|admin/views|blocks|fields))", 40
        )
        stats.sort_stats("tottime").print_stats(20)
        print(out.getvalue())


def ms(seconds):
    return f"{seconds * 1000:6.0f} ms"


# The browser


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"runserver stopped: exit {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("runserver did not start")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(label, values):
    return (
        f"  {label:<34} median {statistics.median(values):5.0f}  p90 "
        f"{percentile(values, 0.9):5.0f}  max {max(values):5.0f} ms"
    )


def settle(page, quiet=1.0, timeout=30):
    """Wait until no preview update has started or finished for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        state = page.evaluate(
            "[__bench.posts.length, __bench.posts.filter(p => p.end).length,"
            " __bench.loaded.length, __bench.shown.length]"
        )
        if state != last:
            last, since = state, time.monotonic()
        elif time.monotonic() - since >= quiet and state[0] == state[1]:
            return
        page.wait_for_timeout(100)


def type_and_time(page, children, run):
    """Type the long sentence at the end of the first paragraph of the ``run``-th section."""
    from tests.browser import rich_text_editor

    headings = [i for i, child in enumerate(children) if child["type"] == "heading"]
    start = headings[run % len(headings)]
    index = next(i for i in range(start, len(children)) if children[i]["type"] == "paragraph")
    paragraph = rich_text_editor(page, f"body-{index}-value")
    paragraph.click()
    page.keyboard.press("Control+End")
    settle(page, quiet=0.5)
    before = page.locator("[data-live-reading-section]").inner_text()
    paragraph.press_sequentially(LONG_SENTENCE, delay=20)
    last_key = page.evaluate("__bench.lastKey")
    try:
        page.wait_for_function(
            """([lastKey, before]) => {
                const post = __bench.posts.find((p) => p.start > lastKey);
                return post && __bench.shown.some((s) => s.at > post.start && s.section !== before);
            }""",
            arg=[last_key, before],
            timeout=30_000,
        )
    except Exception:
        print("No new grade shown:", before, page.evaluate("__bench"), file=sys.stderr)
        raise
    bench = page.evaluate("__bench")
    post = next(p for p in bench["posts"] if p["start"] > last_key)
    loaded = next(t for t in bench["loaded"] if t > post["start"])
    shown = next(s for s in bench["shown"] if s["at"] > post["start"] and s["section"] != before)
    return {
        "total": shown["at"] - last_key,
        "debounce": post["start"] - last_key,
        "post": post["end"] - post["start"],
        "frame": loaded - post["end"],
        "render": shown["at"] - loaded,
        "section": shown["section"],
    }


def time_browser(article, runs, busy, scratch):
    from playwright.sync_api import expect, sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, open_editor, sign_in

    port = free_port()
    log = open(scratch / "runserver.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=os.environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    busy_processes = []
    children = [child.get_prep_value() for child in article.body]
    try:
        wait_for_port(port, server)
        admin_url = f"http://127.0.0.1:{port}/admin/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            page.add_init_script(INSTRUMENT)
            sign_in(page, admin_url, username="bench")
            open_editor(page, f"{admin_url}pages/{article.pk}/edit/")
            page.get_by_role("button", name="Toggle checks").click()
            expect(page.locator("[data-live-reading-article]")).to_have_text(
                re.compile(r"^Grade "), timeout=60_000
            )
            settle(page)
            busy_processes = [
                subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)
            ]
            results = []
            for run in range(runs):
                result = type_and_time(page, children, run)
                results.append(result)
                print(
                    f"  run {run + 1:2}: {result['total']:5.0f} ms "
                    f"(debounce {result['debounce']:4.0f}, POST {result['post']:4.0f}, "
                    f"frame {result['frame']:4.0f}, render {result['render']:4.0f}) "
                    f"{result['section'][:60]}",
                    flush=True,
                )
            load = os.getloadavg()
            browser.close()
    finally:
        for process in busy_processes:
            process.kill()
            process.wait()
        server.terminate()
        server.wait(timeout=10)
        log.close()
    print(f"\nBrowser: last keystroke to the new grade in the Checks panel, {runs} runs")
    print(summary("total", [r["total"] for r in results]))
    print(summary("debounce (keystroke to POST)", [r["debounce"] for r in results]))
    print(summary("POST of the form", [r["post"] for r in results]))
    print(summary("preview loaded in its frame", [r["frame"] for r in results]))
    print(summary("render (checks, panel)", [r["render"] for r in results]))
    print(f"  load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


def main():
    args = parse_args()
    os.environ.update(FRONTEND_PREVIEW_URL="", FRONTEND_PREVIEW_URLS="")
    scratch = loadgen.setup_django_on_scratch_sqlite("live-checks-bench-")
    # Playwright's sync API runs an event loop in this thread; the ORM calls around it are
    # still synchronous (as in the browser tests).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    article = build_article(args.sections, args.blocks)
    print(
        f"One article of {len(article.body)} blocks in {args.sections} sections; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
        f"{os.cpu_count()} CPUs; scratch {scratch}"
    )
    time_server(article, args.runs, args.profile)
    if not args.no_browser:
        time_browser(article, args.runs, args.busy, scratch)


if __name__ == "__main__":
    main()
