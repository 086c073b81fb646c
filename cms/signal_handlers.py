"""What the metrics count as it happens outside a request (cms.metrics)."""

from django.db.models.signals import post_save
from django_tasks.signals import task_finished
from wagtail.images import get_image_model

from headless import renditions

from . import metrics


def register_signal_handlers():
    post_save.connect(
        metrics.rendition_saved,
        sender=get_image_model().get_rendition_model(),
        dispatch_uid="cms_metrics_rendition_saved",
    )
    renditions.made.connect(metrics.renditions_made, dispatch_uid="cms_metrics_renditions_made")
    task_finished.connect(metrics.task_finished, dispatch_uid="cms_metrics_task_finished")
