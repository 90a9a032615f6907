"""The "Answer approval" workflow: the chairman or a leader approves every public answer page.

One ``GroupApprovalTask`` for the groups "Chủ tịch UBND xã" and "Lãnh đạo UBND xã",
assigned to every answers index (those created later get it from
``feedback/signals.py``), with the page rights: the office adds and changes
answer pages (prepares drafts), the chairman and the leaders also publish.
All three may upload and choose the documents attached to answers (root collection).
"""

from django.db import migrations

WORKFLOW_NAME = "Answer approval"
TASK_NAME = "Chủ tịch hoặc lãnh đạo UBND xã duyệt"
APPROVERS = ["Chủ tịch UBND xã", "Lãnh đạo UBND xã"]
INDEX_PERMISSIONS = {
    "Văn phòng – Một cửa": ("add_page", "change_page"),
    "Chủ tịch UBND xã": ("add_page", "change_page", "publish_page"),
    "Lãnh đạo UBND xã": ("add_page", "change_page", "publish_page"),
}
DOCUMENT_PERMISSIONS = ("add_document", "choose_document")


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    AnswerIndexPage = apps.get_model("feedback", "AnswerIndexPage")

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if created:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
        task.groups.set(Group.objects.filter(name__in=APPROVERS))
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for group in Group.objects.filter(name__in=INDEX_PERMISSIONS):
            for codename in DOCUMENT_PERMISSIONS:
                permission = Permission.objects.get(content_type__app_label="wagtaildocs", codename=codename)
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
    for index in AnswerIndexPage.objects.all():
        WorkflowPage.objects.get_or_create(page_id=index.pk, defaults={"workflow": workflow})
        for group_name, codenames in INDEX_PERMISSIONS.items():
            group = Group.objects.filter(name=group_name).first()
            if group is None:
                continue
            for codename in codenames:
                permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
                GroupPagePermission.objects.get_or_create(group=group, page_id=index.pk, permission=permission)


def remove_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    for workflow in Workflow.objects.filter(name=WORKFLOW_NAME):
        GroupApprovalTask.objects.filter(name=TASK_NAME, workflow_tasks__workflow=workflow).delete()
        workflow.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0006_answer_pages"),
        ("feedback", "0002_feedback_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_workflow, remove_workflow)]
