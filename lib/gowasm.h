/* SPDX-License-Identifier: MIT */
/* libgowasm: everything that reads. One include for tools and tests. */
#ifndef GOWASM_H
#define GOWASM_H

#include "buf.h"
#include "error.h"
#include "problem.h"
#include "utf8.h"
#include "analysis/batchplan.h"
#include "analysis/check.h"
#include "analysis/derived.h"
#include "analysis/integrity.h"
#include "analysis/jsglobals.h"
#include "analysis/load.h"
#include "analysis/rules.h"
#include "go/abi.h"
#include "go/addr.h"
#include "go/goinfo.h"
#include "go/pclntab.h"
#include "go/symbols.h"
#include "go/loops.h"
#include "report/findings.h"
#include "report/inspect.h"
#include "report/json.h"
#include "report/sourcemap.h"
#include "report/symbolize.h"
#include "wasm/code.h"
#include "wasm/leb128.h"
#include "wasm/mapfile.h"
#include "wasm/module.h"

#endif
