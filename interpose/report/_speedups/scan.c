/* The hot loop of `interpose report`: match event lines and add them up, in C.
 *
 * `rep_scan` does, for each line of a block, what the Python fast path does
 * (interpose/report/parsing.py: a line without a backslash, valid UTF-8, that
 * matches `_PATTERNS` in full) followed by what `Aggregator.feed` does with its
 * row (aggregate.py: the additive rule, the time window, one entry per cell).
 * The matcher below is that regular expression written out by hand; the
 * regular expression is unambiguous, so a parser that never backtracks takes
 * the same lines and cuts the same groups.  A line it does not take (or whose
 * numbers would not fit in 64 bits) is handed back to Python by its offsets,
 * never guessed at.  Texts (head, call site, process, test) are numbered by
 * their bytes; Python resolves each distinct text once when it reads the
 * tables out (`rep_text`, `rep_cells`), exactly as the pure path resolves it.
 *
 * Every read goes through `cur` (a position and the end of the line) and is
 * checked against the end: a truncated or malformed line fails to match, it
 * is never read past.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TS_LEN 27          /* 2026-11-25T14:31:02.118204Z */
#define MAX_DIGITS 18      /* a count or prior with more digits goes to Python (int64 holds 18) */
#define TABLES 4           /* heads, call sites, processes, tests */

/* ---- growable arrays ---------------------------------------------------------------------- */

/* Make room for `need` items of `size` bytes in *items (capacity *cap); 0 when out of memory. */
static int reserve(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t wanted = *cap ? *cap : 64;
    while (wanted < need)
        wanted *= 2;
    void *grown = realloc(*items, wanted * size);
    if (!grown)
        return 0;
    *items = grown;
    *cap = wanted;
    return 1;
}

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

/* ---- texts, numbered by their bytes -------------------------------------------------------- */

typedef struct {
    char *arena;               /* every text, one after the other */
    size_t arena_len, arena_cap;
    size_t *offsets, *lengths; /* of text i in the arena */
    uint64_t *hashes;
    size_t count, cap, offsets_cap, lengths_cap;
    uint32_t *slots;           /* open addressing: 0 empty, else text number + 1 */
    size_t nslots;             /* a power of two, at least twice count */
} texts;

