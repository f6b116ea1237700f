# SPDX-License-Identifier: MIT
"""gowasm-check's SARIF and diagnostics that map to the repository (issue
11): --source-root (absolute build paths and -trimpath module paths
placed relative to %SRCROOT%), text paths relative to the working
directory, --sarif-output beside the text gate, rule metadata,
invocations, regions, baseline findings kept as suppressions, one
fingerprint for JSON and SARIF, and the reference validator with the
GitHub and SARIF rules giving no error and no warning on the Go fixtures
and the pinned npm modules."""
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, go_fixture, go_marks, npm_file, esbuild_wasm, run, CHECK, SOURCE_ROOT  # noqa: E402
import pclnsynth  # noqa: E402

tmp = tempfile.mkdtemp(prefix="gowasm-check-sarif-")
root = os.path.realpath(SOURCE_ROOT)
validator = npm_file("@microsoft/sarif-multitool-linux@5.7.0", "Sarif.Multitool")
esb = esbuild_wasm()
esb_glue = npm_file("esbuild-wasm@0.28.2", "wasm_exec.js")
leak_main = os.path.join(root, "tests", "go", "leak", "main.go")


marks = go_marks


lm = marks("leak")


def sarif(name, path, *extra, cwd=None):
    out = os.path.join(tmp, name + ".sarif")
    r = run([CHECK, "--format", "sarif", "-o", out, *extra, path], cwd=cwd)
    ok(r.returncode in (0, 1) and os.path.exists(out), f"item sarif: {name}: written", r.stderr.decode())
    return r, (json.load(open(out)) if os.path.exists(out) else None), out


def locs(s):
    return [x["locations"][0]["physicalLocation"] for x in s["runs"][0]["results"]]


def fingerprints_json(path, *extra):
    r = run([CHECK, "--format", "json", *extra, path])
    return [f["fingerprint"] for f in json.loads(r.stdout)["findings"]]


logs = {}  # name -> SARIF file, all validated in one run below

# --- -trimpath build with --source-root: repository-relative URIs.
r, s, logs["leak-trimpath"] = sarif("leak-trimpath", go_fixture("leak-trimpath"), "--target", "browser",
                                    "--source-root", root, cwd=tmp)
run0 = s["runs"][0]
eq(run0.get("originalUriBaseIds", {}).get("%SRCROOT%", {}).get("uri"), "file://" + root + "/",
   "item sarif-roots: originalUriBaseIds names %SRCROOT% as the source root, a file URI ending in /")
src = [(p["artifactLocation"], p["region"]["startLine"]) for p, x in zip(locs(s), run0["results"])
       if x["ruleId"] in ("js-func-leak", "hot-bridge-call", "browser-fs")]
eq(sorted({a["uri"] for a, _ in src}), ["tests/go/leak/main.go"],
   "item sarif-roots: -trimpath module paths (example.com/fixtures/leak/main.go) become repository-relative URIs")
ok(src and all(a.get("uriBaseId") == "%SRCROOT%" for a, _ in src), "item sarif-roots: with uriBaseId %SRCROOT%")
ok(all(os.path.isfile(os.path.join(root, a["uri"])) for a, _ in src), "item sarif-roots: and they name the repository's file")
ok(lm["leak-loop"] in [ln for _, ln in src] and lm["fs"] in [ln for _, ln in src],
   "item sarif-roots: at the source lines of the findings", src)
mod = [p for p, x in zip(locs(s), run0["results"]) if x["ruleId"] == "host-capabilities"][0]
real_mod = os.path.realpath(go_fixture("leak-trimpath"))
want = ({"uri": os.path.relpath(real_mod, root), "uriBaseId": "%SRCROOT%"} if real_mod.startswith(root + "/")
        else {"uri": "file://" + real_mod})
eq(mod["artifactLocation"], want, "item sarif-roots: a module-level result names the module, placed like the sources")
eq(mod["region"], {"startLine": 1}, "item sarif-regions: a module-level result has a region (startLine 1)")

