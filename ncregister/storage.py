"""Object storage: the STORAGES entry for S3-compatible storage (django-storages), used when NCR_S3_* are set.

Objects are private (no ACL, no public URL is ever handed out): photos and uploads are read by the portal and
streamed only after its permission check.
"""

from botocore.config import Config


def s3_storage(*, bucket, endpoint_url, region, access_key, secret_key):
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key,
            "secret_key": secret_key,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
            # Fail fast when the storage is gone: readiness says 503 and pages a Dutch "try again later".
            "client_config": Config(connect_timeout=3, read_timeout=30, retries={"max_attempts": 2}),
        },
    }


def bucket_problem(storage):
    """None when the bucket answers; otherwise one line (readiness)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
    except (BotoCoreError, ClientError):
        return "object storage unavailable"
    return None
