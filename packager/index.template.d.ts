// Type declarations of a bundle made by gowasm-pack: its loader.mjs
// (bundle, load, run) and its manifest.json (Manifest, gowasm-manifest/1,
// packager/manifest.schema.json in gowasm). Self-contained: no DOM or Node
// typings are needed.
//
//     import { run } from "my-go-app";
//     import type { Manifest } from "my-go-app";
//     import manifest from "my-go-app/manifest.json" with { type: "json" };

/** The description of the bundle, written by gowasm-pack into loader.mjs. */
export interface Bundle {
  /** The package name (manifest.name). */
  readonly name: string;
  /** The bundle's version (manifest.version). */
  readonly version: string;
  /** File name of the WebAssembly module in the bundle, e.g. "app.wasm". */
  readonly module: string;
  /** Subresource Integrity of the module: "sha384-" and the base64 SHA-384 digest. */
  readonly integrity: string;
  /** File name of the Go glue in the bundle: "wasm_exec.js". */
  readonly glue: string;
  /** File name of the gowasm-batch companion ("gowasm-batch.mjs") when the module was batched, else null. */
  readonly companion: string | null;
  /** The Go version that built the module, e.g. "go1.19.8". */
  readonly go: string;
  /** The import module of the Go bridge: "go" (Go up to 1.20) or "gojs" (Go 1.21 and later). */
  readonly abiModule: "go" | "gojs";
}

/** The bundle this loader belongs to. */
export declare const bundle: Bundle;

/** A WebAssembly instance (WebAssembly.Instance), described without the DOM or Node typings. */
export interface WasmInstance {
  readonly exports: { readonly [name: string]: unknown };
}

/** What load() and run() use of a Go instance: `new Go()` from the bundle's wasm_exec.js. */
export interface Go {
  /** The program's arguments, its name first. */
  argv: string[];
  /** The program's environment. */
  env: { [name: string]: string };
  /** Called by the glue with the exit code when the program exits. */
  exit: (code: number) => void;
  /** The imports the module is instantiated with. */
  readonly importObject: { [module: string]: { [name: string]: unknown } };
  /** Whether the program has exited. */
  readonly exited: boolean;
  /** Runs the program; resolves when it has exited. */
  run(instance: WasmInstance): Promise<void>;
}

/** A fetch() Response, described without the DOM or Node typings. */
export interface ModuleResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A WebAssembly.Module, described without the DOM or Node typings. */
export type WasmModule = object;

/**
 * Where load() gets the module: a URL (a string is read against the page's
 * URL), its bytes, a Response or a Promise of one, all checked against
 * bundle.integrity; or a WebAssembly.Module, used as it is (nothing to check).
 */
export type ModuleSource =
  | string
  | { readonly href: string }
  | ArrayBuffer
  | ArrayBufferView
  | ModuleResponse
  | PromiseLike<ModuleResponse>
  | WasmModule;

/** Options of load(). */
export interface LoadOptions {
  /** The module, when not beside loader.mjs (e.g. the URL a bundler gave it, or its bytes). */
  module?: ModuleSource;
  /** The folder to fetch the module from (ending in "/"): a string or a URL; default: the folder of loader.mjs. */
  baseURL?: string | { readonly href: string };
  /** The program's arguments after its name (os.Args[1:]); default none. */
  argv?: readonly string[];
  /** The program's environment; default empty. In Node, `{ ...process.env }` hands it the process's. */
  env?: { readonly [name: string]: string };
  /** A Go instance to use instead of a new one. */
  go?: Go;
}

/** Options of run(): those of load(). */
export type RunOptions = LoadOptions;

/** What load() resolves with: the Go instance and the module's instance, not yet running. */
export interface LoadResult {
  go: Go;
  instance: WasmInstance;
}

/**
 * Loads the glue (once), the batching companion when the module is batched,
 * fetches the module, checks its SHA-384 digest against bundle.integrity
 * (rejecting with "gowasm: integrity check failed for ..." before anything
 * is instantiated) and instantiates it. Does not run it.
 */
