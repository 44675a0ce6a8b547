#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets (corpus/<target>/). Inputs the
fuzzer finds later may be added beside these (cargo fuzz cmin keeps it small)."""
import gzip, json, os, zlib

os.chdir(os.path.dirname(os.path.abspath(__file__)))
T = "tab"  # the table harness.rs creates
for d in ("request_decoder", "expression_parser", "whole_request", "partiql_parser"):
    os.makedirs(f"corpus/{d}", exist_ok=True)
AUTH = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc"

def req(target, body, extra=(), method="POST", path="/"):
    h = f"{method} {path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-target: DynamoDB_20120810.{target}\r\nauthorization: {AUTH}\r\ncontent-length: {len(body)}\r\n"
    for k, v in extra:
        h += f"{k}: {v}\r\n"
    return h.encode() + b"\r\n" + body

j = lambda o: json.dumps(o).encode()
key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
seeds = {
    "list_tables": req("ListTables", b"{}"),
    "get_item": req("GetItem", j({"TableName": T, "Key": key, "ProjectionExpression": "#n, l[0]", "ExpressionAttributeNames": {"#n": "n"}})),
    "put_item_gzip": req("PutItem", gzip.compress(j({"TableName": T, "Item": {"pk": {"S": "z"}, "sk": {"N": "9"}}})), [("content-encoding", "gzip")]),
    "query_deflate": req("Query", zlib.compress(j({"TableName": T, "KeyConditionExpression": "pk = :p AND sk > :s", "ExpressionAttributeValues": {":p": {"S": "a"}, ":s": {"N": "0"}}})), [("content-encoding", "deflate"), ("accept-encoding", "gzip")]),
    "pipelined": req("ListTables", b"{}") + req("Scan", j({"TableName": T, "Limit": 1})),
    "chunked": b"POST / HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-target: DynamoDB_20120810.ListTables\r\nauthorization: " + AUTH.encode() + b"\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "preflight": b"OPTIONS / HTTP/1.1\r\nhost: localhost\r\norigin: http://x\r\naccess-control-request-method: POST\r\n\r\n",
    "health": b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n",
    "admin": b"GET /_emulator/snapshots HTTP/1.1\r\nhost: localhost\r\n\r\n",
    "unknown_path": req("ListTables", b"{}", path="/x"),
    "bad_encoding": req("ListTables", b"{}", [("content-encoding", "garbage")]),
    "oversize_declared": b"POST / HTTP/1.1\r\nhost: localhost\r\ncontent-length: 99999999999\r\n\r\n",
    "update_item": req("UpdateItem", j({"TableName": T, "Key": key, "UpdateExpression": "SET n = n + :one, m.k = list_append(if_not_exists(l, :e), :e) REMOVE l[1]", "ConditionExpression": "attribute_exists(pk) AND size(l) < :ten", "ExpressionAttributeValues": {":one": {"N": "1"}, ":e": {"L": []}, ":ten": {"N": "10"}}, "ReturnValues": "ALL_NEW"})),
    "transact": req("TransactWriteItems", j({"TransactItems": [{"Put": {"TableName": T, "Item": {"pk": {"S": "q"}, "sk": {"N": "1"}}}}, {"ConditionCheck": {"TableName": T, "Key": key, "ConditionExpression": "n = :f", "ExpressionAttributeValues": {":f": {"N": "5"}}}}]})),
}
for name, data in seeds.items():
    open(f"corpus/request_decoder/{name}", "wb").write(data)

exprs = ["a = :v", "NOT (a.b[2].#c <> :v OR size(d) >= :w) AND e IN (:x, f, (g))", "attribute_exists(#a) AND begins_with(s, :p)",
         "x BETWEEN :lo AND :hi", "contains(l, :v) OR attribute_type(m, :t)", "SET a = :v, b = b + :one REMOVE c[0] ADD s :set DELETE t :set",
         "SET #a = list_append(if_not_exists(#a, :e), :v)", "a, b.c, d[0].e, #f", "pk = :p AND begins_with(sk, :s)", "((((a = :v))))",
         "a.b.c.d.e[1][2][3] <> :x", "size(a) > :n AND NOT attribute_not_exists(b)", "SET a = :a - :b", "a IN (:a,:b,:c,:d)",
         "a < :x AND b <= :y AND c > :z AND d >= :w"]
for i, e in enumerate(exprs):
    open(f"corpus/expression_parser/e{i:02}", "w").write(e)

# Must match OPERATIONS in harness.rs.
ops = ["PutItem", "GetItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem", "TransactWriteItems",
       "TransactGetItems", "CreateTable", "UpdateTable", "DeleteTable", "DescribeTable", "ListTables", "UpdateTimeToLive",
       "DescribeTimeToLive", "ExecuteStatement", "DescribeEndpoints", "TagResource", "ListTagsOfResource"]
reqs = [
    ("PutItem", {"TableName": T, "Item": {"pk": {"S": "c"}, "sk": {"N": "3"}, "b": {"B": "AAEC"}, "ns": {"NS": ["1", "2.5"]}}, "ConditionExpression": "attribute_not_exists(pk)", "ReturnValues": "ALL_OLD"}),
    ("GetItem", {"TableName": T, "Key": key, "ProjectionExpression": "m.k, l[1]", "ConsistentRead": True}),
    ("UpdateItem", {"TableName": T, "Key": key, "UpdateExpression": "ADD n :d SET q = :d", "ExpressionAttributeValues": {":d": {"N": "-1"}}, "ReturnValues": "UPDATED_OLD"}),
    ("DeleteItem", {"TableName": T, "Key": {"pk": {"S": "b"}, "sk": {"N": "1"}}, "Expected": {"n": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "1"}]}}}),
    ("Query", {"TableName": T, "KeyConditionExpression": "pk = :p", "FilterExpression": "n > :z", "ExpressionAttributeValues": {":p": {"S": "a"}, ":z": {"N": "0"}}, "ScanIndexForward": False, "Limit": 1}),
    ("Query", {"TableName": T, "IndexName": "by_g", "KeyConditions": {"g": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}}, "Select": "COUNT"}),
    ("Scan", {"TableName": T, "Segment": 1, "TotalSegments": 3, "ScanFilter": {"l": {"ComparisonOperator": "NOT_NULL"}}}),
    ("BatchGetItem", {"RequestItems": {T: {"Keys": [key, {"pk": {"S": "b"}, "sk": {"N": "1"}}]}}}),
    ("BatchWriteItem", {"RequestItems": {T: [{"PutRequest": {"Item": {"pk": {"S": "d"}, "sk": {"N": "1"}}}}, {"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"N": "2"}}}}]}}),
    ("TransactWriteItems", {"TransactItems": [{"Update": {"TableName": T, "Key": key, "UpdateExpression": "REMOVE m"}}, {"Delete": {"TableName": T, "Key": {"pk": {"S": "b"}, "sk": {"N": "1"}}}}], "ClientRequestToken": "tok"}),
    ("TransactGetItems", {"TransactItems": [{"Get": {"TableName": T, "Key": key}}]}),
    ("CreateTable", {"TableName": "uuu", "AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "B"}], "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}], "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}),
    ("UpdateTable", {"TableName": T, "BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}),
    ("DescribeTable", {"TableName": T}),
    ("ListTables", {"Limit": 1}),
    ("UpdateTimeToLive", {"TableName": T, "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "n"}}),
    ("DeleteTable", {"TableName": T}),
]
for i, (op, body) in enumerate(reqs):
    open(f"corpus/whole_request/r{i:02}_{op}", "wb").write(bytes([ops.index(op)]) + j(body))

statements = [
    f'SELECT * FROM "{T}" WHERE pk = ? AND sk = ?',
    f'SELECT pk, sk, m.k, l[0] FROM "{T}" WHERE pk IN [\'a\', \'b\'] AND sk BETWEEN 1 AND 5',
    f'SELECT * FROM "{T}"."by_g" WHERE g = \'x\' ORDER BY g DESC',
    f'SELECT * FROM "{T}" WHERE n > 1 OR attribute_exists(m) AND begins_with(pk, \'a\')',
    f"INSERT INTO \"{T}\" VALUE {{'pk': 'new', 'sk': 7, 'l': [1, 'two', <<'s1', 's2'>>], 'm': {{'k': null, 'b': true}}}}",
    f'UPDATE "{T}" SET n = n + 1 SET m.k = ? REMOVE l[1] WHERE pk = \'a\' AND sk = 1 RETURNING ALL NEW *',
    f'UPDATE "{T}" SET l = list_append(l, [?]) WHERE pk = ? AND sk = 2',
    f'DELETE FROM "{T}" WHERE pk = \'b\' AND sk = 1 RETURNING ALL OLD *',
    f'SELECT "pk" FROM "{T}" WHERE "sk" >= -1.5e3 AND size(l) < 10 AND contains(s, \'x\') AND attribute_type(n, \'N\')',
    f'-- a comment\nselect * from {T} where pk = \'a\' and missing IS MISSING',
]
for i, st in enumerate(statements):
    open(f"corpus/partiql_parser/p{i:02}", "w").write(st)