static int texts_rehash(texts *t, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return 0;
    for (size_t i = 0; i < t->count; i++) {
        size_t at = t->hashes[i] & (nslots - 1);
        while (slots[at])
            at = (at + 1) & (nslots - 1);
        slots[at] = (uint32_t)(i + 1);
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return 1;
}

/* The number of the text p[0:n], numbering it if new; -1 when out of memory. */
static int64_t texts_number(texts *t, const char *p, size_t n)
{
    if ((t->count + 1) * 2 > t->nslots && !texts_rehash(t, t->nslots ? t->nslots * 2 : 64))
        return -1;
    uint64_t h = hash_bytes(p, n);
    size_t at = h & (t->nslots - 1);
    for (uint32_t slot; (slot = t->slots[at]) != 0; at = (at + 1) & (t->nslots - 1)) {
        size_t i = slot - 1;
        if (t->hashes[i] == h && t->lengths[i] == n && memcmp(t->arena + t->offsets[i], p, n) == 0)
            return (int64_t)i;
    }
    if (t->count >= UINT32_MAX - 1)
        return -1;
    if (!reserve((void **)&t->arena, &t->arena_cap, t->arena_len + n + 1, 1)
        || !reserve((void **)&t->offsets, &t->offsets_cap, t->count + 1, sizeof(size_t))
        || !reserve((void **)&t->lengths, &t->lengths_cap, t->count + 1, sizeof(size_t))
        || !reserve((void **)&t->hashes, &t->cap, t->count + 1, sizeof(uint64_t)))
        return -1;
    memcpy(t->arena + t->arena_len, p, n);
    t->offsets[t->count] = t->arena_len;
    t->lengths[t->count] = n;
    t->hashes[t->count] = h;
    t->arena_len += n;
    t->slots[at] = (uint32_t)(t->count + 1);
    return (int64_t)t->count++;
}

static void texts_free(texts *t)
{
    free(t->arena);
    free(t->offsets);
    free(t->lengths);
    free(t->hashes);
    free(t->slots);
}

/* ---- the accumulator ------------------------------------------------------------------------ */

#define NO_KEY UINT32_MAX  /* the test or process digit of a cell when the views do not group by it */

typedef struct rep_acc {
    int by_test, by_run;
    char *since, *until;       /* the time window as Python bytes compare it */
    size_t since_len, until_len;
    texts tables[TABLES];
    /* cells, as parallel arrays so that Python reads each column at once */
    uint32_t *head, *callsite, *test, *process, *run;  /* run: the process of the cell's first line */
    int64_t *events, *lines;
    char *first, *last;        /* TS_LEN bytes per cell */
    uint64_t **mask;           /* NULL while all lines of the cell come from `run`, else a bitmask of processes */
    uint32_t *mask_words;
    size_t ncells, cap[12];
    uint32_t *slots;           /* cell lookup: 0 empty, else cell number + 1 */
    size_t nslots;
    int64_t outside;           /* lines outside the time window since the last clear */
} rep_acc;

static uint64_t cell_hash(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    uint64_t h = ((uint64_t)a << 32 | b) * 0x9E3779B97F4A7C15ull;
    h ^= ((uint64_t)c << 32 | d) * 0xc2b2ae3d27d4eb4full;
    return h ^ (h >> 31);
}

static int cells_rehash(rep_acc *a, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return 0;
    for (size_t i = 0; i < a->ncells; i++) {
        size_t at = cell_hash(a->head[i], a->callsite[i], a->test[i], a->process[i]) & (nslots - 1);
        while (slots[at])
            at = (at + 1) & (nslots - 1);
        slots[at] = (uint32_t)(i + 1);
    }
    free(a->slots);
    a->slots = slots;
    a->nslots = nslots;
    return 1;
}

/* The cell of a key, made empty (lines 0) if new; -1 when out of memory. */
static int64_t cell_find(rep_acc *a, uint32_t head, uint32_t callsite, uint32_t test, uint32_t process)
{
    if ((a->ncells + 1) * 2 > a->nslots && !cells_rehash(a, a->nslots ? a->nslots * 2 : 256))
        return -1;
    size_t at = cell_hash(head, callsite, test, process) & (a->nslots - 1);
    for (uint32_t slot; (slot = a->slots[at]) != 0; at = (at + 1) & (a->nslots - 1)) {
        size_t i = slot - 1;
        if (a->head[i] == head && a->callsite[i] == callsite && a->test[i] == test && a->process[i] == process)
            return (int64_t)i;
    }
    size_t i = a->ncells, need = i + 1;
    if (i >= UINT32_MAX - 1
        || !reserve((void **)&a->head, &a->cap[0], need, sizeof(uint32_t))
        || !reserve((void **)&a->callsite, &a->cap[1], need, sizeof(uint32_t))
        || !reserve((void **)&a->test, &a->cap[2], need, sizeof(uint32_t))
        || !reserve((void **)&a->process, &a->cap[3], need, sizeof(uint32_t))
        || !reserve((void **)&a->run, &a->cap[4], need, sizeof(uint32_t))
        || !reserve((void **)&a->events, &a->cap[5], need, sizeof(int64_t))
        || !reserve((void **)&a->lines, &a->cap[6], need, sizeof(int64_t))
        || !reserve((void **)&a->first, &a->cap[7], need, TS_LEN)
        || !reserve((void **)&a->last, &a->cap[8], need, TS_LEN)
        || !reserve((void **)&a->mask, &a->cap[9], need, sizeof(uint64_t *))
        || !reserve((void **)&a->mask_words, &a->cap[10], need, sizeof(uint32_t)))
        return -1;
    a->head[i] = head;
    a->callsite[i] = callsite;
    a->test[i] = test;
    a->process[i] = process;
    a->events[i] = a->lines[i] = 0;
    a->mask[i] = NULL;
    a->mask_words[i] = 0;
    a->slots[at] = (uint32_t)(i + 1);
    a->ncells++;
    return (int64_t)i;
}

/* Set bit `bit` of cell i's process mask, growing it; 0 when out of memory. */
static int mask_set(rep_acc *a, size_t i, uint32_t bit)
{
    uint32_t need = bit / 64 + 1;
    if (need > a->mask_words[i]) {
        uint64_t *grown = realloc(a->mask[i], need * sizeof(uint64_t));
        if (!grown)
            return 0;
        memset(grown + a->mask_words[i], 0, (need - a->mask_words[i]) * sizeof(uint64_t));
        a->mask[i] = grown;
        a->mask_words[i] = need;
    }
    a->mask[i][bit / 64] |= (uint64_t)1 << (bit % 64);
    return 1;
}

void rep_clear_cells(rep_acc *a)
{
    for (size_t i = 0; i < a->ncells; i++)
        free(a->mask[i]);
    a->ncells = 0;
    a->outside = 0;
    if (a->slots)
        memset(a->slots, 0, a->nslots * sizeof *a->slots);
}

void rep_free(rep_acc *a)
{
    if (!a)
        return;
    rep_clear_cells(a);
    for (int t = 0; t < TABLES; t++)
        texts_free(&a->tables[t]);
    void *arrays[] = {a->head, a->callsite, a->test, a->process, a->run, a->events, a->lines,
                      a->first, a->last, a->mask, a->mask_words, a->slots, a->since, a->until};
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++)
        free(arrays[k]);
    free(a);
}