# Without --source-root the trimpath names stay as recorded (nothing to place them with).
r, s2, _ = sarif("leak-trimpath-noroot", go_fixture("leak-trimpath"), "--target", "browser")
ok("originalUriBaseIds" not in s2["runs"][0] and any(p["artifactLocation"]["uri"] == "example.com/fixtures/leak/main.go"
                                                     for p in locs(s2)),
   "item sarif-roots: without --source-root, no %SRCROOT% and the -trimpath name is kept")

# --- an absolute build path under the source root.
r, s, logs["leak-stripped"] = sarif("leak-stripped", go_fixture("leak-stripped"), "--target", "browser",
                                    "--source-root", os.path.join(root, "tests"))
uris = {(p["artifactLocation"]["uri"], p["artifactLocation"].get("uriBaseId")) for p in locs(s)}
ok(("go/leak/main.go", "%SRCROOT%") in uris, "item sarif-roots: absolute build paths under --source-root become relative", uris)
r, s, logs["leak"] = sarif("leak", go_fixture("leak"), "--target", "browser")
ok(("file://" + leak_main) in {p["artifactLocation"]["uri"] for p in locs(s)},
   "item sarif-roots: without --source-root an absolute build path is a file:// URI")

# --- rule metadata, invocations, regions.
rules = s["runs"][0]["tool"]["driver"]["rules"]
uri_re = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
ok(uri_re.match(s["runs"][0]["tool"]["driver"].get("informationUri", "")), "item sarif-meta: informationUri is an absolute URI")
ok(rules and all(uri_re.match(x.get("helpUri", "")) for x in rules), "item sarif-meta: every rule has a helpUri")
ok(all(len(x["fullDescription"]["text"]) > len(x["shortDescription"]["text"]) + 40 and
       x["fullDescription"]["text"] != x["shortDescription"]["text"] for x in rules),
   "item sarif-meta: every rule has a full description of its own, longer than the summary")
ok(all(x["help"].get("markdown") and x["help"]["text"] in x["help"]["markdown"] and x["id"] in x["help"]["markdown"]
       for x in rules), "item sarif-meta: every rule has markdown help")
eq([(i.get("executionSuccessful"), i.get("exitCode")) for i in s["runs"][0].get("invocations", [])], [(True, 1)],
   "item sarif-meta: invocations: executionSuccessful, and the exit status of the gate")
ok(all(isinstance(p.get("region", {}).get("startLine"), int) and p["region"]["startLine"] >= 1 for p in locs(s)),
   "item sarif-regions: every result has a region with a startLine")

# --- fingerprints: SARIF's partialFingerprints are JSON's fingerprints.
for name, path, extra in (("leak", go_fixture("leak"), ["--target", "browser"]), ("esbuild", esb, ["--target", "browser"])):
    sp = os.path.join(tmp, name + "-fp.sarif")
    run([CHECK, "--format", "sarif", "-o", sp, *extra, path])
    fs = [x["partialFingerprints"]["gowasmFindingKey/v1"] for x in json.load(open(sp))["runs"][0]["results"]]
    fj = fingerprints_json(path, *extra)
    ok(fs and fs == fj, f"item sarif-fingerprints: {name}: SARIF partialFingerprints equal the JSON fingerprints", (fs[:3], fj[:3]))
    eq(len(set(fj)), len(fj), f"item sarif-fingerprints: {name}: distinct findings never share a fingerprint")

# --- a baseline: findings kept as suppressed results.
base = os.path.join(tmp, "leak.baseline")
run([CHECK, "--write-baseline", base, "--allow", "host-capabilities", go_fixture("leak")])
r, s, logs["leak-baseline"] = sarif("leak-baseline", go_fixture("leak"), "--target", "browser", "--baseline", base,
                                    "--allow", "glue-version")
res = s["runs"][0]["results"]
sup = [x for x in res if x.get("suppressions")]
jr = json.loads(run([CHECK, "--format", "json", "--target", "browser", "--baseline", base, "--allow", "glue-version",
                     go_fixture("leak")]).stdout)
