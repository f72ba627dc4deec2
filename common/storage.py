"""The storage of private files (STORAGES["private"]: a folder, or a private bucket), as the file
fields of attachments and reports hold it.

A FileField calls its `storage` callable once, when its model class is made, and keeps what it
returned: holding the backend itself would pin the one configured at import, and a test pointing
STORAGES["private"] at a bucket (override_settings) would still write into the folder. The fields
hold this proxy instead. It asks Django's `storages` for the backend when first used, and again
after STORAGES changes, as Django's own `default_storage` does.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]


private_files = PrivateStorage()


@receiver(setting_changed)
def forget_the_private_backend(*, setting, **kwargs):
    if setting == "STORAGES":
        private_files._wrapped = empty
