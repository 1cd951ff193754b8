"""Where digitized documents (bản số hóa) are kept: by their SHA-256, never
in the database.

``FILE_STORE`` chooses the store: ``folder:<path>`` (the default, a folder
under ``instance/``) or ``s3://<bucket>`` (any S3-compatible storage:
``S3_ENDPOINT_URL``, and boto3's usual ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``). Identical files are kept once.
"""
import hashlib
import os
import tempfile

from flask import current_app


class FolderStore:
    """Files under ``root/ab/cd/<sha256>``: a few thousand per folder at most."""

    def __init__(self, root):
        self.root = root

    def _path(self, digest):
        return os.path.join(self.root, digest[:2], digest[2:4], digest)

    def put(self, data):
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            # write then rename: a reader never sees half a file
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path))
            with os.fdopen(handle, "wb") as f:
                f.write(data)
            os.replace(temporary, path)
        return digest

    def get(self, digest):
        with open(self._path(digest), "rb") as f:
            return f.read()

    def exists(self, digest):
        return os.path.exists(self._path(digest))


class S3Store:
    """Files as objects ``ab/cd/<sha256>`` of one bucket."""

    def __init__(self, bucket, endpoint_url=None):
        import boto3  # only deployments that use S3 load it

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None)

    @staticmethod
    def _key(digest):
        return "%s/%s/%s" % (digest[:2], digest[2:4], digest)

    def put(self, data):
        digest = hashlib.sha256(data).hexdigest()
        if not self.exists(digest):
            self.client.put_object(Bucket=self.bucket, Key=self._key(digest), Body=data,
                                   ContentType="application/octet-stream")
        return digest

    def get(self, digest):
        return self.client.get_object(Bucket=self.bucket, Key=self._key(digest))["Body"].read()

    def exists(self, digest):
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(digest))
            return True
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise


def file_store():
    setting = current_app.config["FILE_STORE"]
    if setting.startswith("s3://"):
        return S3Store(setting[len("s3://"):].strip("/"), current_app.config["S3_ENDPOINT_URL"])
    kind, _, where = setting.partition(":")
    if kind != "folder":
        raise RuntimeError("unknown FILE_STORE %r" % setting)
    return FolderStore(where)
