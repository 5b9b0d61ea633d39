"""The document download: Wagtail's view, answered privately.

Who gets the file is decided by the ``before_serve_document`` hooks (documents follow the
pages that use them: portal/accounts/wagtail_hooks.py, cms.visibility). The answer is marked
``private, no-cache``: no shared cache keeps a copy, and a browser asks again each time (a
304 by ETag when still allowed), so a file whose practice is taken down stops at once.
"""
from django.utils.cache import patch_cache_control
from wagtail.documents.views.serve import serve as wagtail_serve


def serve(request, document_id, document_filename):
    response = wagtail_serve(request, document_id, document_filename)
    patch_cache_control(response, private=True, no_cache=True)
    return response
