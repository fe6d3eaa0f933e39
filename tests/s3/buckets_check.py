"""boto3 against a running `b2tui serve`: buckets and their namespace through the
S3-compatible API -- ListObjects V1, ListObjectVersions, DeleteObjects, CreateBucket and
DeleteBucket, ACLs, bucket encryption, Object Lock and virtual-hosted requests (see
s3common.py for usage)."""

import base64
import datetime
import hashlib
import socket

from botocore.config import Config

import boto3
from s3common import (
    ACCOUNT,
    CAPS,
    REGION,
    S3_URL,
    TOKEN,
    URL,
    create_bucket,
    create_key,
    error_code,
    native,
    run,
    s3,
    versions,
)

# Every capability an S3 test key may need beyond the preset.
ADMIN = CAPS + [
    "writeBuckets",
    "deleteBuckets",
    "readBucketEncryption",
    "writeBucketEncryption",
    "readBucketRetentions",
    "writeBucketRetentions",
    "readFileRetentions",
    "writeFileRetentions",
    "readFileLegalHolds",
    "writeFileLegalHolds",
    "bypassGovernance",
]


def admin_client():
    return s3(*create_key("s3-admin", ADMIN))


def bucket_of(name):
    listed = native("b2_list_buckets", {"accountId": ACCOUNT, "bucketName": name}, TOKEN)
    return listed["buckets"][0] if listed["buckets"] else None


def keys_of(page):
    return [c["Key"] for c in page.get("Contents", [])]


