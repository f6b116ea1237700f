# SPDX-License-Identifier: MIT
"""The manifest schema under ajv (draft 2020-12, strict, with ajv-formats;
both pinned in tests/npm/pins.txt): shared by the pack tests."""
import json
import os
import shutil

from tap import npm_file, run, SOURCE_ROOT

AJV = "ajv@8.17.1"
AJV_FORMATS = "ajv-formats@3.0.1"
SCHEMA = os.path.join(SOURCE_ROOT, "packager", "manifest.schema.json")

SCRIPT = r"""
"use strict";
// node ajv-validate.cjs AJV_DIR AJV_FORMATS_DIR SCHEMA DOC...: one JSON line.
const Module = require("module");
const path = require("path");
const fs = require("fs");
const [ajvDir, formatsDir, schemaPath, ...docs] = process.argv.slice(2);
// ajv-formats brings its own copy of ajv: make every require("ajv...")
// resolve to the pinned one, so that one ajv does all the work.
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === "ajv" || request.startsWith("ajv/"))
    request = path.join(ajvDir, request.slice(4));
  return resolve.call(this, request, parent, ...rest);
};
const Ajv2020 = require(path.join(ajvDir, "dist/2020"));
const addFormats = require(formatsDir);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
const out = {
  ajv: require(path.join(ajvDir, "package.json")).version,
  formats: require(path.join(formatsDir, "package.json")).version,
  foreign: Object.keys(require.cache).filter((k) => k.startsWith(path.join(formatsDir, "..", "ajv") + path.sep)),
  results: [],
};
for (const d of docs) {
  let doc;
  try { doc = JSON.parse(fs.readFileSync(d, "utf8")); }
  catch (e) { out.results.push({ file: d, valid: false, errors: ["not JSON: " + e.message] }); continue; }
  const valid = validate(doc);
  out.results.push({ file: d, valid, errors: (validate.errors || []).map((e) => `${e.instancePath} ${e.keyword}: ${e.message}`) });
}
console.log(JSON.stringify(out));
"""


def validate(docs, tmp, schema=SCHEMA):
    """Runs ajv on the JSON files `docs`: (parsed result or None, process).
    The result has the ajv and ajv-formats versions, "foreign" (files of
    ajv-formats' own copy of ajv that were loaded: none should be) and one
    {file, valid, errors} per document."""
    path = os.path.join(tmp, "ajv-validate.cjs")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(SCRIPT)
    node = shutil.which("node") or shutil.which("nodejs")
    ajv_dir = os.path.dirname(npm_file(AJV, "package.json"))
    formats_dir = os.path.dirname(npm_file(AJV_FORMATS, "package.json"))
    r = run([node, path, ajv_dir, formats_dir, schema, *docs], timeout=120)
    try:
        return json.loads(r.stdout), r
    except ValueError:
        return None, r
