"""The upload store's contract, run the same on both backends: the local disk and an S3-compatible
bucket (moto's standalone S3 server on a free port — it runs everywhere, never skips)."""

from __future__ import annotations

import time
import uuid

import pytest

from core.config import ConfigurationError
from core.file_store import (
    PENDING_PREFIX,
    FileRefused,
    LocalDiskFileStore,
    PendingFile,
    S3FileStore,
    StoredFileMissing,
    file_store_from_settings,
)
from tests.support.moto_s3 import running_s3_server

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
HOUR = 3600


@pytest.fixture(scope="module")
def s3_server():
    with running_s3_server() as server:
        yield server


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalDiskFileStore(tmp_path / "uploads")
    server = request.getfixturevalue("s3_server")
    return file_store_from_settings(
        server.settings(server.new_bucket()), environ={}, local_root=None
    )


def later() -> float:
    return time.time() + 2 * HOUR


def test_a_stored_file_is_pending_until_published_and_then_reads_back(store):
    tenant, owner = uuid.uuid4(), uuid.uuid4()
    name = store.put_pending(tenant, owner, PDF)
    assert len(name) == 32 and int(name, 16) >= 0  # a random name, never the user's
    with pytest.raises(StoredFileMissing):
        store.read(tenant, owner, name)  # pending: not yet the record's file
    store.publish(tenant, owner, name)
    assert store.read(tenant, owner, name) == PDF
    assert store.exists(tenant, owner, name)


def test_two_stored_files_never_share_a_name(store):
    tenant, owner = uuid.uuid4(), uuid.uuid4()
    names = {store.put_pending(tenant, owner, PDF) for _ in range(5)}
    assert len(names) == 5


def test_pending_lists_only_files_older_than_the_grace_period(store):
    tenant, owner = uuid.uuid4(), uuid.uuid4()
    waiting = store.put_pending(tenant, owner, PDF)
    published = store.put_pending(tenant, owner, PDF)
    store.publish(tenant, owner, published)
    assert store.pending(older_than=HOUR, now=time.time()) == []  # still in flight
    assert store.pending(older_than=HOUR, now=later()) == [PendingFile(tenant, owner, waiting)]


def test_a_discarded_pending_file_is_gone_and_cannot_be_published(store):
    tenant, owner = uuid.uuid4(), uuid.uuid4()
    name = store.put_pending(tenant, owner, PDF)
    store.discard(tenant, owner, name)
    store.discard(tenant, owner, name)  # twice changes nothing
    assert store.pending(older_than=0, now=later()) == []
    with pytest.raises(StoredFileMissing):
        store.read(tenant, owner, name)
    with pytest.raises(StoredFileMissing):
        store.publish(tenant, owner, name)


def test_a_removed_file_cannot_be_read_and_removing_again_is_harmless(store):
    tenant, owner = uuid.uuid4(), uuid.uuid4()
    name = store.put_pending(tenant, owner, PDF)
    store.publish(tenant, owner, name)
    store.remove(tenant, owner, name)
    store.remove(tenant, owner, name)
    store.remove(tenant, owner, "../../not-ours")  # a name we never made: nothing happens
    assert not store.exists(tenant, owner, name)


def test_a_tenant_cannot_read_another_tenants_file(store):
    aalst, brugge, owner = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    name = store.put_pending(aalst, owner, PDF)
    store.publish(aalst, owner, name)
    with pytest.raises(StoredFileMissing):
        store.read(brugge, owner, name)  # same record id and name, other tenant: nothing
    store.remove(brugge, owner, name)  # nor can it remove it
    assert store.read(aalst, owner, name) == PDF
    pending = store.put_pending(aalst, owner, PDF)
    store.discard(brugge, owner, pending)
    with pytest.raises(StoredFileMissing):
        store.publish(brugge, owner, pending)  # nor publish its pending file
    assert [found.tenant_id for found in store.pending(older_than=0, now=later())] == [aalst]


@pytest.mark.parametrize(
    "tenant, owner, name",
    [
        (None, None, "../" + "a" * 29),
        (None, None, "a" * 31 + "/"),
        (None, None, "ABCDEF" * 5 + "AB"),  # not the lower-case hex we draw
        (None, None, "/etc/passwd"),
        (None, None, PENDING_PREFIX + "a" * 32),  # a pending name is never read directly
        (None, "../..", "a" * 32),
        ("..", None, "a" * 32),
        (None, "{" + str(uuid.UUID(int=1)) + "}", "a" * 32),  # another spelling of an id
        (None, str(uuid.UUID(int=1)) + "/../x", "a" * 32),
    ],
)
def test_an_address_not_made_of_two_ids_and_our_random_name_is_refused(store, tenant, owner, name):
    tenant = uuid.uuid4() if tenant is None else tenant
    owner = uuid.uuid4() if owner is None else owner
    for action in (store.read, store.publish, store.discard):
        with pytest.raises(FileRefused) as refused:
            action(tenant, owner, name)
        assert refused.value.code == "bad_name"


