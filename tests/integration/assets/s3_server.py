"""A local S3 server for tests: moto's in a thread on 127.0.0.1 (a free port), with a bucket.

Import the fixtures into a test module (``from tests.integration.assets.s3_server import
s3_server_fixture, s3_blob_store_fixture``: they are named ``s3_server`` and
``s3_blob_store``); nothing here reaches the internet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import boto3
import pytest
from moto.server import ThreadedMotoServer

from adapters.blobs.s3 import S3BlobStore

REGION = "us-east-1"
KEY_ID = "test-key-id"
SECRET = "test-secret"  # the local server accepts any credentials


@attrs.frozen
class S3Server:
    """A running local S3 server and one of its buckets."""

    endpoint_url: str
    bucket: str

    def client(self) -> Any:
        """A boto3 S3 client for the server (to look behind the store's back)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )

    def object_keys(self) -> list[str]:
        """Every object key in the bucket."""
        listed = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def store(self, **options: int) -> S3BlobStore:
        """An ``S3BlobStore`` on the bucket (``options``: window, part_size, max_concurrency)."""
        return S3BlobStore.connect(
            self.bucket,
            region=REGION,
            endpoint_url=self.endpoint_url,
            access_key_id=KEY_ID,
            secret_access_key=SECRET,
            max_retries=0,
            **options,
        )


@contextmanager
def running_s3_server(bucket: str = "v3-blobs") -> Iterator[S3Server]:
    """Start moto's S3 server on a free local port, create ``bucket``, stop it afterwards."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        running = S3Server(f"http://{host}:{port}", bucket)
        running.client().create_bucket(Bucket=bucket)
        yield running
    finally:
        server.stop()


@pytest.fixture(scope="session", name="s3_server")
def s3_server_fixture() -> Iterator[S3Server]:
    """One local S3 server (and bucket) for the session."""
    with running_s3_server() as server:
        yield server


@pytest.fixture(name="s3_blob_store")
def s3_blob_store_fixture(s3_server: S3Server) -> S3BlobStore:
    """An ``S3BlobStore`` on the session's bucket."""
    return s3_server.store()
