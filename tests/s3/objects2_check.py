"""Object writes and reads through the S3-compatible API of a running `b2tui serve`, round
2: server-side encryption (SSE-B2, SSE-C), Object Lock given on writes, conditional writes,
reads of one part, unsigned reads of public buckets and ListBuckets' CreationDate (see
s3common.py for usage)."""

import base64
import datetime
import hashlib
import http.client
import time
import urllib.parse

from botocore.exceptions import ClientError

from s3common import (
    ACCOUNT,
    CAPS,
    TOKEN,
    URL,
    create_bucket,
    create_key,
    error_code,
    native,
    native_upload,
    run,
    s3,
    versions,
)

LOCK_CAPS = ["writeFileRetentions", "writeFileLegalHolds", "readFileRetentions",
             "readFileLegalHolds"]


def status_of(call):
    """(HTTP status, S3 error code) of a call that must fail."""
    try:
        call()
    except ClientError as err:
        answer = err.response
        return answer["ResponseMetadata"]["HTTPStatusCode"], answer["Error"]["Code"]
    raise AssertionError("the call should have failed")


def key_md5(key):
    return base64.b64encode(hashlib.md5(key).digest()).decode()


def make_bucket(name, **fields):
    body = {"accountId": ACCOUNT, "bucketName": name, "bucketType": "allPrivate"}
    body.update(fields)
    return native("b2_create_bucket", body, TOKEN)["bucketId"]


def sse():
    bucket_id = create_bucket("enc-bucket")
    client = s3(*create_key("enc", CAPS))
    # New buckets encrypt with SSE-B2 by default; a plain S3 put gets it too.
    plain = client.put_object(Bucket="enc-bucket", Key="plain.txt", Body=b"plain")
    assert plain["ServerSideEncryption"] == "AES256", plain
    [version] = versions(bucket_id, "plain.txt")
    assert version["serverSideEncryption"]["mode"] == "SSE-B2", version
    asked = client.put_object(
        Bucket="enc-bucket", Key="b2.txt", Body=b"sse-b2", ServerSideEncryption="AES256"
    )
    assert asked["ServerSideEncryption"] == "AES256", asked
    head = client.head_object(Bucket="enc-bucket", Key="b2.txt")
    assert head["ServerSideEncryption"] == "AES256", head
    got = client.get_object(Bucket="enc-bucket", Key="b2.txt")
    assert got["ServerSideEncryption"] == "AES256" and got["Body"].read() == b"sse-b2"
    kms = error_code(lambda: client.put_object(
        Bucket="enc-bucket", Key="kms.txt", Body=b"x", ServerSideEncryption="aws:kms"
    ))
    assert kms == "InvalidArgument", kms

    key, other = bytes(range(32)), bytes(range(1, 33))
    ssec = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    wrong = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": other}
    put = client.put_object(Bucket="enc-bucket", Key="secret.txt", Body=b"secret", **ssec)
    assert put["SSECustomerAlgorithm"] == "AES256", put
    assert put["SSECustomerKeyMD5"] == key_md5(key), put
    assert "ServerSideEncryption" not in put, put
    [version] = versions(bucket_id, "secret.txt")
    assert version["serverSideEncryption"] == {
        "algorithm": "AES256", "customerKeyMd5": key_md5(key), "mode": "SSE-C"
    }, version
    get = lambda **kw: client.get_object(Bucket="enc-bucket", Key="secret.txt", **kw)
    assert status_of(get) == (400, "InvalidRequest"), status_of(get)
    assert status_of(lambda: get(**wrong)) == (403, "AccessDenied")
    got = get(**ssec)
    assert got["Body"].read() == b"secret" and got["SSECustomerKeyMD5"] == key_md5(key)
    head = lambda **kw: client.head_object(Bucket="enc-bucket", Key="secret.txt", **kw)
    assert status_of(head)[0] == 400 and status_of(lambda: head(**wrong))[0] == 403
    assert head(**ssec)["SSECustomerAlgorithm"] == "AES256"
    # A key for an object that has none is refused.
    assert status_of(lambda: client.get_object(Bucket="enc-bucket", Key="b2.txt", **ssec)) == (
        400, "InvalidRequest"
    )

    # Copies: an SSE-C source needs its key; the copy takes what the request asks for.
    source = {"Bucket": "enc-bucket", "Key": "secret.txt"}
    refused = status_of(lambda: client.copy_object(Bucket="enc-bucket", Key="c.txt",
                                                   CopySource=source))
    assert refused == (400, "InvalidRequest"), refused
    refused = status_of(lambda: client.copy_object(
        Bucket="enc-bucket", Key="c.txt", CopySource=source,
        CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=other))
    assert refused == (403, "AccessDenied"), refused
    copied = client.copy_object(
        Bucket="enc-bucket", Key="c.txt", CopySource=source,
        CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key,
    )
    assert copied["ServerSideEncryption"] == "AES256", copied
    assert client.get_object(Bucket="enc-bucket", Key="c.txt")["Body"].read() == b"secret"
    recopied = client.copy_object(
        Bucket="enc-bucket", Key="c2.txt", CopySource={"Bucket": "enc-bucket", "Key": "c.txt"},
        **wrong,
    )
    assert recopied["SSECustomerKeyMD5"] == key_md5(other), recopied
    [version] = versions(bucket_id, "c2.txt")
    assert version["serverSideEncryption"]["customerKeyMd5"] == key_md5(other)

    # Multipart with SSE-C: every part carries the key.
    created = client.create_multipart_upload(Bucket="enc-bucket", Key="mp.bin", **ssec)
    assert created["SSECustomerKeyMD5"] == key_md5(key), created
    upload = {"Bucket": "enc-bucket", "Key": "mp.bin", "UploadId": created["UploadId"]}
    part = lambda **kw: client.upload_part(PartNumber=1, Body=b"a" * 2000, **upload, **kw)
    assert status_of(part) == (400, "InvalidRequest")
    assert status_of(lambda: part(**wrong))[0] in (400, 403)
    one = part(**ssec)
    assert one["SSECustomerKeyMD5"] == key_md5(key), one
    two = client.upload_part(PartNumber=2, Body=b"b" * 10, **upload, **ssec)
    done = client.complete_multipart_upload(**upload, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": one["ETag"]}, {"PartNumber": 2, "ETag": two["ETag"]},
    ]})
    assert "ServerSideEncryption" not in done, done
    got = client.get_object(Bucket="enc-bucket", Key="mp.bin", **ssec)
    assert got["Body"].read() == b"a" * 2000 + b"b" * 10
    assert status_of(lambda: client.get_object(Bucket="enc-bucket", Key="mp.bin"))[0] == 400
    [version] = versions(bucket_id, "mp.bin")
    assert version["serverSideEncryption"]["mode"] == "SSE-C", version
    b2mp = client.create_multipart_upload(Bucket="enc-bucket", Key="mp2.bin",
                                          ServerSideEncryption="AES256")
    assert b2mp["ServerSideEncryption"] == "AES256", b2mp


