#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Makes the CommonJS or ES module form of the companion from companion.js:
wrap.py cjs|mjs VERSION COMPANION.js BATCH_PROTOCOL.def OUT.

The batch protocol's constants (its version, the record kinds and sizes,
the offsets of the records' fields) are generated from
lib/analysis/batch_protocol.def, the table the batching pass is compiled
with, and put where companion.js says @BATCH_PROTOCOL_CONSTANTS@;
@PROTOCOL@ and @VERSION@ are replaced by the protocol and the version.

The CommonJS form has no file-wide "use strict": companion.js's functions
carry their own directive, except gowasmLooseStore, which must stay in
sloppy mode (see there)."""
import re
import sys


def protocol_constants(def_text):
    """(protocol, JavaScript declarations) from batch_protocol.def."""
    text = re.sub(r"/\*.*?\*/", "", def_text, flags=re.S)
    consts, records, fields = {}, [], []
    for m in re.finditer(r"^\s*GW_BATCH_(CONST|RECORD|FIELD)\(([^)]*)\)\s*$", text, re.M):
        args = [a.strip() for a in m.group(2).split(",")]
        if not all(re.fullmatch(r"[A-Z][A-Z0-9_]*", args[0]) and re.fullmatch(r"\d+", a) for a in args[1:]):
            sys.exit(f"wrap.py: cannot read {m.group(0).strip()!r}")
        if m.group(1) == "CONST" and len(args) == 2:
            consts[args[0]] = int(args[1])
        elif m.group(1) == "RECORD" and len(args) == 3:
            records.append((args[0], int(args[1]), int(args[2])))
        elif m.group(1) == "FIELD" and len(args) == 2:
            fields.append((args[0], int(args[1])))
        else:
            sys.exit(f"wrap.py: wrong number of arguments in {m.group(0).strip()!r}")
    if "PROTOCOL" not in consts or not records or not fields:
        sys.exit("wrap.py: the batch protocol table has no PROTOCOL, records or fields")
    lines = ["/* The batch protocol, generated from lib/analysis/batch_protocol.def (the",
             " * table passes/batch.c writes records by) at build time. */"]
    lines += [f"const GOWASM_BATCH_{name} = {value};" for name, value in consts.items()]
    for name, kind, size in records:
        lines.append(f"const GOWASM_RECORD_{name} = {kind};")
        lines.append(f"const GOWASM_RECORD_{name}_SIZE = {size};")
    # The least size of a record by kind; a kind no record has gets the
    # smallest size of all (it is refused as unknown once its size is read).
    smallest = min(size for _, _, size in records)
    least = [smallest] * (max(kind for _, kind, _ in records) + 1)
    for _, kind, size in records:
        least[kind] = size
    lines.append(f"const GOWASM_RECORD_LEAST = [{', '.join(map(str, least))}];")
    lines += [f"const GOWASM_AT_{name} = {offset};" for name, offset in fields]
    return consts["PROTOCOL"], "\n".join(lines)


def main():
    fmt, version, src, table, dst = sys.argv[1:6]
    protocol, constants = protocol_constants(open(table, encoding="utf-8").read())
    body = open(src, encoding="utf-8").read()
    if body.count("@BATCH_PROTOCOL_CONSTANTS@") != 1:
        sys.exit("wrap.py: companion.js must hold @BATCH_PROTOCOL_CONSTANTS@ once")
    body = re.sub(r"^.*@BATCH_PROTOCOL_CONSTANTS@.*$", lambda m: constants, body, count=1, flags=re.M)
    body = body.replace("@PROTOCOL@", str(protocol)).replace("@VERSION@", version)
    if fmt == "cjs":
        out = (body +
               "\nmodule.exports = { enableBatching, batchingStats, "
               "version: GOWASM_BATCH_VERSION, protocol: GOWASM_BATCH_PROTOCOL };\n")
    elif fmt == "mjs":
        out = (body + "\nconst version = GOWASM_BATCH_VERSION;\nconst protocol = GOWASM_BATCH_PROTOCOL;\n"
               "export { enableBatching, batchingStats, version, protocol };\n")
    else:
        sys.exit(f"wrap.py: unknown format {fmt}")
    with open(dst, "w", encoding="utf-8") as f:
        f.write(out)


main()