def test_a_file_over_the_size_limit_or_empty_is_refused_and_nothing_is_written(store):
    tenant, owner = uuid.uuid4(), uuid.uuid4()
    with pytest.raises(FileRefused) as refused:
        store.put_pending(tenant, owner, b"x" * 101, max_bytes=100)
    assert refused.value.code == "too_big"
    with pytest.raises(FileRefused) as refused:
        store.put_pending(tenant, owner, b"")
    assert refused.value.code == "empty"
    assert store.put_pending(tenant, owner, b"x" * 100, max_bytes=100)  # at the limit: fine
    assert len(store.pending(older_than=0, now=later())) == 1


def test_the_store_reports_itself_writable(store):
    assert store.check_writable()["ok"] is True
    assert store.pending(older_than=0, now=later()) == []  # the probe leaves nothing behind


# Backend specifics: where the bytes land.


def test_local_files_live_in_root_tenant_owner_random_name(tmp_path):
    store = LocalDiskFileStore(tmp_path)
    tenant, owner = uuid.uuid4(), uuid.uuid4()
    name = store.put_pending(tenant, owner, PDF)
    assert (tmp_path / str(tenant) / str(owner) / f"{PENDING_PREFIX}{name}").read_bytes() == PDF
    store.publish(tenant, owner, name)
    assert store.path_of(tenant, owner, name) == (tmp_path / str(tenant) / str(owner) / name)


def test_local_store_refuses_a_tenant_folder_that_is_a_link_out_of_the_root(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "uploads"
    root.mkdir()
    tenant = uuid.uuid4()
    (root / str(tenant)).symlink_to(outside)
    with pytest.raises(FileRefused):
        LocalDiskFileStore(root).put_pending(tenant, uuid.uuid4(), PDF)
    assert list(outside.rglob("*")) == []


def test_s3_keys_are_prefix_tenant_owner_random_name(s3_server):
    bucket = s3_server.new_bucket()
    store = file_store_from_settings(
        s3_server.settings(bucket, "opvangplein/starters"), environ={}, local_root=None
    )
    tenant, owner = uuid.uuid4(), uuid.uuid4()
    name = store.put_pending(tenant, owner, PDF)
    store.publish(tenant, owner, name)
    listed = s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert [entry["Key"] for entry in listed] == [f"opvangplein/starters/{tenant}/{owner}/{name}"]
    assert store.key_of(tenant, owner, name) == listed[0]["Key"]


def test_s3_store_is_chosen_from_the_environment(s3_server):
    bucket = s3_server.new_bucket()
    environ = {f"OPVANGPLEIN_{key}": value for key, value in s3_server.settings(bucket).items()}
    store = file_store_from_settings({}, environ, local_root=None)
    assert isinstance(store, S3FileStore) and store.bucket == bucket and store.prefix == "uploads"
    assert store.check_writable() == {"ok": True, "backend": "s3", "bucket": bucket}


def test_an_unreachable_bucket_is_not_writable(s3_server):
    settings = s3_server.settings("no-such-bucket-here")
    store = file_store_from_settings(settings, environ={}, local_root=None)
    with pytest.raises(Exception, match="NoSuchBucket"):
        store.check_writable()


def test_an_endpoint_that_does_not_answer_fails_within_seconds():
    from core.localnet import free_port

    closed = f"http://127.0.0.1:{free_port()}"
    settings = {"UPLOAD_STORE": "s3://bucket", "S3_ENDPOINT_URL": closed, "S3_REGION": "eu-west-1"}
    settings |= {"S3_ACCESS_KEY_ID": "k", "S3_SECRET_ACCESS_KEY": "s"}
    store = file_store_from_settings(settings, environ={}, local_root=None)
    started = time.monotonic()
    with pytest.raises(Exception, match="Could not connect"):
        store.check_writable()
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "setting, message",
    [
        ("ftp://bucket/x", "neither 'local' nor s3://bucket/prefix"),
        ("s3:///prefix", "neither 'local' nor s3://bucket/prefix"),
        ("s3://bucket/a/../b", "the prefix is not clean"),
    ],
)
def test_a_wrong_store_setting_stops_start_up_with_a_message(setting, message):
    with pytest.raises(ConfigurationError, match=message):
        file_store_from_settings({"UPLOAD_STORE": setting}, environ={}, local_root=None)


def test_half_a_pair_of_s3_credentials_is_refused():
    with pytest.raises(ConfigurationError, match="both OPVANGPLEIN_S3_ACCESS_KEY_ID"):
        file_store_from_settings(
            {"UPLOAD_STORE": "s3://bucket", "S3_ACCESS_KEY_ID": "k"}, environ={}, local_root=None
        )


def test_without_a_store_setting_the_local_disk_is_used(tmp_path):
    store = file_store_from_settings({}, environ={}, local_root=tmp_path)
    assert isinstance(store, LocalDiskFileStore) and store.root == tmp_path
