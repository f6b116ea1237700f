/* The CommonJS entry of a bundle made by gowasm-pack: what require() of
 * the npm package gives (package.json's exports["."].require), on every
 * Node from 18 on, including those without require(esm) (before 20.19,
 * and 22.0 to 22.11).
 *
 * gowasm-pack writes loader.cjs as one comment line, one line
 * `exports.bundle = {...};` (the object loader.mjs exports as bundle),
 * then this text verbatim; gowasm-verify re-derives all of it.
 *
 * Use:
 *
 *     const { run, load, bundle } = require("my-go-app");
 *     run({ argv: ["-v"] }).then((code) => { ... });
 *
 * load() and run() are loader.mjs's, reached through a dynamic import()
 * (which CommonJS has on every Node the package supports), so there is one
 * loader: the same options, results and integrity check. */

let esm = null;

function loader() {
	if (esm === null) {
		esm = import("./loader.mjs");
		esm.catch(() => { esm = null; });
	}
	return esm;
}

exports.load = async function load(options = {}) {
	return (await loader()).load(options);
};

exports.run = async function run(options = {}) {
	return (await loader()).run(options);
};
