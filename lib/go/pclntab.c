/* SPDX-License-Identifier: MIT */
/* runtime.pclntab decoding. Layouts per Go version (little-endian, 8-byte
 * pointers; offsets in bytes):
 *
 *   pcHeader    magic u32, pad u8 u8, minLC u8 (1), ptrSize u8 (8), nfunc,
 *               nfiles, [textStart (1.18+)], funcnameOffset, cuOffset,
 *               filetabOffset, pctabOffset, pclnOffset (all 8 bytes; the
 *               offsets are from the header)
 *               1.2-1.15: magic ... ptrSize, nftab u64, then the ftab, then
 *               filetabOffset u32; one table, every offset from its start
 *   ftab        1.2-1.17: {entry u64, funcoff u64}[nfunc], end u64
 *               1.18+:    {entryoff u32, funcoff u32}[nfunc], end u32
 *   filetab     1.2-1.15: u32[nfiletab], entry 0 is nfiletab, the others
 *               name offsets; pcfile values index it (from 1)
 *   _func       1.2-1.15: entry u64, nameoff, args, deferreturn, pcsp,
 *               pcfile, pcln, npcdata (u32), funcID, pad, pad, nfuncdata
 *               (u8) = 40 bytes; then as 1.16-1.17
 *               1.16-1.17: entry u64, nameoff, args, deferreturn, pcsp,
 *               pcfile, pcln, npcdata, cuOffset (u32), funcID, flag, pad,
 *               nfuncdata (u8) = 44 bytes; pcdata u32[npcdata]; funcdata
 *               u64 addresses, 8-aligned (0 = none)
 *               1.18-1.19: entryoff u32 then as above = 40 bytes; funcdata
 *               u32 offsets from moduledata.gofunc (~0 = none)
 *               1.20+: startLine i32 after cuOffset = 44 bytes
 *   inlinedCall 1.12-1.19: parent i16, funcID u8, pad, file, line,
 *               func_ (nameoff), parentPc = 20 bytes
 *               1.20+: funcID u8, pad[3], nameOff, parentPc, startLine = 16
 *   moduledata  1.2-1.15: pclntable, ftab, filetab (slices), findfunctab,
 *               minpc, maxpc, text, etext, noptrdata ...
 *               1.16+: pcHeader, funcnametab, cutab, filetab, pctab, pclntable,
 *               ftab (slices), findfunctab, minpc, maxpc, text, etext ...
 *               gofunc at 304 (1.18-1.19) or 320 (1.20+)
 *
 * PCDATA_InlTreeIndex is 2; FUNCDATA_InlTree is 4 before Go 1.16, then 3. */
#include "pclntab.h"

#include <stdlib.h>
#include <string.h>

#include "../utf8.h"
#include "../util/array.h"
#include "goinfo.h"

#define MAGIC_GO12 0xfffffffbu
#define MAGIC_GO116 0xfffffffau
#define MAGIC_GO118 0xfffffff0u
#define MAGIC_GO120 0xfffffff1u

/* PCDATA and FUNCDATA indices of the inline tree: PCDATA 2 from Go 1.12;
 * FUNCDATA 4 in Go 1.12-1.15 (after the register and stack-object maps),
 * 3 from Go 1.16. */
enum { PCDATA_INLTREE = 2, FUNCDATA_INLTREE_GO12 = 4, FUNCDATA_INLTREE = 3 };

/* The copy of the tables is bounded: no real module has a pclntab near
 * this, and it keeps a hostile header from costing much memory. */
#define MAX_TABLE_BYTES ((uint64_t)256 << 20)

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Reads an n-byte little-endian value at `off` in the table copy. */
static bool get(const gw_pclntab *t, uint64_t off, int n, uint64_t *v)
{
	if (off > t->size || (uint64_t)n > t->size - off)
		return false;
	*v = le(t->mem + off, n);
	return true;
}

static gw_pcln_version version_of(uint32_t magic)
{
	switch (magic) {
	case MAGIC_GO12: return GW_PCLN_VER_12;
	case MAGIC_GO116: return GW_PCLN_VER_116;
	case MAGIC_GO118: return GW_PCLN_VER_118;
	case MAGIC_GO120: return GW_PCLN_VER_120;
	}
	return GW_PCLN_VER_UNKNOWN;
}

/* 8-byte function table entries and funcdata addresses: Go 1.2-1.17. */
static bool version_wide(gw_pcln_version v)
{
	return v < GW_PCLN_VER_118;
}

static bool wide(const gw_pclntab *t)
{
	return version_wide(t->version);
}

const char *gw_pclntab_format_name(const gw_pclntab *t)
{
	switch (t->version) {
	case GW_PCLN_VER_12: return "1.2-1.15";
	case GW_PCLN_VER_116: return "1.16-1.17";
	case GW_PCLN_VER_118: return "1.18-1.19";
	case GW_PCLN_VER_120: return "1.20+";
	case GW_PCLN_VER_UNKNOWN: break;
	}
	return "unknown";
}

/* The _func record, after its entry field (u64 before Go 1.18, then a u32
 * offset from moduledata.text): 4-byte fields numbered from 1, as
 * debug/gosym's funcData.field, then the byte fields at its end. */
enum func_field {
	FUNC_NAMEOFF = 1,
	FUNC_ARGS = 2,
	FUNC_DEFERRETURN = 3,
	FUNC_PCSP = 4,
	FUNC_PCFILE = 5,
	FUNC_PCLN = 6,
	FUNC_NPCDATA = 7,
	FUNC_CUOFFSET = 8,  /* Go 1.16+ */
	FUNC_STARTLINE = 9, /* Go 1.20+ */
};

/* Size of the entry field, and of the whole fixed part of the record:
 * 40 bytes (Go 1.2-1.15: no cuOffset; 1.18-1.19: a u32 entry), else 44. */
static uint32_t func_entry_size(const gw_pclntab *t)
{
	return wide(t) ? 8 : 4;
}

static uint32_t func_size(const gw_pclntab *t)
{
	return t->version == GW_PCLN_VER_12 || t->version == GW_PCLN_VER_118 ? 40 : 44;
}

