from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from celery.signals import worker_ready

        from newsletter import signals  # noqa: F401  (receivers)

        worker_ready.connect(_resume_after_worker_start, weak=False, dispatch_uid="newsletter.resume")


def _resume_after_worker_start(sender=None, **kwargs):
    """A worker that starts resumes editions left in 'sending' by a worker that died."""
    import logging

    try:
        from newsletter.tasks import resume_interrupted

        resume_interrupted.delay()
    except Exception:  # never keep a worker from starting
        logging.getLogger(__name__).exception("newsletter: could not queue the resume task")