def listing():
    bucket_id = create_bucket("s3-listing")
    client = s3(*create_key("lister", CAPS))
    names = ["a.txt", "b/1.txt", "b/2.txt", "c d.txt", "d/x/y.txt", "e.txt"]
    for name in names:
        client.put_object(Bucket="s3-listing", Key=name, Body=name.encode())

    # V1 without a delimiter: pages of two, resumed from the last key.
    pages, marker = [], ""
    while True:
        page = client.list_objects(Bucket="s3-listing", MaxKeys=2, Marker=marker)
        pages.append(keys_of(page))
        assert "NextMarker" not in page, page
        if not page["IsTruncated"]:
            break
        marker = page["Contents"][-1]["Key"]
    assert pages == [names[0:2], names[2:4], names[4:6]], pages

    # V1 with a delimiter: NextMarker, and a common prefix is not listed twice.
    seen, marker = [], ""
    while True:
        page = client.list_objects(Bucket="s3-listing", Delimiter="/", MaxKeys=2, Marker=marker)
        seen += keys_of(page) + [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        if not page["IsTruncated"]:
            break
        marker = page["NextMarker"]
    assert sorted(seen) == ["a.txt", "b/", "c d.txt", "d/", "e.txt"], seen
    inside = client.list_objects(Bucket="s3-listing", Prefix="b/")
    assert keys_of(inside) == ["b/1.txt", "b/2.txt"], inside
    encoded = client.list_objects(Bucket="s3-listing", Prefix="c", EncodingType="url")
    # Asked for by the caller, the encoding is left to the caller to undo.
    assert keys_of(encoded) == ["c%20d.txt"], encoded

    # Versions: two uploads of a.txt, a hide of e.txt (a delete marker).
    second = client.put_object(Bucket="s3-listing", Key="a.txt", Body=b"second")
    hidden = client.delete_object(Bucket="s3-listing", Key="e.txt")
    assert hidden["DeleteMarker"] is True
    every = client.list_object_versions(Bucket="s3-listing")
    listed = [(v["Key"], v["IsLatest"]) for v in every["Versions"]]
    assert listed[:2] == [("a.txt", True), ("a.txt", False)], listed
    assert every["Versions"][0]["VersionId"] == second["VersionId"]
    assert every["Versions"][0]["StorageClass"] == "STANDARD"
    assert every["Versions"][0]["Owner"]["ID"] == ACCOUNT
    assert every["Versions"][0]["Size"] == 6
    [marker_entry] = every["DeleteMarkers"]
    assert marker_entry["Key"] == "e.txt" and marker_entry["IsLatest"] is True
    assert marker_entry["VersionId"] == hidden["VersionId"]
    assert [v["Key"] for v in every["Versions"] if v["Key"] == "e.txt"] == ["e.txt"]
    assert every["IsTruncated"] is False

    # Paging over versions, two entries a page, resumes exactly.
    walked, kwargs = [], {}
    while True:
        page = client.list_object_versions(Bucket="s3-listing", MaxKeys=2, **kwargs)
        entries = page.get("Versions", []) + page.get("DeleteMarkers", [])
        assert len(entries) <= 2
        walked += [e["VersionId"] for e in entries]
        if not page["IsTruncated"]:
            break
        kwargs = {"KeyMarker": page["NextKeyMarker"], "VersionIdMarker": page["NextVersionIdMarker"]}
    everything = [v["VersionId"] for v in every["Versions"]] + [hidden["VersionId"]]
    assert sorted(walked) == sorted(everything) and len(walked) == len(everything), walked
    folded = client.list_object_versions(Bucket="s3-listing", Delimiter="/", MaxKeys=3)
    first = [v["Key"] for v in folded["Versions"]] + [p["Prefix"] for p in folded.get("CommonPrefixes", [])]
    assert sorted(first) == ["a.txt", "a.txt", "b/"], folded
    rest = client.list_object_versions(
        Bucket="s3-listing", Delimiter="/", KeyMarker=folded["NextKeyMarker"]
    )
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["d/"], rest
    assert "b/" not in [p["Prefix"] for p in rest["CommonPrefixes"]]

    assert error_code(
        lambda: client.list_object_versions(
            Bucket="s3-listing", KeyMarker="a.txt", VersionIdMarker="4_zunknown"
        )
    ) == "InvalidArgument"
    # A subresource B2 does not offer is not taken for a listing.
    assert error_code(lambda: client.get_bucket_cors(Bucket="s3-listing")) == "NotImplemented"

    # Deleting the marker by its version id shows e.txt again.
    client.delete_object(Bucket="s3-listing", Key="e.txt", VersionId=hidden["VersionId"])
    assert client.get_object(Bucket="s3-listing", Key="e.txt")["Body"].read() == b"e.txt"
    assert "DeleteMarkers" not in client.list_object_versions(Bucket="s3-listing", Prefix="e")

    # Unfinished large files are not listed.
    native(
        "b2_start_large_file",
        {"bucketId": bucket_id, "fileName": "f.big", "contentType": "b2/x-auto"},
        TOKEN,
    )
    listed = client.list_object_versions(Bucket="s3-listing", Prefix="f")
    assert "Versions" not in listed, listed

    # Keys: listFiles needed; a prefix-restricted key lists only within its prefix.
    writer = s3(*create_key("writer", ["listBuckets", "writeFiles"]))
    for call in [
        lambda: writer.list_objects(Bucket="s3-listing"),
        lambda: writer.list_object_versions(Bucket="s3-listing"),
    ]:
        assert error_code(call) == "AccessDenied"
    narrow = s3(*create_key("narrow", CAPS, bucket_id=bucket_id, prefix="b/"))
    assert error_code(lambda: narrow.list_object_versions(Bucket="s3-listing")) == "AccessDenied"
    assert error_code(lambda: narrow.list_objects(Bucket="s3-listing")) == "AccessDenied"
    inside = narrow.list_object_versions(Bucket="s3-listing", Prefix="b/")
    assert [v["Key"] for v in inside["Versions"]] == ["b/1.txt", "b/2.txt"]


def delete_objects():
    bucket_id = create_bucket("s3-delete")
    client = s3(*create_key("deleter", CAPS))
    made = {}
    for name in ["in/a", "in/b", "in/c", "out/x"]:
        made[name] = client.put_object(Bucket="s3-delete", Key=name, Body=b"x")["VersionId"]
    narrow = s3(*create_key("narrow", CAPS, bucket_id=bucket_id, prefix="in/"))
    answer = narrow.delete_objects(
        Bucket="s3-delete",
        Delete={
            "Objects": [
                {"Key": "in/a"},
                {"Key": "in/b", "VersionId": made["in/b"]},
                {"Key": "out/x"},
                {"Key": "in/none"},
            ]
        },
    )
    deleted = {d["Key"]: d for d in answer["Deleted"]}
    assert set(deleted) == {"in/a", "in/b", "in/none"}, answer
    assert deleted["in/a"]["DeleteMarker"] is True
    assert [v["action"] for v in versions(bucket_id, "in/a")] == ["hide", "upload"]
    assert deleted["in/a"]["DeleteMarkerVersionId"] == versions(bucket_id, "in/a")[0]["fileId"]
    assert deleted["in/b"]["VersionId"] == made["in/b"] and "DeleteMarker" not in deleted["in/b"]
    assert versions(bucket_id, "in/b") == []
    [error] = answer["Errors"]
    assert error["Key"] == "out/x" and error["Code"] == "AccessDenied", error
    assert [v["action"] for v in versions(bucket_id, "out/x")] == ["upload"]

    # Deleting a hide marker by version id restores the file.
    marker = deleted["in/a"]["DeleteMarkerVersionId"]
    answer = client.delete_objects(
        Bucket="s3-delete", Delete={"Objects": [{"Key": "in/a", "VersionId": marker}]}
    )
    [restored] = answer["Deleted"]
    assert restored["DeleteMarker"] is True and restored["DeleteMarkerVersionId"] == marker
    assert client.get_object(Bucket="s3-delete", Key="in/a")["Body"].read() == b"x"

    # Quiet mode lists only errors; deleteFiles is needed for versions.
    quiet = client.delete_objects(
        Bucket="s3-delete", Delete={"Objects": [{"Key": "in/c"}], "Quiet": True}
    )
    assert "Deleted" not in quiet and "Errors" not in quiet, quiet
    no_delete = s3(*create_key("no-delete", ["listBuckets", "listFiles", "writeFiles"]))
    answer = no_delete.delete_objects(
        Bucket="s3-delete",
        Delete={"Objects": [{"Key": "out/x", "VersionId": made["out/x"]}, {"Key": "out/x"}]},
    )
    assert [e["Code"] for e in answer["Errors"]] == ["AccessDenied"], answer
    assert [d["Key"] for d in answer["Deleted"]] == ["out/x"]

    # Over 1,000 keys, no keys, or no Content-MD5: refused whole.
    many = [{"Key": f"k{i}"} for i in range(1001)]
    assert error_code(
        lambda: client.delete_objects(Bucket="s3-delete", Delete={"Objects": many})
    ) == "MalformedXML"
    assert error_code(
        lambda: client.delete_objects(Bucket="s3-delete", Delete={"Objects": []})
    ) == "MalformedXML"

    def strip_md5(request, **_):
        if "Content-MD5" in request.headers:
            del request.headers["Content-MD5"]

    bare = s3(*create_key("bare", CAPS))
    bare.meta.events.register("before-sign.s3.DeleteObjects", strip_md5)
    assert error_code(
        lambda: bare.delete_objects(Bucket="s3-delete", Delete={"Objects": [{"Key": "in/c"}]})
    ) == "InvalidRequest"

    def sha256_instead(request, **_):
        del request.headers["Content-MD5"]
        digest = hashlib.sha256(request.body).digest()
        request.headers["x-amz-checksum-sha256"] = base64.b64encode(digest).decode()

    newer = s3(*create_key("newer", CAPS))
    newer.meta.events.register("before-sign.s3.DeleteObjects", sha256_instead)
    answer = newer.delete_objects(Bucket="s3-delete", Delete={"Objects": [{"Key": "in/b"}]})
    assert [d["Key"] for d in answer["Deleted"]] == ["in/b"], answer

    def wrong_sha256(request, **_):
        sha256_instead(request)
        del request.headers["x-amz-checksum-sha256"]
        request.headers["x-amz-checksum-sha256"] = base64.b64encode(b"0" * 32).decode()

    wrong = s3(*create_key("wrong", CAPS))
    wrong.meta.events.register("before-sign.s3.DeleteObjects", wrong_sha256)
    assert error_code(
        lambda: wrong.delete_objects(Bucket="s3-delete", Delete={"Objects": [{"Key": "in/b"}]})
    ) == "BadDigest"

    def wrong_md5(request, **_):
        del request.headers["Content-MD5"]
        request.headers["Content-MD5"] = "1B2M2Y8AsgTpgAmY7PhCfg=="

    bad = s3(*create_key("bad", CAPS))
    bad.meta.events.register("before-sign.s3.DeleteObjects", wrong_md5)
    assert error_code(
        lambda: bad.delete_objects(Bucket="s3-delete", Delete={"Objects": [{"Key": "in/c"}]})
    ) == "BadDigest"


def buckets():
    admin = admin_client()
    admin.create_bucket(Bucket="s3-made-private")
    admin.create_bucket(
        Bucket="s3-made-public",
        ACL="public-read",
        CreateBucketConfiguration={"LocationConstraint": REGION},
    )
    assert bucket_of("s3-made-private")["bucketType"] == "allPrivate"
    assert bucket_of("s3-made-public")["bucketType"] == "allPublic"
    assert error_code(lambda: admin.create_bucket(Bucket="s3-made-private")) == (
        "BucketAlreadyOwnedByYou"
    )
    for bad in ["ab", "has_underscore", "b2-reserved", "x" * 64]:
        assert error_code(lambda: admin.create_bucket(Bucket=bad)) == "InvalidBucketName", bad

    private_id = bucket_of("s3-made-private")["bucketId"]
    # writeBuckets is an account capability: a bucket-restricted key can never create.
    bucket_level = [c for c in ADMIN if c not in ("writeBuckets", "deleteBuckets")]
    restricted = s3(*create_key("one-bucket", bucket_level, bucket_id=private_id))
    assert error_code(lambda: restricted.create_bucket(Bucket="s3-not-made")) == "AccessDenied"
    plain = s3(*create_key("plain", CAPS))
    assert error_code(lambda: plain.create_bucket(Bucket="s3-not-made")) == "AccessDenied"
    assert bucket_of("s3-not-made") is None

    # ACLs: the owner's FULL_CONTROL, and AllUsers READ on a public bucket.
    acl = admin.get_bucket_acl(Bucket="s3-made-private")
    assert acl["Owner"]["ID"] == ACCOUNT
    assert [(g["Grantee"]["Type"], g["Permission"]) for g in acl["Grants"]] == [
        ("CanonicalUser", "FULL_CONTROL")
    ], acl
    public = admin.get_bucket_acl(Bucket="s3-made-public")
    assert [(g["Grantee"].get("URI"), g["Permission"]) for g in public["Grants"]][1] == (
        "http://acs.amazonaws.com/groups/global/AllUsers",
        "READ",
    ), public
    admin.put_object(Bucket="s3-made-public", Key="o.txt", Body=b"o")
    object_acl = admin.get_object_acl(Bucket="s3-made-public", Key="o.txt")
    assert len(object_acl["Grants"]) == 2, object_acl
    assert error_code(lambda: admin.get_object_acl(Bucket="s3-made-public", Key="none")) == (
        "NoSuchKey"
    )
    admin.put_object_acl(Bucket="s3-made-public", Key="o.txt", ACL="public-read")
    assert error_code(
        lambda: admin.put_object_acl(Bucket="s3-made-public", Key="o.txt", ACL="private")
    ) == "NotImplemented"
    admin.put_bucket_acl(Bucket="s3-made-private", ACL="public-read")
    assert bucket_of("s3-made-private")["bucketType"] == "allPublic"
    admin.put_bucket_acl(Bucket="s3-made-private", ACL="private")
    assert bucket_of("s3-made-private")["bucketType"] == "allPrivate"
    assert error_code(
        lambda: admin.put_bucket_acl(Bucket="s3-made-private", ACL="public-read-write")
    ) == "NotImplemented"
    assert error_code(
        lambda: plain.put_bucket_acl(Bucket="s3-made-private", ACL="public-read")
    ) == "AccessDenied"
    reader = s3(*create_key("reader", ["readFiles"]))
    assert error_code(lambda: reader.get_bucket_acl(Bucket="s3-made-private")) == "AccessDenied"

    # Encryption: SSE-B2 by default, removed, put back.
    rule = admin.get_bucket_encryption(Bucket="s3-made-private")
    [only] = rule["ServerSideEncryptionConfiguration"]["Rules"]
    assert only["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    admin.delete_bucket_encryption(Bucket="s3-made-private")
    assert bucket_of("s3-made-private")["defaultServerSideEncryption"]["value"]["mode"] is None
    assert error_code(lambda: admin.get_bucket_encryption(Bucket="s3-made-private")) == (
        "ServerSideEncryptionConfigurationNotFoundError"
    )
    config = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    admin.put_bucket_encryption(
        Bucket="s3-made-private", ServerSideEncryptionConfiguration=config
    )
    assert bucket_of("s3-made-private")["defaultServerSideEncryption"]["value"]["mode"] == "SSE-B2"
    kms = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}
    assert error_code(
        lambda: admin.put_bucket_encryption(
            Bucket="s3-made-private", ServerSideEncryptionConfiguration=kms
        )
    ) == "InvalidArgument"
    assert error_code(lambda: plain.get_bucket_encryption(Bucket="s3-made-private")) == (
        "AccessDenied"
    )
    assert error_code(
        lambda: plain.put_bucket_encryption(
            Bucket="s3-made-private", ServerSideEncryptionConfiguration=config
        )
    ) == "AccessDenied"

    # DeleteBucket: not while any version exists (a hidden file counts), needs deleteBuckets.
    admin.delete_object(Bucket="s3-made-public", Key="o.txt")
    assert error_code(lambda: admin.delete_bucket(Bucket="s3-made-public")) == "BucketNotEmpty"
    assert error_code(lambda: plain.delete_bucket(Bucket="s3-made-private")) == "AccessDenied"
    admin.delete_bucket(Bucket="s3-made-private")
    assert bucket_of("s3-made-private") is None
    assert error_code(lambda: admin.delete_bucket(Bucket="s3-made-private")) == "NoSuchBucket"


def lock():
    admin = admin_client()
    admin.create_bucket(Bucket="s3-locked", ObjectLockEnabledForBucket=True)
    assert bucket_of("s3-locked")["fileLockConfiguration"]["value"]["isFileLockEnabled"] is True
    config = admin.get_object_lock_configuration(Bucket="s3-locked")["ObjectLockConfiguration"]
    assert config == {"ObjectLockEnabled": "Enabled"}, config
    admin.put_object_lock_configuration(
        Bucket="s3-locked",
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 3}},
        },
    )
    config = admin.get_object_lock_configuration(Bucket="s3-locked")["ObjectLockConfiguration"]
    assert config["Rule"]["DefaultRetention"] == {"Mode": "GOVERNANCE", "Days": 3}, config
    default = bucket_of("s3-locked")["fileLockConfiguration"]["value"]["defaultRetention"]
    assert default == {"mode": "governance", "period": {"duration": 3, "unit": "days"}}, default

    plain = s3(*create_key("plain", CAPS))
    assert error_code(lambda: plain.get_object_lock_configuration(Bucket="s3-locked")) == (
        "AccessDenied"
    )
    put = admin.put_object(Bucket="s3-locked", Key="kept.txt", Body=b"kept")
    version = put["VersionId"]
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    later = soon + datetime.timedelta(days=1)
    admin.put_object_retention(
        Bucket="s3-locked",
        Key="kept.txt",
        Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later},
    )
    got = admin.get_object_retention(Bucket="s3-locked", Key="kept.txt", VersionId=version)
    assert got["Retention"]["Mode"] == "GOVERNANCE"
    assert abs((got["Retention"]["RetainUntilDate"] - later).total_seconds()) < 1, got
    [native_version] = versions(bucket_of("s3-locked")["bucketId"], "kept.txt")
    assert native_version["fileRetention"]["value"]["mode"] == "governance"

    # Shortening governance needs the bypass header and bypassGovernance.
    shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": soon}
    assert error_code(
        lambda: admin.put_object_retention(Bucket="s3-locked", Key="kept.txt", Retention=shorter)
    ) == "AccessDenied"
    no_bypass = s3(*create_key("no-bypass", [c for c in ADMIN if c != "bypassGovernance"]))
    assert error_code(
        lambda: no_bypass.put_object_retention(
            Bucket="s3-locked", Key="kept.txt", Retention=shorter, BypassGovernanceRetention=True
        )
    ) == "AccessDenied"
    admin.put_object_retention(
        Bucket="s3-locked", Key="kept.txt", Retention=shorter, BypassGovernanceRetention=True
    )
    assert error_code(
        lambda: plain.put_object_retention(Bucket="s3-locked", Key="kept.txt", Retention=shorter)
    ) == "AccessDenied"
    assert error_code(lambda: plain.get_object_retention(Bucket="s3-locked", Key="kept.txt")) == (
        "AccessDenied"
    )
    past = {"Mode": "GOVERNANCE", "RetainUntilDate": datetime.datetime(2000, 1, 1)}
    assert error_code(
        lambda: admin.put_object_retention(Bucket="s3-locked", Key="kept.txt", Retention=past)
    ) == "InvalidArgument"

    # A locked version is refused by DeleteObjects (and DeleteObject) with AccessDenied.
    answer = admin.delete_objects(
        Bucket="s3-locked", Delete={"Objects": [{"Key": "kept.txt", "VersionId": version}]}
    )
    assert [e["Code"] for e in answer["Errors"]] == ["AccessDenied"], answer
    assert error_code(
        lambda: admin.delete_object(Bucket="s3-locked", Key="kept.txt", VersionId=version)
    ) == "AccessDenied"

    # Compliance can be extended, never shortened.
    admin.put_object_retention(
        Bucket="s3-locked",
        Key="kept.txt",
        Retention={"Mode": "COMPLIANCE", "RetainUntilDate": later},
        BypassGovernanceRetention=True,
    )
    assert error_code(
        lambda: admin.put_object_retention(
            Bucket="s3-locked",
            Key="kept.txt",
            Retention={"Mode": "COMPLIANCE", "RetainUntilDate": soon},
            BypassGovernanceRetention=True,
        )
    ) == "AccessDenied"

    # Legal hold.
    other = admin.put_object(Bucket="s3-locked", Key="held.txt", Body=b"held")["VersionId"]
    got = admin.get_object_legal_hold(Bucket="s3-locked", Key="held.txt")
    assert got["LegalHold"]["Status"] == "OFF"
    admin.put_object_legal_hold(Bucket="s3-locked", Key="held.txt", LegalHold={"Status": "ON"})
    assert admin.get_object_legal_hold(Bucket="s3-locked", Key="held.txt")["LegalHold"] == {
        "Status": "ON"
    }
    assert error_code(
        lambda: admin.delete_object(Bucket="s3-locked", Key="held.txt", VersionId=other)
    ) == "AccessDenied"
    assert error_code(
        lambda: plain.put_object_legal_hold(
            Bucket="s3-locked", Key="held.txt", LegalHold={"Status": "OFF"}
        )
    ) == "AccessDenied"
    assert error_code(lambda: plain.get_object_legal_hold(Bucket="s3-locked", Key="held.txt")) == (
        "AccessDenied"
    )
    admin.put_object_legal_hold(Bucket="s3-locked", Key="held.txt", LegalHold={"Status": "OFF"})
    admin.delete_object(Bucket="s3-locked", Key="held.txt", VersionId=other)

    # A bucket without lock: no configuration, no retention, no legal hold.
    admin.create_bucket(Bucket="s3-unlocked")
    admin.put_object(Bucket="s3-unlocked", Key="f.txt", Body=b"f")
    assert error_code(lambda: admin.get_object_lock_configuration(Bucket="s3-unlocked")) == (
        "ObjectLockConfigurationNotFoundError"
    )
    assert error_code(
        lambda: admin.put_object_retention(
            Bucket="s3-unlocked", Key="f.txt", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later}
        )
    ) == "InvalidRequest"
    assert error_code(
        lambda: admin.put_object_legal_hold(
            Bucket="s3-unlocked", Key="f.txt", LegalHold={"Status": "ON"}
        )
    ) == "InvalidRequest"
    assert error_code(lambda: admin.get_object_retention(Bucket="s3-unlocked", Key="f.txt")) == (
        "InvalidRequest"
    )
    # As on B2, an existing bucket can have Object Lock turned on.
    admin.put_object_lock_configuration(
        Bucket="s3-unlocked",
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}},
        },
    )
    config = admin.get_object_lock_configuration(Bucket="s3-unlocked")["ObjectLockConfiguration"]
    assert config["Rule"]["DefaultRetention"] == {"Mode": "COMPLIANCE", "Years": 1}, config
    admin.put_object_legal_hold(Bucket="s3-unlocked", Key="f.txt", LegalHold={"Status": "ON"})


