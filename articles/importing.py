"""The admin's *Import articles*: files uploaded on an articles index become draft articles.

Two steps, like the command's ``--dry-run`` and then its run: the upload is read and each file's
outline shown (title, summary, blocks, every warning; nothing saved), then *Create drafts* saves
them through the same importer and opens the first in the editor. Nothing is ever published.

Between the two steps the files wait in a staging folder on this server, named by a signed
token that only the uploader can use, for this articles index, for an hour; the folder is
deleted when the drafts are made. With several app servers the two steps must reach the same
one (docs/importing.md).
"""

import secrets
import shutil
import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import get_valid_filename
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page

from . import importer
from .models import ArticleIndexPage, ArticlePage

STAGING = Path(tempfile.gettempdir()) / "cms-article-import"
TOKEN_SALT = "articles.importing"
TOKEN_MAX_AGE = 3600


def may_import(page, user):
    """Whether ``user`` may import articles under ``page``: those who may add articles there."""
    return (
        issubclass(page.specific_class, ArticleIndexPage)
        and page.permissions_for_user(user).can_add_subpage()
        and ArticlePage in page.specific_class.allowed_subpage_models()
    )


class ImportMenuItem(PageMenuItem):
    label = "Import articles"
    icon_name = "upload"
    url_name = "articles_import"

    def is_shown(self, user):
        return may_import(self.page, user)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked as a FileField checks one (Django's docs)."""

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        widget=MultipleFileInput(attrs={"accept": ",".join(sorted(importer.FORMATS))}),
        help_text="Word (.docx), HTML, Markdown or plain text files; one article each.",
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        limit = settings.IMPORT_MAX_UPLOAD_MB
        for upload in uploads:
            if Path(upload.name).suffix.lower() not in importer.FORMATS:
                raise forms.ValidationError(
                    f"{upload.name}: not a file the importer reads; use .docx, .html, .md or .txt."
                )
            if upload.size > limit * 1024 * 1024:
                raise forms.ValidationError(f"{upload.name} is larger than {limit} MB.")
        return uploads


def import_articles(request, page_id):
    """GET: the upload form; POST a file: its outline; POST a token: the drafts."""
    index = get_object_or_404(Page, pk=page_id).specific
    if not may_import(index, request.user):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return create_drafts(request, index)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"index": index, "form": form}
    if request.method == "POST" and form.is_valid():
        folder = stage(form.cleaned_data["files"])
        context["results"] = read_folder(folder)
        context["token"] = signing.dumps(
            {"folder": folder.name, "user": request.user.pk, "index": index.pk}, salt=TOKEN_SALT
        )
        context["importable"] = sum(1 for result in context["results"] if result["article"])
    return TemplateResponse(request, "articles/import_articles.html", context)


def stage(uploads):
    folder = STAGING / secrets.token_hex(16)
    folder.mkdir(parents=True, mode=0o700)
    for upload in uploads:
        with (folder / get_valid_filename(Path(upload.name).name)).open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
    return folder


def read_folder(folder):
    """Each staged file read as the command's dry run reads it, in name order."""
    results = []
    for path in sorted(folder.iterdir()):
        try:
            article = importer.read_article(path, root=folder)
        except importer.ImportFailed as error:
            results.append({"name": path.name, "article": None, "error": str(error)})
        else:
            results.append({"name": path.name, "article": article, "error": None})
    return results


def create_drafts(request, index):
    try:
        token = signing.loads(request.POST["token"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        messages.error(request, "That upload is more than an hour old; upload the files again.")
        return redirect("articles_import", index.pk)
    except signing.BadSignature:
        raise PermissionDenied from None
    if token["user"] != request.user.pk or token["index"] != index.pk:
        raise PermissionDenied
    folder = STAGING / token["folder"]
    if not folder.is_dir():
        messages.error(request, "Those files were imported already, or have expired.")
        return redirect("articles_import", index.pk)
    created, failed = [], []
    try:
        for result in read_folder(folder):
            if result["article"] is None:
                failed.append(result["name"])
                continue
            try:
                importer.save_draft(result["article"], index)
            except importer.ImportFailed as error:
                failed.append(f"{result['name']} ({error})")
                continue
            created.append(importer.existing_draft(result["article"], index))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if failed:
        messages.warning(request, "Not imported: " + "; ".join(failed))
    if not created:
        return redirect("articles_import", index.pk)
    messages.success(
        request,
        f"Imported {len(created)} draft article{'s' * (len(created) != 1)}: "
        + ", ".join(page.title for page in created)
        + ". Nothing is published: each goes live through medical review.",
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[created[0].pk]))