/* Field n of the record at `rec` (func_size bytes inside the table). */
static uint32_t func_field(const gw_pclntab *t, const uint8_t *rec, enum func_field n)
{
	return (uint32_t)le(rec + func_entry_size(t) + 4 * ((uint32_t)n - 1), 4);
}

/* The byte fields that end the record: funcID, flag (a pad before Go
 * 1.16), a pad, nfuncdata. */
enum func_byte { FUNC_FUNCID = 4, FUNC_FLAG = 3, FUNC_NFUNCDATA = 1 };

static uint8_t func_byte(const gw_pclntab *t, const uint8_t *rec, enum func_byte b)
{
	return rec[func_size(t) - (uint32_t)b];
}

/* The pcHeader's five table offsets (Go 1.16+), in this order in the
 * header and as the five slices that follow it in moduledata. */
enum { TAB_FUNCNAME, TAB_CU, TAB_FILE, TAB_PC, TAB_PCLN, NUM_TABS };

typedef struct header {
	uint32_t magic;
	gw_pcln_version version;
	uint64_t addr;
	uint64_t nfunc, nfiles, text_start;
	uint64_t off[NUM_TABS]; /* Go 1.16+, from the header */
	uint64_t ftab;    /* offset of the function table from the header */
	uint64_t fileoff; /* Go 1.2-1.15: offset of the file table */
} header;

/* Reads and checks a Go 1.2-1.15 header: nftab, then the function table
 * ({entry, funcoff} u64 pairs and an end PC), then the u32 offset of the
 * file table, whose first u32 is its own length. */
static bool read_header_go12(const gw_module *m, uint64_t addr, header *h)
{
	uint8_t b[8];
	uint64_t memsize = gw_module_memory_size(m);
	if (!gw_module_read_memory(m, addr + 8, b, 8))
		return false;
	h->nfunc = le(b, 8);
	if (h->nfunc == 0 || h->nfunc > 0xffffff)
		return false;
	h->ftab = 16;
	uint64_t fileoff_at = h->ftab + 16 * h->nfunc + 8;
	if (!gw_module_read_memory(m, addr + fileoff_at, b, 4))
		return false;
	h->fileoff = le(b, 4);
	if (h->fileoff < fileoff_at + 4 || h->fileoff > memsize - addr ||
	    !gw_module_read_memory(m, addr + h->fileoff, b, 4))
		return false;
	uint64_t nfiletab = le(b, 4);
	if (nfiletab == 0 || nfiletab > 0xffffff)
		return false;
	h->nfiles = nfiletab - 1; /* entry 0 is the count */
	return true;
}

/* Reads and checks a candidate header at `addr` (8 aligned bytes there
 * already look like a header). */
static bool read_header(const gw_module *m, uint64_t addr, header *h)
{
	uint8_t b[72];
	uint32_t magic;
	memset(h, 0, sizeof *h);
	if (!gw_module_read_memory(m, addr, b, 8))
		return false;
	magic = (uint32_t)le(b, 4);
	h->magic = magic;
	h->version = version_of(magic);
	h->addr = addr;
	if (h->version == GW_PCLN_VER_UNKNOWN)
		return false;
	if (h->version == GW_PCLN_VER_12)
		return read_header_go12(m, addr, h);
	/* 8-byte words after the magic word: nfunc, nfiles, textStart (Go
	 * 1.18+), then the table offsets. */
	uint32_t first_off = h->version >= GW_PCLN_VER_118 ? 4 : 3;
	size_t hsize = 8 * (first_off + NUM_TABS);
	if (!gw_module_read_memory(m, addr, b, hsize))
		return false;
	h->nfunc = le(b + 8 * 1, 8);
	h->nfiles = le(b + 8 * 2, 8);
	h->text_start = h->version >= GW_PCLN_VER_118 ? le(b + 8 * 3, 8) : 0;
	uint64_t prev = hsize;
	uint64_t memsize = gw_module_memory_size(m);
	for (int i = 0; i < NUM_TABS; i++) {
		h->off[i] = le(b + 8 * (first_off + (uint32_t)i), 8);
		if (h->off[i] < prev || h->off[i] > memsize - addr)
			return false;
		prev = h->off[i];
	}
	h->ftab = h->off[TAB_PCLN];
	return h->nfunc > 0 && h->nfunc <= 0xffffff && h->nfiles <= 0xffffff;
}

/* Entry PC of function i of a candidate's table, read from memory. */
static bool header_entry(const gw_module *m, const header *h, uint64_t i, uint64_t *pc)
{
	bool w = version_wide(h->version);
	uint8_t b[8];
	if (!gw_module_read_memory(m, h->addr + h->ftab + i * (w ? 16 : 8), b, w ? 8 : 4))
		return false;
	uint64_t raw = le(b, w ? 8 : 4);
	/* Go 1.25+ stores function indices (0x1000 + i) rather than PCs. */
	*pc = w ? raw : h->text_start + (raw < 0x10000 ? raw << 16 : raw);
	return true;
}

/* How well a candidate agrees with the code: the number of defined
 * functions (gowasm-batch appends its own after Go's), and the entry PCs
 * of the first and last function, (0x1000 + index) << 16 on wasm. */
static int header_score(const gw_module *m, const header *h)
{
	int score = 0;
	uint64_t pc;
	if (h->nfunc == m->num_funcs || (h->nfunc < m->num_funcs && gw_module_batched(m)))
		score += 2;
	if (header_entry(m, h, 0, &pc) && pc == 0x1000ull << 16)
		score++;
	if (header_entry(m, h, h->nfunc - 1, &pc) && pc == (0x1000ull + h->nfunc - 1) << 16)
		score++;
	return score;
}

/* runtime.moduledata, the fields read (8-byte words):
 *   1.2-1.15  pclntable, ftab, filetab (slices), findfunctab, minpc,
 *             maxpc, text, etext, noptrdata, enoptrdata, data, edata ...
 *   1.16+     pcHeader, funcnametab, cutab, filetab, pctab, pclntable,
 *             ftab (slices), findfunctab, minpc ... as above; gofunc at
 *             word 38 (1.18-1.19) or 40 (1.20+) */
