"""URLs shown in logs, error messages and stored errors: credentials masked, location kept."""

from __future__ import annotations

import logging

from hypothesis import given
from hypothesis import strategies as st

from entrypoints.log_redaction import redact_record
from v3core.redaction import redact_url, redact_urls

SECRET = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~", min_size=6, max_size=20)
NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
HOST = st.sampled_from(["example.com", "127.0.0.1:8080", "cdn.example.test", "[::1]:9000"])
PATH = st.sampled_from(["", "/", "/a/b.png", "/files/logo%20v2.jpg"])


@given(
    user=SECRET,
    password=SECRET,
    host=HOST,
    path=PATH,
    names=st.lists(NAME, min_size=1, max_size=3),
    values=st.data(),
)
def test_userinfo_and_query_values_never_survive_while_host_and_path_do(
    user: str, password: str, host: str, path: str, names: list[str], values: st.DataObject
) -> None:
    secrets = [values.draw(SECRET) for _ in names]
    query = "&".join(f"{n}={v}" for n, v in zip(names, secrets, strict=True))
    url = f"https://{user}:{password}@{host}{path}?{query}"
    shown = redact_url(url)
    for secret in (user, password, *secrets):
        assert f"{secret}@" not in shown
        assert f"={secret}" not in shown
        assert f":{secret}" not in shown.removeprefix("https:")
    assert shown.startswith(f"https://***@{host}{path}?")
    for name in names:
        assert f"{name}=***" in shown


def test_a_url_without_credentials_is_unchanged() -> None:
    for url in (
        "https://example.com/a.png",
        "sqlite:///./data/v3.db",
        "memory://",
        "postgresql://db:5432/v3",
    ):
        assert redact_url(url) == url


def test_the_fragment_and_bare_query_values_are_masked_too() -> None:
    assert redact_url("http://h/p?secret#access_token=abc") == "http://h/p?***#access_token=***"


def test_urls_inside_a_message_are_redacted_and_the_rest_kept() -> None:
    text = "downloading https://u:p@h.example/x.png?sig=abc failed: 404 (see http://h/y?t=1)"
    assert (
        redact_urls(text)
        == "downloading https://***@h.example/x.png?sig=*** failed: 404 (see http://h/y?t=***)"
    )


def test_a_log_record_keeps_its_argument_types_and_loses_the_credentials() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        'HTTP Request: %s %s "%d"',
        ("GET", "https://u:pw@h/x?token=t1", 200),
        None,
    )
    message = redact_record(record).getMessage()
    assert message == 'HTTP Request: GET https://***@h/x?token=*** "200"'
