"""The moderation workflow of good practices (created by a data migration)."""
from wagtail.models import Workflow

PRACTICE_WORKFLOW_NAME = "Revisione buone pratiche"


def practice_workflow():
    """The active 'Revisione buone pratiche' workflow, or None if it was removed."""
    return Workflow.objects.filter(name=PRACTICE_WORKFLOW_NAME, active=True).first()
