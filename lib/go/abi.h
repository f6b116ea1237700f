/* SPDX-License-Identifier: MIT */
/* The host imports of Go's js/wasm ABI, by name, with what each one does
 * and which Go versions import it (go-wasm-abi.md §1). */
#ifndef GW_GO_ABI_H
#define GW_GO_ABI_H

#include <stdbool.h>

#include "../wasm/module.h"

typedef enum gw_import_role {
	GW_ROLE_UNKNOWN = 0,
	GW_ROLE_DEBUG,      /* go.debug */
	GW_ROLE_RUNTIME,    /* runtime.* */
	GW_ROLE_BRIDGE,     /* syscall/js.*: a js.Value operation */
	GW_ROLE_WASI,       /* wasi_snapshot_preview1.* */
	GW_ROLE_USER,       /* go:wasmimport or another host module */
	GW_ROLE_BATCH       /* gowasm.flush, added by gowasm-batch */
} gw_import_role;

const char *gw_import_role_name(gw_import_role r);

typedef struct gw_abi_import {
	const char *name;       /* field name, e.g. "syscall/js.valueGet" */
	gw_import_role role;
	const char *go_api;     /* what calls it, e.g. "js.Value.Get" */
	const char *capability; /* host facility: "time", "timers", "random",
	                           "exit", "stdio", "js", "memory", "debug" */
	int since, until;       /* Go minor versions 1.since..1.until (until 0 = current) */
	bool reads_only;        /* writes nothing back into Go memory: deferrable */
} gw_abi_import;

/* The table entry for an import field name of the `go`/`gojs` module,
 * or NULL for a name no Go version imports. */
const gw_abi_import *gw_abi_lookup(gw_str field);

/* The import module name Go uses for js/wasm at a minor version
 * ("go" up to 1.20, "gojs" from 1.21). */
const char *gw_abi_module_for(int minor);

#endif