#define MD_WORDS 48

typedef struct slice {
	uint64_t ptr, len, cap;
} slice;

typedef struct moduledata {
	uint64_t pcheader;   /* Go 1.16+; before, pclntable.ptr points at the header */
	slice tab[NUM_TABS]; /* Go 1.16+: funcnametab, cutab, filetab, pctab, pclntable */
	slice pclntable, ftab, filetab;
	uint64_t minpc, maxpc, text, etext, noptrdata, enoptrdata, data, edata;
	uint64_t gofunc;     /* Go 1.18+ */
} moduledata;

static slice slice_at(const uint8_t *b, uint32_t word)
{
	return (slice){ le(b + 8 * word, 8), le(b + 8 * word + 8, 8), le(b + 8 * word + 16, 8) };
}

/* Decodes the moduledata words at `addr` in the layout of version v. */
static bool read_moduledata(const gw_module *m, gw_pcln_version v, uint64_t addr, moduledata *md)
{
	uint8_t b[MD_WORDS * 8];
	if (!gw_module_read_memory(m, addr, b, sizeof b))
		return false;
	memset(md, 0, sizeof *md);
	uint32_t w; /* word of findfunctab, after the slices */
	if (v == GW_PCLN_VER_12) {
		md->pclntable = slice_at(b, 0);
		md->ftab = slice_at(b, 3);
		md->filetab = slice_at(b, 6);
		md->pcheader = md->pclntable.ptr;
		w = 9;
	} else {
		md->pcheader = le(b, 8);
		for (uint32_t i = 0; i < NUM_TABS; i++)
			md->tab[i] = slice_at(b, 1 + 3 * i);
		md->filetab = md->tab[TAB_FILE];
		md->pclntable = md->tab[TAB_PCLN];
		md->ftab = slice_at(b, 1 + 3 * NUM_TABS);
		w = 1 + 3 * (NUM_TABS + 1);
	}
	uint64_t *after[] = { &md->minpc, &md->maxpc, &md->text, &md->etext,
	                      &md->noptrdata, &md->enoptrdata, &md->data, &md->edata };
	for (uint32_t i = 0; i < sizeof after / sizeof *after; i++)
		*after[i] = le(b + 8 * (w + 1 + i), 8);
	if (v == GW_PCLN_VER_118)
		md->gofunc = le(b + 8 * 38, 8);
	else if (v >= GW_PCLN_VER_120)
		md->gofunc = le(b + 8 * 40, 8);
	return true;
}

/* moduledata starts with a pointer to the header and the table slices,
 * each {ptr, len, cap}: checking them against the header is what makes a
 * magic match trustworthy. */
static bool check_moduledata(const gw_module *m, const header *h, uint64_t addr, moduledata *md)
{
	if (!read_moduledata(m, h->version, addr, md) || md->pcheader != h->addr)
		return false;
	if (h->version == GW_PCLN_VER_12) {
		/* pclntable holds the whole table, ftab starts after nftab with
		 * nfunc + 1 entries, filetab has the file table's own count. */
		uint64_t nfiletab = h->nfiles + 1;
		return md->pclntable.len <= md->pclntable.cap && md->pclntable.len >= h->fileoff + 4 * nfiletab &&
		       md->ftab.ptr == h->addr + h->ftab && md->ftab.len == h->nfunc + 1 && md->ftab.len <= md->ftab.cap &&
		       md->filetab.ptr == h->addr + h->fileoff && md->filetab.len == nfiletab &&
		       md->filetab.len <= md->filetab.cap;
	}
	/* Each table's slice points at header + offset; len <= cap. */
	for (int i = 0; i < NUM_TABS; i++)
		if (md->tab[i].ptr != h->addr + h->off[i] || md->tab[i].len > md->tab[i].cap)
			return false;
	/* ftab starts at the pclntable, nfunc + 1 entries. */
	return md->ftab.ptr == h->addr + h->off[TAB_PCLN] && md->ftab.len == h->nfunc + 1;
}

/* Candidate tables kept while searching; beyond this many, the ones that
 * agree least with the code are dropped. */
#define MAX_CANDIDATES 64

typedef struct candidate {
	header h;
	int score;
	uint64_t md_addr; /* the first consistent moduledata, 0 = none yet */
} candidate;

static int cmp_candidate_addr(const void *x, const void *y)
{
	const candidate *a = x, *b = y;
	return (a->h.addr > b->h.addr) - (a->h.addr < b->h.addr);
}

static candidate *find_candidate(candidate *c, uint32_t n, uint64_t w)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (c[mid].h.addr < w)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && c[lo].h.addr == w ? &c[lo] : NULL;
}

/* Does the aligned word at `b` (which straddles the edge of data segment
 * d) equal the address of a candidate? The bytes d holds are compared
 * first: only a word that could match is read in full. */
static candidate *edge_word_match(const gw_module *m, const gw_data *d, uint64_t b, candidate *c, uint32_t n)
{
	uint64_t end = d->offset_value + d->size;
	uint64_t lo = b > d->offset_value ? b : d->offset_value;
	uint64_t hi = b + 8 < end ? b + 8 : end;
	for (uint32_t i = 0; i < n; i++) {
		bool could = true;
		for (uint64_t k = lo; k < hi && could; k++)
			could = d->bytes[k - d->offset_value] == (uint8_t)(c[i].h.addr >> (8 * (k - b)));
		uint8_t q[8];
		if (could)
			return gw_module_read_memory(m, b, q, 8) ? find_candidate(c, n, le(q, 8)) : NULL;
	}
	return NULL;
}

/* Finds runtime.firstmoduledata for every candidate: an aligned word equal
 * to the header address, followed by consistent slices. The word's high
 * bytes are zero, so it may straddle a gap where Go split a run of zeros
 * out of the segments: words at a segment's edge are read through the
 * memory view. */