rep_acc *rep_new(int by_test, int by_run, const char *since, size_t since_len, const char *until, size_t until_len)
{
    rep_acc *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->by_test = by_test;
    a->by_run = by_run;
    a->since = malloc(since_len + 1);
    a->until = malloc(until_len + 1);
    if (!a->since || !a->until) {
        rep_free(a);
        return NULL;
    }
    memcpy(a->since, since, since_len);
    memcpy(a->until, until, until_len);
    a->since_len = since_len;
    a->until_len = until_len;
    return a;
}

/* ---- the matcher: parsing.py's `_PATTERNS`, written out ---------------------------------------- */

typedef struct {
    const char *p, *end;
} cur;

typedef struct {
    const char *comma, *colon;  /* "," ":" (the writer's compact form) or ", " ": " (json.dumps's default) */
    size_t ncomma, ncolon;
} layout;

static const layout LAYOUTS[2] = {{",", ":", 1, 1}, {", ", ": ", 2, 2}};

typedef struct {            /* what a matched line gives: the regular expression's groups */
    const char *ts, *head, *callsite, *process, *test;
    size_t head_len, callsite_len, process_len, test_len;
    const char *count, *prior;  /* digits */
    size_t count_len, prior_len;
    int final;
} fields;

static int lit(cur *c, const char *text, size_t n)
{
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, text, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

static int peek(const cur *c, char ch) { return c->p < c->end && *c->p == ch; }
static int digit_at(const cur *c, size_t k) { return (size_t)(c->end - c->p) > k && c->p[k] >= '0' && c->p[k] <= '9'; }

/* `,"name":` in the layout (`, "name": ` when spaced); `name` has no quotes. */
static int key(cur *c, const layout *l, const char *name, int comma)
{
    return (!comma || lit(c, l->comma, l->ncomma)) && lit(c, "\"", 1) && lit(c, name, strlen(name))
           && lit(c, "\"", 1) && lit(c, l->colon, l->ncolon);
}

/* `"[^"]*"` (or `"[^"]+"` when nonempty); the text between the quotes in *s, *n. */
static int string(cur *c, const char **s, size_t *n, int nonempty)
{
    if (!peek(c, '"'))
        return 0;
    const char *close = memchr(c->p + 1, '"', (size_t)(c->end - c->p - 1));
    if (!close || (nonempty && close == c->p + 1))
        return 0;
    *s = c->p + 1;
    *n = (size_t)(close - *s);
    c->p = close + 1;
    return 1;
}

static int any_string(cur *c, int nonempty)
{
    const char *s;
    size_t n;
    return string(c, &s, &n, nonempty);
}

static void digits(cur *c)
{
    while (digit_at(c, 0))
        c->p++;
}

/* `[1-9][0-9]*`, the digits in *s, *n. */
static int positive(cur *c, const char **s, size_t *n)
{
    if (!digit_at(c, 0) || *c->p == '0')
        return 0;
    *s = c->p;
    digits(c);
    *n = (size_t)(c->p - *s);
    return 1;
}

/* `0|-?[1-9][0-9]*`: an integer as the writer writes it. */
static int integer(cur *c)
{
    if (peek(c, '0')) {
        c->p++;
        return 1;
    }
    const cur start = *c;
    const char *s;
    size_t n;
    if (peek(c, '-'))
        c->p++;
    if (!positive(c, &s, &n)) {
        *c = start;
        return 0;
    }
    return 1;
}

/* `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: an optional part that is not whole is left unread,
 * as the regular expression gives it back (what follows then fails to match it). */
static int number(cur *c)
{
    const cur start = *c;
    if (peek(c, '-'))
        c->p++;
    if (peek(c, '0'))
        c->p++;
    else if (digit_at(c, 0))
        digits(c);
    else {
        *c = start;
        return 0;
    }
    if (peek(c, '.') && digit_at(c, 1)) {
        c->p++;
        digits(c);
    }
    if (peek(c, 'e') || peek(c, 'E')) {
        size_t k = 1;
        if ((size_t)(c->end - c->p) > 1 && (c->p[1] == '+' || c->p[1] == '-'))
            k = 2;
        if (digit_at(c, k)) {
            c->p += k;
            digits(c);
        }
    }
    return 1;
}

static int scalar(cur *c)
{
    if (peek(c, '"'))
        return any_string(c, 0);
    return number(c) || lit(c, "true", 4) || lit(c, "false", 5) || lit(c, "null", 4);
}

/* `detail`: a scalar, or a flat object of string keys and scalars. */
static int detail(cur *c, const layout *l)
{
    if (!peek(c, '{'))
        return scalar(c);
    c->p++;
    if (lit(c, "}", 1))
        return 1;
    do {
        if (!any_string(c, 0) || !lit(c, l->colon, l->ncolon) || !scalar(c))
            return 0;
    } while (lit(c, l->comma, l->ncomma));
    return lit(c, "}", 1);
}

/* `"YYYY-MM-DDTHH:MM:SS.ffffffZ"`, the text between the quotes in *ts. */
static int timestamp(cur *c, const char **ts)
{
    static const char shape[TS_LEN + 1] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
    if ((size_t)(c->end - c->p) < TS_LEN + 2 || c->p[0] != '"' || c->p[TS_LEN + 1] != '"')
        return 0;
    for (size_t k = 0; k < TS_LEN; k++) {
        char ch = c->p[1 + k];
        if (shape[k] == 'd' ? !(ch >= '0' && ch <= '9') : ch != shape[k])
            return 0;
    }
    *ts = c->p + 1;
    c->p += TS_LEN + 2;
    return 1;
}

static int is_level(const char *s, size_t n)
{
    static const char *const names[] = {"SEVERE", "WARNING", "INFO", "CONFIG", "FINE", "FINER", "FINEST"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (strlen(names[k]) == n && memcmp(names[k], s, n) == 0)
            return 1;
    return 0;
}

/* Schema 2's optional string members (`use`, `hint`): absent, or `,"name":"[^"]*"`; 0 when malformed. */
static int optional_string(cur *c, const layout *l, const char *name)
{
    const cur before = *c;
    if (!key(c, l, name, 1)) {
        *c = before;
        return 1;
    }
    return any_string(c, 0);
}

/* `null` or exactly {file, line, function}: a call site (or a `via`). */
static int site(cur *c, const layout *l)
{
    if (lit(c, "null", 4))
        return 1;
    return lit(c, "{", 1) && key(c, l, "file", 0) && any_string(c, 0) && key(c, l, "line", 1) && integer(c)
           && key(c, l, "function", 1) && any_string(c, 0) && lit(c, "}", 1);
}

/* Whether line[0:n] matches the pattern of layout l in full; its groups in *f. */
static int match(const char *line, size_t n, const layout *l, fields *f)
{
    cur c = {line, line + n};
    const char *s;
    size_t len;
    if (!lit(&c, "{", 1) || !key(&c, l, "schema", 0) || !(lit(&c, "1", 1) || lit(&c, "2", 1)) || !key(&c, l, "ts", 1)
        || !timestamp(&c, &f->ts) || !lit(&c, l->comma, l->ncomma))
        return 0;
    f->head = c.p;  /* head: the members from level to hint */
    if (!key(&c, l, "level", 0) || !string(&c, &s, &len, 0) || !is_level(s, len)
        || !key(&c, l, "limitation", 1) || !any_string(&c, 1) || !key(&c, l, "function", 1) || !any_string(&c, 0)
        || !key(&c, l, "backend", 1) || !any_string(&c, 1)
        || !key(&c, l, "policy", 1) || !any_string(&c, 0) || !key(&c, l, "outcome", 1) || !any_string(&c, 0)
        || !optional_string(&c, l, "use") || !key(&c, l, "message", 1) || !any_string(&c, 0)
        || !optional_string(&c, l, "hint"))
        return 0;
    f->head_len = (size_t)(c.p - f->head);
    if (!key(&c, l, "callsite", 1))
        return 0;
    f->callsite = c.p;  /* callsite: null or exactly {file, line, function} */
    if (!site(&c, l))
        return 0;
    f->callsite_len = (size_t)(c.p - f->callsite);
    const cur before_via = c;  /* schema 2's optional `via`, shaped as a call site */
    if (key(&c, l, "via", 1)) {
        if (!site(&c, l))
            return 0;
    } else
        c = before_via;
    if (!key(&c, l, "pid", 1))
        return 0;
    f->process = c.p;  /* process: pid's value and the run member */
    if (!integer(&c) || !key(&c, l, "run", 1) || !any_string(&c, 1))
        return 0;
    f->process_len = (size_t)(c.p - f->process);
    if (!key(&c, l, "thread", 1) || !any_string(&c, 0) || !key(&c, l, "count", 1)
        || !positive(&c, &f->count, &f->count_len))
        return 0;
    f->final = 0;
    const cur before_final = c;
    if (key(&c, l, "final", 1)) {
        if (lit(&c, "true", 4))
            f->final = 1;
        else if (!lit(&c, "false", 5))
            return 0;
    } else
        c = before_final;
    f->test = "";
    f->test_len = 0;
    const cur before_test = c;
    if (key(&c, l, "test", 1)) {
        if (peek(&c, '"')) {
            if (!string(&c, &f->test, &f->test_len, 0))
                return 0;
        } else if (!lit(&c, "null", 4))
            return 0;
    } else
        c = before_test;
    const cur before_detail = c;
    if (key(&c, l, "detail", 1)) {
        if (!detail(&c, l))
            return 0;
    } else
        c = before_detail;
    f->prior = NULL;
    f->prior_len = 0;
    const cur before_prior = c;
    if (key(&c, l, "prior", 1)) {
        if (!positive(&c, &f->prior, &f->prior_len))
            return 0;
    } else
        c = before_prior;
    if (!lit(&c, "}", 1))
        return 0;
    while (c.p < c.end && (*c.p == ' ' || *c.p == '\t' || *c.p == '\r'))
        c.p++;
    return c.p == c.end;
}

/* Whether p[0:n] is valid UTF-8 as Python's strict decoder has it (no surrogates, nothing above U+10FFFF). */
static int is_utf8(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = p[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t more;
        unsigned char lo = 0x80, hi = 0xBF;  /* the range of the first continuation byte */
        if (b >= 0xC2 && b <= 0xDF)
            more = 1;
        else if (b >= 0xE0 && b <= 0xEF) {
            more = 2;
            if (b == 0xE0)
                lo = 0xA0;
            else if (b == 0xED)
                hi = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            more = 3;
            if (b == 0xF0)
                lo = 0x90;
            else if (b == 0xF4)
                hi = 0x8F;
        } else
            return 0;
        if (n - i <= more || p[i + 1] < lo || p[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= more; k++)
            if (p[i + k] < 0x80 || p[i + k] > 0xBF)
                return 0;
        i += more + 1;
    }
    return 1;
}

/* Python's `a <= b` on bytes. */
static int bytes_le(const char *a, size_t na, const char *b, size_t nb)
{
    int order = memcmp(a, b, na < nb ? na : nb);
    return order < 0 || (order == 0 && na <= nb);
}

static int64_t decimal(const char *s, size_t n)
{
    int64_t value = 0;
    for (size_t k = 0; k < n; k++)
        value = value * 10 + (s[k] - '0');
    return value;
}

/* Whether a line is blank as Python's `bytes.strip` sees it. */
static int blank(const char *p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!strchr(" \t\r\v\f", p[k]) || p[k] == '\0')
            return 0;
    return 1;
}

/* Add one matched line to its cell: 1 taken, 0 to hand back (a sum would overflow), -1 out of memory. */
static int add(rep_acc *a, const fields *f)
{
    if (f->count_len > MAX_DIGITS || f->prior_len > MAX_DIGITS)
        return 0;
    if (!bytes_le(a->since, a->since_len, f->ts, TS_LEN) || !bytes_le(f->ts, TS_LEN, a->until, a->until_len)) {
        a->outside++;
        return 1;
    }
    /* docs/events.md's additive rule: 1 for a first line, count - prior (1 by default) for a closing one */
    int64_t weight = f->final ? decimal(f->count, f->count_len) - (f->prior ? decimal(f->prior, f->prior_len) : 1) : 1;
    int64_t head = texts_number(&a->tables[0], f->head, f->head_len);
    int64_t callsite = texts_number(&a->tables[1], f->callsite, f->callsite_len);
    int64_t process = texts_number(&a->tables[2], f->process, f->process_len);
    int64_t test = a->by_test ? texts_number(&a->tables[3], f->test, f->test_len) : 0;
    if (head < 0 || callsite < 0 || process < 0 || test < 0)
        return -1;
    int64_t i = cell_find(a, (uint32_t)head, (uint32_t)callsite, (uint32_t)test,
                          a->by_run ? (uint32_t)process : NO_KEY);
    if (i < 0)
        return -1;
    if (a->lines[i] == 0) {
        a->events[i] = weight;
        a->lines[i] = 1;
        memcpy(a->first + i * TS_LEN, f->ts, TS_LEN);
        memcpy(a->last + i * TS_LEN, f->ts, TS_LEN);
        a->run[i] = (uint32_t)process;
        return 1;
    }
    int64_t sum;
    if (__builtin_add_overflow(a->events[i], weight, &sum))
        return 0;
    if ((uint32_t)process != a->run[i] && (!mask_set(a, (size_t)i, a->run[i]) || !mask_set(a, (size_t)i, (uint32_t)process)))
        return -1;
    a->events[i] = sum;
    a->lines[i]++;
    if (memcmp(f->ts, a->first + i * TS_LEN, TS_LEN) < 0)
        memcpy(a->first + i * TS_LEN, f->ts, TS_LEN);
    else if (memcmp(f->ts, a->last + i * TS_LEN, TS_LEN) > 0)
        memcpy(a->last + i * TS_LEN, f->ts, TS_LEN);
    return 1;
}

/* Count the lines of buf[0:len] it can take; for each other non-blank line, (index, start, end) in `back`
 * (room for `cap` lines), their number in *nback.  Returns the lines taken, -1 out of memory, -2 no room. */
int64_t rep_scan(rep_acc *a, const char *buf, size_t len, int64_t *back, size_t cap, size_t *nback)
{
    int64_t taken = 0;
    size_t start = 0, index = 0;
    *nback = 0;
    while (start < len) {
        const char *nl = memchr(buf + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - buf) : len;
        const char *line = buf + start;
        size_t n = end - start;
        fields f;
        int done = 0;
        if (!memchr(line, '\\', n) && is_utf8((const unsigned char *)line, n)
            && (match(line, n, &LAYOUTS[0], &f) || match(line, n, &LAYOUTS[1], &f))) {
            done = add(a, &f);
            if (done < 0)
                return -1;
        }
        if (done)
            taken++;
        else if (!blank(line, n)) {
            if (*nback >= cap)
                return -2;
            back[3 * *nback] = (int64_t)index;
            back[3 * *nback + 1] = (int64_t)start;
            back[3 * *nback + 2] = (int64_t)end;
            ++*nback;
        }
        start = end + 1;
        index++;
    }
    return taken;
}

/* ---- reading the tables out ------------------------------------------------------------------ */

size_t rep_text_count(rep_acc *a, int table) { return table >= 0 && table < TABLES ? a->tables[table].count : 0; }

/* Text `i` of a table (NULL when there is none), its length in *n. */
const char *rep_text(rep_acc *a, int table, size_t i, size_t *n)
{
    if (table < 0 || table >= TABLES || i >= a->tables[table].count)
        return NULL;
    *n = a->tables[table].lengths[i];
    return a->tables[table].arena + a->tables[table].offsets[i];
}

size_t rep_cell_count(rep_acc *a) { return a->ncells; }
int64_t rep_outside(rep_acc *a) { return a->outside; }
uint32_t *rep_column(rep_acc *a, int which)
{
    uint32_t *columns[] = {a->head, a->callsite, a->test, a->process, a->run, a->mask_words};
    return which >= 0 && which < 6 ? columns[which] : NULL;
}
int64_t *rep_events(rep_acc *a) { return a->events; }
int64_t *rep_lines(rep_acc *a) { return a->lines; }
char *rep_times(rep_acc *a, int last) { return last ? a->last : a->first; }
uint64_t *rep_mask(rep_acc *a, size_t i) { return i < a->ncells ? a->mask[i] : NULL; }
