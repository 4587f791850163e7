"""pymilvus side of MilvusClientTests.databaseHeaderSelectsTheDatabase.

Usage: python pymilvus_databases.py URI create DATABASE   creates the database
       python pymilvus_databases.py URI list DATABASE     prints its collections as JSON
"""
import json
import sys

from pymilvus import MilvusClient

uri, action, database = sys.argv[1], sys.argv[2], sys.argv[3]
if action == "create":
    MilvusClient(uri=uri).create_database(database)
else:
    print(json.dumps(sorted(MilvusClient(uri=uri, db_name=database).list_collections())))