def virtual_hosted():
    # `*.localhost` may not resolve here: every name under it is this machine.
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    socket.getaddrinfo = resolve
    port = URL.rsplit(":", 1)[1]
    assert S3_URL == f"http://s3.localhost:{port}", S3_URL
    create_bucket("s3-hosted")
    key_id, key = create_key("hosted", CAPS)
    admin_key = create_key("hosted-admin", ADMIN)
    client = boto3.client(
        "s3",
        endpoint_url=S3_URL,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=key,
        config=Config(s3={"addressing_style": "virtual"}, retries={"max_attempts": 1}),
    )
    seen = []
    client.meta.events.register(
        "before-send.s3", lambda request, **_: seen.append(request.url)
    )
    client.put_object(Bucket="s3-hosted", Key="dir/file.txt", Body=b"hosted")
    assert seen[-1].startswith(f"http://s3-hosted.s3.localhost:{port}/dir/file.txt"), seen
    got = client.get_object(Bucket="s3-hosted", Key="dir/file.txt")
    assert got["Body"].read() == b"hosted"
    # A key that looks like a Native path is still a key of the bucket.
    client.put_object(Bucket="s3-hosted", Key="file/b2api/x", Body=b"odd")
    assert client.get_object(Bucket="s3-hosted", Key="file/b2api/x")["Body"].read() == b"odd"
    listed = client.list_objects_v2(Bucket="s3-hosted")
    assert keys_of(listed) == ["dir/file.txt", "file/b2api/x"], listed
    assert client.list_objects(Bucket="s3-hosted", Prefix="dir/")["Contents"][0]["Key"] == (
        "dir/file.txt"
    )
    assert error_code(lambda: client.get_object(Bucket="s3-absent", Key="x")) == "NoSuchBucket"
    names = [b["Name"] for b in client.list_buckets()["Buckets"]]
    assert names == ["s3-hosted"], names
    admin = boto3.client(
        "s3",
        endpoint_url=S3_URL,
        region_name=REGION,
        aws_access_key_id=admin_key[0],
        aws_secret_access_key=admin_key[1],
        config=Config(s3={"addressing_style": "virtual"}, retries={"max_attempts": 1}),
    )
    admin.create_bucket(Bucket="s3-hosted-new")
    assert bucket_of("s3-hosted-new")["bucketType"] == "allPrivate"
    admin.put_object(Bucket="s3-hosted-new", Key="gone.txt", Body=b"x")
    answer = admin.delete_objects(
        Bucket="s3-hosted-new", Delete={"Objects": [{"Key": "gone.txt"}]}
    )
    assert answer["Deleted"][0]["DeleteMarker"] is True, answer
    listed = admin.list_object_versions(Bucket="s3-hosted-new")
    for entry in listed["Versions"] + listed["DeleteMarkers"]:
        admin.delete_object(Bucket="s3-hosted-new", Key="gone.txt", VersionId=entry["VersionId"])
    admin.delete_bucket(Bucket="s3-hosted-new")
    assert bucket_of("s3-hosted-new") is None
    # Path style on the same host keeps working.
    path = boto3.client(
        "s3",
        endpoint_url=S3_URL,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=key,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    assert path.get_object(Bucket="s3-hosted", Key="dir/file.txt")["Body"].read() == b"hosted"


run(
    {
        "listing": listing,
        "delete_objects": delete_objects,
        "buckets": buckets,
        "lock": lock,
        "virtual_hosted": virtual_hosted,
    }
)
