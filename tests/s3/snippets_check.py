"""The settings the TUI's new-key dialog prints, run as printed: the boto3 snippet is
executed as it stands, the Mage block is loaded the way Mage's S3 loader reads
io_config.yaml; and objects cross between the b2 CLI and boto3 (see s3common.py for
usage; the arguments after CAPS are the scenario's own)."""

import hashlib
import sys

import boto3
import yaml

from s3common import run, s3

ARGS = sys.argv[6:]


def round_trip(client, bucket, name):
    """Put, get back byte for byte, and find in a listing, with a client the snippet made."""
    data = bytes((i * 31 + 7) % 256 for i in range(70_000))
    client.put_object(Bucket=bucket, Key=name, Body=data)
    got = client.get_object(Bucket=bucket, Key=name)["Body"].read()
    assert got == data, "the object read back differs"
    listed = client.list_objects_v2(Bucket=bucket, Prefix=name)
    keys = [o["Key"] for o in listed.get("Contents", [])]
    assert keys == [name], keys
    client.delete_object(Bucket=bucket, Key=name)
    listed = client.list_objects_v2(Bucket=bucket, Prefix=name)
    assert listed.get("KeyCount") == 0, listed


def boto3_snippet():
    """ARGS: SNIPPET_FILE BUCKET. The snippet as printed makes `s3`."""
    path, bucket = ARGS
    scope = {}
    with open(path) as f:
        exec(f.read(), scope)
    round_trip(scope["s3"], bucket, "from-boto3-snippet.bin")


def mage_snippet():
    """ARGS: SNIPPET_FILE BUCKET. Mage reads a profile of io_config.yaml (here the only
    one) and hands its AWS_* values to a boto3 S3 client."""
    path, bucket = ARGS
    with open(path) as f:
        config = yaml.safe_load(f.read())
    assert len(config) == 1, config.keys()
    [profile] = config.values()
    for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT"]:
        assert isinstance(profile.get(name), str) and profile[name], name
    client = boto3.client(
        "s3",
        aws_access_key_id=profile["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=profile["AWS_SECRET_ACCESS_KEY"],
        region_name=profile["AWS_REGION"],
        endpoint_url=profile["AWS_ENDPOINT"],
    )
    round_trip(client, bucket, "from-mage-snippet.bin")


def get():
    """ARGS: KEY_ID KEY BUCKET NAME FILE. The object reads back as FILE's bytes."""
    key_id, key, bucket, name, path = ARGS
    with open(path, "rb") as f:
        want = f.read()
    got = s3(key_id, key).get_object(Bucket=bucket, Key=name)
    data = got["Body"].read()
    assert hashlib.sha1(data).hexdigest() == hashlib.sha1(want).hexdigest(), "bytes differ"
    assert got["ContentLength"] == len(want)


def put():
    """ARGS: KEY_ID KEY BUCKET NAME FILE. Puts FILE's bytes as NAME."""
    key_id, key, bucket, name, path = ARGS
    with open(path, "rb") as f:
        s3(key_id, key).put_object(Bucket=bucket, Key=name, Body=f.read())


run({"boto3": boto3_snippet, "mage": mage_snippet, "get": get, "put": put})
