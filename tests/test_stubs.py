"""The stand-in commands answer as the tools they stand for print, where the guide's logs show them."""

import datetime

import pytest

from harness.stubs import awscli


@pytest.mark.parametrize(("seconds", "said"), [
    (43200, "12 hours"), (3599, "1 hour"), (900, "15 minutes"), (5400, "1 hour and 30 minutes"), (60, "1 minute"),
])
def test_login_says_when_the_token_expires_as_the_aws_cli_does(seconds, said):
    """awscli's get_relative_expiration_time, with its 30 seconds added: 59 min 59 s reads as an hour."""
    assert awscli.relative(datetime.timedelta(seconds=seconds)) == said


def test_a_service_error_reads_as_botocore_prints_it():
    error = awscli.ClientError(awscli.UNKNOWN_KEY[0], "GetAuthorizationToken", awscli.UNKNOWN_KEY[1])
    assert str(error) == ("An error occurred (UnrecognizedClientException) when calling the GetAuthorizationToken "
                          "operation: The security token included in the request is invalid.")


def test_what_the_stand_in_does_not_answer_fails_as_the_harness_not_as_aws(capsys, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE12")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example")
    assert awscli.main(["s3", "ls"]) == 255
    assert capsys.readouterr().err.startswith("aws (harness stub): ")


def test_without_keys_the_cli_says_so_before_asking_aws(capsys, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    assert awscli.main(["codeartifact", "login", "--tool", "pip", "--domain", "acme"]) == 255
    assert capsys.readouterr().err == ('Unable to locate credentials. You can configure credentials by running '
                                       '"aws configure".\n')


def test_the_base64_of_a_key_file_needs_no_percent_encoding():
    """Base64 gives + or / only for a byte whose low six bits are all but one or all set, at every third place: in
    ASCII text, > ? ~ or DEL, which a service account's key file doesn't hold. = (padding) is allowed in a URL's user
    information as it is."""
    from harness.credentials import fake_service_account_key, key_base64

    for _ in range(50):
        key = key_base64(fake_service_account_key())
        assert not set(key) & {"+", "/"}
        assert set(key) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789=")


def test_gcloud_prints_the_token_the_registry_accepts_for_the_activated_key(tmp_path, monkeypatch, capsys):
    import base64
    import io
    import json

    from harness.credentials import fake_service_account_key, key_base64
    from harness.stubs import gcloud

    key = fake_service_account_key()
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO(base64.b64decode(key_base64(key)).decode()))
    assert gcloud.main(["auth", "activate-service-account", "--key-file=-"]) == 0
    assert capsys.readouterr().err == f"Activated service account credentials for: [{key['client_email']}]\n"
    assert gcloud.main(["auth", "print-access-token"]) == 0
    assert capsys.readouterr().out == gcloud.access_token(key["private_key"]) + "\n"
    assert json.loads((tmp_path / "legacy_credentials" / key["client_email"] / "adc.json").read_text()) == key


def test_the_keyring_backend_and_gcloud_derive_the_same_token_from_one_key(tmp_path, monkeypatch):
    """One service account key opens the Artifact Registry stand-in whichever of Google's tools asks for the token."""
    import json

    from harness.credentials import fake_service_account_key
    from harness.stubs import gauth, gcloud

    key = fake_service_account_key()
    (tmp_path / "key.json").write_text(json.dumps(key))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "key.json"))
    token = gauth.GooglePythonAuth().get_password("https://europe-west1-python.pkg.dev/acme-ml/ml-packages/simple/", None)
    assert token == gcloud.access_token(key["private_key"])
    assert gauth.GooglePythonAuth().get_password("https://acme.jfrog.io/artifactory/api/pypi/x/simple/", None) is None
