"""Every answer the API gives for the demo content, written to a file: compare two versions.

A refactoring that must not change behaviour is checked by running this in both checkouts
against copies of one database (the demo content's dates and ids then agree) and comparing the
two files::

    python bench/demo_answers.py --load /tmp/demo.sqlite3   # once: a database to share
    cp /tmp/demo.sqlite3 /tmp/a.sqlite3; cp /tmp/demo.sqlite3 /tmp/b.sqlite3
    (cd old && python bench/demo_answers.py --database /tmp/a.sqlite3 --output /tmp/a.json)
    (cd new && python bench/demo_answers.py --database /tmp/b.sqlite3 --output /tmp/b.json)
    python bench/demo_answers.py --compare /tmp/a.json /tmp/b.json

Each URL is asked twice by an anonymous client asking for brotli, as a browser does: the
rendered answer (a miss), then the cached one (a hit); status, headers and body are kept.
"""

import argparse
import base64
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup(database, media):
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    os.environ["TEST_MEDIA_ROOT"] = str(media)
    import django  # noqa: PLC0415

    django.setup()


def urls():
    """The demo's URLs: pages (details, finds, listings), images, documents, snippets,
    sitemap, redirects, taxonomy and settings."""
    from wagtail.contrib.redirects.models import Redirect  # noqa: PLC0415
    from wagtail.documents import get_document_model  # noqa: PLC0415
    from wagtail.images import get_image_model  # noqa: PLC0415
    from wagtail.models import Page, Site  # noqa: PLC0415

    found = [
        "/api/v2/pages/",
        "/api/v2/pages/?type=articles.ArticlePage&fields=title,summary",
        "/api/v2/pages/?type=articles.ArticlePage&fields=*&limit=5",
        "/api/v2/pages/?type=articles.ArticlePage&order=-first_published_at&limit=2&offset=2",
        "/api/v2/pages/?search=pain",
        "/api/v2/articles/",
        "/api/v2/images/",
        "/api/v2/documents/",
        "/api/v2/redirects/",
        "/api/v2/conditions/",
        "/api/v2/treatments/",
        "/api/v2/site/",
        "/api/v2/sitemap/",
        "/api/v2/pages/find/?html_path=/no-such-page/",
        "/api/v2/pages/999999/",
        "/api/v2/pages/?limit=oops",
    ]
    site = Site.objects.get(is_default_site=True)
    for page in Page.objects.live().public().descendant_of(site.root_page, inclusive=True):
        found.append(f"/api/v2/pages/{page.pk}/")
        path = page.get_url_parts()[2] if page.get_url_parts() else None
        if path:
            found.append(f"/api/v2/pages/find/?html_path={path}")
    found += [
        f"/api/v2/images/{pk}/" for pk in get_image_model().objects.values_list("pk", flat=True)
    ]
    found += [
        f"/api/v2/documents/{pk}/"
        for pk in get_document_model().objects.values_list("pk", flat=True)
    ]
    found += [
        f"/api/v2/pages/find/?html_path={path}"
        for path in Redirect.objects.values_list("old_path", flat=True)
    ]
    return sorted(set(found))


def answers():
    from django.test import Client  # noqa: PLC0415

    client = Client(HTTP_ACCEPT_ENCODING="br, gzip")
    written = {}
    for url in urls():
        for attempt in ("first", "again"):
            response = client.get(url)
            written[f"{attempt} {url}"] = {
                "status": response.status_code,
                "headers": sorted(response.headers.items()),
                "body": base64.b64encode(response.content).decode(),
            }
    return written


def compare(old, new):
    old, new = (json.loads(Path(name).read_text()) for name in (old, new))
    differing = [url for url in sorted(set(old) | set(new)) if old.get(url) != new.get(url)]
    for url in differing:
        print(f"DIFFERS: {url}")
        for part in ("status", "headers", "body"):
            if (old.get(url) or {}).get(part) != (new.get(url) or {}).get(part):
                print(f"  {part}: {(old.get(url) or {}).get(part)!s:.300}")
                print(f"  {' ' * len(part)}  {(new.get(url) or {}).get(part)!s:.300}")
    print(f"{len(old)} answers and {len(new)} answers compared; {len(differing)} differ")
    return 1 if differing else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--load", help="make this SQLite database with the demo content")
    parser.add_argument("--database", help="the SQLite database to read")
    parser.add_argument("--media", default="/tmp/demo-answers-media")
    parser.add_argument("--output", help="where to write the answers (JSON)")
    parser.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"))
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    setup(args.load or args.database, args.media)
    if args.load:
        from django.core.management import call_command  # noqa: PLC0415

        call_command("migrate", verbosity=0)
        call_command("load_demo_content")
        answers()  # makes the image renditions now: each copy of the database then has them
        return 0
    Path(args.output).write_text(json.dumps(answers(), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
