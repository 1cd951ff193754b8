"""Where digitized documents (bản số hóa) are kept: by their SHA-256, never
in the database.

``FILE_STORE`` chooses the store: ``folder:<path>`` (the default, a folder
under ``instance/``) today; an S3-compatible store implements the same three
methods. Identical files are kept once.
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


def file_store():
    kind, _, where = current_app.config["FILE_STORE"].partition(":")
    if kind != "folder":
        raise RuntimeError("unknown FILE_STORE %r" % current_app.config["FILE_STORE"])
    return FolderStore(where)
