"""boto3 against a running `b2tui serve`: a bucket's namespace through the S3-compatible
API -- ListObjects V1 and ListObjectVersions with paging, and DeleteObjects judging each
key (see s3common.py for usage; buckets_check.py has the bucket operations)."""

import base64
import hashlib

from s3common import (
    ACCOUNT,
    CAPS,
    TOKEN,
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
    refused_with(
        "AccessDenied",
        lambda: writer.list_objects(Bucket="s3-listing"),
        lambda: writer.list_object_versions(Bucket="s3-listing"),
    )
    narrow = s3(*create_key("narrow", CAPS, bucket_id=bucket_id, prefix="b/"))
    assert error_code(lambda: narrow.list_object_versions(Bucket="s3-listing")) == "AccessDenied"
    assert error_code(lambda: narrow.list_objects(Bucket="s3-listing")) == "AccessDenied"
    inside = narrow.list_object_versions(Bucket="s3-listing", Prefix="b/")
    assert [v["Key"] for v in inside["Versions"]] == ["b/1.txt", "b/2.txt"]


def hooked_deleter(name, hook):
    """A client of a new key whose DeleteObjects requests pass through `hook` (which may
    change their headers) before they are signed."""
    client = s3(*create_key(name, CAPS))
    client.meta.events.register("before-sign.s3.DeleteObjects", hook)
    return client


def delete_keys(client, *keys):
    """DeleteObjects of `keys` (by name) in the bucket s3-delete."""
    objects = [{"Key": k} for k in keys]
    return client.delete_objects(Bucket="s3-delete", Delete={"Objects": objects})


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

    bare = hooked_deleter("bare", strip_md5)
    assert error_code(lambda: delete_keys(bare, "in/c")) == "InvalidRequest"

    def sha256_instead(request, **_):
        del request.headers["Content-MD5"]
        digest = hashlib.sha256(request.body).digest()
        request.headers["x-amz-checksum-sha256"] = base64.b64encode(digest).decode()

    newer = hooked_deleter("newer", sha256_instead)
    answer = delete_keys(newer, "in/b")
    assert [d["Key"] for d in answer["Deleted"]] == ["in/b"], answer

    def wrong_sha256(request, **_):
        sha256_instead(request)
        del request.headers["x-amz-checksum-sha256"]
        request.headers["x-amz-checksum-sha256"] = base64.b64encode(b"0" * 32).decode()

    wrong = hooked_deleter("wrong", wrong_sha256)
    assert error_code(lambda: delete_keys(wrong, "in/b")) == "BadDigest"

    def wrong_md5(request, **_):
        del request.headers["Content-MD5"]
        request.headers["Content-MD5"] = "1B2M2Y8AsgTpgAmY7PhCfg=="

    bad = hooked_deleter("bad", wrong_md5)
    assert error_code(lambda: delete_keys(bad, "in/c")) == "BadDigest"


run({"listing": listing, "delete_objects": delete_objects})
