"""Who may press Publish on articles: nobody but superusers, since review publishes them.

:class:`ArticlePermissionTester` and :class:`ArticleIndexPermissionTester` keep the Publish
button (on editing and on creating an article) away from everyone but superusers, so holding
``publish`` on the index (Publishers, Wagtail's default Moderators) means being able to
unpublish or unschedule an article, never to put one live without review.
"""

from wagtail.models import PagePermissionTester


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
