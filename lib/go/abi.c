/* SPDX-License-Identifier: MIT */
#include "abi.h"

#include <stddef.h>

static const gw_abi_import table[] = {
	{ "debug", GW_ROLE_DEBUG, "runtime debug hook", "debug", 11, 20, true },
	{ "runtime.wasmExit", GW_ROLE_RUNTIME, "os.Exit / end of main", "exit", 11, 0, true },
	{ "runtime.wasmWrite", GW_ROLE_RUNTIME, "write to stdout/stderr", "stdio", 11, 0, true },
	{ "runtime.resetMemoryDataView", GW_ROLE_RUNTIME, "memory grew", "memory", 14, 0, true },
	{ "runtime.nanotime", GW_ROLE_RUNTIME, "monotonic clock", "time", 11, 13, false },
	{ "runtime.nanotime1", GW_ROLE_RUNTIME, "monotonic clock", "time", 14, 0, false },
	/* walltime: 1.11-1.13 and again from 1.17 (walltime1 in between). */
	{ "runtime.walltime", GW_ROLE_RUNTIME, "wall clock", "time", 11, 0, false },
	{ "runtime.walltime1", GW_ROLE_RUNTIME, "wall clock", "time", 14, 16, false },
	{ "runtime.scheduleCallback", GW_ROLE_RUNTIME, "timer (scheduler)", "timers", 11, 11, false },
	{ "runtime.clearScheduledCallback", GW_ROLE_RUNTIME, "timer (scheduler)", "timers", 11, 11, true },
	{ "runtime.scheduleTimeoutEvent", GW_ROLE_RUNTIME, "timer (scheduler)", "timers", 12, 0, false },
	{ "runtime.clearTimeoutEvent", GW_ROLE_RUNTIME, "timer (scheduler)", "timers", 12, 0, true },
	{ "runtime.getRandomData", GW_ROLE_RUNTIME, "crypto/rand, map seeds", "random", 11, 0, false },
	{ "syscall/js.finalizeRef", GW_ROLE_BRIDGE, "js.Value finalizer", "js", 14, 0, true },
	{ "syscall/js.stringVal", GW_ROLE_BRIDGE, "js.ValueOf(string)", "js", 11, 0, false },
	{ "syscall/js.valueGet", GW_ROLE_BRIDGE, "js.Value.Get", "js", 11, 0, false },
	{ "syscall/js.valueSet", GW_ROLE_BRIDGE, "js.Value.Set", "js", 11, 0, true },
	{ "syscall/js.valueDelete", GW_ROLE_BRIDGE, "js.Value.Delete", "js", 14, 0, true },
	{ "syscall/js.valueIndex", GW_ROLE_BRIDGE, "js.Value.Index", "js", 11, 0, false },
	{ "syscall/js.valueSetIndex", GW_ROLE_BRIDGE, "js.Value.SetIndex", "js", 11, 0, true },
	{ "syscall/js.valueCall", GW_ROLE_BRIDGE, "js.Value.Call", "js", 11, 0, false },
	{ "syscall/js.valueInvoke", GW_ROLE_BRIDGE, "js.Value.Invoke", "js", 11, 0, false },
	{ "syscall/js.valueNew", GW_ROLE_BRIDGE, "js.Value.New", "js", 11, 0, false },
	{ "syscall/js.valueLength", GW_ROLE_BRIDGE, "js.Value.Length", "js", 11, 0, false },
	{ "syscall/js.valuePrepareString", GW_ROLE_BRIDGE, "js.Value.String", "js", 11, 0, false },
	{ "syscall/js.valueLoadString", GW_ROLE_BRIDGE, "js.Value.String", "js", 11, 0, false },
	{ "syscall/js.valueInstanceOf", GW_ROLE_BRIDGE, "js.Value.InstanceOf", "js", 11, 0, false },
	{ "syscall/js.copyBytesToGo", GW_ROLE_BRIDGE, "js.CopyBytesToGo", "js", 13, 0, false },
	{ "syscall/js.copyBytesToJS", GW_ROLE_BRIDGE, "js.CopyBytesToJS", "js", 13, 0, false },
	{ NULL, GW_ROLE_UNKNOWN, NULL, NULL, 0, 0, false },
};

const char *gw_import_role_name(gw_import_role r)
{
	switch (r) {
	case GW_ROLE_DEBUG: return "debug";
	case GW_ROLE_RUNTIME: return "runtime";
	case GW_ROLE_BRIDGE: return "bridge";
	case GW_ROLE_WASI: return "wasi";
	case GW_ROLE_USER: return "user";
	case GW_ROLE_BATCH: return "batch";
	case GW_ROLE_UNKNOWN: break;
	}
	return "unknown";
}

const gw_abi_import *gw_abi_lookup(gw_str field)
{
	for (const gw_abi_import *e = table; e->name; e++)
		if (gw_str_eq(field, e->name))
			return e;
	return NULL;
}

const char *gw_abi_module_for(int minor)
{
	return minor >= 21 ? "gojs" : "go";
}