static void find_moduledata(const gw_module *m, candidate *c, uint32_t n)
{
	uint64_t lo = c[0].h.addr, hi = c[n - 1].h.addr;
	moduledata md;
	uint32_t left = n; /* candidates without a moduledata yet */
	for (uint32_t s = 0; s < m->num_data_by_addr && left; s++) {
		const gw_data *d = &m->datas[m->data_by_addr[s]];
		uint64_t end = d->offset_value + d->size;
		for (uint64_t b = d->offset_value & ~(uint64_t)7; b < end; b += 8) {
			candidate *hit;
			if (b >= d->offset_value && b + 8 <= end) {
				const uint8_t *p = d->bytes + (b - d->offset_value);
				if (p[7] | p[6] | p[5] | p[4]) /* addresses are below 4 GiB */
					continue;
				uint64_t w = le(p, 4);
				if (w < lo || w > hi || !(hit = find_candidate(c, n, w)))
					continue;
			} else if (!(hit = edge_word_match(m, d, b, c, n))) {
				continue;
			}
			if (!hit->md_addr && check_moduledata(m, &hit->h, b, &md)) {
				hit->md_addr = b;
				left--;
			}
		}
	}
}

static gw_status locate(const gw_module *m, header *h, moduledata *md, uint64_t *md_addr, gw_error *err)
{
	candidate *c = malloc(MAX_CANDIDATES * sizeof *c);
	if (!c)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	uint32_t n = 0;
	/* Candidate headers: 8-aligned magic followed by 00 00 01 08, whose
	 * fields read. A hostile module may plant decoys (in a string
	 * constant, say): keep those that agree best with the code. */
	for (uint32_t s = 0; s < m->num_data_by_addr; s++) {
		const gw_data *d = &m->datas[m->data_by_addr[s]];
		uint64_t a = (d->offset_value + 7) & ~(uint64_t)7;
		for (; a + 8 <= d->offset_value + d->size; a += 8) {
			const uint8_t *p = d->bytes + (a - d->offset_value);
			if (p[7] != 8 || p[6] != 1 || p[5] != 0 || p[4] != 0)
				continue;
			if (version_of((uint32_t)le(p, 4)) == GW_PCLN_VER_UNKNOWN)
				continue;
			candidate k = { .md_addr = 0 };
			if (!read_header(m, a, &k.h))
				continue;
			k.score = header_score(m, &k.h);
			if (n < MAX_CANDIDATES) {
				c[n++] = k;
				continue;
			}
			uint32_t worst = 0;
			for (uint32_t i = 1; i < n; i++)
				if (c[i].score < c[worst].score)
					worst = i;
			if (k.score > c[worst].score) {
				memmove(&c[worst], &c[worst + 1], (n - worst - 1) * sizeof *c);
				c[n - 1] = k;
			}
		}
	}
	if (!n) {
		free(c);
		return GW_OK; /* none */
	}
	qsort(c, n, sizeof *c, cmp_candidate_addr);
	find_moduledata(m, c, n);
	/* The consistent table that agrees best with the code; the first in
	 * memory of equals. */
	const candidate *best = NULL;
	for (uint32_t i = 0; i < n; i++)
		if (c[i].md_addr && (!best || c[i].score > best->score))
			best = &c[i];
	gw_status st = GW_OK;
	if (!best) {
		if (n == 1)
			st = gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET,
			             "pclntab header found but no runtime.firstmoduledata points at it");
		else
			st = gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET,
			             "%u pclntab headers found but no runtime.firstmoduledata points at any", n);
	} else {
		*h = best->h;
		*md_addr = best->md_addr;
		check_moduledata(m, h, *md_addr, md);
	}
	free(c);
	return st;
}

gw_status gw_pclntab_read(const gw_module *m, gw_pclntab **out, gw_error *err)
{
	*out = NULL;
	header h;
	moduledata md;
	uint64_t md_addr = 0;
	memset(&h, 0, sizeof h);
	GW_TRY(locate(m, &h, &md, &md_addr, err));
	if (!md_addr)
		return GW_OK;

	gw_pclntab *t = calloc(1, sizeof *t);
	if (!t)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	t->m = m;
	t->magic = h.magic;
	t->version = h.version;
	t->header_addr = h.addr;
	t->moduledata_addr = md_addr;
	t->nfunc = (uint32_t)h.nfunc;
	t->nfiles = h.nfiles;
	t->minpc = md.minpc;
	t->maxpc = md.maxpc;
	t->text = md.text;
	t->etext = md.etext;
	t->noptrdata = md.noptrdata;
	t->enoptrdata = md.enoptrdata;
	t->data = md.data;
	t->edata = md.edata;
	t->gofunc = md.gofunc;

	/* The function table (pclntable) has its length in moduledata. */
	uint64_t plen = md.pclntable.len;
	if (t->version == GW_PCLN_VER_12) {
		/* One table: names, pc-value tables and records are at offsets
		 * from its start; the file table holds u32 offsets of names. */
		t->funcnametab = t->pctab = t->functab = 0;
		t->funcnametab_end = t->pctab_end = plen;
		t->filetab = h.fileoff;
		t->filetab_end = h.fileoff + 4 * (h.nfiles + 1);
		t->ftab = h.ftab;
	} else {
		/* Extents: each table ends where the next begins. */
		t->funcnametab = h.off[TAB_FUNCNAME];
		t->funcnametab_end = h.off[TAB_CU];
		t->cutab = h.off[TAB_CU];
		t->cutab_end = h.off[TAB_FILE];
		t->filetab = h.off[TAB_FILE];
		t->filetab_end = h.off[TAB_PC];
		t->pctab = h.off[TAB_PC];
		t->pctab_end = h.off[TAB_PCLN];
		t->functab = t->ftab = h.off[TAB_PCLN];
	}
	gw_status st = GW_OK;
	if (plen > MAX_TABLE_BYTES || t->functab + plen > MAX_TABLE_BYTES) {
		st = gw_fail(err, GW_ERR_LIMIT, GW_NO_OFFSET, "pclntab of %llu bytes is over the %llu-byte limit",
		             (unsigned long long)(t->functab + plen), (unsigned long long)MAX_TABLE_BYTES);
		goto fail;
	}
	t->functab_end = t->functab + plen;
	t->size = t->functab_end;
	/* The table is copied out of the data segments: never allocate from
	 * the sizes moduledata claims beyond what the module's data holds
	 * (a 1 KiB module claiming 256 MiB made every tool allocate it). */
	const gw_section *ds = gw_module_section(m, GW_SEC_DATA);
	if (t->size > (ds ? ds->size : 0)) {
		st = gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET,
		             "pclntab of %llu bytes (from runtime.firstmoduledata) is larger than the module's %llu bytes of data",
		             (unsigned long long)t->size, (unsigned long long)(ds ? ds->size : 0));
		goto fail;
	}
	t->mem = malloc(t->size ? t->size : 1);
	if (!t->mem) {
		st = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory for the pclntab");
		goto fail;
	}
	if (!gw_module_read_memory(m, h.addr, t->mem, t->size)) {
		st = gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "pclntab at 0x%llx runs past the initial memory",
		             (unsigned long long)h.addr);
		goto fail;
	}
	/* The ftab itself must fit. */
	uint64_t esize = wide(t) ? 16 : 8;
	if (t->ftab + (uint64_t)t->nfunc * esize + (wide(t) ? 8 : 4) > t->functab_end) {
		st = gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "pclntab function table of %u entries does not fit in %llu bytes",
		             t->nfunc, (unsigned long long)plen);
		goto fail;
	}
	/* Go 1.25+ stores function indices (0x1000 + i) instead of PCs on
	 * wasm: tell them apart by value, not by version. */
	uint64_t first = 0;
	get(t, t->ftab, wide(t) ? 8 : 4, &first);
	t->entry_is_index = !wide(t) && first < 0x10000;
	*out = t;
	return GW_OK;