export declare function load(options?: LoadOptions): Promise<LoadResult>;

/** load(), then runs the program; resolves with its exit code (0 when main returned). */
export declare function run(options?: RunOptions): Promise<number>;

// manifest.json: gowasm-manifest/1.

/** An npm-style package name, optionally scoped. */
export type ManifestPackageName = string;

/** A file name in the bundle (no folders). */
export type ManifestPath = string;

/** A WebAssembly value type. */
export type ManifestValtype = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref";

/** One import of the module's host ABI. */
export interface ManifestImport {
  module: string;
  name: string;
}

/** One export of the module. */
export interface ManifestExport {
  name: string;
  kind: "function" | "table" | "memory" | "global" | "tag";
  params?: ManifestValtype[];
  results?: ManifestValtype[];
  /** A //go:wasmexport function (not one of the glue's run, resume, getsp). */
  wasmexport?: boolean;
}

/** One file of the bundle, with its hashes. */
export interface ManifestFile {
  path: ManifestPath;
  role: "module" | "module-gzip" | "module-brotli" | "source-map" | "glue" | "companion" | "loader" | "loader-cjs" | "types" | "readme" | "glue-license";
  /** Size in bytes. */
  size: number;
  /** Lowercase hex SHA-256. */
  sha256: string;
  /** "sha384-" and the base64 SHA-384 digest (Subresource Integrity). */
  integrity: string;
}

/** A Go module of the build information. */
export interface ManifestGoModule {
  path: string;
  version: string;
  sum?: string | null;
  replace?: ManifestGoModule | null;
}

/** A build setting (-ldflags, GOOS, vcs.revision, ...). */
export interface ManifestBuildSetting {
  key: string;
  value: string;
}

/** The count of one gowasm-check rule's findings. */
export interface ManifestCheckRule {
  rule: string;
  severity: "error" | "warning" | "note";
  /** At least 1. */
  count: number;
}

export type ManifestFeature =
  | "sign-ext"
  | "nontrapping-float-to-int"
  | "bulk-memory"
  | "reference-types"
  | "multivalue"
  | "mutable-globals"
  | "tail-call";

export type ManifestCapability =
  | "time"
  | "timers"
  | "random"
  | "stdio"
  | "exit"
  | "js"
  | "file system"
  | "process"
  | "fetch (net/http)";

/** manifest.json of a bundle written by gowasm-pack (schema "gowasm-manifest/1"). */
export interface Manifest {
  schema: "gowasm-manifest/1";
  name: ManifestPackageName;
  version: string;
  /** Path of the module in the bundle. */
  module: ManifestPath;
  go: {
    /** e.g. "go1.19.8". */
    version: string;
    target: "js/wasm" | "wasip1/wasm";
    abi: {
      module: "go" | "gojs" | "wasi_snapshot_preview1";
      imports: ManifestImport[];
    };
  };
  exports: ManifestExport[];
  /** Functions the program registers on globalThis (js.Global().Set with a constant name and a js.FuncOf), sorted. */
  globals: string[];
  memory: {
    /** In 64 KiB pages. */
    initial: number;
    /** In 64 KiB pages; null when the memory has no maximum. */
    maximum: number | null;
  };
  features: ManifestFeature[];
  capabilities: ManifestCapability[];
  /** At least one. */
  files: ManifestFile[];
  build: {
    id: string | null;
    main: ManifestGoModule | null;
    dependencies: ManifestGoModule[];
    settings: ManifestBuildSetting[];
  };
  check: {
    status: "checked" | "absent";
    target?: "browser" | "node";
    errors?: number;
    warnings?: number;
    notes?: number;
    rules?: ManifestCheckRule[];
  };
  batch: {
    batched: boolean;
    protocol?: number;
    tool?: string;
    deferred?: string[];
    companion?: ManifestPath;
    companion_version?: string;
  };
  tool: {
    name: "gowasm-pack";
    version: string;
  };
  /** UTC, "YYYY-MM-DDTHH:MM:SSZ". */
  timestamp: string;
  source_date_epoch?: number | null;
}
