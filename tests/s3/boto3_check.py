"""boto3 against a running `b2tui serve`: objects, keys and clocks through the
S3-compatible API on the same store as the B2 Native API (see s3common.py for usage)."""

import base64
import hashlib
import subprocess
import urllib.error
import urllib.request

from s3common import (
    ACCOUNT,
    CAPS,
    MASTER_ID,
    MASTER_KEY,
    URL,
    create_bucket,
    create_key,
    error_code,
    native_upload,
    run,
    s3,
    versions,
)


def objects():
    bucket_id = create_bucket("s3-objects")
    key_id, key = create_key("s3-preset", CAPS)
    client = s3(key_id, key)
    names = [b["Name"] for b in client.list_buckets()["Buckets"]]
    assert names == ["s3-objects"], names

    data = bytes((i * 7 + 3) % 256 for i in range(300_000))
    put = client.put_object(
        Bucket="s3-objects",
        Key="dir/data.bin",
        Body=data,
        ContentType="application/x-test",
        Metadata={"color": "blue"},
    )
    assert put["ETag"] == '"%s"' % hashlib.md5(data).hexdigest(), put["ETag"]
    got = client.get_object(Bucket="s3-objects", Key="dir/data.bin")
    assert got["Body"].read() == data
    assert got["ContentType"] == "application/x-test"
    assert got["Metadata"] == {"color": "blue"}, got["Metadata"]
    head = client.head_object(Bucket="s3-objects", Key="dir/data.bin")
    assert head["ContentLength"] == len(data) and head["ETag"] == put["ETag"]
    assert head["VersionId"] == put["VersionId"]
    ranged = client.get_object(Bucket="s3-objects", Key="dir/data.bin", Range="bytes=1000-1999")
    assert ranged["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert ranged["Body"].read() == data[1000:2000]

    # One store: the S3 upload is a B2 file version with its SHA-1 and file info.
    [version] = versions(bucket_id, "dir/data.bin")
    assert version["fileId"] == put["VersionId"]
    assert version["contentSha1"] == hashlib.sha1(data).hexdigest(), version
    assert version["fileInfo"] == {"color": "blue"}, version["fileInfo"]

    # And a Native upload reads back byte for byte through S3.
    other = bytes(range(256)) * 40
    up = native_upload(bucket_id, "native.bin", other)
    got = client.get_object(Bucket="s3-objects", Key="native.bin")
    assert got["Body"].read() == other and got["VersionId"] == up["fileId"]

    for name in ["dir/a.txt", "dir/sub/b.txt", "z.txt"]:
        client.put_object(Bucket="s3-objects", Key=name, Body=name.encode())
    top = client.list_objects_v2(Bucket="s3-objects", Delimiter="/")
    assert [c["Key"] for c in top["Contents"]] == ["native.bin", "z.txt"], top
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["dir/"]
    inside = client.list_objects_v2(Bucket="s3-objects", Prefix="dir/", Delimiter="/")
    assert [c["Key"] for c in inside["Contents"]] == ["dir/a.txt", "dir/data.bin"]
    assert [p["Prefix"] for p in inside["CommonPrefixes"]] == ["dir/sub/"]
    pages, token = [], None
    while True:
        kwargs = {"Bucket": "s3-objects", "MaxKeys": 2}
        if token:
            kwargs["ContinuationToken"] = token
        page = client.list_objects_v2(**kwargs)
        pages.append([c["Key"] for c in page.get("Contents", [])])
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert pages == [
        ["dir/a.txt", "dir/data.bin"],
        ["dir/sub/b.txt", "native.bin"],
        ["z.txt"],
    ], pages
    after = client.list_objects_v2(Bucket="s3-objects", StartAfter="native.bin")
    assert [c["Key"] for c in after["Contents"]] == ["z.txt"]

    # Delete by name: a hide marker, seen through the Native API.
    deleted = client.delete_object(Bucket="s3-objects", Key="z.txt")
    assert deleted["DeleteMarker"] is True
    actions = [v["action"] for v in versions(bucket_id, "z.txt")]
    assert actions == ["hide", "upload"], actions
    assert error_code(lambda: client.get_object(Bucket="s3-objects", Key="z.txt")) == "NoSuchKey"
    # With versionId: that version is gone.
    client.delete_object(Bucket="s3-objects", Key="native.bin", VersionId=up["fileId"])
    assert versions(bucket_id, "native.bin") == []

    url = client.generate_presigned_url(
        "get_object", Params={"Bucket": "s3-objects", "Key": "dir/data.bin"}, ExpiresIn=300
    )
    with urllib.request.urlopen(url) as resp:
        assert resp.read() == data
    fetched = subprocess.run(["curl", "-sS", "-f", url], capture_output=True, check=True)
    assert fetched.stdout == data, len(fetched.stdout)
    try:
        urllib.request.urlopen(url.replace("Signature=", "Signature=0"))
        raise AssertionError("a tampered presigned URL was accepted")
    except urllib.error.HTTPError as err:
        assert err.code == 403 and b"SignatureDoesNotMatch" in err.read()

    put_url = client.generate_presigned_url(
        "put_object", Params={"Bucket": "s3-objects", "Key": "presigned.txt"}, ExpiresIn=300
    )
    req = urllib.request.Request(put_url, data=b"through a URL", method="PUT")
    urllib.request.urlopen(req).read()
    got = client.get_object(Bucket="s3-objects", Key="presigned.txt")["Body"].read()
    assert got == b"through a URL", got

    odd = "odd name/ä + ü %41 (1).txt"
    client.put_object(Bucket="s3-objects", Key=odd, Body=b"odd")
    assert client.get_object(Bucket="s3-objects", Key=odd)["Body"].read() == b"odd"
    listed = client.list_objects_v2(Bucket="s3-objects", Prefix="odd name/")
    assert [c["Key"] for c in listed["Contents"]] == [odd], listed["Contents"]

    client.head_bucket(Bucket="s3-objects")
    location = client.get_bucket_location(Bucket="s3-objects")
    assert location["LocationConstraint"] is None, location
    assert client.get_bucket_versioning(Bucket="s3-objects")["Status"] == "Enabled"
    assert error_code(lambda: client.head_bucket(Bucket="no-such-bucket")) == "404"

    bad = s3(key_id, key[:-1] + ("x" if key[-1] != "x" else "y"))
    assert error_code(lambda: bad.list_buckets()) == "SignatureDoesNotMatch"
    missing = error_code(lambda: client.get_object(Bucket="no-such-bucket", Key="k"))
    assert missing == "NoSuchBucket", missing


def keys():
    first = create_bucket("s3-keys-one")
    create_bucket("s3-keys-two")
    master = s3(MASTER_ID, MASTER_KEY)
    assert error_code(lambda: master.list_buckets()) == "InvalidAccessKeyId"
    account = s3(ACCOUNT, MASTER_KEY)
    assert error_code(lambda: account.list_buckets()) == "InvalidAccessKeyId"

    narrow = [c for c in CAPS if c != "listAllBucketNames"]
    key_id, key = create_key("s3-narrow", narrow, first)
    client = s3(key_id, key)
    assert error_code(lambda: client.list_buckets()) == "AccessDenied"
    client.put_object(Bucket="s3-keys-one", Key="mine.txt", Body=b"mine")
    denied = error_code(lambda: client.put_object(Bucket="s3-keys-two", Key="x", Body=b"x"))
    assert denied == "AccessDenied", denied

    key_id, key = create_key("s3-wide", CAPS, first)
    client = s3(key_id, key)
    names = sorted(b["Name"] for b in client.list_buckets()["Buckets"])
    assert names == ["s3-keys-one", "s3-keys-two"], names
    assert client.get_object(Bucket="s3-keys-one", Key="mine.txt")["Body"].read() == b"mine"

    read_only = s3(*create_key("s3-read", ["listBuckets", "listFiles", "readFiles"]))
    denied = error_code(lambda: read_only.put_object(Bucket="s3-keys-one", Key="y", Body=b"y"))
    assert denied == "AccessDenied", denied
    no_delete = error_code(
        lambda: read_only.delete_object(Bucket="s3-keys-one", Key="mine.txt")
    )
    assert no_delete == "AccessDenied", no_delete

    prefixed = s3(*create_key("s3-prefix", CAPS, first, "p/"))
    prefixed.put_object(Bucket="s3-keys-one", Key="p/in.txt", Body=b"in")
    outside = error_code(lambda: prefixed.put_object(Bucket="s3-keys-one", Key="q", Body=b"q"))
    assert outside == "AccessDenied", outside
    listed = prefixed.list_objects_v2(Bucket="s3-keys-one", Prefix="p/")
    assert [c["Key"] for c in listed["Contents"]] == ["p/in.txt"]
    unlisted = error_code(lambda: prefixed.list_objects_v2(Bucket="s3-keys-one"))
    assert unlisted == "AccessDenied", unlisted


def clock():
    create_bucket("s3-clock")
    client = s3(*create_key("s3-clock", CAPS))
    client.put_object(Bucket="s3-clock", Key="k", Body=b"k")
    url = client.generate_presigned_url(
        "get_object", Params={"Bucket": "s3-clock", "Key": "k"}, ExpiresIn=600
    )
    with urllib.request.urlopen(url) as resp:
        assert resp.read() == b"k"
    basic = base64.b64encode(f"{MASTER_ID}:{MASTER_KEY}".encode()).decode()
    req = urllib.request.Request(
        f"{URL}/b2tui-admin/v1/advance_clock?seconds=3600",
        data=b"",
        method="POST",
        headers={"Authorization": f"Basic {basic}"},
    )
    urllib.request.urlopen(req).read()
    # The server's clock is an hour ahead: signed requests are too old, the URL expired.
    assert error_code(lambda: client.list_buckets()) == "RequestTimeTooSkewed"
    try:
        urllib.request.urlopen(url)
        raise AssertionError("an expired presigned URL was accepted")
    except urllib.error.HTTPError as err:
        assert err.code == 403 and b"AccessDenied" in err.read()


run({"objects": objects, "keys": keys, "clock": clock})
