"""Object writes through the S3-compatible API of a running `b2tui serve`: multipart
uploads as B2 large files, CopyObject, UploadPartCopy, conditional reads, and aws-chunked
bodies (signed chunk by chunk, or unsigned with a checksum trailer) built and signed by
hand here, since boto3 1.35 does not send them (see s3common.py for usage)."""

import base64
import hashlib
import hmac
import http.client
import re
import time
import urllib.parse
import urllib.request
import zlib

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from s3common import (
    CAPS,
    REGION,
    S3_URL,
    TOKEN,
    create_bucket,
    create_key,
    error_code,
    native,
    native_upload,
    run,
    s3,
    versions,
)

MIB = 1024 * 1024
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


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

    # Abort: the unfinished large file is cancelled.
    client.abort_multipart_upload(Bucket="mp-list", Key="k", UploadId=up)
    assert error_code(lambda: client.list_parts(Bucket="mp-list", Key="k", UploadId=up)) == "NoSuchUpload"
    assert error_code(lambda: client.abort_multipart_upload(
        Bucket="mp-list", Key="k", UploadId=up)) == "NoSuchUpload"
    left = [u["UploadId"] for u in client.list_multipart_uploads(Bucket="mp-list")["Uploads"]]
    assert left == ids[1:], left
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


# --- Hand-built SigV4 requests --------------------------------------------------------


def hmac_sha256(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signed_request(key_id, secret, method, path, payload_hash, extra, body, query=""):
    """Sends a SigV4-signed request (`query` sorted and encoded already); `body` is bytes
    or a function of (signing key, date, scope, seed signature). Returns (status, body)."""
    url = urllib.parse.urlparse(S3_URL)
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    scope = f"{amz_date[:8]}/{REGION}/s3/aws4_request"
    headers = {"host": url.netloc, "x-amz-date": amz_date, "x-amz-content-sha256": payload_hash}
    headers.update({k.lower(): v for k, v in extra.items()})
    names = sorted(headers)
    canonical = "\n".join([
        method, path, query,
        "".join(f"{n}:{str(headers[n]).strip()}\n" for n in names),
        ";".join(names), payload_hash,
    ])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], REGION, "s3", "aws4_request"):
        key = hmac_sha256(key, part)
    seed = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={seed}")
    payload = body(key, amz_date, scope, seed) if callable(body) else body
    headers["content-length"] = str(len(payload))
    conn = http.client.HTTPConnection(url.netloc, timeout=60)
    conn.request(method, f"{path}?{query}" if query else path, body=payload, headers=headers)
    resp = conn.getresponse()
    out = resp.status, resp.read()
    conn.close()
    return out


def code_of(answer):
    found = re.search(rb"<Code>(.*?)</Code>", answer[1])
    return answer[0], found.group(1).decode() if found else None


def forged(signature):
    return signature[:-1] + ("0" if signature[-1] != "0" else "1")


def signed_chunks(chunks, tamper=None, trailer=None):
    """An aws-chunked body whose chunks are signed in a chain from the seed signature;
    chunk `tamper` (index) gets a wrong signature. With `trailer` (name, value, forge),
    a signed trailing header follows the last chunk."""
    def build(key, amz_date, scope, seed):
        out, previous = b"", seed
        for index, chunk in enumerate(chunks + [b""]):
            to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous,
                                 EMPTY_SHA256, hashlib.sha256(chunk).hexdigest()])
            signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
            previous = signature
            if index == tamper:
                signature = forged(signature)
            out += b"%x;chunk-signature=%s\r\n" % (len(chunk), signature.encode())
            if chunk or not trailer:
                out += chunk + b"\r\n"
        if trailer:
            name, value, forge = trailer
            text = f"{name}:{value}\n"
            to_sign = "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous,
                                 hashlib.sha256(text.encode()).hexdigest()])
            signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
            if forge:
                signature = forged(signature)
            out += f"{name}:{value}\r\nx-amz-trailer-signature:{signature}\r\n\r\n".encode()
        return out
    return build