ok(sup and all(x["suppressions"] == [{"kind": "external", "justification": "listed in the baseline " + base}] for x in sup),
   "item sarif-suppressions: baseline findings are kept with a suppression of kind external naming the baseline")
eq(sorted(x["ruleId"] for x in sup), sorted(["js-func-leak", "js-func-leak", "hot-bridge-call", "hot-bridge-call"]),
   "item sarif-suppressions: exactly the baselined findings are suppressed")
eq(sorted(x["ruleId"] for x in res if not x.get("suppressions")), sorted(f["rule"] for f in jr["findings"]),
   "item sarif-suppressions: the others are the findings the JSON report gives")
ok("glue-version" not in [x["ruleId"] for x in res], "item sarif-suppressions: --allow still leaves a rule out")
eq(s["runs"][0]["invocations"][0]["exitCode"], 0, "item sarif-suppressions: suppressed findings do not fail the gate")

wb = os.path.join(tmp, "written.baseline")
wso = os.path.join(tmp, "written.sarif")
r = run([CHECK, "--write-baseline", wb, "--sarif-output", wso, go_fixture("leak")])
res = json.load(open(wso))["runs"][0]["results"] if os.path.exists(wso) else []
ok(r.returncode == 0 and res and all(x.get("suppressions") == [{"kind": "external", "justification": "listed in the baseline " + wb}]
                                     for x in res),
   "item sarif-suppressions: --write-baseline with --sarif-output: every finding suppressed by the baseline written")

# --- --sarif-output beside the text report.
so = os.path.join(tmp, "side.sarif")
r = run([CHECK, "--target", "browser", "--sarif-output", so, "-o", "-", go_fixture("leak")], cwd=root)
text = r.stdout.decode().splitlines()
eq(r.returncode, 1, "item sarif-output: one run is the gate (exit 1 on errors)...")
ok(text and all(": error: " in l or ": warning: " in l or ": note: " in l for l in text),
   "item sarif-output: ...with the text report on standard output...", text[:3])
ss = json.load(open(so)) if os.path.exists(so) else None
eq(len(ss["runs"][0]["results"]) if ss else None, len(text), "item sarif-output: ...and the SARIF log, one result per line")
logs["side"] = so
r = run([CHECK, "--target", "browser", "--sarif-output", so, go_fixture("leak")], cwd=root)
ok(r.returncode == 1 and r.stdout == b"" and "[js-func-leak]" in r.stderr.decode(),
   "item sarif-output: without -o the text goes to standard error as before")
copy = os.path.join(tmp, "copy.wasm")
shutil.copy(go_fixture("leak"), copy)
before = open(copy, "rb").read()
r = run([CHECK, "--sarif-output", copy, copy])
ok(r.returncode == 2 and "would replace the input" in r.stderr.decode() and open(copy, "rb").read() == before,
   "item sarif-output: naming the input is a usage error and the input is untouched", r.stderr)
r = run([CHECK, "-o", so, "--sarif-output", so, copy])
ok(r.returncode == 2 and "--sarif-output" in r.stderr.decode(), "item sarif-output: the same file as -o is a usage error")
for args in (["-o", "-"], ["--format", "json"]):
    r = run([CHECK, *args, "--sarif-output", "-", copy])
    ok(r.returncode == 2 and r.stdout == b"" and "--sarif-output" in r.stderr.decode(),
       f"item sarif-output: standard output for both the SARIF log and the {' '.join(args)} report is a usage error")
r = run([CHECK, "--sarif-output", "-", copy])
ok(r.returncode == 1 and json.loads(r.stdout)["version"] == "2.1.0" and "[js-func-leak]" in r.stderr.decode(),
   "item sarif-output: --sarif-output - with the text on standard error")
r = run([CHECK, "--source-root", os.path.join(tmp, "nowhere"), copy])
ok(r.returncode == 2 and "nowhere" in r.stderr.decode(), "item sarif-roots: a missing --source-root: exit 2", r.stderr)
r = run([CHECK, "--source-root", copy, copy])
ok(r.returncode == 2 and "not a directory" in r.stderr.decode(), "item sarif-roots: a file as --source-root: exit 2")

