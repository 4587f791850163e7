"""Reads every row of a vitkit image collection with pymilvus; prints {path: embedding} as JSON.

Usage: python pymilvus_read_back.py URI COLLECTION   (run by MilvusClientTests)
"""
import json
import sys

from pymilvus import MilvusClient

uri, collection = sys.argv[1], sys.argv[2]
client = MilvusClient(uri=uri)
client.load_collection(collection)
rows = client.query(collection, filter='path != ""', output_fields=["path", "embedding"], limit=16384)
# float32 values arrive as Python floats (exact doubles): repr round-trips them exactly.
print(json.dumps({row["path"]: [float(x) for x in row["embedding"]] for row in rows}))
