from django_tasks import task

from . import dispatch


@task(backend="webhooks")
def deliver(delivery_pk):
    """Make the next attempt of a webhook delivery (see webhooks/dispatch.py)."""
    dispatch.attempt(delivery_pk)
