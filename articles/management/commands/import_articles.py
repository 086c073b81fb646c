"""``manage.py import_articles PATH... --parent /articles/``: existing articles in as drafts."""

from django.core.management.base import BaseCommand, CommandError
from wagtail.coreutils import get_content_languages
from wagtail.models import Locale, Page, Site

from articles import importer
from articles.models import ArticleIndexPage


class Command(BaseCommand):
    help = (
        "Import articles from .docx, .html, .md and .txt files (or folders of them) as draft article "
        "pages under an articles index. Nothing is published; importing a file again updates "
        "its draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders to import.")
        parser.add_argument(
            "--parent",
            required=True,
            help="The articles index to import under: its URL path on the default site "
            "(e.g. /articles/) or its page id.",
        )
        parser.add_argument(
            "--locale",
            help="The language the files are written in (a content language's code, e.g. "
            "es): they go under that language's translation of --parent, and are graded with "
            "its reading formula. Default: the language of --parent.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the blocks each article would get; save nothing.",
        )
        parser.add_argument(
            "--sections-as-accordion",
            action="append",
            default=[],
            metavar="HEADING",
            help="Turn every section under the heading with this text into an accordion item "
            "(the article's title means all its sections). Repeatable.",
        )
        parser.add_argument(
            "--drop-pattern",
            action="append",
            default=[],
            metavar="REGEX",
            help="Also drop lines and elements whose whole text matches this regular "
            "expression (case-insensitive), as page chrome. Repeatable.",
        )
        parser.add_argument(
            "--drop-rules",
            action="append",
            default=[],
            metavar="FILE",
            help="A file of further drop patterns, one regular expression a line.",
        )

    def handle(self, *args, paths, parent, dry_run, sections_as_accordion, **options):
        index = in_language(find_index(parent), options.get("locale"))
        rules = drop_rules(options["drop_pattern"], options["drop_rules"])
        sources = importer.find_sources(paths)
        if not sources:
            raise CommandError("No .docx, .html, .md or .txt files found in " + ", ".join(paths))

        counts = {"created": 0, "updated": 0, "failed": 0}
        self.imported = {}  # slug -> the file it came from in this run
        total = len(sources)
        for number, (source, root) in enumerate(sources, start=1):
            progress = f"[{number}/{total}] {source} →"
            try:
                article, result = self.import_one(
                    source, root, index, rules, sections_as_accordion, dry_run
                )
            except Exception as error:  # one odd file must not stop the others
                if not isinstance(error, importer.ImportFailed):
                    error = f"unexpected error ({type(error).__name__}: {error})"
                self.stderr.write(f"{progress} failed: {error}")
                counts["failed"] += 1
                continue
            counts[result] += 1
            if dry_run:
                self.stdout.write(f"{progress} dry-run (would be {result})")
                for line in article.outline():
                    self.stdout.write(f"    {line}")
            else:
                self.stdout.write(f"{progress} {result}: {article.title}")
            for warning in article.warnings:
                self.stderr.write(f"    warning: {source}: {warning}")

        if dry_run:
            self.stdout.write(
                f"Dry run, nothing saved: would import {counts['created']}, "
                f"update {counts['updated']}; failed {counts['failed']}."
            )
        else:
            self.stdout.write(
                f"Imported {counts['created']}, updated {counts['updated']}, "
                f"failed {counts['failed']}."
            )
        if counts["failed"]:
            raise CommandError(
                f"{counts['failed']} of {total} file(s) could not be imported; see above."
            )

    def import_one(self, source, root, index, rules, sections_as_accordion, dry_run):
        article = importer.read_article(source, rules, sections_as_accordion, root=root)
        if article.slug in self.imported:
            raise importer.ImportFailed(
                f"same title as {self.imported[article.slug]}, imported just before it; "
                "one would overwrite the other"
            )
        if dry_run:
            exists = importer.existing_draft(article, index) is not None
            result = "updated" if exists else "created"
        else:
            result = importer.save_draft(article, index)
        self.imported[article.slug] = source
        return article, result


def find_index(value):
    """The ArticleIndexPage named by a URL path on the default site, or by a page id."""
    if value.isdigit():
        page = Page.objects.filter(pk=int(value)).first()
        where = f"page id {value}"
    else:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError("There is no default site to resolve --parent against.")
        path = "/".join(part for part in value.split("/") if part)
        url_path = site.root_page.url_path + (f"{path}/" if path else "")
        page = Page.objects.filter(url_path=url_path).first()
        where = f"/{path}/" if path else "/"
    if page is None:
        raise CommandError(
            f"--parent: no page at {where}. Give the URL path of an articles index on the "
            "default site, e.g. /articles/, or its page id."
        )
    page = page.specific
    if not isinstance(page, ArticleIndexPage):
        raise CommandError(
            f"--parent: {where} is a {page.specific_class._meta.verbose_name} "
            f"({page.title!r}), not an articles index; articles are imported under one."
        )
    return page


def in_language(index, language_code):
    """The articles index's translation into ``language_code`` (the index itself when it is
    in that language, or when none is asked for)."""
    if language_code is None or index.locale.language_code == language_code:
        return index
    if language_code not in get_content_languages():
        raise CommandError(
            f"--locale: {language_code!r} is not one of {', '.join(get_content_languages())}."
        )
    locale = Locale.objects.filter(language_code=language_code).first()
    translation = index.get_translation_or_none(locale) if locale else None
    if translation is None:
        raise CommandError(
            f"--locale: the articles index {index.url_path} has no {language_code} "
            "translation yet; translate it in the admin first (Translate on its page)."
        )
    return translation.specific


def drop_rules(patterns, files):
    for pattern in patterns:
        try:
            importer.check_pattern(pattern, where="--drop-pattern")
        except ValueError as error:
            raise CommandError(str(error)) from None
    for path in files:
        try:
            patterns = [*patterns, *importer.DropRules.read_file(path)]
        except OSError as error:
            raise CommandError(f"--drop-rules: cannot read {path} ({error.strerror})") from None
        except UnicodeDecodeError:
            raise CommandError(f"--drop-rules: {path} is not UTF-8 text") from None
        except ValueError as error:
            raise CommandError(f"--drop-rules: {error}") from None
    return importer.DropRules(patterns)
