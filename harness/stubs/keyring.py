"""Stub of keyring, served by the harness's public index as the package ``keyring``.

It does what pip and uv call of keyring 25, no more: ``get_credential`` and
``get_password`` ask the backends that packages register under the
``keyring.backends`` entry point, the highest ``priority`` first; the
``keyring`` command answers ``get SERVICE USERNAME`` with the password, and
``--mode creds --output json get SERVICE [USERNAME]`` with both. There is no
system keyring (an image has no D-Bus): without a backend that answers,
``get_password`` raises ``NoKeyringError``, as keyring's fail backend does.
"""

import argparse
import json
import sys
from importlib.metadata import entry_points
from importlib import import_module


class NoKeyringError(RuntimeError):
    pass


class SimpleCredential:
    def __init__(self, username, password):
        self.username = username
        self.password = password


class _Fail:
    priority = 0

    def get_password(self, service, username):
        raise NoKeyringError(
            "No recommended backend was available. Install a recommended 3rd party backend package; or, install the "
            "keyrings.alt package if you want to use the non-recommended backends. See https://pypi.org/project/keyring "
            "for details.")

    def get_credential(self, service, username):
        if username is None:
            return None
        password = self.get_password(service, username)
        return SimpleCredential(username, password) if password is not None else None


def _backends():
    found = []
    for point in entry_points(group="keyring.backends"):
        module, _, name = point.value.partition(":")
        loaded = import_module(module)
        classes = [getattr(loaded, name)] if name else [
            value for value in vars(loaded).values()
            if isinstance(value, type) and value.__module__ == loaded.__name__ and hasattr(value, "priority")]
        found += [cls() for cls in classes]
    return sorted(found, key=lambda backend: -backend.priority)


def get_keyring():
    backends = _backends()
    return backends[0] if backends else _Fail()


def get_password(service_name, username):
    return get_keyring().get_password(service_name, username)


def get_credential(service_name, username):
    return get_keyring().get_credential(service_name, username)


def set_password(service_name, username, password):
    raise NotImplementedError("the harness's keyring stores nothing")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="keyring")
    parser.add_argument("--mode", choices=("password", "creds"), default="password")
    parser.add_argument("--output", choices=("plain", "json"), default="plain")
    parser.add_argument("operation", choices=("get",))
    parser.add_argument("service")
    parser.add_argument("username", nargs="?")
    args = parser.parse_args(argv)
    if args.mode == "password":
        if args.username is None:
            parser.error("username required")
        password = get_password(args.service, args.username)
        credential = SimpleCredential(None, password) if password is not None else None
    else:
        credential = get_credential(args.service, args.username)
    if credential is None:
        return 1
    if args.output == "json":
        print(json.dumps({"username": credential.username, "password": credential.password}))
    else:
        if credential.username:
            print(credential.username)
        print(credential.password)
    return 0


if __name__ == "__main__":
    sys.exit(main())