fail:
	gw_pclntab_free(t);
	return st;
}

void gw_pclntab_free(gw_pclntab *t)
{
	if (!t)
		return;
	free(t->mem);
	free(t);
}

static uint64_t entry_pc(const gw_pclntab *t, uint64_t raw)
{
	if (wide(t))
		return raw;
	return t->text + (t->entry_is_index ? raw << 16 : raw);
}

/* Entry PC of ftab slot i (i == nfunc is the end marker). */
static bool ftab_entry(const gw_pclntab *t, uint32_t i, uint64_t *pc)
{
	uint64_t raw;
	if (!get(t, t->ftab + (uint64_t)i * (wide(t) ? 16 : 8), wide(t) ? 8 : 4, &raw))
		return false;
	*pc = entry_pc(t, raw);
	return true;
}

gw_status gw_pclntab_func(const gw_pclntab *t, uint32_t i, gw_pcln_func *f, gw_error *err)
{
	memset(f, 0, sizeof *f);
	if (i >= t->nfunc)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "pclntab function %u out of range (%u)", i, t->nfunc);
	bool old = wide(t);
	uint64_t slot = t->ftab + (uint64_t)i * (old ? 16 : 8), raw, funcoff;
	if (!get(t, slot, old ? 8 : 4, &raw) || !get(t, slot + (old ? 8 : 4), old ? 8 : 4, &funcoff))
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "pclntab function table entry %u out of range", i);
	f->index = i;
	f->entry = entry_pc(t, raw);
	if (funcoff > t->functab_end - t->functab || t->functab_end - t->functab - funcoff < func_size(t))
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "pclntab function %u: record offset 0x%llx out of range",
		               i, (unsigned long long)funcoff);
	f->funcoff = t->functab + funcoff;
	const uint8_t *p = t->mem + f->funcoff;
	f->nameoff = func_field(t, p, FUNC_NAMEOFF);
	f->args = (int32_t)func_field(t, p, FUNC_ARGS);
	f->pcfile = func_field(t, p, FUNC_PCFILE);
	f->pcln = func_field(t, p, FUNC_PCLN);
	f->npcdata = func_field(t, p, FUNC_NPCDATA);
	if (t->version == GW_PCLN_VER_12)
		f->cu_offset = f->pcfile ? 0 : UINT32_MAX; /* one global file table */
	else
		f->cu_offset = func_field(t, p, FUNC_CUOFFSET);
	if (t->version >= GW_PCLN_VER_120)
		f->start_line = (int32_t)func_field(t, p, FUNC_STARTLINE);
	f->func_id = func_byte(t, p, FUNC_FUNCID);
	f->flag = func_byte(t, p, FUNC_FLAG);
	f->nfuncdata = func_byte(t, p, FUNC_NFUNCDATA);
	uint64_t entry_field = le(p, func_entry_size(t));
	if (entry_pc(t, entry_field) != f->entry)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET,
		               "pclntab function %u: record entry 0x%llx differs from the table's 0x%llx", i,
		               (unsigned long long)entry_pc(t, entry_field), (unsigned long long)f->entry);
	uint64_t tail = (uint64_t)f->npcdata * 4 + (uint64_t)f->nfuncdata * (old ? 8 : 4) + (old ? 4 : 0);
	if (f->npcdata > 1024 || tail > t->functab_end - f->funcoff - func_size(t))
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "pclntab function %u: %u pcdata and %u funcdata run past the table",
		               i, f->npcdata, f->nfuncdata);
	return GW_OK;
}

