/* The loader of a bundle made by gowasm-pack.
 *
 * gowasm-pack writes loader.mjs as one comment line, one line
 * `export const bundle = {...};` describing this bundle (name, version,
 * module, integrity, glue, companion, go, abiModule), three lines naming
 * the bundle's other files in the forms bundlers follow (vite, webpack,
 * rollup, esbuild: the module as an asset URL, the glue and the companion
 * as modules to bundle), then this text verbatim:
 *
 *     const moduleURL = new URL("./NAME.wasm", import.meta.url);
 *     const importGlue = () => import("./wasm_exec.js");
 *     const importCompanion = () => import("./gowasm-batch.mjs");   // null when not batched
 *
 * Use:
 *
 *     import { run, load } from "./loader.mjs";
 *     const code = await run({ argv: ["-v"] });        // runs the program, resolves with its exit code
 *     const { go, instance } = await load();           // or: set up, verify, instantiate; you run it
 *
 * It works in browsers (as an ES module, bundled or not) and in Node 18
 * and later (import, or require() where Node has require(esm)), and has no
 * top-level await, so bundlers can take it as it is.
 *
 * load(options) loads the Go glue (wasm_exec.js) once, then the batching
 * companion when the module was rewritten by gowasm-batch, gets the
 * module, checks its SHA-384 digest against bundle.integrity BEFORE
 * anything is instantiated, and instantiates it with a new Go() (or
 * options.go). It does not run it.
 *
 * options:
 *   module   the module, when not at moduleURL: a URL (or a string, read
 *            against the page's URL), its bytes (an ArrayBuffer or a typed
 *            array), a Response or a Promise of one (fetch(...)), all
 *            checked against bundle.integrity; or a WebAssembly.Module,
 *            used as it is (its bytes are gone: nothing to check)
 *   baseURL  the folder to fetch the module from instead (a URL or a
 *            string ending in "/"); in Node it must be a file: URL
 *   argv     the program's arguments after its name (os.Args[1:]); default []
 *   env      the program's environment, an object of strings; default {}
 *            (in Node, pass { ...process.env } to hand it the process's)
 *   go       a Go instance (new Go() from this bundle's wasm_exec.js) to use
 *            instead of a new one
 *
 * run(options) does load(options), runs the program and resolves with its
 * exit code (0 when main returned) once it has exited.
 *
 * The glue is imported dynamically, with a literal specifier that every
 * bundler follows, rather than statically: in Node, the fs module and Web
 * Crypto must be on globalThis before it runs (without fs it installs a
 * stub that console.logs stdout and stderr alike; Go 1.19's and later
 * throw without crypto, which Node 18 does not put on globalThis). */

/* Whether this is Node (or a runtime that provides Node's built-ins).
 * Checked at each call: Go's browser glue installs a stub
 * globalThis.process, without versions. */
function inNode() {
	const p = globalThis.process;
	return typeof p === "object" && p !== null && typeof p.versions === "object" && p.versions !== null &&
		typeof p.versions.node === "string";
}

/* A Node built-in module ("fs", "crypto"), without a static import that a
 * browser or a bundler would trip on. */
async function nodeBuiltin(name) {
	if (typeof globalThis.process.getBuiltinModule === "function") {
		return globalThis.process.getBuiltinModule(name); /* Node 20.16 and later */
	}
	const specifier = "node:" + name;
	const ns = await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
	return ns.default ?? ns;
}

/* What the Go glue and Go's syscall package expect to find in Node before
 * wasm_exec.js runs (Go's own wasm_exec_node.js provides the same): the
 * fs module, through which Go writes to stdout and stderr and reaches the
 * file system (without it the glue installs a stub that console.logs), and
 * Web Crypto for crypto.getRandomValues. Existing globals are kept. */
async function prepareNode() {
	if (!inNode()) {
		return;
	}
	if (globalThis.fs === undefined) {
		globalThis.fs = await nodeBuiltin("fs");
	}
	if (globalThis.crypto === undefined) {
		globalThis.crypto = (await nodeBuiltin("crypto")).webcrypto;
	}
}

/* The glue and the companion are loaded once, however many instances are
 * made; a failed load may be tried again. */
let glue = null, companion = null;

/* wasm_exec.js is a classic script that defines globalThis.Go. Importing it
 * as a module runs it the same way: in browsers and bundles as an ES
 * module, in Node as CommonJS or as an ES module depending on the
 * package.json around it; it only ever uses globalThis. */
function loadGlue() {
	if (glue === null) {
		glue = (async () => {
			await prepareNode();
			await importGlue();
			if (typeof globalThis.Go !== "function") {
				throw new Error(`gowasm: ${bundle.glue} did not define globalThis.Go (is it Go's wasm_exec.js?)`);
			}
			return globalThis.Go;
		})();
		glue.catch(() => { glue = null; });
	}
	return glue;
}

/* The gowasm-batch companion (an ES module exporting enableBatching). */
function loadCompanion() {
	if (companion === null) {
		companion = importCompanion().then((m) => {
			if (typeof m.enableBatching !== "function") {
				throw new Error(`gowasm: ${bundle.companion} exports no enableBatching`);
			}
			return m;
		});
		companion.catch(() => { companion = null; });
	}
	return companion;
}

function base64(bytes) {
	let s = "";
	for (let i = 0; i < bytes.length; i++) {
		s += String.fromCharCode(bytes[i]);
	}
	return btoa(s);
}

