"""Storage for private files: under a folder named by a setting, never under MEDIA_ROOT, with no public URL.

The folder is read from settings on every use, so ``override_settings`` (and a
test's temporary folder) applies to storages that fields created at import time.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under ``settings.<root_setting>``; ``url()`` refuses, they are served only through checked views."""

    root_setting = ""
    no_url_message = "Private files have no public URL."

    @property
    def base_location(self):
        return getattr(settings, self.root_setting)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(self.no_url_message)
