"""Where applicants' files and reports are kept: a folder of this machine by default, or a private
bucket of an S3-compatible object storage when AWS_STORAGE_BUCKET_NAME is set (docs/operations.md,
"Object storage").

Either way the files are read and written only through the "private" entry of STORAGES, and sent
only by a view that has checked who asks (common/files.py): the bucket gives nobody a public
address, and an address signed for a download (never handed out today) would expire in a minute.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.environment import Env

SIGNED_ADDRESS_SECONDS = 60
# A file read from the bucket is spooled to a temporary file past this size, not kept in memory.
MEMORY_PER_FILE = 2 * 1024 * 1024


def private_acl(env: Env):
    """The ACL every object is written with: "private", or none (empty) for a bucket whose ACLs
    are disabled. Anything else (public-read...) would publish applicants' files: refused."""
    acl = env.str("AWS_DEFAULT_ACL", default="private")
    if acl not in ("private", ""):
        raise ImproperlyConfigured(
            f"AWS_DEFAULT_ACL={acl!r}: private files take only 'private' or an empty value."
        )
    return acl or None


def private_storage_entry(env: Env, location: Path) -> dict:
    """The STORAGES entry of private files: the bucket the environment names, or `location`."""
    bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # A prefix inside the bucket ("collex/"), when the bucket is shared.
            "location": env.str("AWS_LOCATION", default="").strip("/"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Unset: boto3 looks further (an instance role, ~/.aws), as it always does.
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # "path" for servers that have no address per bucket (MinIO, Ceph without DNS).
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            # Every object private, whatever the bucket's default; empty sends no ACL at all,
            # for an AWS bucket whose ACLs are disabled (it is then private by its own policy).
            "default_acl": private_acl(env),
            "querystring_auth": True,
            "querystring_expire": SIGNED_ADDRESS_SECONDS,
            "custom_domain": None,
            # A name already taken gets a suffix: a stored file is never replaced in place.
            "file_overwrite": False,
            "max_memory_size": MEMORY_PER_FILE,
        },
    }
