/* SPDX-License-Identifier: MIT */
/* The limits of a bundle, shared by gowasm-pack and gowasm-verify: verify
 * calls a bundle that needs more invalid (never a reason to use more
 * memory or time), and pack refuses, exit 2, to write one that would need
 * more. Documented in gowasm-verify(1) and gowasm-pack(1). */
#ifndef GW_PACKAGER_LIMITS_H
#define GW_PACKAGER_LIMITS_H

#define GW_BUNDLE_MAX_ENTRIES 64              /* entries (files) in a bundle */
#define GW_BUNDLE_MAX_NAME 255                /* bytes in an entry name */
#define GW_BUNDLE_MAX_ENTRY (512ull << 20)    /* uncompressed bytes per entry */
#define GW_BUNDLE_MAX_TOTAL (1024ull << 20)   /* uncompressed bytes in all */
#define GW_BUNDLE_MAX_RATIO 200               /* uncompressed / compressed, past 1 MiB */
#define GW_BUNDLE_RATIO_FROM (1u << 20)       /* entries above this size are held to the ratio */
#define GW_BUNDLE_MAX_MANIFEST (4u << 20)     /* bytes of manifest.json */

#endif
