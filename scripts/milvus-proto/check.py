"""Checks vitkit's Milvus proto subset against pymilvus's generated descriptors.

Usage: python check.py DESCRIPTOR_SET  (protoc --descriptor_set_out=... --include_imports)
Every message, field (number, type, label, message/enum type), enum value and RPC of the
subset must exist in pymilvus's copy of milvus-proto with the same meaning; prints the
differences and exits 1 if there are any.
"""
import sys

from google.protobuf import descriptor_pb2, descriptor_pool
from pymilvus.grpc_gen import common_pb2, milvus_pb2, schema_pb2  # noqa: F401  (fill the pool)

pool = descriptor_pool.Default()
subset = descriptor_pb2.FileDescriptorSet()
with open(sys.argv[1], "rb") as f:
    subset.ParseFromString(f.read())

problems = []
checked = 0
for file in subset.file:
    package = file.package
    for message in file.message_type:
        name = f"{package}.{message.name}"
        try:
            theirs = pool.FindMessageTypeByName(name)
        except KeyError:
            problems.append(f"{name}: no such message in pymilvus")
            continue
        for field in message.field:
            other = theirs.fields_by_number.get(field.number)
            where = f"{name}.{field.name} = {field.number}"
            if other is None:
                problems.append(f"{where}: no field with that number")
                continue
            checked += 1
            if other.name != field.name:
                problems.append(f"{where}: pymilvus names it {other.name}")
            if other.type != field.type:
                problems.append(f"{where}: type {field.type}, pymilvus {other.type}")
            repeated = field.label == descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED
            other_repeated = other.is_repeated
            if repeated != other_repeated:
                problems.append(f"{where}: repeated differs")
            if field.type_name:
                other_kind = other.message_type or other.enum_type
                other_type = other_kind.full_name if other_kind else "(scalar)"
                if field.type_name.lstrip(".") != other_type:
                    problems.append(f"{where}: type {field.type_name}, pymilvus {other_type}")
    for enum in file.enum_type:
        name = f"{package}.{enum.name}"
        theirs = pool.FindEnumTypeByName(name)
        for value in enum.value:
            other = theirs.values_by_name.get(value.name)
            checked += 1
            if other is None or other.number != value.number:
                problems.append(f"{name}.{value.name} = {value.number}: pymilvus differs")
    for service in file.service:
        theirs = pool.FindServiceByName(f"{package}.{service.name}")
        for method in service.method:
            other = theirs.methods_by_name.get(method.name)
            checked += 1
            if other is None:
                problems.append(f"{service.name}.{method.name}: no such RPC")
            elif (other.input_type.full_name, other.output_type.full_name) != (
                method.input_type.lstrip("."), method.output_type.lstrip(".")
            ):
                problems.append(f"{service.name}.{method.name}: request/response types differ")

for p in problems:
    print(p)
print(f"{checked} fields, enum values and RPCs checked, {len(problems)} differences")
sys.exit(1 if problems else 0)
