"""A permission policy for admin views of records people may read but not write."""

from wagtail.permission_policies import ModelPermissionPolicy


class ActionsPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions, but only for ``actions`` (e.g. ``["view"]``).

    For records a program writes (sign-in attempts, webhook deliveries): the admin may list,
    inspect and perhaps delete them, never add or edit them, whatever a group holds.
    """

    def __init__(self, model, actions):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a in self.actions])
