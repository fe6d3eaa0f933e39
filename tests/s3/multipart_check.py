"""Object writes through the S3-compatible API of a running `b2tui serve`, with boto3:
multipart uploads as B2 large files, CopyObject, UploadPartCopy and conditional reads
(see s3common.py for usage; streaming_check.py has the hand-signed aws-chunked bodies)."""

import hashlib
import time
import urllib.request

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from s3common import (
    API,
    CAPS,
    TOKEN,
    create_bucket,
    create_key,
    error_code,
    native,
    run,
    s3,
    versions,
)

MIB = 1024 * 1024


def pattern(n, seed):
    """n bytes that differ by seed and position."""
    block = bytes((i * 31 + seed * 7) % 251 for i in range(4096))
    return (block * (n // len(block) + 1))[:n]


def multipart_etag(parts):
    joined = b"".join(hashlib.md5(p).digest() for p in parts)
    return '"%s-%d"' % (hashlib.md5(joined).hexdigest(), len(parts))


def client_for(name, caps=None, bucket_id=None):
    key_id, key = create_key(name, caps or CAPS, bucket_id)
    return s3(key_id, key), key_id, key


def status_of(call):
    try:
        call()
    except ClientError as err:
        return err.response["ResponseMetadata"]["HTTPStatusCode"], err.response["Error"]["Code"]
    raise AssertionError("the call should have failed")


def multipart():
    bucket_id = create_bucket("mp-bucket")
    client, _, _ = client_for("mp")
    parts = [pattern(5 * MIB, 1), pattern(5 * MIB, 2), pattern(1 * MIB, 3)]
    created = client.create_multipart_upload(
        Bucket="mp-bucket", Key="big/file.bin", ContentType="application/x-big",
        Metadata={"origin": "s3"},
    )
    upload_id = created["UploadId"]
    etags = []
    for number, data in enumerate(parts, start=1):
        got = client.upload_part(
            Bucket="mp-bucket", Key="big/file.bin", UploadId=upload_id,
            PartNumber=number, Body=data,
        )
        assert got["ETag"] == '"%s"' % hashlib.md5(data).hexdigest(), got
        etags.append(got["ETag"])

    # Before completion: a B2 unfinished large file with B2 parts and their SHA-1s.
    listed = native("b2_list_parts", {"fileId": upload_id}, TOKEN)
    assert [p["partNumber"] for p in listed["parts"]] == [1, 2, 3], listed
    assert [p["contentSha1"] for p in listed["parts"]] == [
        hashlib.sha1(p).hexdigest() for p in parts
    ]
    unfinished = native("b2_list_unfinished_large_files", {"bucketId": bucket_id}, TOKEN)
    assert [f["fileId"] for f in unfinished["files"]] == [upload_id]

    done = client.complete_multipart_upload(
        Bucket="mp-bucket", Key="big/file.bin", UploadId=upload_id,
        MultipartUpload={"Parts": [
            {"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)
        ]},
    )
    whole = b"".join(parts)
    assert done["ETag"] == multipart_etag(parts), done
    assert done["VersionId"] == upload_id
    got = client.get_object(Bucket="mp-bucket", Key="big/file.bin")
    assert got["Body"].read() == whole
    assert got["ETag"] == done["ETag"], got["ETag"]
    assert got["ContentType"] == "application/x-big"
    assert got["Metadata"] == {"origin": "s3"}
    head = client.head_object(Bucket="mp-bucket", Key="big/file.bin")
    assert head["ETag"] == done["ETag"] and head["ContentLength"] == len(whole)
    listing = client.list_objects_v2(Bucket="mp-bucket")["Contents"]
    assert [(o["Key"], o["ETag"]) for o in listing] == [("big/file.bin", done["ETag"])]
    ranged = client.get_object(Bucket="mp-bucket", Key="big/file.bin",
                               Range="bytes=%d-%d" % (5 * MIB - 10, 5 * MIB + 9))
    assert ranged["Body"].read() == whole[5 * MIB - 10:5 * MIB + 10]

    # A finished B2 large file, seen through the Native API.
    [version] = versions(bucket_id, "big/file.bin")
    assert version["fileId"] == upload_id and version["action"] == "upload", version
    assert version["contentLength"] == len(whole)
    assert version["contentSha1"] == "none" and version["contentMd5"] is None, version
    download = f"{API}/b2api/v3/b2_download_file_by_id?fileId={upload_id}"
    with urllib.request.urlopen(
            urllib.request.Request(download, headers={"Authorization": TOKEN})) as resp:
        assert resp.read() == whole
    assert version["fileInfo"] == {"origin": "s3"}, version["fileInfo"]
    assert native("b2_list_unfinished_large_files", {"bucketId": bucket_id}, TOKEN)["files"] == []
    assert error_code(lambda: client.list_parts(
        Bucket="mp-bucket", Key="big/file.bin", UploadId=upload_id)) == "NoSuchUpload"

    # A multipart object as a copy source: whole (a new small file) and a range across
    # its first part boundary (a part of another upload).
    copied = client.copy_object(Bucket="mp-bucket", Key="copy-of-big",
                                CopySource={"Bucket": "mp-bucket", "Key": "big/file.bin"})
    assert copied["CopyObjectResult"]["ETag"] == '"%s"' % hashlib.md5(whole).hexdigest()
    assert client.get_object(Bucket="mp-bucket", Key="copy-of-big")["Body"].read() == whole
    other = client.create_multipart_upload(Bucket="mp-bucket", Key="spliced")["UploadId"]
    span = (5 * MIB - 100, 5 * MIB + 99)
    part = client.upload_part_copy(
        Bucket="mp-bucket", Key="spliced", UploadId=other, PartNumber=1,
        CopySource={"Bucket": "mp-bucket", "Key": "big/file.bin"},
        CopySourceRange="bytes=%d-%d" % span)
    piece = whole[span[0]:span[1] + 1]
    assert part["CopyPartResult"]["ETag"] == '"%s"' % hashlib.md5(piece).hexdigest()
    client.complete_multipart_upload(
        Bucket="mp-bucket", Key="spliced", UploadId=other,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
    assert client.get_object(Bucket="mp-bucket", Key="spliced")["Body"].read() == piece

    # boto3's managed transfer: multipart above 5 MiB, parts of 5 MiB.
    data = pattern(12 * MIB, 9)
    path = "/tmp/b2tui-mp-%d.bin" % time.time_ns()
    with open(path, "wb") as f:
        f.write(data)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    client.upload_file(path, "mp-bucket", "managed.bin", Config=config)
    head = client.head_object(Bucket="mp-bucket", Key="managed.bin")
    chunks = [data[i:i + 5 * MIB] for i in range(0, len(data), 5 * MIB)]
    assert head["ETag"] == multipart_etag(chunks), head["ETag"]
    assert client.get_object(Bucket="mp-bucket", Key="managed.bin")["Body"].read() == data

    # A large file finished through the Native API gets the same kind of stable ETag.
    started = native("b2_start_large_file", {
        "bucketId": bucket_id, "fileName": "native-large.bin",
        "contentType": "application/octet-stream"}, TOKEN)
    native_parts = [pattern(5_000_000, 4), pattern(1000, 5)]
    for number, data in enumerate(native_parts, start=1):
        url = native("b2_get_upload_part_url", {"fileId": started["fileId"]}, TOKEN)
        req = urllib.request.Request(url["uploadUrl"], data=data, headers={
            "Authorization": url["authorizationToken"], "X-Bz-Part-Number": str(number),
            "X-Bz-Content-Sha1": hashlib.sha1(data).hexdigest()})
        urllib.request.urlopen(req).read()
    native("b2_finish_large_file", {"fileId": started["fileId"], "partSha1Array": [
        hashlib.sha1(p).hexdigest() for p in native_parts]}, TOKEN)
    first = client.head_object(Bucket="mp-bucket", Key="native-large.bin")["ETag"]
    assert first == multipart_etag(native_parts), first
    assert client.head_object(Bucket="mp-bucket", Key="native-large.bin")["ETag"] == first


def listing():
    create_bucket("mp-list")
    client, _, _ = client_for("mp-list")
    up = client.create_multipart_upload(Bucket="mp-list", Key="k")["UploadId"]
    for number in (1, 2, 3):
        client.upload_part(Bucket="mp-list", Key="k", UploadId=up, PartNumber=number,
                           Body=pattern(100 * number, number))
    page = client.list_parts(Bucket="mp-list", Key="k", UploadId=up, MaxParts=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [1, 2] and page["IsTruncated"]
    assert page["NextPartNumberMarker"] == 2
    assert page["Parts"][1]["Size"] == 200
    rest = client.list_parts(Bucket="mp-list", Key="k", UploadId=up, PartNumberMarker=2)
    assert [p["PartNumber"] for p in rest["Parts"]] == [3] and not rest["IsTruncated"]

    ids = [up] + [client.create_multipart_upload(Bucket="mp-list", Key=k)["UploadId"]
                  for k in ("k", "m", "other/x")]
    page = client.list_multipart_uploads(Bucket="mp-list", MaxUploads=2)
    assert [(u["Key"], u["UploadId"]) for u in page["Uploads"]] == [("k", ids[0]), ("k", ids[1])]
    assert page["IsTruncated"] and page["NextKeyMarker"] == "k"
    assert page["NextUploadIdMarker"] == ids[1]
    page = client.list_multipart_uploads(
        Bucket="mp-list", KeyMarker=page["NextKeyMarker"],
        UploadIdMarker=page["NextUploadIdMarker"])
    assert [u["Key"] for u in page["Uploads"]] == ["m", "other/x"], page
    assert not page["IsTruncated"]
    page = client.list_multipart_uploads(Bucket="mp-list", KeyMarker="k")
    assert [u["Key"] for u in page["Uploads"]] == ["m", "other/x"]
    page = client.list_multipart_uploads(Bucket="mp-list", Prefix="other/")
    assert [u["UploadId"] for u in page["Uploads"]] == [ids[3]]
    client.create_multipart_upload(Bucket="mp-list", Key="other/y")
    page = client.list_multipart_uploads(Bucket="mp-list", Delimiter="/")
    assert [u["Key"] for u in page["Uploads"]] == ["k", "k", "m"], page
    assert page["CommonPrefixes"] == [{"Prefix": "other/"}], page
    page = client.list_multipart_uploads(Bucket="mp-list", Delimiter="/", MaxUploads=3)
    assert page["IsTruncated"] and page["NextKeyMarker"] == "m"
    page = client.list_multipart_uploads(Bucket="mp-list", Delimiter="/", KeyMarker="m",
                                         UploadIdMarker=page["NextUploadIdMarker"])
    assert "Uploads" not in page and page["CommonPrefixes"] == [{"Prefix": "other/"}]
    assert not page["IsTruncated"]
    page = client.list_multipart_uploads(Bucket="mp-list", Delimiter="/", KeyMarker="other/")
    assert "Uploads" not in page and "CommonPrefixes" not in page, page

    # Abort: the unfinished large file is cancelled.
    client.abort_multipart_upload(Bucket="mp-list", Key="k", UploadId=up)
    assert error_code(lambda: client.list_parts(Bucket="mp-list", Key="k", UploadId=up)) == "NoSuchUpload"
    assert error_code(lambda: client.abort_multipart_upload(
        Bucket="mp-list", Key="k", UploadId=up)) == "NoSuchUpload"
    left = [u["UploadId"] for u in client.list_multipart_uploads(Bucket="mp-list")["Uploads"]]
    assert left[:3] == ids[1:] and len(left) == 4, left
    assert error_code(lambda: client.upload_part(
        Bucket="mp-list", Key="k", UploadId=up, PartNumber=1, Body=b"x")) == "NoSuchUpload"
    # An upload id used under another key is unknown there.
    assert error_code(lambda: client.list_parts(
        Bucket="mp-list", Key="m", UploadId=ids[1])) == "NoSuchUpload"


def errors():
    create_bucket("mp-errors")
    client, _, _ = client_for("mp-errors")
    source = pattern(3 * MIB, 7)
    client.put_object(Bucket="mp-errors", Key="source.bin", Body=source)

    def start(key):
        return client.create_multipart_upload(Bucket="mp-errors", Key=key)["UploadId"]

    def put(key, up, number, data):
        return client.upload_part(Bucket="mp-errors", Key=key, UploadId=up,
                                  PartNumber=number, Body=data)["ETag"]

    def complete(key, up, parts):
        return lambda: client.complete_multipart_upload(
            Bucket="mp-errors", Key=key, UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]})

    up = start("small")
    e1, e2 = put("small", up, 1, b"a" * 1000), put("small", up, 2, b"b" * 1000)
    assert error_code(complete("small", up, [(1, e1), (2, e2)])) == "EntityTooSmall"
    assert error_code(complete("small", up, [(1, e1), (3, e2)])) == "InvalidPart"
    assert error_code(complete("small", up, [(1, e2), (2, e2)])) == "InvalidPart"
    assert error_code(complete("small", up, [(2, e2), (1, e1)])) == "InvalidPartOrder"
    assert error_code(complete("small", "4_zbogus_f000000000000000_d20260101_m000000_c000_v0000000_t0000",
                               [(1, e1)])) == "NoSuchUpload"
    # One part, the last, may be small; the upload is still there after the refusals.
    done = complete("small", up, [(2, e2)])()
    assert done["ETag"] == multipart_etag([b"b" * 1000])
    assert client.get_object(Bucket="mp-errors", Key="small")["Body"].read() == b"b" * 1000
    assert error_code(complete("small", up, [(2, e2)])) == "NoSuchUpload"

    # UploadPartCopy: a range of one object and all of another as parts.
    client.put_object(Bucket="mp-errors", Key="big-source.bin", Body=pattern(6 * MIB, 8))
    big = pattern(6 * MIB, 8)
    up = start("ranged")
    got = client.upload_part_copy(
        Bucket="mp-errors", Key="ranged", UploadId=up, PartNumber=1,
        CopySource={"Bucket": "mp-errors", "Key": "big-source.bin"},
        CopySourceRange="bytes=100-%d" % (100 + 5 * MIB - 1),
    )
    part1 = big[100:100 + 5 * MIB]
    assert got["CopyPartResult"]["ETag"] == '"%s"' % hashlib.md5(part1).hexdigest()
    got2 = client.upload_part_copy(
        Bucket="mp-errors", Key="ranged", UploadId=up, PartNumber=2,
        CopySource={"Bucket": "mp-errors", "Key": "source.bin"},
    )
    done = complete("ranged", up, [(1, got["CopyPartResult"]["ETag"]),
                                   (2, got2["CopyPartResult"]["ETag"])])()
    assert done["ETag"] == multipart_etag([part1, source])
    assert client.get_object(Bucket="mp-errors", Key="ranged")["Body"].read() == part1 + source
    assert error_code(lambda: client.upload_part_copy(
        Bucket="mp-errors", Key="ranged2", UploadId=start("ranged2"), PartNumber=1,
        CopySource={"Bucket": "mp-errors", "Key": "source.bin"},
        CopySourceRange="bytes=0-%d" % (3 * MIB))) == "InvalidRange"


def copy():
    bucket_id = create_bucket("cp-bucket")
    other_id = create_bucket("cp-other")
    client, _, _ = client_for("cp")
    data = pattern(200_000, 3)
    put = client.put_object(Bucket="cp-bucket", Key="src.txt", Body=data,
                            ContentType="text/x-one", Metadata={"a": "1"})
    copied = client.copy_object(Bucket="cp-bucket", Key="dst.txt",
                                CopySource={"Bucket": "cp-bucket", "Key": "src.txt"})
    assert copied["CopyObjectResult"]["ETag"] == put["ETag"], copied
    assert copied["CopySourceVersionId"] == put["VersionId"]
    got = client.get_object(Bucket="cp-bucket", Key="dst.txt")
    assert got["Body"].read() == data and got["ContentType"] == "text/x-one"
    assert got["Metadata"] == {"a": "1"} and got["VersionId"] == copied["VersionId"]
    [version] = versions(bucket_id, "dst.txt")
    assert version["fileId"] == copied["VersionId"]
    assert version["contentSha1"] == hashlib.sha1(data).hexdigest()

    # REPLACE: new type and metadata; into another bucket; from an older version.
    client.put_object(Bucket="cp-bucket", Key="src.txt", Body=b"newer")
    replaced = client.copy_object(
        Bucket="cp-other", Key="dir/r.txt", MetadataDirective="REPLACE",
        ContentType="text/x-two", Metadata={"b": "2"},
        CopySource={"Bucket": "cp-bucket", "Key": "src.txt", "VersionId": put["VersionId"]})
    assert replaced["CopySourceVersionId"] == put["VersionId"]
    got = client.get_object(Bucket="cp-other", Key="dir/r.txt")
    assert got["Body"].read() == data and got["ContentType"] == "text/x-two"
    assert got["Metadata"] == {"b": "2"}
    assert [v["fileId"] for v in versions(other_id, "dir/r.txt")] == [replaced["VersionId"]]
    # A name with spaces, url-encoded in the header.
    client.put_object(Bucket="cp-bucket", Key="a b+c.txt", Body=b"spaced")
    client.copy_object(Bucket="cp-bucket", Key="spaced-copy",
                       CopySource={"Bucket": "cp-bucket", "Key": "a b+c.txt"})
    assert client.get_object(Bucket="cp-bucket", Key="spaced-copy")["Body"].read() == b"spaced"

    # Copy-source conditions.
    current = client.head_object(Bucket="cp-bucket", Key="src.txt")
    src = {"Bucket": "cp-bucket", "Key": "src.txt"}
    assert error_code(lambda: client.copy_object(
        Bucket="cp-bucket", Key="c1", CopySource=src, CopySourceIfMatch='"0000"')) == "PreconditionFailed"
    assert error_code(lambda: client.copy_object(
        Bucket="cp-bucket", Key="c1", CopySource=src,
        CopySourceIfNoneMatch=current["ETag"])) == "PreconditionFailed"
    past = time.time() - 3600
    assert error_code(lambda: client.copy_object(
        Bucket="cp-bucket", Key="c1", CopySource=src,
        CopySourceIfUnmodifiedSince=past)) == "PreconditionFailed"
    client.copy_object(Bucket="cp-bucket", Key="c1", CopySource=src,
                       CopySourceIfMatch=current["ETag"], CopySourceIfModifiedSince=past)
    assert client.get_object(Bucket="cp-bucket", Key="c1")["Body"].read() == b"newer"
    assert error_code(lambda: client.copy_object(
        Bucket="cp-bucket", Key="c2", CopySource={"Bucket": "cp-bucket", "Key": "nope"})) == "NoSuchKey"
    assert error_code(lambda: client.copy_object(
        Bucket="cp-bucket", Key="src.txt", CopySource=src)) == "InvalidRequest"

    # Keys: one limited to the other bucket cannot read this one's objects to copy them;
    # one without writeFiles cannot start a multipart upload.
    limited, _, _ = client_for("cp-limited", bucket_id=other_id)
    assert error_code(lambda: limited.copy_object(
        Bucket="cp-other", Key="stolen", CopySource=src)) == "AccessDenied"
    assert versions(other_id, "stolen") == []
    limited.copy_object(Bucket="cp-other", Key="mine",
                        CopySource={"Bucket": "cp-other", "Key": "dir/r.txt"})
    reader, _, _ = client_for("cp-reader", caps=[c for c in CAPS if c != "writeFiles"])
    assert error_code(lambda: reader.create_multipart_upload(
        Bucket="cp-bucket", Key="m")) == "AccessDenied"
    assert error_code(lambda: reader.copy_object(
        Bucket="cp-bucket", Key="c3", CopySource=src)) == "AccessDenied"
    no_read, _, _ = client_for("cp-noread", caps=[c for c in CAPS if c != "readFiles"])
    assert error_code(lambda: no_read.copy_object(
        Bucket="cp-bucket", Key="c4", CopySource=src)) == "AccessDenied"


def conditional():
    create_bucket("cond-bucket")
    client, _, _ = client_for("cond")
    put = client.put_object(Bucket="cond-bucket", Key="x", Body=b"conditional")
    etag = put["ETag"]
    past, future = time.time() - 3600, time.time() + 3600
    get = lambda **kw: client.get_object(Bucket="cond-bucket", Key="x", **kw)
    head = lambda **kw: client.head_object(Bucket="cond-bucket", Key="x", **kw)
    assert get(IfMatch=etag)["Body"].read() == b"conditional"
    assert status_of(lambda: get(IfMatch='"other"')) == (412, "PreconditionFailed")
    assert status_of(lambda: head(IfMatch='"other"'))[0] == 412
    assert status_of(lambda: get(IfNoneMatch=etag))[0] == 304
    assert status_of(lambda: head(IfNoneMatch=etag))[0] == 304
    assert get(IfNoneMatch='"other"')["Body"].read() == b"conditional"
    assert status_of(lambda: get(IfModifiedSince=future))[0] == 304
    assert get(IfModifiedSince=past)["Body"].read() == b"conditional"
    assert status_of(lambda: get(IfUnmodifiedSince=past))[0] == 412
    assert get(IfUnmodifiedSince=future)["Body"].read() == b"conditional"
    # Precedence: a true If-Match wins over a false If-Unmodified-Since, a false
    # If-None-Match over a true If-Modified-Since.
    assert get(IfMatch=etag, IfUnmodifiedSince=past)["Body"].read() == b"conditional"
    assert get(IfNoneMatch='"other"', IfModifiedSince=future)["Body"].read() == b"conditional"
    assert status_of(lambda: get(IfNoneMatch=etag, IfModifiedSince=past))[0] == 304
    assert status_of(lambda: get(IfMatch='"other"', IfNoneMatch='"other"'))[0] == 412
    ranged = get(Range="bytes=0-3", IfMatch=etag)
    assert ranged["Body"].read() == b"cond"


run({
    "multipart": multipart,
    "listing": listing,
    "errors": errors,
    "copy": copy,
    "conditional": conditional,
})
