#!/usr/bin/env python3
"""Validate every stored file under the given roots against schemas/ with the standard
`jsonschema` package (Draft 2020-12).

Version files (vNNNNNN.json) are checked against envelope.schema.json and their body against
kinds/<kind>.schema.json; logs (*.jsonl) line by line against log-header and log-event, and each
event body against kinds/<header kind>.schema.json. A file whose kind has no schema is an error:
every stored kind must be described. A torn last line (no newline) is skipped, as mlw does.

Usage: validate_schemas.py ROOT [ROOT ...]; prints a summary (the last line: the kinds that were
validated, so a test can tell that a kind it wrote was checked), exits 1 on any failure.
"""
import json
import os
import re
import sys

from jsonschema import Draft202012Validator

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas")
VERSION_FILE = re.compile(r"^v[0-9]{6,}\.json$")


def load(name):
    with open(os.path.join(SCHEMAS, name)) as handle:
        schema = json.load(handle)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def main(roots):
    envelope, header, event = load("envelope.schema.json"), load("log-header.schema.json"), load("log-event.schema.json")
    kinds = {}
    failures, checked = [], 0

    def kind_validator(kind, where):
        if kind not in kinds:
            path = os.path.join(SCHEMAS, "kinds", f"{kind}.schema.json")
            kinds[kind] = load(os.path.join("kinds", f"{kind}.schema.json")) if os.path.exists(path) else None
        if kinds[kind] is None:
            failures.append(f"{where}: no schema for kind '{kind}' (add schemas/kinds/{kind}.schema.json)")
        return kinds[kind]

    def report(where, validator, value):
        for error in validator.iter_errors(value):
            location = "/".join(str(p) for p in error.absolute_path) or "(top)"
            failures.append(f"{where}: {location}: {error.message}")

    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".git")]
            for name in sorted(files):
                path = os.path.join(folder, name)
                if VERSION_FILE.match(name):
                    checked += 1
                    with open(path) as handle:
                        document = json.load(handle)
                    report(path, envelope, document)
                    validator = kind_validator(document.get("kind"), path)
                    if validator:
                        report(path + " body", validator, document.get("body"))
                elif name.endswith(".jsonl"):
                    checked += 1
                    with open(path) as handle:
                        text = handle.read()
                    lines = text.split("\n")[:-1]  # the part after the last newline is torn or empty
                    if not lines:
                        continue
                    head = json.loads(lines[0])
                    report(f"{path}:1", header, head)
                    validator = kind_validator(head.get("kind"), path)
                    for number, line in enumerate(lines[1:], start=2):
                        value = json.loads(line)
                        report(f"{path}:{number}", event, value)
                        if validator:
                            report(f"{path}:{number} body", validator, value.get("body"))
    for failure in failures:
        print(failure)
    print(f"validated {checked} files: {len(failures)} problem(s)")
    print("kinds validated: " + ",".join(sorted(k for k, v in kinds.items() if v is not None)))
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