def lock():
    locked_id = make_bucket("lock-bucket", fileLockEnabled=True)
    create_bucket("nolock-bucket")
    client = s3(*create_key("locker", CAPS + LOCK_CAPS))
    plain = s3(*create_key("plain", CAPS))
    until = (datetime.datetime.now(datetime.timezone.utc)
             + datetime.timedelta(days=2)).replace(microsecond=0)
    lock = {"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": until,
            "ObjectLockLegalHoldStatus": "ON"}
    put = client.put_object(Bucket="lock-bucket", Key="held.txt", Body=b"held", **lock)
    head = client.head_object(Bucket="lock-bucket", Key="held.txt")
    assert head["ObjectLockMode"] == "GOVERNANCE", head
    assert head["ObjectLockRetainUntilDate"] == until, head
    assert head["ObjectLockLegalHoldStatus"] == "ON", head
    got = client.get_object(Bucket="lock-bucket", Key="held.txt")
    assert got["ObjectLockMode"] == "GOVERNANCE" and got["ObjectLockLegalHoldStatus"] == "ON"
    [version] = versions(locked_id, "held.txt")
    assert version["fileId"] == put["VersionId"]
    assert version["fileRetention"]["value"]["mode"] == "governance", version
    assert version["fileRetention"]["value"]["retainUntilTimestamp"] == int(
        until.timestamp() * 1000)
    assert version["legalHold"]["value"] == "on", version
    # A key that may not read the lock is not told about it.
    head = plain.head_object(Bucket="lock-bucket", Key="held.txt")
    assert "ObjectLockMode" not in head and "ObjectLockLegalHoldStatus" not in head, head

    denied = status_of(lambda: plain.put_object(Bucket="lock-bucket", Key="x.txt", Body=b"x",
                                                ObjectLockLegalHoldStatus="ON"))
    assert denied == (403, "AccessDenied"), denied
    denied = status_of(lambda: plain.put_object(
        Bucket="lock-bucket", Key="x.txt", Body=b"x", ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=until))
    assert denied == (403, "AccessDenied"), denied
    refused = status_of(lambda: client.put_object(Bucket="nolock-bucket", Key="x.txt",
                                                  Body=b"x", **lock))
    assert refused == (400, "InvalidRequest"), refused
    past = until - datetime.timedelta(days=4)
    refused = status_of(lambda: client.put_object(
        Bucket="lock-bucket", Key="x.txt", Body=b"x", ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=past))
    assert refused == (400, "InvalidArgument"), refused
    assert versions(locked_id, "x.txt") == []

    # Multipart and copies take the lock they ask for.
    created = client.create_multipart_upload(Bucket="lock-bucket", Key="mp.bin",
                                             ObjectLockLegalHoldStatus="ON")
    upload = {"Bucket": "lock-bucket", "Key": "mp.bin", "UploadId": created["UploadId"]}
    part = client.upload_part(PartNumber=1, Body=b"m" * 100, **upload)
    client.complete_multipart_upload(**upload, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": part["ETag"]}]})
    assert client.head_object(Bucket="lock-bucket", Key="mp.bin")[
        "ObjectLockLegalHoldStatus"] == "ON"
    client.copy_object(Bucket="lock-bucket", Key="copy.txt",
                       CopySource={"Bucket": "lock-bucket", "Key": "held.txt"},
                       ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until)
    head = client.head_object(Bucket="lock-bucket", Key="copy.txt")
    assert head["ObjectLockMode"] == "COMPLIANCE" and "ObjectLockLegalHoldStatus" not in head
    assert status_of(lambda: plain.copy_object(
        Bucket="lock-bucket", Key="copy2.txt",
        CopySource={"Bucket": "lock-bucket", "Key": "held.txt"},
        ObjectLockLegalHoldStatus="ON")) == (403, "AccessDenied")

    # The bucket's default retention applies to a plain put.
    native("b2_update_bucket", {
        "accountId": ACCOUNT, "bucketId": locked_id,
        "defaultRetention": {"mode": "governance", "period": {"duration": 1, "unit": "days"}},
    }, TOKEN)
    before = time.time()
    client.put_object(Bucket="lock-bucket", Key="default.txt", Body=b"d")
    head = client.head_object(Bucket="lock-bucket", Key="default.txt")
    assert head["ObjectLockMode"] == "GOVERNANCE", head
    expected = before + 86400
    assert abs(head["ObjectLockRetainUntilDate"].timestamp() - expected) < 10, head


def conditional():
    bucket_id = create_bucket("cond-bucket")
    client = s3(*create_key("cond", CAPS))
    first = client.put_object(Bucket="cond-bucket", Key="k.txt", Body=b"one", IfNoneMatch="*")
    again = status_of(lambda: client.put_object(Bucket="cond-bucket", Key="k.txt", Body=b"two",
                                                IfNoneMatch="*"))
    assert again == (412, "PreconditionFailed"), again
    stale = status_of(lambda: client.put_object(Bucket="cond-bucket", Key="k.txt", Body=b"two",
                                                IfMatch='"0123456789abcdef0123456789abcdef"'))
    assert stale == (412, "PreconditionFailed"), stale
    assert len(versions(bucket_id, "k.txt")) == 1
    second = client.put_object(Bucket="cond-bucket", Key="k.txt", Body=b"two",
                               IfMatch=first["ETag"])
    assert client.get_object(Bucket="cond-bucket", Key="k.txt")["Body"].read() == b"two"
    missing = status_of(lambda: client.put_object(Bucket="cond-bucket", Key="none.txt",
                                                  Body=b"x", IfMatch=second["ETag"]))
    assert missing == (404, "NoSuchKey"), missing
    # A hidden name has no current object.
    client.delete_object(Bucket="cond-bucket", Key="k.txt")
    client.put_object(Bucket="cond-bucket", Key="k.txt", Body=b"three", IfNoneMatch="*")

    def multipart(**conditions):
        created = client.create_multipart_upload(Bucket="cond-bucket", Key="k.txt")
        upload = {"Bucket": "cond-bucket", "Key": "k.txt", "UploadId": created["UploadId"]}
        part = client.upload_part(PartNumber=1, Body=b"mp", **upload)
        return client.complete_multipart_upload(**upload, **conditions, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})

    assert status_of(lambda: multipart(IfNoneMatch="*")) == (412, "PreconditionFailed")
    current = client.head_object(Bucket="cond-bucket", Key="k.txt")["ETag"]
    assert status_of(lambda: multipart(IfMatch='"abc"')) == (412, "PreconditionFailed")
    done = multipart(IfMatch=current)
    assert client.head_object(Bucket="cond-bucket", Key="k.txt")["ETag"] == done["ETag"]
    fresh = client.create_multipart_upload(Bucket="cond-bucket", Key="new.bin")
    upload = {"Bucket": "cond-bucket", "Key": "new.bin", "UploadId": fresh["UploadId"]}
    part = client.upload_part(PartNumber=1, Body=b"n", **upload)
    client.complete_multipart_upload(
        **upload, IfNoneMatch="*",
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )


