"""Stub of keyrings.google-artifactregistry-auth's backend, served by the harness's public index.

Like Google's (keyrings/gauth.py), it answers only for hosts under .pkg.dev, with
the user oauth2accesstoken and an access token from Application Default
Credentials: here only their first source, the service account key file that
GOOGLE_APPLICATION_CREDENTIALS names. The token is derived from the key's private
key instead of being asked of Google, and the Artifact Registry stand-in accepts
exactly that token. gcloud and a machine's own service account are not emulated:
without the key, it raises Google's error.
"""

import base64
import hashlib
import hmac
import json
import os
from urllib.parse import urlparse

NOT_FOUND = ("Failed to find credentials, Please run: `gcloud auth application-default login or export "
             "GOOGLE_APPLICATION_CREDENTIALS=<path/to/service/account/key>`")


def access_token(key_file_text):
    """The access token the stand-in Artifact Registry accepts for this service account key (the file's text): the
    one the gcloud stand-in prints for the same key (harness/stubs/gcloud.py; this package can't import it)."""
    private_key = json.loads(key_file_text)["private_key"]
    digest = hmac.new(private_key.encode(), b"https://www.googleapis.com/auth/cloud-platform", hashlib.sha256).digest()
    return "ya29.c." + base64.urlsafe_b64encode(digest * 4).decode().rstrip("=")


class GooglePythonAuth:
    priority = 9

    def get_password(self, service, username):
        url = urlparse(service)
        if url.hostname is None or not url.hostname.endswith(".pkg.dev"):
            return None
        path = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        if path and os.path.isfile(path):
            with open(path, encoding="utf-8") as key:
                return access_token(key.read())
        raise Exception(NOT_FOUND)

    def get_credential(self, service, username):
        import keyring  # the package this one plugs into; the harness imports access_token alone

        password = self.get_password(service, username)
        if password is not None:
            return keyring.SimpleCredential("oauth2accesstoken", password)
        return None
