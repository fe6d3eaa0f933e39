"""What every S3 check script shares: the command line, Native API calls with the master
key, boto3 clients for new keys, and the scenario runner. A check script is run as
`SCRIPT SCENARIO URL MASTER_KEY_ID MASTER_KEY CAPS` (CAPS = comma-separated capabilities
of the keys it creates) and exits non-zero on failure."""

import base64
import hashlib
import json
import sys
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

SCENARIO, URL, MASTER_ID, MASTER_KEY, CAPS = sys.argv[1:6]
CAPS = CAPS.split(",")


def native(path, body, token):
    req = urllib.request.Request(
        f"{API}/b2api/v3/{path}",
        data=json.dumps(body).encode(),
        headers={"Authorization": token},
    )
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


def authorize(key_id, key):
    basic = base64.b64encode(f"{key_id}:{key}".encode()).decode()
    req = urllib.request.Request(
        f"{URL}/b2api/v3/b2_authorize_account",
        headers={"Authorization": f"Basic {basic}"},
    )
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


AUTH = authorize(MASTER_ID, MASTER_KEY)
TOKEN = AUTH["authorizationToken"]
ACCOUNT = AUTH["accountId"]
API = AUTH["apiInfo"]["storageApi"]["apiUrl"]
S3_URL = AUTH["apiInfo"]["storageApi"]["s3ApiUrl"]
REGION = "us-west-004"


def s3(key_id, key, addressing="path"):
    """A boto3 S3 client for the key, naming buckets in the path or, with
    addressing="virtual", in the host name; it never retries."""
    return boto3.client(
        "s3",
        endpoint_url=S3_URL,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=key,
        config=Config(s3={"addressing_style": addressing}, retries={"max_attempts": 1}),
    )


def create_bucket(name):
    return native(
        "b2_create_bucket",
        {"accountId": ACCOUNT, "bucketName": name, "bucketType": "allPrivate"},
        TOKEN,
    )["bucketId"]


def create_key(name, caps, bucket_id=None, prefix=None):
    body = {"accountId": ACCOUNT, "keyName": name, "capabilities": caps}
    if bucket_id:
        body["bucketId"] = bucket_id
    if prefix:
        body["namePrefix"] = prefix
    made = native("b2_create_key", body, TOKEN)
    return made["applicationKeyId"], made["applicationKey"]


def error_code(call):
    try:
        call()
    except ClientError as err:
        return err.response["Error"]["Code"]
    raise AssertionError("the call should have failed")


def versions(bucket_id, name):
    listed = native(
        "b2_list_file_versions",
        {"bucketId": bucket_id, "startFileName": name, "prefix": name, "maxFileCount": 100},
        TOKEN,
    )
    return [f for f in listed["files"] if f["fileName"] == name]


def native_upload(bucket_id, name, data):
    upload = native("b2_get_upload_url", {"bucketId": bucket_id}, TOKEN)
    req = urllib.request.Request(
        upload["uploadUrl"],
        data=data,
        headers={
            "Authorization": upload["authorizationToken"],
            "X-Bz-File-Name": name,
            "Content-Type": "application/octet-stream",
            "X-Bz-Content-Sha1": hashlib.sha1(data).hexdigest(),
        },
    )
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())




def run(scenarios):
    """Runs the scenario named on the command line and says so."""
    scenarios[SCENARIO]()
    print(f"ok {SCENARIO}")


def keys_of(page):
    """The keys of a ListObjects (V1 or V2) page, in order."""
    return [c["Key"] for c in page.get("Contents", [])]


def refused_with(code, *calls):
    """Checks that each of `calls` fails with the S3 error `code`."""
    for call in calls:
        got = error_code(call)
        assert got == code, (got, code)