# --- text diagnostics relative to the working directory.
def text_files(cwd, path, *extra):
    r = run([CHECK, "--target", "browser", *extra, path], cwd=cwd)
    return sorted({l.split(":")[0] for l in r.stderr.decode().splitlines() if ": main." in l})


eq(text_files(root, go_fixture("leak")), ["tests/go/leak/main.go"],
   "item text-paths: an absolute build path under the working directory is written relative to it")
eq(text_files(os.path.join(root, "tests", "go"), go_fixture("leak")), ["leak/main.go"],
   "item text-paths: from a subfolder too")
eq(text_files(tmp, go_fixture("leak")), [leak_main], "item text-paths: outside the working directory it stays absolute")
eq(text_files(os.path.join(root, "tests"), go_fixture("leak-trimpath"), "--source-root", root), ["go/leak/main.go"],
   "item text-paths: a -trimpath name placed by --source-root, relative to the working directory")
eq(text_files(root, go_fixture("leak-trimpath")), ["example.com/fixtures/leak/main.go"],
   "item text-paths: without --source-root a -trimpath name is written as recorded")

# --- the pinned npm modules and the other fixtures, for the validator.
r, s, logs["esbuild"] = sarif("esbuild", esb, "--glue", esb_glue, "--target", "browser", "--source-root", root)
ok("no go.mod of module github.com/evanw/esbuild" in r.stderr.decode(),
   "item sarif-roots: a -trimpath module whose go.mod is not under --source-root: a warning says its names are not placed",
   r.stderr)
for spec in ("esbuild-wasm@0.14.54", "esbuild-wasm@0.19.12"):
    _, _, logs[spec] = sarif(spec, npm_file(spec, "esbuild.wasm"), "--target", "browser")
for name in ("hello", "callbacks-stripped", "loops", "leak-fixed", "panic-trimpath"):
    _, _, logs[name] = sarif(name, go_fixture(name), "--target", "browser", "--source-root", root)
m = pclnsynth.build("1.20")
corrupt = os.path.join(tmp, "cycle.wasm")
with open(corrupt, "wb") as f:
    f.write(pclnsynth.patch(m, "inl0.parentPc", "i", 2))
_, _, logs["corrupt"] = sarif("corrupt", corrupt)

# A log that lacks a region: the validator must object (shows it is listening).
bad = json.load(open(logs["leak-trimpath"]))
del bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
logs["control-no-region"] = os.path.join(tmp, "control.sarif")
json.dump(bad, open(logs["control-no-region"], "w"), indent=2)

out = os.path.join(tmp, "validation.sarif")
v = run([validator, "validate", "--rule-kind", "Gh;Sarif", "--log", "ForceOverwrite", "-o", out, *logs.values()],
        timeout=600)
vtext = v.stdout.decode(errors="replace") + v.stderr.decode(errors="replace")
ok(os.path.exists(out) and f"Done. {len(logs)} files scanned." in vtext, f"item sarif-validator: the validator read all {len(logs)} logs",
   vtext[-800:])
found = {}
if os.path.exists(out):
    for x in json.load(open(out))["runs"][0].get("results", []):
        level = x.get("level", "warning")
        uri = x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        found.setdefault(uri, []).append((level, x["ruleId"]))
by_name = {n: [f for f in found.get("file://" + os.path.realpath(p), []) if f[0] in ("error", "warning")]
           for n, p in logs.items()}
ok(any(rule == "SARIF2017" or rule.startswith("GH") for _, rule in by_name.pop("control-no-region")),
   "item sarif-validator: control: a result without a region is reported (test sanity)")
for n, issues in by_name.items():
    eq(issues, [], f"item sarif-validator: {n}: 0 errors and 0 warnings with --rule-kind Gh;Sarif")

shutil.rmtree(tmp, ignore_errors=True)
