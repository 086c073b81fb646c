"""Saving: an ``ImportedArticle`` stored as a draft ArticlePage under an articles index.

Nothing here ever publishes a page. A re-import updates the draft with the same slug under the
same parent and keeps what an editor set on it. Everything one save writes happens in one
transaction, so an article whose body or page fails validation leaves nothing behind, not even
its images. An image file is imported into the library once and found again by its content's
hash; a new one goes to the articles index's collection (``image_collection``).
"""

from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile, get_image_dimensions
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.images.utils import get_allowed_image_extensions
from wagtail.models import Collection
from wagtail.utils.file import hash_filelike

from ..models import ArticlePage
from .exceptions import ImportFailed
from .outline import Image, shorten


def existing_draft(article, parent):
    """The page a re-import of ``article`` updates: the child of ``parent`` with its slug."""
    return parent.get_children().filter(slug=article.slug).specific().first()


def save_draft(article, parent):
    """Create or update the draft ArticlePage for ``article``; returns "created" or "updated".

    A new page is created unpublished; an existing one (same slug under ``parent``) gets a new
    draft revision with the imported title and body, keeping whatever an editor set on it
        (summary, authors, review dates...). Nothing is ever published. Accessibility problems
    (:mod:`articles.accessibility`) do not stop the draft: they go to ``article.warnings``.
    Raises ``ImportFailed``.
    """
    with transaction.atomic():
        body = stream_value(article, image_collection(parent))
        page = existing_draft(article, parent)
        if page is not None and not isinstance(page, ArticlePage):
            raise ImportFailed(f"{page.url_path} exists and is not an article page")
        try:
            if page is None:
                page = ArticlePage(
                    title=article.title,
                    slug=article.slug,
                    summary=article.summary,
                    body=body,
                    live=False,
                )
                parent.add_child(instance=page)
                result = "created"
            else:
                page = page.get_latest_revision_as_object()
                page.title = article.title
                page.body = body
                page.summary = page.summary or article.summary
                result = "updated"
            page.save_revision(log_action=True)
            # The draft is saved; what would keep it from being published is for an editor.
            article.warnings.extend(
                f"not publishable yet: {problem['where']}: {problem['message']}"
                for problem in page.accessibility_problems
            )
            return result
        except ValidationError as error:
            raise ImportFailed(
                f"the page would not be valid: {'; '.join(error.messages)}"
            ) from None


def image_collection(parent):
    """The collection an import under the articles index ``parent`` puts its new images in.

    Articles have no collection of their own, so their images go to the one named after their
    index (its title, e.g. "Articles"), a child of the root collection, made when first needed.
    Collection permissions given on it then cover every image imported there. An image already
    in the library (the same file) is reused where it is.
    """
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=parent.title).first() or root.add_child(
        name=parent.title
    )


def stream_value(article, collection):
    """The article's blocks as a validated body StreamValue, importing its images on the way
    into ``collection``."""
    stream_block = ArticlePage._meta.get_field("body").stream_block
    data = []
    for block in article.blocks:
        if isinstance(block, Image):
            image = import_image(block, collection, article.warnings)
            if image is not None:
                data.append(block.stream_data(image))
        else:
            data.append(block.stream_data())
    try:
        return stream_block.clean(stream_block.to_python(data))
    except ValidationError as error:
        raise ImportFailed(f"the body would not be valid: {'; '.join(error.messages)}") from None


def import_image(block, collection, warnings):
    """The library image for ``block``'s file: an existing one with the same content, or a new
    one in ``collection``."""
    Image = get_image_model()
    extension = block.path.suffix.lower().lstrip(".")
    if extension not in get_allowed_image_extensions():
        warnings.append(f"image {block.path.name} skipped: .{extension} files are not allowed")
        return None
    with block.path.open("rb") as f:
        file_hash = hash_filelike(f)
        existing = Image.objects.filter(file_hash=file_hash).first()
        if existing is not None:
            return existing
        f.seek(0)
        if None in get_image_dimensions(f):
            warnings.append(f"image {block.path.name} skipped: not an image file")
            return None
        f.seek(0)
        title = block.alt_text or block.path.stem.replace("-", " ").replace("_", " ")
        image = Image(
            title=shorten(title, 255),
            collection=collection,
            file=ImageFile(f, name=block.path.name),
            file_size=block.path.stat().st_size,
            file_hash=file_hash,
        )
        image.save()
        return image