/* The function whose code contains `pc`, or UINT32_MAX. */
static uint32_t find_func(const gw_pclntab *t, uint64_t pc)
{
	/* On wasm the high half of a PC names the function: try that first. */
	uint64_t guess = (pc >> 16) - 0x1000;
	uint64_t e, next;
	if ((pc >> 16) >= 0x1000 && guess < t->nfunc && ftab_entry(t, (uint32_t)guess, &e) && e <= pc &&
	    ftab_entry(t, (uint32_t)guess + 1, &next) && (pc < next || guess + 1 == t->nfunc))
		return (uint32_t)guess;
	uint32_t lo = 0, hi = t->nfunc;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (!ftab_entry(t, mid, &e))
			return UINT32_MAX;
		if (e <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return UINT32_MAX;
	if (lo == t->nfunc && pc >= t->maxpc && !t->entry_is_index)
		return UINT32_MAX;
	return lo - 1;
}

gw_str gw_pclntab_name(const gw_pclntab *t, uint32_t nameoff)
{
	gw_str s = { NULL, 0 };
	uint64_t at = t->funcnametab + nameoff;
	if (nameoff >= t->funcnametab_end - t->funcnametab)
		return s;
	const uint8_t *p = t->mem + at;
	const uint8_t *nul = memchr(p, 0, (size_t)(t->funcnametab_end - at));
	if (!nul)
		return s;
	s.p = p;
	s.len = (uint32_t)(nul - p);
	return s;
}

static gw_str c_string(const gw_pclntab *t, uint64_t start, uint64_t end, uint64_t off)
{
	gw_str s = { NULL, 0 };
	if (off >= end - start)
		return s;
	const uint8_t *p = t->mem + start + off;
	const uint8_t *nul = memchr(p, 0, (size_t)(end - start - off));
	if (nul) {
		s.p = p;
		s.len = (uint32_t)(nul - p);
	}
	return s;
}

/* The pctab offset of f's pcdata table i (0 = none). */
static uint32_t func_pcdata(const gw_pclntab *t, const gw_pcln_func *f, uint32_t i)
{
	if (i >= f->npcdata)
		return 0;
	return (uint32_t)le(t->mem + f->funcoff + func_size(t) + 4 * (uint64_t)i, 4);
}

void gw_pcvalue_init(gw_pcvalue *v, const gw_pclntab *t, const gw_pcln_func *f, uint32_t table)
{
	memset(v, 0, sizeof *v);
	v->t = t;
	v->entry = f->entry;
	v->start = table ? t->pctab + table : 0;
	v->p = v->start;
	v->pc = v->prev_pc = f->entry;
	v->val = -1;
	v->first = true;
}

static bool uvarint(const gw_pclntab *t, uint64_t *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int shift = 0; shift < 35; shift += 7) {
		if (*p >= t->pctab_end)
			return false;
		uint8_t b = t->mem[(*p)++];
		v |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

gw_status gw_pcvalue_at(gw_pcvalue *v, uint64_t pc, int32_t *out, gw_error *err)
{
	*out = -1;
	if (!v->start)
		return GW_OK;
	if (v->start >= v->t->pctab_end)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "pc-value table offset 0x%llx out of range",
		               (unsigned long long)(v->start - v->t->pctab));
	if (pc < v->prev_pc) { /* restart */
		v->p = v->start;
		v->pc = v->prev_pc = v->entry;
		v->val = -1;
		v->first = true;
		v->ended = false;
	}
	while (!v->ended && pc >= v->pc) {
		uint32_t dv, dpc;
		if (!uvarint(v->t, &v->p, &dv))
			return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "bad varint in pc-value table at 0x%llx",
			               (unsigned long long)(v->start - v->t->pctab));
		if (dv == 0 && !v->first) {
			v->ended = true;
			break;
		}
		v->first = false;
		if (!uvarint(v->t, &v->p, &dpc))
			return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "bad varint in pc-value table at 0x%llx",
			               (unsigned long long)(v->start - v->t->pctab));
		int32_t delta = (dv & 1) ? ~(int32_t)(dv >> 1) : (int32_t)(dv >> 1);
		v->val = (int32_t)((uint32_t)v->val + (uint32_t)delta);
		v->prev_pc = v->pc;
		v->pc += dpc;
	}
	if (v->ended)
		return GW_OK; /* past the table: no value */
	*out = v->val;
	return GW_OK;
}

static gw_status value_at(const gw_pclntab *t, const gw_pcln_func *f, uint32_t table, uint64_t pc, int32_t *out,
                          gw_error *err)
{
	gw_pcvalue v;
	gw_pcvalue_init(&v, t, f, table);
	return gw_pcvalue_at(&v, pc, out, err);
}

gw_str gw_pclntab_file_name(const gw_pclntab *t, const gw_pcln_func *f, int32_t fileno)
{
	gw_str none = { NULL, 0 };
	if (fileno < 0 || f->cu_offset == UINT32_MAX)
		return none;
	if (t->version == GW_PCLN_VER_12) {
		/* Entry 0 of the file table is its length: files count from 1. */
		uint64_t at = t->filetab + 4 * (uint64_t)(uint32_t)fileno, off;
		if (fileno == 0 || at + 4 > t->filetab_end || !get(t, at, 4, &off))
			return none;
		return c_string(t, 0, t->size, off);
	}
	uint64_t at = t->cutab + 4 * ((uint64_t)f->cu_offset + (uint32_t)fileno);
	uint64_t off;
	if (at + 4 > t->cutab_end || !get(t, at, 4, &off) || off == UINT32_MAX)
		return none;
	return c_string(t, t->filetab, t->filetab_end, off);
}

gw_status gw_pclntab_file_line(const gw_pclntab *t, const gw_pcln_func *f, uint64_t pc,
                               gw_str *file, int32_t *line, gw_error *err)
{
	int32_t fileno;
	GW_TRY(value_at(t, f, f->pcfile, pc, &fileno, err));
	GW_TRY(value_at(t, f, f->pcln, pc, line, err));
	*file = gw_pclntab_file_name(t, f, fileno);
	return GW_OK;
}

/* inlinedCall entries: 20 bytes before Go 1.20 (parent i16, funcID u8,
 * pad, file, line, nameoff, parentPc), then 16 (funcID u8, pad[3],
 * nameoff, parentPc, startLine). */
static uint32_t inline_entry_size(const gw_pclntab *t)
{
	return t->version >= GW_PCLN_VER_120 ? 16 : 20;
}