def unsigned_trailer(data, checksum, piece=65536):
    out = b""
    for i in range(0, len(data), piece):
        chunk = data[i:i + piece]
        out += b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    return out + b"0\r\nx-amz-checksum-crc32:" + checksum.encode() + b"\r\n\r\n"


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def streaming():
    bucket_id = create_bucket("stream-bucket")
    client, key_id, secret = client_for("stream")
    chunks = [pattern(65536, 1), pattern(65536, 2), pattern(1000, 3)]
    whole = b"".join(chunks)
    chunked = {"content-encoding": "aws-chunked",
               "x-amz-decoded-content-length": str(len(whole)),
               "content-type": "application/x-streamed"}
    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    ok = signed_request(key_id, secret, "PUT", "/stream-bucket/signed.bin", mode, chunked,
                        signed_chunks(chunks))
    assert ok[0] == 200, ok
    got = client.get_object(Bucket="stream-bucket", Key="signed.bin")
    assert got["Body"].read() == whole and got["ContentType"] == "application/x-streamed"
    assert got["ETag"] == '"%s"' % hashlib.md5(whole).hexdigest()

    # One chunk's signature altered: refused, and nothing is stored.
    for tamper in (1, 3):
        bad = signed_request(key_id, secret, "PUT", "/stream-bucket/forged.bin", mode, chunked,
                             signed_chunks(chunks, tamper=tamper))
        assert code_of(bad) == (403, "SignatureDoesNotMatch"), bad
    assert versions(bucket_id, "forged.bin") == []

    # Signed chunks with a signed CRC32 trailer.
    mode_trailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    with_trailer = dict(chunked, **{"x-amz-trailer": "x-amz-checksum-crc32"})
    for name, value, forge, expected in [
        ("good", crc32_b64(whole), False, (200, None)),
        ("wrong-sum", crc32_b64(b"x"), False, (400, "BadDigest")),
        ("forged", crc32_b64(whole), True, (403, "SignatureDoesNotMatch")),
    ]:
        answer = signed_request(
            key_id, secret, "PUT", f"/stream-bucket/trailer-{name}", mode_trailer, with_trailer,
            signed_chunks(chunks, trailer=("x-amz-checksum-crc32", value, forge)))
        assert code_of(answer) == expected, (name, answer)
    assert client.get_object(Bucket="stream-bucket", Key="trailer-good")["Body"].read() == whole
    assert versions(bucket_id, "trailer-wrong-sum") == versions(bucket_id, "trailer-forged") == []

    # A part may be streamed too.
    up = client.create_multipart_upload(Bucket="stream-bucket", Key="mp")["UploadId"]
    answer = signed_request(key_id, secret, "PUT", "/stream-bucket/mp", mode, chunked,
                            signed_chunks(chunks), query=f"partNumber=1&uploadId={up}")
    assert answer[0] == 200, answer
    parts = client.list_parts(Bucket="stream-bucket", Key="mp", UploadId=up)["Parts"]
    assert parts[0]["Size"] == len(whole)

    # Unsigned body with a CRC32 trailer: checked when present.
    data = pattern(150_000, 4)
    trailer = {"content-encoding": "aws-chunked", "x-amz-trailer": "x-amz-checksum-crc32",
               "x-amz-decoded-content-length": str(len(data))}
    mode = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    ok = signed_request(key_id, secret, "PUT", "/stream-bucket/trailer.bin", mode, trailer,
                        unsigned_trailer(data, crc32_b64(data)))
    assert ok[0] == 200, ok
    assert client.get_object(Bucket="stream-bucket", Key="trailer.bin")["Body"].read() == data
    bad = signed_request(key_id, secret, "PUT", "/stream-bucket/bad-trailer.bin", mode, trailer,
                         unsigned_trailer(data, crc32_b64(data + b"!")))
    assert code_of(bad) == (400, "BadDigest"), bad
    assert versions(bucket_id, "bad-trailer.bin") == []

    # A signed payload hash or a Content-MD5 that does not match the body.
    body = b"the body"
    bad = signed_request(key_id, secret, "PUT", "/stream-bucket/sha.bin",
                         hashlib.sha256(b"another body").hexdigest(), {}, body)
    assert code_of(bad) == (400, "XAmzContentSHA256Mismatch"), bad
    md5 = base64.b64encode(hashlib.md5(b"another").digest()).decode()
    bad = signed_request(key_id, secret, "PUT", "/stream-bucket/md5.bin",
                         hashlib.sha256(body).hexdigest(), {"content-md5": md5}, body)
    assert code_of(bad) == (400, "BadDigest"), bad
    assert versions(bucket_id, "sha.bin") == [] and versions(bucket_id, "md5.bin") == []
    good = base64.b64encode(hashlib.md5(body).digest()).decode()
    ok = signed_request(key_id, secret, "PUT", "/stream-bucket/md5.bin",
                        hashlib.sha256(body).hexdigest(), {"content-md5": good}, body)
    assert ok[0] == 200, ok


run({
    "multipart": multipart,
    "listing": listing,
    "errors": errors,
    "copy": copy,
    "conditional": conditional,
    "streaming": streaming,
})
