"""Who may read contact form submissions in the admin.

Wagtail shows a form's submissions to anyone who may edit the page. Contact submissions carry
health information, so reading them also takes the "Can view contact form submission"
permission, granted to a group in Settings → Groups (superusers have it).
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from wagtail import hooks

from .models import ContactPage, ContactSubmission

VIEW_PERMISSION = "contact.view_contactsubmission"


@hooks.register("register_permissions")
def register_submission_permissions():
    content_type = ContentType.objects.get_for_model(ContactSubmission)
    return Permission.objects.filter(
        content_type=content_type, codename__in=["view_contactsubmission"]
    )


@hooks.register("filter_form_submissions_for_user")
def hide_contact_submissions_without_permission(user, editable_forms):
    if user.has_perm(VIEW_PERMISSION):
        return editable_forms
    return editable_forms.not_type(ContactPage)