def parts():
    create_bucket("parts-bucket")
    client = s3(*create_key("parts", CAPS))
    chunks = [b"a" * 2000, b"b" * 3000, b"c" * 500]
    created = client.create_multipart_upload(Bucket="parts-bucket", Key="p.bin")
    upload = {"Bucket": "parts-bucket", "Key": "p.bin", "UploadId": created["UploadId"]}
    listed = []
    for number, chunk in enumerate(chunks, 1):
        part = client.upload_part(PartNumber=number, Body=chunk, **upload)
        listed.append({"PartNumber": number, "ETag": part["ETag"]})
    client.complete_multipart_upload(**upload, MultipartUpload={"Parts": listed})
    got = client.get_object(Bucket="parts-bucket", Key="p.bin", PartNumber=2)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206, got["ResponseMetadata"]
    assert got["PartsCount"] == 3, got
    assert got["ContentRange"] == "bytes 2000-4999/5500", got
    assert got["Body"].read() == chunks[1]
    head = client.head_object(Bucket="parts-bucket", Key="p.bin", PartNumber=3)
    assert head["ContentLength"] == 500 and head["PartsCount"] == 3, head
    beyond = status_of(lambda: client.get_object(Bucket="parts-bucket", Key="p.bin",
                                                 PartNumber=4))
    assert beyond == (416, "InvalidPartNumber"), beyond
    client.put_object(Bucket="parts-bucket", Key="small.txt", Body=b"small")
    got = client.get_object(Bucket="parts-bucket", Key="small.txt", PartNumber=1)
    assert got["Body"].read() == b"small" and "PartsCount" not in got, got


