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