/* Where the inline tree of f lives in linear memory, or 0. */
static uint64_t inline_tree(const gw_pclntab *t, const gw_pcln_func *f)
{
	uint32_t k = t->version == GW_PCLN_VER_12 ? FUNCDATA_INLTREE_GO12 : FUNCDATA_INLTREE;
	if (f->nfuncdata <= k || f->npcdata <= PCDATA_INLTREE)
		return 0;
	uint64_t at = f->funcoff + func_size(t) + 4 * (uint64_t)f->npcdata;
	uint64_t v;
	if (wide(t)) {
		/* 8-aligned absolute addresses. */
		uint64_t abs = t->header_addr + at;
		abs = (abs + 7) & ~(uint64_t)7;
		if (!get(t, abs - t->header_addr + 8 * k, 8, &v))
			return 0;
		return v;
	}
	if (!get(t, at + 4 * k, 4, &v) || v == UINT32_MAX)
		return 0;
	return t->gofunc + v;
}

int gw_pclntab_frames(const gw_pclntab *t, uint64_t pc, gw_frame *frames, int max, gw_error *err)
{
	uint32_t fi = find_func(t, pc);
	if (fi == UINT32_MAX) {
		gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "no function contains pc 0x%llx", (unsigned long long)pc);
		return -1;
	}
	gw_pcln_func f;
	if (gw_pclntab_func(t, fi, &f, err))
		return -1;
	/* Entries are read through an inline view (no runs: the index at
	 * each pc comes from one pc-value walk). */
	gw_inline_view view = { .entry = f.entry, .tree = inline_tree(t, &f),
	                        .entry_size = inline_entry_size(t) };
	uint32_t inl = view.tree ? func_pcdata(t, &f, PCDATA_INLTREE) : 0;
	gw_str self = gw_pclntab_name(t, f.nameoff);
	int self_len = self.len > 80 ? 80 : (int)self.len;
	int n = 0;
	for (;;) {
		if (n >= max || n >= GW_PCLN_MAX_FRAMES) {
			gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET,
			        "inline tree of %.*s at pc 0x%llx is deeper than %d frames (a cycle?)", self_len,
			        (const char *)self.p, (unsigned long long)pc, max < GW_PCLN_MAX_FRAMES ? max : GW_PCLN_MAX_FRAMES);
			return -1;
		}
		gw_frame *fr = &frames[n++];
		int32_t ix = -1;
		if (inl && value_at(t, &f, inl, pc, &ix, err))
			return -1;
		if (gw_pclntab_file_line(t, &f, pc, &fr->file, &fr->line, err))
			return -1;
		fr->pc = pc;
		if (ix < 0) {
			fr->func = self;
			fr->inlined = false;
			return n;
		}
		uint32_t nameoff;
		int32_t parent_pc;
		if (!gw_inline_view_entry(t, &view, ix, &nameoff, &parent_pc)) {
			gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "inline tree entry %d of %.*s is outside memory", ix, self_len,
			        (const char *)self.p);
			return -1;
		}
		fr->func = gw_pclntab_name(t, nameoff);
		fr->inlined = true;
		uint64_t next = f.entry + (uint64_t)(int64_t)parent_pc;
		if (parent_pc < 0 || find_func(t, next) != fi) {
			gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "inline tree entry %d: parent pc 0x%llx outside its function",
			        ix, (unsigned long long)next);
			return -1;
		}
		pc = next;
	}
}

int32_t gw_inline_view_at(const gw_inline_view *v, uint64_t pc)
{
	uint32_t lo = 0, hi = v->num_runs;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (v->runs[mid].start <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && pc < v->runs[lo - 1].end)
		return v->runs[lo - 1].ix;
	return -1;
}

/* Walks a whole pc-value table, recording its runs when `v` is given. */
static gw_status walk_table(const gw_pclntab *t, const gw_pcln_func *f, uint32_t table, gw_inline_view *v,
                            gw_error *err)
{
	if (!table)
		return GW_OK;
	if ((uint64_t)t->pctab + table >= t->pctab_end)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "pc-value table offset 0x%x out of range", table);
	uint64_t p = t->pctab + table, pc = f->entry;
	int32_t val = -1;
	uint32_t cap = 0;
	for (bool first = true;; first = false) {
		uint32_t dv, dpc;
		if (!uvarint(t, &p, &dv))
			return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "bad varint in pc-value table 0x%x", table);
		if (dv == 0 && !first)
			return GW_OK;
		if (!uvarint(t, &p, &dpc))
			return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "bad varint in pc-value table 0x%x", table);
		val = (int32_t)((uint32_t)val + (uint32_t)((dv & 1) ? ~(int32_t)(dv >> 1) : (int32_t)(dv >> 1)));
		if (v && dpc) {
			if (GW_ARRAY_RESERVE(v->runs, cap, v->num_runs + 1, 64))
				return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
			v->runs[v->num_runs++] = (gw_inline_run){ pc, pc + dpc, val };
		}
		pc += dpc;
		/* A function's PCs stay inside its 16-bit resume-point space. */
		if (pc - f->entry > 0x10000)
			return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "pc-value table 0x%x runs past its function", table);
	}
}

gw_status gw_inline_view_init(gw_inline_view *v, const gw_pclntab *t, const gw_pcln_func *f, gw_error *err)
{
	memset(v, 0, sizeof *v);
	v->entry = f->entry;
	v->entry_size = inline_entry_size(t);
	uint64_t tree = inline_tree(t, f);
	uint32_t table = tree ? func_pcdata(t, f, PCDATA_INLTREE) : 0;
	if (!table)
		return GW_OK;
	v->tree = tree;
	gw_status s = walk_table(t, f, table, v, err);
	if (s)
		gw_inline_view_free(v);
	return s;
}

void gw_inline_view_free(gw_inline_view *v)
{
	free(v->runs);
	v->runs = NULL;
	v->num_runs = 0;
}

