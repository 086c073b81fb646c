"""``manage.py load_demo_content``: a working demo site for a newcomer, loaded idempotently."""

import io
import math
from collections import Counter
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from articles.models import ArticleIndexPage, ArticlePage, Clinician, Condition, Treatment
from contact.models import ContactPage
from demo import content, review, spanish
from demo.contact import ensure_contact_page
from headless import cache, tasks
from home.models import ClinicSettings, FeaturedArticle, HomePage
from webhooks import dispatch

IMAGE_SIZE = (1200, 675)


class Command(BaseCommand):
    help = (
        "Load demo content: a home page as the default site's root, an articles index, articles "
        "about chronic pain and ketamine, clinicians, conditions, treatments, images and clinic "
        "settings. Safe to run again: what already exists is found, never duplicated or changed."
    )

    def handle(self, *args, **options):
        self.created = Counter()
        self.found = Counter()
        refs = content.DemoRefs()
        # A newcomer's frontend is not running yet: the demo content sends no webhooks. Its
        # changes are followed as one: cached answers re-rendered once, in one line of the log.
        with dispatch.suspended(), cache.followed_as_one(), transaction.atomic():
            refs.images = {key: self.image(spec).pk for key, spec in content.IMAGES.items()}
            reviewer = review.reviewer_account()
            clinicians = {
                key: self.clinician(reviewer, **fields)
                for key, fields in content.CLINICIANS.items()
            }
            conditions = {
                slug: self.term(Condition, "condition", slug, fields, reviewer)
                for slug, fields in content.CONDITIONS.items()
            }
            treatments = {
                slug: self.term(Treatment, "treatment", slug, fields, reviewer)
                for slug, fields in content.TREATMENTS.items()
            }
            home = self.home_page(refs)
            site = self.default_site(home)
            index = self.child_page(
                home,
                ArticleIndexPage,
                "article index",
                slug=content.ARTICLE_INDEX["slug"],
                title=content.ARTICLE_INDEX["title"],
                intro=content.ARTICLE_INDEX["intro"],
            )
            refs.pages["articles"] = index.pk
            for spec in content.ARTICLES:
                article = self.article(index, spec, refs, clinicians, conditions, treatments)
                refs.pages[spec.slug] = article.pk
            self.feature_articles(home, refs)
            self.clinic_settings(site, refs)
            self.contact_page(home)
            spanish.load(site, clinicians, reviewer, self.count)
        self.report()

    def contact_page(self, home):
        existed = ContactPage.objects.child_of(home).exists()
        ensure_contact_page(home)
        (self.found if existed else self.created)["contact page"] += 1

    # Snippets and images

    def image(self, spec):
        Image = get_image_model()
        image = Image.objects.filter(title=spec.title).first()
        if image:
            self.found["image"] += 1
            # Its renditions, should they be missing (a new image gets them once it is saved):
            # the first page view after a bootstrap makes none (headless/renditions.py).
            transaction.on_commit(partial(tasks.make_renditions.enqueue, image.pk))
            return image
        image = Image(title=spec.title, file=render_image(spec))
        if spec.focal_point:
            image.focal_point_x, image.focal_point_y = spec.focal_point[:2]
            image.focal_point_width, image.focal_point_height = spec.focal_point[2:]
        image._set_image_file_metadata()
        image.save()
        self.created["image"] += 1
        return image

    # Clinicians, conditions and treatments are medical text: a new one goes live through
    # review (demo.review), as an editor's would.

    def clinician(self, reviewer, name, **fields):
        clinician = Clinician.objects.filter(name=name, locale=Locale.get_default()).first()
        self.count("clinician", clinician is None)
        if clinician is None:
            clinician = Clinician(name=name, locale=Locale.get_default(), **fields)
            review.publish_through_review(clinician, reviewer)
        return clinician

    def term(self, model, label, slug, fields, reviewer):
        term = model.objects.filter(slug=slug, locale=Locale.get_default()).first()
        self.count(label, term is None)
        if term is None:
            term = model(slug=slug, locale=Locale.get_default(), **fields)
            review.publish_through_review(term, reviewer)
        return term

    # Pages

    def home_page(self, refs):
        """The site's HomePage, created under the tree root in place of Wagtail's welcome page."""
        home = HomePage.objects.first()
        if home:
            self.found["home page"] += 1
            return home
        root = Page.get_first_root_node()
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        welcome = site.root_page if site else None
        if welcome and is_stock_welcome_page(welcome):
            # A site's root cannot be left dangling (deleting it would delete the site), so the
            # sites lean on the tree root for the moment it takes to swap the pages.
            sites = list(Site.objects.filter(root_page=welcome))
            for each in sites:
                each.root_page = root
                each.save()
            welcome.delete()
            self.stdout.write("Removed Wagtail's default welcome page.")
        home = HomePage(
            title=content.HOME["title"],
            # An empty slug lets Wagtail pick a free one if a real page already uses "home".
            slug=content.HOME_SLUG if Page._slug_is_available(content.HOME_SLUG, root) else "",
            hero_title=content.HOME["hero_title"],
            hero_text=content.HOME["hero_text"],
            hero_image_id=refs.images[content.HOME["hero_image"]],
            hero_image_alt=content.HOME["hero_image_alt"],
            intro=content.HOME["intro"],
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        self.created["home page"] += 1
        return home

    def default_site(self, home):
        """The default site, rooted at the home page; localhost:80 if there is none yet."""
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True
            )
            self.created["default site"] += 1
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.save()
            self.created["default site pointed at the home page"] += 1
        else:
            self.found["default site"] += 1
        return site

    def child_page(self, parent, model, label, *, slug, **fields):
        """The page at ``slug`` under ``parent``, created and published from ``fields`` if new."""
        existing = parent.get_children().filter(slug=slug).specific().first()
        if existing is not None:
            if not isinstance(existing, model):
                raise CommandError(
                    f"{existing.url_path} exists but is a {type(existing).__name__}, "
                    f"not a {model.__name__}; move it away and run the command again."
                )
            self.found[label] += 1
            return existing
        page = model(slug=slug, **fields)
        validate_streams(page)
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created[label] += 1
        return page

    def article(self, index, spec, refs, clinicians, conditions, treatments):
        return self.child_page(
            index,
            ArticlePage,
            "article",
            slug=spec.slug,
            title=spec.title,
            summary=spec.summary,
            hero_image_id=refs.images[spec.hero_image],
            hero_image_alt=spec.hero_image_alt,
            author=clinicians[spec.author],
            reviewer=clinicians[spec.reviewer],
            last_reviewed=spec.last_reviewed,
            conditions=[conditions[slug] for slug in spec.conditions],
            treatments=[treatments[slug] for slug in spec.treatments],
            body=spec.body(refs),
        )

    def feature_articles(self, home, refs):
        """Feature the demo articles on the home page, unless an editor has chosen some."""
        home = HomePage.objects.get(pk=home.pk)
        if home.featured_articles.exists():
            self.found["featured article list"] += 1
            return
        home.featured_articles = [
            FeaturedArticle(article_id=refs.pages[slug]) for slug in content.FEATURED_ARTICLES
        ]
        home.save_revision().publish()
        self.created["featured article"] += len(content.FEATURED_ARTICLES)

    # Settings

    def clinic_settings(self, site, refs):
        """Fill the clinic settings fields that are still empty, leaving an editor's alone."""
        clinic = ClinicSettings.for_site(site)
        default_name = ClinicSettings._meta.get_field("clinic_name").default
        filled = []
        for name, value in content.clinic_settings(refs).items():
            current = getattr(clinic, name)
            if current and not (name == "clinic_name" and current == default_name):
                continue
            setattr(clinic, name, value)
            filled.append(name)
        if filled:
            validate_streams(clinic)
            clinic.full_clean()
            clinic.save()
        self.count("clinic settings", bool(filled))

    # Reporting

    def count(self, label, created):
        (self.created if created else self.found)[label] += 1

    def report(self):
        if self.created:
            self.stdout.write(self.style.SUCCESS("Demo content created: " + tally(self.created)))
            if self.found:
                self.stdout.write("Already there: " + tally(self.found))
        else:
            self.stdout.write(
                self.style.SUCCESS("Demo content already loaded, nothing to do: ")
                + tally(self.found)
            )


