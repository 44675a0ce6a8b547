#!/usr/bin/env python3
"""DynamoDB Streams through boto3's `dynamodbstreams` client (interop check).

Starts the emulator binary on a free port, then drives both boto3 clients
(`dynamodb` for the writes, `dynamodbstreams` for the reads) against the one
endpoint: ListStreams, DescribeStream, every iterator type, GetRecords for
every write path and view type, the lifecycle, limits and errors. Time-driven
behaviour (iterator expiry, trimming, rollover) needs the emulator's manual
clock and is covered by the Rust conformance tests
(conformance-tests/tests/conformance/streams.rs).

Usage (from the repository root, after `cargo build -p ddb-emulator`):
    python3 -m venv .venv && .venv/bin/pip install boto3
    .venv/bin/python conformance-tests/interop/streams_boto3.py [path/to/ddb-emulator]
"""
import datetime
import os
import subprocess
import sys

import boto3
import botocore.config
from botocore.exceptions import ClientError


def start(binary):
    proc = subprocess.Popen(
        [binary, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    line = proc.stdout.readline().strip()
    assert line.startswith("listening on "), line
    return proc, line[len("listening on "):]


def clients(endpoint):
    kw = dict(
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="secret",
        config=botocore.config.Config(retries={"max_attempts": 1}),
    )
    return boto3.client("dynamodb", **kw), boto3.client("dynamodbstreams", **kw)


def error(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError("expected an error")


def create(ddb, name, view):
    out = ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
    )
    return out["TableDescription"]["LatestStreamArn"]


def records(streams, arn, kind="TRIM_HORIZON"):
    out = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        it = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType=kind
        )["ShardIterator"]
        while it:
            page = streams.get_records(ShardIterator=it)
            out.extend(page["Records"])
            it = page.get("NextShardIterator")
            if not page["Records"]:
                break
    return out


def main(binary):
    proc, endpoint = start(binary)
    try:
        ddb, streams = clients(endpoint)
        arn = create(ddb, "orders", "NEW_AND_OLD_IMAGES")
        keys_arn = create(ddb, "keys", "KEYS_ONLY")

        listed = streams.list_streams()["Streams"]
        assert [s["StreamArn"] for s in listed] == [keys_arn, arn], listed
        assert streams.list_streams(TableName="orders")["Streams"][0]["TableName"] == "orders"
        page = streams.list_streams(Limit=1)
        assert page["LastEvaluatedStreamArn"] == keys_arn

        desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
        assert desc["StreamStatus"] == "ENABLED"
        assert desc["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert desc["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
        assert isinstance(desc["CreationRequestDateTime"], datetime.datetime)
        shard = desc["Shards"][0]
        assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]
        assert 21 <= len(shard["SequenceNumberRange"]["StartingSequenceNumber"]) <= 40

        # Every write path.
        ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "v": {"N": "1"}})
        ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "v": {"N": "1"}})  # no change
        ddb.update_item(
            TableName="orders",
            Key={"pk": {"S": "a"}},
            UpdateExpression="SET v = :v",
            ExpressionAttributeValues={":v": {"N": "2"}},
        )
        ddb.delete_item(TableName="orders", Key={"pk": {"S": "missing"}})  # no change
        ddb.batch_write_item(
            RequestItems={
                "orders": [
                    {"PutRequest": {"Item": {"pk": {"S": "b"}}}},
                    {"DeleteRequest": {"Key": {"pk": {"S": "a"}}}},
                ]
            }
        )
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "orders", "Item": {"pk": {"S": "c"}}}},
                {"Delete": {"TableName": "orders", "Key": {"pk": {"S": "b"}}}},
            ]
        )
        got = records(streams, arn)
        summary = [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in got]
        assert summary == [
            ("INSERT", "a"),
            ("MODIFY", "a"),
            ("INSERT", "b"),
            ("REMOVE", "a"),
            ("INSERT", "c"),
            ("REMOVE", "b"),
        ], summary
        first = got[0]
        assert first["eventSource"] == "aws:dynamodb"
        assert first["eventVersion"] == "1.1"
        assert first["awsRegion"] == "us-east-1"
        assert first["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
        assert "OldImage" not in first["dynamodb"]
        assert got[1]["dynamodb"]["OldImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
        assert isinstance(first["dynamodb"]["ApproximateCreationDateTime"], datetime.datetime)
        # Keys {pk: "a"} (3 bytes) plus the new image (3 + "v" 1 + the number 1, 2 bytes).
        assert first["dynamodb"]["SizeBytes"] == 3 + 6, first["dynamodb"]["SizeBytes"]
        seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in got]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)

        # Iterator types.
        shard_id = shard["ShardId"]
        seq = got[2]["dynamodb"]["SequenceNumber"]
        at = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard_id, ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=seq
        )["ShardIterator"]
        assert streams.get_records(ShardIterator=at, Limit=1)["Records"][0]["dynamodb"]["SequenceNumber"] == seq
        after = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard_id, ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=seq
        )["ShardIterator"]
        assert streams.get_records(ShardIterator=after, Limit=1)["Records"][0]["eventName"] == "REMOVE"
        latest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType="LATEST")[
            "ShardIterator"
        ]
        assert streams.get_records(ShardIterator=latest)["Records"] == []
        ddb.put_item(TableName="orders", Item={"pk": {"S": "d"}})
        assert [r["dynamodb"]["Keys"] for r in streams.get_records(ShardIterator=latest)["Records"]] == [
            {"pk": {"S": "d"}}
        ]

        # KEYS_ONLY shows no images.
        ddb.put_item(TableName="keys", Item={"pk": {"S": "k"}, "x": {"S": "y"}})
        (rec,) = records(streams, keys_arn)
        assert rec["dynamodb"]["Keys"] == {"pk": {"S": "k"}}
        assert "NewImage" not in rec["dynamodb"] and "OldImage" not in rec["dynamodb"]

        # Lifecycle: disable, re-enable, delete.
        ddb.update_table(TableName="keys", StreamSpecification={"StreamEnabled": False})
        d = streams.describe_stream(StreamArn=keys_arn)["StreamDescription"]
        assert d["StreamStatus"] == "DISABLED"
        assert "EndingSequenceNumber" in d["Shards"][0]["SequenceNumberRange"]
        new_arn = ddb.update_table(
            TableName="keys", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
        )["TableDescription"]["LatestStreamArn"]
        assert new_arn != keys_arn
        ddb.delete_table(TableName="keys")
        assert streams.describe_stream(StreamArn=new_arn)["StreamDescription"]["StreamStatus"] == "DISABLED"
        assert len(records(streams, keys_arn)) == 1

        # Limits and errors.
        code, msg = error(streams.get_records, ShardIterator=latest, Limit=1001)
        assert code == "ValidationException" and msg.endswith(
            "Member must have value less than or equal to 1000"
        ), msg
        missing = arn.replace("table/orders/", "table/nope/")
        code, msg = error(streams.describe_stream, StreamArn=missing)
        assert (code, msg) == (
            "ResourceNotFoundException",
            "Requested resource not found: Stream: %s not found" % missing,
        ), (code, msg)
        code, msg = error(
            streams.get_shard_iterator,
            StreamArn=arn,
            ShardId="shardId-00000000000000000000-00000000",
            ShardIteratorType="TRIM_HORIZON",
        )
        assert (code, msg) == ("ResourceNotFoundException", "Requested resource not found: Shard does not exist")
        code, _ = error(streams.get_records, ShardIterator=arn + "|1|AAAA")
        assert code == "ValidationException"
        print("streams_boto3: ok")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    default = os.path.join(os.path.dirname(__file__), "..", "..", "target", "debug", "ddb-emulator")
    main(sys.argv[1] if len(sys.argv) > 1 else default)