def unsigned(method, path, host=None):
    """An unsigned request to the server: (status, body)."""
    parsed = urllib.parse.urlparse(URL)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    headers = {"Host": host} if host else {}
    conn.request(method, path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def public():
    port = urllib.parse.urlparse(URL).port
    public_id = make_bucket("pub-bucket", bucketType="allPublic")
    private_id = create_bucket("priv-bucket")
    native_upload(public_id, "dir/a file.txt", b"public bytes")
    native_upload(private_id, "secret.txt", b"private bytes")
    status, body = unsigned("GET", "/pub-bucket/dir/a%20file.txt")
    assert (status, body) == (200, b"public bytes"), (status, body)
    status, body = unsigned("HEAD", "/pub-bucket/dir/a%20file.txt")
    assert (status, body) == (200, b""), status
    status, body = unsigned("GET", "/dir/a%20file.txt", host=f"pub-bucket.s3.localhost:{port}")
    assert (status, body) == (200, b"public bytes"), (status, body)
    status, body = unsigned("GET", "/priv-bucket/secret.txt")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body, (status, body)
    status, body = unsigned("GET", "/secret.txt", host=f"priv-bucket.s3.localhost:{port}")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body, (status, body)
    status, body = unsigned("GET", "/pub-bucket/missing.txt")
    assert status == 404 and b"<Code>NoSuchKey</Code>" in body, (status, body)
    for path in ["/pub-bucket", "/pub-bucket/?list-type=2", "/pub-bucket/dir/a%20file.txt?acl"]:
        status, body = unsigned("GET", path)
        assert status == 403 and b"<Code>AccessDenied</Code>" in body, (path, status, body)
    status, body = unsigned("PUT", "/pub-bucket/new.txt")
    assert status == 403, status
    # Native downloads keep their own paths.
    status, body = unsigned("GET", "/file/pub-bucket/dir/a%20file.txt")
    assert (status, body) == (200, b"public bytes"), (status, body)
    status, _ = unsigned("GET", "/file/priv-bucket/secret.txt")
    assert status == 401, status


def created():
    client = s3(*create_key("dates", CAPS))
    before = time.time()
    create_bucket("dated-bucket")
    after = time.time()
    listed = {b["Name"]: b["CreationDate"] for b in client.list_buckets()["Buckets"]}
    when = listed["dated-bucket"].timestamp()
    assert before - 2 <= when <= after + 2, (before, when, after)


run({
    "sse": sse,
    "lock": lock,
    "conditional": conditional,
    "parts": parts,
    "public": public,
    "created": created,
})
