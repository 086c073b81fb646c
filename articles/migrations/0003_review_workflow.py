"""The groups that write, review and publish articles, and the "Medical review" workflow.

Articles indexes created later are put under the workflow by articles.review; indexes that
already exist are handled here. The names and page permissions are frozen copies of those in
articles/review.py, as a migration must not depend on code that changes after it.
"""

from django.db import migrations

WORKFLOW_NAME = "Medical review"
EDITORS, REVIEWERS, PUBLISHERS = "Editors", "Medical reviewers", "Publishers"

ACCESS_ADMIN = ("wagtailadmin", "admin", "access_admin")


def model_permissions(app_label, model, *actions):
    return [(app_label, model, f"{action}_{model}") for action in actions]


PERMISSIONS = {
    EDITORS: [
        ACCESS_ADMIN,
        *model_permissions("articles", "clinician", "view"),
        *model_permissions("articles", "condition", "add", "change", "view"),
        *model_permissions("articles", "treatment", "add", "change", "view"),
    ],
    REVIEWERS: [
        ACCESS_ADMIN,
        *model_permissions("articles", "clinician", "view"),
        *model_permissions("articles", "condition", "view"),
        *model_permissions("articles", "treatment", "view"),
    ],
    PUBLISHERS: [
        ACCESS_ADMIN,
        *model_permissions("articles", "clinician", "add", "change", "view"),
        *model_permissions("articles", "condition", "add", "change", "view"),
        *model_permissions("articles", "treatment", "add", "change", "view"),
    ],
}

MEDIA_PERMISSIONS = [
    *model_permissions("wagtailimages", "image", "add", "change", "choose"),
    *model_permissions("wagtaildocs", "document", "add", "change", "choose"),
]
COLLECTION_PERMISSIONS = {
    EDITORS: MEDIA_PERMISSIONS,
    REVIEWERS: [
        *model_permissions("wagtailimages", "image", "choose"),
        *model_permissions("wagtaildocs", "document", "choose"),
    ],
    PUBLISHERS: MEDIA_PERMISSIONS,
}

PAGE_PERMISSIONS = {
    EDITORS: ["add", "change"],
    REVIEWERS: ["change"],
    PUBLISHERS: ["add", "change", "publish", "lock", "unlock"],
}


def get_permission(apps, app_label, model, codename):
    # Permissions are normally created after migrations run, so create any missing ones here.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": "Can " + codename.replace("_", " ")},
    )
    return permission


def create_review_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    MedicalReviewTask = apps.get_model("articles", "MedicalReviewTask")
    ArticleIndexPage = apps.get_model("articles", "ArticleIndexPage")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in PERMISSIONS}
    for name, permissions in PERMISSIONS.items():
        groups[name].permissions.add(*(get_permission(apps, *perm) for perm in permissions))

    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for name, permissions in COLLECTION_PERMISSIONS.items():
            for perm in permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[name],
                    collection=root_collection,
                    permission=get_permission(apps, *perm),
                )

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        task_type, _ = ContentType.objects.get_or_create(
            app_label="articles", model="medicalreviewtask"
        )
        task = MedicalReviewTask.objects.create(
            name=WORKFLOW_NAME, content_type=task_type, active=True
        )
        task.groups.add(groups[REVIEWERS])
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        WorkflowTask.objects.create(workflow=workflow, task_id=task.pk, sort_order=0)

    for index in ArticleIndexPage.objects.all():
        WorkflowPage.objects.get_or_create(page_id=index.pk, defaults={"workflow": workflow})
        for name, actions in PAGE_PERMISSIONS.items():
            for action in actions:
                GroupPagePermission.objects.get_or_create(
                    group=groups[name],
                    page_id=index.pk,
                    permission=get_permission(apps, "wagtailcore", "page", f"{action}_page"),
                )


def remove_review_workflow(apps, schema_editor):
    # The groups stay: people may have been added to them.
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    Task.objects.filter(
        content_type__app_label="articles", content_type__model="medicalreviewtask"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_medicalreviewtask"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_review_workflow, remove_review_workflow)]