bool gw_inline_view_entry(const gw_pclntab *t, gw_inline_view *v, int32_t ix, uint32_t *nameoff,
                          int32_t *parent_pc)
{
	uint8_t e[20];
	uint64_t at = v->tree + (uint64_t)(uint32_t)ix * v->entry_size;
	/* A function's tree is contiguous: remember the data segment that
	 * held the last entry and read from it while it covers. */
	if (ix >= 0 && at >= v->seg_addr && at - v->seg_addr + v->entry_size <= v->seg_size) {
		memcpy(e, v->seg_bytes + (at - v->seg_addr), v->entry_size);
	} else {
		if (ix < 0 || !gw_module_read_memory(t->m, at, e, v->entry_size))
			return false;
		const gw_data *d = gw_module_data_at(t->m, at);
		if (d) {
			v->seg_addr = d->offset_value;
			v->seg_size = d->size;
			v->seg_bytes = d->bytes;
		}
	}
	/* nameoff then parentPc, the last two u32 before the Go 1.20+
	 * startLine or the end of the older entry. */
	uint32_t nameoff_at = v->entry_size == 16 ? 4 : 12;
	*nameoff = (uint32_t)le(e + nameoff_at, 4);
	*parent_pc = (int32_t)le(e + nameoff_at + 4, 4);
	return true;
}

gw_status gw_pclntab_check_func(const gw_pclntab *t, uint32_t i, gw_pcln_func *fp, gw_error *err)
{
	GW_TRY(gw_pclntab_func(t, i, fp, err));
	const gw_pcln_func f = *fp;
	GW_TRY(walk_table(t, &f, f.pcfile, NULL, err));
	GW_TRY(walk_table(t, &f, f.pcln, NULL, err));
	gw_inline_view v;
	GW_TRY(gw_inline_view_init(&v, t, &f, err));
	gw_status st = GW_OK;
	/* Each run's chain of parents must end within GW_PCLN_MAX_FRAMES. */
	for (uint32_t k = 0; st == GW_OK && k < v.num_runs; k++) {
		int32_t ix = v.runs[k].ix;
		for (int depth = 0; ix >= 0; depth++) {
			if (depth >= GW_PCLN_MAX_FRAMES) {
				st = gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET,
				             "function %u: inline tree has a chain deeper than %d (a cycle)", i, GW_PCLN_MAX_FRAMES);
				break;
			}
			uint32_t nameoff;
			int32_t parent_pc;
			if (!gw_inline_view_entry(t, &v, ix, &nameoff, &parent_pc)) {
				st = gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "function %u: inline tree entry %d outside memory", i, ix);
				break;
			}
			if (!gw_pclntab_name(t, nameoff).len) {
				st = gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "function %u: inline tree entry %d has no name", i, ix);
				break;
			}
			if (parent_pc < 0 || parent_pc >= 0x10000) {
				st = gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET,
				             "function %u: inline tree entry %d: parent pc %d outside the function", i, ix, parent_pc);
				break;
			}
			ix = gw_inline_view_at(&v, f.entry + (uint64_t)parent_pc);
		}
	}
	gw_inline_view_free(&v);
	return st;
}

/* Go's linker writes name-section names with every rune matching [^\w.]
 * replaced by '_' (regexp \w is ASCII [0-9A-Za-z_]). Compares one rune of
 * `go` at *i with one byte of `sec` at *j. */
static bool rune_matches(gw_str go, uint32_t *i, gw_str sec, uint32_t *j)
{
	if (*j >= sec.len)
		return false;
	uint8_t c = go.p[*i];
	bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
	if (word) {
		if (sec.p[*j] != c)
			return false;
		(*i)++;
	} else {
		if (sec.p[*j] != '_')
			return false;
		size_t n = gw_utf8_seq_len(go.p + *i, go.len - *i);
		*i += n ? (uint32_t)n : 1;
	}
	(*j)++;
	return true;
}

static bool sanitized_equal(gw_str go, gw_str sec)
{
	uint32_t i = 0, j = 0;
	while (i < go.len)
		if (!rune_matches(go, &i, sec, &j))
			return false;
	return j == sec.len;
}

bool gw_go_name_matches(gw_str go, gw_str sec)
{
	if (sanitized_equal(go, sec))
		return true;
	/* "prefix[...]suffix": the name section has the real type arguments. */
	static const char elided[] = "[...]";
	for (uint32_t k = 0; k + 5 <= go.len; k++) {
		if (memcmp(go.p + k, elided, 5) != 0)
			continue;
		gw_str pre = { go.p, k }, suf = { go.p + k + 5, go.len - k - 5 };
		/* Sanitised lengths: count the runes the prefix and suffix make. */
		uint32_t i = 0, j = 0;
		while (i < pre.len)
			if (!rune_matches(pre, &i, sec, &j))
				return false;
		uint32_t slen = 0;
		for (uint32_t a = 0; a < suf.len; slen++) {
			size_t n = suf.p[a] < 0x80 ? 1 : gw_utf8_seq_len(suf.p + a, suf.len - a);
			a += n ? (uint32_t)n : 1;
		}
		if (sec.len < j + slen + 1)
			return false;
		gw_str tail = { sec.p + sec.len - slen, slen };
		return sanitized_equal(suf, tail);
	}
	return false;
}

gw_str gw_go_symbol_package(gw_str name)
{
	static const uint8_t go_[] = "go:", type_[] = "type:";
	gw_str s = { NULL, 0 };
	if (gw_str_has_prefix(name, "go:") || gw_str_has_prefix(name, "go.") ) {
		s.p = go_;
		s.len = 3;
		return s;
	}
	if (gw_str_has_prefix(name, "type:") || gw_str_has_prefix(name, "type.")) {
		s.p = type_;
		s.len = 5;
		return s;
	}
	/* Ignore generic type arguments: they may contain '/' and '.'. */
	uint32_t end = name.len;
	const uint8_t *br = memchr(name.p, '[', name.len);
	if (br)
		end = (uint32_t)(br - name.p);
	uint32_t slash = 0;
	for (uint32_t i = 0; i < end; i++)
		if (name.p[i] == '/')
			slash = i;
	const uint8_t *dot = memchr(name.p + slash, '.', end - slash);
	s.p = name.p;
	s.len = dot ? (uint32_t)(dot - name.p) : end;
	return s;
}