/* The check that always runs, whatever fetched the bytes: their SHA-384
 * digest, in Subresource Integrity form, must be bundle.integrity. */
async function verify(bytes) {
	const subtle = globalThis.crypto !== undefined ? globalThis.crypto.subtle : undefined;
	if (subtle === undefined) {
		throw new Error(`gowasm: cannot check the integrity of ${bundle.module}: crypto.subtle is not available ` +
			"(browsers provide it to secure contexts only: https: or localhost)");
	}
	const got = "sha384-" + base64(new Uint8Array(await subtle.digest("SHA-384", bytes)));
	if (got !== bundle.integrity) {
		throw new Error(`gowasm: integrity check failed for ${bundle.module}: expected ${bundle.integrity}, got ${got}`);
	}
}

async function fetchBytes(url, init) {
	const response = await fetch(url.href, init);
	if (!response.ok) {
		throw new Error(`gowasm: fetching ${url.href} failed: HTTP ${response.status} ${response.statusText}`.trimEnd());
	}
	return new Uint8Array(await response.arrayBuffer());
}

/* The module's bytes from a URL, verified. file: URLs are read with
 * Node's fs (Node's fetch does not do file:); anything else is fetched with
 * the integrity option, so that a browser checks the digest too. */
async function fetchModule(url) {
	let bytes;
	if (url.protocol === "file:") {
		if (!inNode()) {
			throw new Error(`gowasm: cannot read ${url.href}: file: URLs are read in Node only; serve the bundle over http(s)`);
		}
		const fs = await nodeBuiltin("fs");
		bytes = new Uint8Array(await fs.promises.readFile(url));
	} else {
		try {
			bytes = await fetchBytes(url, { integrity: bundle.integrity });
		} catch (err) {
			/* A browser rejects a response that does not match the integrity
			 * option with a bare TypeError, as it does a network error.
			 * Fetch it once more without the option, so that the check below
			 * can tell which it was and say so. */
			try {
				bytes = await fetchBytes(url, { cache: "no-store" });
			} catch {
				throw err;
			}
		}
	}
	await verify(bytes);
	return bytes;
}

function pageURL() {
	return globalThis.location !== undefined ? globalThis.location.href : undefined;
}

/* What options.module (or, without it, options.baseURL or moduleURL)
 * gives to instantiate: verified bytes, or a WebAssembly.Module. */
async function moduleSource(options) {
	let m = options.module;
	if (m === undefined) {
		if (options.baseURL === undefined) {
			return fetchModule(moduleURL);
		}
		const where = options.baseURL;
		return fetchModule(new URL(bundle.module, new URL(typeof where === "object" ? where.href : where, pageURL())));
	}
	if (m !== null && typeof m === "object" && typeof m.then === "function") {
		m = await m;
	}
	if (m instanceof WebAssembly.Module) {
		return m;
	}
	if (typeof m === "string" || (m !== null && typeof m === "object" && typeof m.href === "string")) {
		return fetchModule(new URL(typeof m === "string" ? m : m.href, pageURL()));
	}
	let bytes;
	if (m instanceof ArrayBuffer) {
		bytes = new Uint8Array(m);
	} else if (ArrayBuffer.isView(m)) {
		bytes = new Uint8Array(m.buffer, m.byteOffset, m.byteLength);
	} else if (m !== null && typeof m === "object" && typeof m.arrayBuffer === "function" && typeof m.ok === "boolean") {
		if (!m.ok) {
			throw new Error(`gowasm: the response for ${bundle.module} is HTTP ${m.status} ${m.statusText}`.trimEnd());
		}
		bytes = new Uint8Array(await m.arrayBuffer());
	} else {
		throw new TypeError("gowasm: options.module must be a URL, an ArrayBuffer, a typed array, a Response " +
			"(or a Promise of one) or a WebAssembly.Module");
	}
	await verify(bytes);
	return bytes;
}

export async function load(options = {}) {
	const Go = await loadGlue();
	const batching = importCompanion !== null ? await loadCompanion() : null;
	const go = options.go ?? new Go();
	if (go.importObject === null || typeof go.importObject !== "object" || !(bundle.abiModule in go.importObject)) {
		throw new Error(`gowasm: ${bundle.module} (${bundle.go}) imports module "${bundle.abiModule}", ` +
			`which this Go instance does not provide: is ${bundle.glue} the glue of another Go version?`);
	}
	go.argv = [bundle.module, ...(options.argv ?? [])];
	go.env = Object.assign({}, options.env ?? {});
	if (batching !== null) {
		batching.enableBatching(go); /* before instantiation: it adds the module's gowasm.flush import */
	}
	const source = await moduleSource(options); /* throws on an integrity mismatch: nothing is instantiated */
	const result = await WebAssembly.instantiate(source, go.importObject);
	return { go, instance: result instanceof WebAssembly.Instance ? result : result.instance };
}
export async function run(options = {}) {
	const { go, instance } = await load(options);
	let exitCode = 0;
	/* The glue calls go.exit(code) when the program exits (main returned:
	 * 0; os.Exit; a panic: 2). A Go instance passed in options keeps its
	 * own exit handler, called after the code is recorded; the glue's
	 * default (a console warning) is replaced. */
	const previous = options.go !== undefined ? go.exit : null;
	go.exit = (code) => {
		exitCode = code;
		if (typeof previous === "function") {
			previous.call(go, code);
		}
	};
	await go.run(instance);
	return exitCode;
}
