"""aws-chunked bodies sent to a running `b2tui serve` through the S3-compatible API,
built and signed by hand (hmac/hashlib, per the SigV4 streaming rules) since boto3 1.35
does not send them: chunks signed in a chain (with or without a signed checksum trailer),
unsigned chunks with a CRC32 trailer, and the payload hash and Content-MD5 checks of
plain bodies (see s3common.py for usage)."""

import base64
import hashlib
import hmac
import http.client
import re
import time
import urllib.parse
import zlib

from s3common import (
    CAPS,
    REGION,
    S3_URL,
    create_bucket,
    create_key,
    run,
    s3,
    versions,
)

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def pattern(n, seed):
    """n bytes that differ by seed and position."""
    block = bytes((i * 31 + seed * 7) % 251 for i in range(4096))
    return (block * (n // len(block) + 1))[:n]


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
    key_id, secret = create_key("stream", CAPS)
    client = s3(key_id, secret)
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


run({"streaming": streaming})
