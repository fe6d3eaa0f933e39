"""boto3 against a running `b2tui serve`: buckets through the S3-compatible API --
CreateBucket and DeleteBucket, ACLs, bucket encryption, Object Lock and virtual-hosted
requests (see s3common.py for usage; listing_check.py has the listings and deletes)."""

import datetime
import socket

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
    keys_of,
    native,
    refused_with,
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


def set_default_retention(client, bucket, retention):
    """Turns Object Lock on for `bucket` with the default `retention` and checks that
    reading the configuration back gives it."""
    client.put_object_lock_configuration(
        Bucket=bucket,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": retention},
        },
    )
    config = client.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    assert config["Rule"]["DefaultRetention"] == retention, config


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
    refused_with(
        "AccessDenied",
        lambda: plain.get_bucket_encryption(Bucket="s3-made-private"),
        lambda: plain.put_bucket_encryption(
            Bucket="s3-made-private", ServerSideEncryptionConfiguration=config
        ),
    )

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
    set_default_retention(admin, "s3-locked", {"Mode": "GOVERNANCE", "Days": 3})
    default = bucket_of("s3-locked")["fileLockConfiguration"]["value"]["defaultRetention"]
    assert default == {"mode": "governance", "period": {"duration": 3, "unit": "days"}}, default

    plain = s3(*create_key("plain", CAPS))
    assert error_code(lambda: plain.get_object_lock_configuration(Bucket="s3-locked")) == (
        "AccessDenied"
    )
    put = admin.put_object(Bucket="s3-locked", Key="kept.txt", Body=b"kept")
    version = put["VersionId"]
    # Beyond the bucket's default of 3 days, which a plain put already has.
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=4)
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
    refused_with(
        "AccessDenied",
        lambda: plain.put_object_retention(Bucket="s3-locked", Key="kept.txt", Retention=shorter),
        lambda: plain.get_object_retention(Bucket="s3-locked", Key="kept.txt"),
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
    refused_with(
        "AccessDenied",
        lambda: admin.delete_object(Bucket="s3-locked", Key="held.txt", VersionId=other),
        lambda: plain.put_object_legal_hold(
            Bucket="s3-locked", Key="held.txt", LegalHold={"Status": "OFF"}
        ),
        lambda: plain.get_object_legal_hold(Bucket="s3-locked", Key="held.txt"),
    )
    admin.put_object_legal_hold(Bucket="s3-locked", Key="held.txt", LegalHold={"Status": "OFF"})
    # Without the hold, the bucket's default governance retention still protects it.
    refused_with(
        "AccessDenied",
        lambda: admin.delete_object(Bucket="s3-locked", Key="held.txt", VersionId=other),
    )
    admin.delete_object(
        Bucket="s3-locked", Key="held.txt", VersionId=other, BypassGovernanceRetention=True
    )

    # A bucket without lock: no configuration, no retention, no legal hold.
    admin.create_bucket(Bucket="s3-unlocked")
    admin.put_object(Bucket="s3-unlocked", Key="f.txt", Body=b"f")
    assert error_code(lambda: admin.get_object_lock_configuration(Bucket="s3-unlocked")) == (
        "ObjectLockConfigurationNotFoundError"
    )
    refused_with(
        "InvalidRequest",
        lambda: admin.put_object_retention(
            Bucket="s3-unlocked", Key="f.txt", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later}
        ),
        lambda: admin.put_object_legal_hold(
            Bucket="s3-unlocked", Key="f.txt", LegalHold={"Status": "ON"}
        ),
        lambda: admin.get_object_retention(Bucket="s3-unlocked", Key="f.txt"),
    )
    # As on B2, an existing bucket can have Object Lock turned on.
    set_default_retention(admin, "s3-unlocked", {"Mode": "COMPLIANCE", "Years": 1})
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
    client = s3(key_id, key, addressing="virtual")
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
    admin = s3(*admin_key, addressing="virtual")
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
    path = s3(key_id, key)
    assert path.get_object(Bucket="s3-hosted", Key="dir/file.txt")["Body"].read() == b"hosted"


run({"buckets": buckets, "lock": lock, "virtual_hosted": virtual_hosted})
