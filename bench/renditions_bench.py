"""Renditions off the request path: what the first answers cost, and what an upload makes.

Run from the project root::

    .venv/bin/python bench/renditions_bench.py [--repeat 5]

In a throwaway SQLite database and media folder, in one process (Django's test client, the
test settings: the response cache in memory), it measures

1. a fresh bootstrap: ``load_demo_content`` (its images' renditions made when it commits, as
   ``make run`` does without a worker), then the first API answer of the home page and of an
   article in this process, and the same answers rendered again (response cache emptied);
2. a new 2400x1600 image shown by a published article, its task queued for a worker and not
   run yet: the first answer showing it against the same answer rendered warm (``--repeat``
   times, the median), and the renditions each made (goal: 0, within 20%);
3. the media task for that upload (as the worker runs it): how many renditions, how long;
4. one serve URL asked before the task ran (the rendition it makes).

Prints the figures and the goals as met or not; asserts nothing. The figures depend on the
machine: say which, and how loaded, beside them.
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def photograph(size=(2400, 1600)):
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", size, (60, 140, 200))
    draw = ImageDraw.Draw(picture)
    for step in range(0, size[0], 30):
        draw.line((step, 0, size[0] - step, size[1]), fill=(step % 256, 90, 60), width=7)
    stream = io.BytesIO()
    picture.save(stream, "JPEG", quality=85)
    return stream.getvalue()


def main():
    args = parse_args()
    loadgen.setup_django_on_scratch_sqlite("renditions-bench-")
    from django.conf import settings
    from django.core.cache import cache as django_cache
    from django.core.files.images import ImageFile
    from django.core.management import call_command
    from django.test import Client, override_settings
    from wagtail.images import get_image_model
    from wagtail.images.models import Rendition

    from articles.models import ArticleIndexPage, ArticlePage
    from headless import cache
    from headless.tasks import make_renditions
    from home.models import HomePage

    client = Client(HTTP_HOST="localhost")

    def timed_get(url):
        before = Rendition.objects.count()
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        return seconds, Rendition.objects.count() - before

    def uncached():
        django_cache.clear()
        cache.reset()

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo_content", stdout=io.StringIO())
    loaded = time.perf_counter() - started
    print(
        f"bootstrap: load_demo_content {loaded:.1f} s, {Rendition.objects.count()} renditions "
        f"of {get_image_model().objects.count()} images made as it committed"
    )

    home = HomePage.objects.live().first()
    article = ArticlePage.objects.live().filter(hero_image__isnull=False).first()
    print("\nfirst answers after the bootstrap (a new process's first requests):")
    for name, url in (
        ("home", f"/api/v2/pages/{home.pk}/"),
        ("article", f"/api/v2/pages/{article.pk}/"),
    ):
        first, made = timed_get(url)
        warm = []
        for _ in range(args.repeat):
            uncached()
            warm.append(timed_get(url)[0])
        print(
            f"  {name}: first {first * 1000:.0f} ms ({made} renditions made), warm uncached "
            f"{statistics.median(warm) * 1000:.0f} ms; goal under 1 s: "
            f"{'met' if first < 1 else 'NOT met'}"
        )

    # A new upload, its task queued for the worker (as in production) and not run yet.
    with override_settings(
        TASKS={**settings.TASKS, "media": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ):
        image = get_image_model()(
            title="Bench upload", file=ImageFile(io.BytesIO(photograph()), name="upload.jpg")
        )
        image._set_image_file_metadata()
        image.save()
        index = ArticleIndexPage.objects.first()
        page = index.add_child(
            instance=ArticlePage(
                title="Bench article",
                slug="bench-renditions",
                summary="A page showing a new image.",
                hero_image=image,
                hero_image_alt="A new picture",
                body=[
                    ("image", {"image": image, "alt_text": "Again", "decorative": False}),
                    ("paragraph", f'<embed embedtype="image" id="{image.pk}" alt="A"/>'),
                ],
                author=article.author,
            )
        )
        page.save_revision().publish()
    url = f"/api/v2/pages/{page.pk}/"
    uncached()
    first, made = timed_get(url)
    warm = []
    for _ in range(args.repeat):
        uncached()
        warm.append(timed_get(url)[0])
    median = statistics.median(warm)
    print(
        f"\na new 2400x1600 image: first answer {first * 1000:.0f} ms ({made} renditions made), "
        f"warm uncached answer {median * 1000:.0f} ms (median of {args.repeat}): "
        f"{first / median:.2f}x; goal within 20%: {'met' if first <= median * 1.2 else 'NOT met'}"
    )
    hero = client.get(url).json()["hero_image"]
    serve = hero["renditions"]["widths"]["webp"][2]["url"]

    started = time.perf_counter()
    response = client.get(urlsplit(serve).path)
    one = time.perf_counter() - started
    print(f"a serve URL asked before the task ran: {one * 1000:.0f} ms, {response.status_code}")

    started = time.perf_counter()
    count = make_renditions.call(image.pk)
    task = time.perf_counter() - started
    print(
        f"the media task for that upload (off the request path): {count} renditions in "
        f"{task:.1f} s ({Rendition.objects.filter(image=image).count()} in all with the one "
        "the serve URL made)"
    )
    uncached()
    after, made = timed_get(url)
    print(f"the answer once the task ran: {after * 1000:.0f} ms ({made} renditions made)")


if __name__ == "__main__":
    main()
