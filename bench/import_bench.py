"""How long a clinician's long Word document takes to become a draft article.

Run from the project root::

    .venv/bin/python bench/import_bench.py [--pages 30 --images 10 --repeat 3]

Builds a .docx of about ``--pages`` pages (some 450 words a page: headings, paragraphs with bold
and links, lists, a FAQ section, footnotes) with ``--images`` 1600x1200 photographs, then, in a
throwaway SQLite database, times reading it (checks and mammoth's conversion, nothing saved) and
saving the draft (the images into the library, the body validated), ``--repeat`` times over,
each into a fresh index. Prints the figures and the goal (under 5 seconds); asserts nothing.

``--media queued`` (the default) is production's way (``make worker``): the new images'
renditions are tasks queued on the ``media`` backend as the draft commits, so the import
times are what the editor waits for; after each import the bench counts the tasks queued and
then runs them as the media worker does (``db_worker --backend media --batch``), timed apart.
``--media immediate`` is the test settings' and ``make run``'s way: the renditions are made in
the importing process as the draft commits, within the save's time.
"""

import argparse
import contextlib
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402

WORDS = (
    "pain nerve sleep movement treatment clinic injection relief daily gentle routine body "
    "muscle rest plan review doctor patient flare week walk stretch breathing support"
).split()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--images", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--media",
        choices=["queued", "immediate"],
        default="queued",
        help="renditions queued for the media worker (production) or made as the draft "
        "commits (the test settings, make run); default %(default)s",
    )
    return parser.parse_args()


def sentence(rng):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."


def photograph(number):
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (1600, 1200), ((40 * number) % 256, 140, 200))
    draw = ImageDraw.Draw(picture)
    for step in range(0, 1600, 40):
        draw.line((step, 0, 1600 - step, 1200), fill=((step + number * 30) % 256, 90, 60), width=9)
    stream = io.BytesIO()
    picture.save(stream, "JPEG", quality=85)
    stream.seek(0)
    return stream


def build_document(path, pages, images, rng):
    import docx
    from docx.shared import Inches

    document = docx.Document()
    document.add_heading("Managing long-term pain: a guide for patients", level=0)
    words = 0
    section = 0
    pictures_every = max(1, pages // max(images, 1))
    while words < pages * 450:
        section += 1
        document.add_heading(f"Part {section}: what helps", level=1)
        for _ in range(3):
            paragraph = document.add_paragraph(" ".join(sentence(rng) for _ in range(5)))
            paragraph.add_run(" Remember this.").bold = True
            words += len(paragraph.text.split())
        for _ in range(3):
            document.add_paragraph(sentence(rng), style="List Bullet")
        if section % pictures_every == 0 and len(document.inline_shapes) < images:
            document.add_picture(photograph(section), width=Inches(5))
            document.inline_shapes[-1]._inline.docPr.set("descr", f"Illustration {section}")
    while len(document.inline_shapes) < images:
        document.add_picture(photograph(len(document.inline_shapes)), width=Inches(5))
        document.inline_shapes[-1]._inline.docPr.set("descr", "Another illustration")
    document.add_heading("Frequently asked questions", level=1)
    for number in range(6):
        document.add_heading(f"Question {number + 1}: is this normal?", level=2)
        document.add_paragraph(" ".join(sentence(rng) for _ in range(3)))
    document.save(path)
    return words


def main():
    args = parse_args()
    scratch = loadgen.setup_django_on_scratch_sqlite("import-bench-")
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult
    from wagtail.images.models import Rendition
    from wagtail.models import Page

    from articles import importer, readability
    from articles.models import ArticleIndexPage

    call_command("migrate", verbosity=0)
    rng = random.Random(1)
    path = scratch / "guide.docx"
    words = build_document(path, args.pages, args.images, rng)
    print(
        f"document: {path.stat().st_size / 2**20:.1f} MB, {words:,} words "
        f"(~{words / 450:.0f} pages), {args.images} images of 1600x1200"
    )
    # Once per server process, timed apart: the modules a first read imports, and the
    # pronouncing dictionary textstat loads for the first readability score (an article saved).
    started = time.perf_counter()
    importer.read_article(path)
    readability.score("A first sentence, as the first article saved measures one.")
    print(
        f"a fresh process's first read and score (once per server process): {time.perf_counter() - started:.2f} s"
    )
    root = Page.get_first_root_node()
    media = media_backend(args.media)
    reads, saves, workers = [], [], []
    for run in range(args.repeat):
        index = root.add_child(instance=ArticleIndexPage(title=f"Bench {run}", slug=f"bench-{run}"))
        with media:
            renditions = Rendition.objects.count()
            started = time.perf_counter()
            article = importer.read_article(path)
            read = time.perf_counter() - started
            importer.save_draft(article, index)  # commits: the media tasks are queued or run
            saves.append(time.perf_counter() - started - read)
            reads.append(read)
            made = Rendition.objects.count() - renditions
            # A new index each run; the images are found again by their hash after the first.
            print(
                f"run {run + 1}: read {read:.2f} s, save {saves[-1]:.2f} s, "
                f"{len(article.blocks)} blocks; renditions made during the import: {made}"
            )
            if args.media == "queued":
                queued = DBTaskResult.objects.filter(backend_name="media").ready().count()
                started = time.perf_counter()
                call_command(
                    "db_worker",
                    "--backend",
                    "media",
                    "--batch",
                    "--no-startup-delay",
                    "--no-reload",
                    verbosity=0,
                )
                workers.append(time.perf_counter() - started)
                made = Rendition.objects.count() - renditions - made
                print(
                    f"       left queued: {queued} media tasks ({made} renditions); "
                    f"the media worker made them in {workers[-1]:.2f} s"
                )
    totals = [read + save for read, save in zip(reads, saves, strict=True)]
    print(
        f"median: read {statistics.median(reads):.2f} s + save {statistics.median(saves):.2f} s "
        f"= {statistics.median(totals):.2f} s; first import (new images) {totals[0]:.2f} s; "
        f"goal: under 5 s; renditions {'queued' if args.media == 'queued' else 'made in the save'}"
    )
    if workers:
        print(f"the media worker after the first import (new images): {workers[0]:.2f} s")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def media_backend(mode):
    """The ``media`` task backend for ``mode``: production's queue (``queued``), or the test
    settings' immediate backend."""
    from django.conf import settings
    from django.test import override_settings

    if mode == "immediate":
        return contextlib.nullcontext()
    queue = {"BACKEND": "django_tasks_db.DatabaseBackend"}
    return override_settings(TASKS={**settings.TASKS, "media": queue})


if __name__ == "__main__":
    main()
