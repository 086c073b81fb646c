"""Who may press Publish on articles and medical snippets: nobody but superusers, since review
publishes them.

:class:`ArticlePermissionTester` and :class:`ArticleIndexPermissionTester` keep the Publish
button (on editing and on creating an article) away from everyone but superusers, so holding
``publish`` on the index (Publishers, Wagtail's default Moderators) means being able to
unpublish or unschedule an article, never to put one live without review.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.models import PagePermissionTester
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

PUBLISH = "publish"


class ArticlePermissionTester(PagePermissionTester):
    """An article goes live when a medical reviewer approves it, not from the Publish button.

    Only superusers may publish an article directly. Other users' ``publish`` permission still
    lets them unpublish, unschedule and set privacy on articles.
    """

    def _holds_publish(self):
        return super().can_publish()

    def can_publish(self):
        return self.user.is_superuser and self._holds_publish()

    def can_unschedule(self):
        return self._holds_publish()

    def can_set_view_restrictions(self):
        return self._holds_publish()


class ArticleIndexPermissionTester(PagePermissionTester):
    """Creating an article and publishing it in one go would skip review: superusers only."""

    def can_publish_subpage(self):
        return self.user.is_superuser and super().can_publish_subpage()


class ReviewedSnippetPermissionPolicy(ModelPermissionPolicy):
    """Clinicians, conditions and treatments go live when a medical reviewer approves them.

    Only superusers may publish (or unpublish) one from its edit view, whatever ``publish``
    permission others hold; everyone else saves drafts and submits them to the Medical review
    workflow, whose approval publishes (``articles.workflows.publish_approved``).
    """

    def user_has_permission(self, user, action):
        if action == PUBLISH:
            return user.is_active and user.is_superuser
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        others = [action for action in actions if action != PUBLISH]
        users = get_user_model().objects.filter(is_active=True)
        allowed = Q(is_superuser=True) if PUBLISH in actions else Q(pk__in=[])
        if others:
            allowed |= Q(pk__in=super().users_with_any_permission(others).values("pk"))
        return users.filter(allowed)


def hide_publishing_the_policy_refuses(menu_items, request, context):
    """Wagtail's snippet action menu asks ``user.has_perm("publish")`` where the edit view
    asks the permission policy: leave out Publish and Unpublish when the policy refuses them
    (``construct_snippet_action_menu`` hook)."""
    model = context.get("model")
    if model is None or not isinstance(
        policy_registry.get_by_type(model), ReviewedSnippetPermissionPolicy
    ):
        return
    if not policy_registry.get_by_type(model).user_has_permission(request.user, PUBLISH):
        menu_items[:] = [
            item for item in menu_items if item.name not in ("action-publish", "action-unpublish")
        ]