def tally(counter):
    return ", ".join(f"{count} × {label}" for label, count in counter.items())


def is_stock_welcome_page(page):
    """Wagtail's "Welcome to your new Wagtail site!": a plain Page that nobody built on."""
    return (
        page.depth == 2
        and page.content_type_id == ContentType.objects.get_for_model(Page).pk
        and not page.get_children().exists()
    )


def validate_streams(instance):
    """Run every StreamField through its blocks' validation, which model validation skips."""
    for model_field in instance._meta.concrete_fields:
        if isinstance(model_field, StreamField):
            value = getattr(instance, model_field.attname)
            try:
                model_field.stream_block.clean(value)
            except ValidationError as error:
                detail = error.as_json_data() if hasattr(error, "as_json_data") else error.messages
                raise CommandError(
                    f"Demo content for {instance} has an invalid {model_field.name}: {detail}"
                ) from error


def render_image(spec):
    """A small JPEG: a vertical gradient with one pale shape, in place of a photograph."""
    width, height = IMAGE_SIZE
    mask = PILImage.linear_gradient("L").resize(IMAGE_SIZE)
    picture = PILImage.composite(
        PILImage.new("RGB", IMAGE_SIZE, spec.bottom),
        PILImage.new("RGB", IMAGE_SIZE, spec.top),
        mask,
    )
    draw = ImageDraw.Draw(picture)
    pale = (245, 244, 236)
    if spec.shape == "circle":
        x, y, diameter = spec.focal_point[:3] if spec.focal_point else (800, 300, 360)
        radius = diameter // 2
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=pale)
    elif spec.shape == "cross":
        x, y, arm, thickness = width // 2, height // 2, 180, 60
        draw.rectangle((x - arm, y - thickness // 2, x + arm, y + thickness // 2), fill=pale)
        draw.rectangle((x - thickness // 2, y - arm, x + thickness // 2, y + arm), fill=pale)
    else:
        points = [
            (x, height // 2 + int(height / 6 * math.sin(x / width * 3 * math.pi)))
            for x in range(0, width + 1, 10)
        ]
        draw.line(points, fill=pale, width=24, joint="curve")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=70, optimize=True)
    slug = spec.title.lower().replace("demo: ", "demo-").replace(" ", "-")
    return ImageFile(buffer, name=f"{slug}.jpg")
