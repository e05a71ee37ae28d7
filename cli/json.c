// SPDX-License-Identifier: GPL-2.0-only
/* json.c - a strict, streaming JSON writer (RFC 8259) for -j/--json output. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define JSON_MAX_DEPTH 64

struct json {
	FILE *f;
	int depth;
	unsigned long count[JSON_MAX_DEPTH];	/* members written at each level */
	bool after_key;
};

/**
 * json_new() - start a JSON document
 * @f: stream to write to
 *
 * Return: a writer, or NULL on ENOMEM.
 */
struct json *json_new(FILE *f)
{
	struct json *j = calloc(1, sizeof(*j));

	if (j)
		j->f = f;
	return j;
}

/**
 * json_free() - finish the document (newline) and free the writer
 * @j: writer, may be NULL
 */
void json_free(struct json *j)
{
	if (!j)
		return;
	fputc('\n', j->f);
	free(j);
}

static void indent(struct json *j)
{
	int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator and indentation before a value or a key. */
static void pre_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0 && j->depth <= JSON_MAX_DEPTH) {
		if (j->count[j->depth - 1]++)
			fputc(',', j->f);
		indent(j);
	}
}

/**
 * json_write_string() - write @s as a JSON string literal
 * @f: stream
 * @s: UTF-8 text (NULL writes "")
 *
 * Quotes, backslashes and control characters are escaped; bytes >= 0x80 are
 * passed through unchanged, except invalid UTF-8 which becomes U+FFFD.
 */
void json_write_string(FILE *f, const char *s)
{
	/* the characters with a two-character escape, and the letter after '\\' */
	static const char shortesc[] = "\"\\\n\r\t\b\f", letter[] = "\"\\nrtbf";
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const char *e;

	fputc('"', f);
	for (; *p; p++) {
		e = strchr(shortesc, *p);
		if (e) {
			fputc('\\', f);
			fputc(letter[e - shortesc], f);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
		} else if (*p < 0x80) {
			fputc(*p, f);
		} else {
			int n = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
				(*p & 0xf8) == 0xf0 ? 3 : -1;
			int k;

			for (k = 1; n > 0 && k <= n; k++)
				if ((p[k] & 0xc0) != 0x80)
					n = -1;
			if (n < 0) {
				fputs("\\ufffd", f);
			} else {
				fwrite(p, 1, (size_t)n + 1, f);
				p += n;
			}
		}
	}
	fputc('"', f);
}

/* Open an object ('{') or an array ('['): a new level with no members yet. */
static void open_level(struct json *j, char bracket)
{
	pre_value(j);
	fputc(bracket, j->f);
	if (j->depth < JSON_MAX_DEPTH)
		j->count[j->depth] = 0;
	j->depth++;
}

/* Close the level open_level() opened; its bracket on a line of its own unless empty. */
static void close_level(struct json *j, char bracket)
{
	j->depth--;
	if (j->depth < JSON_MAX_DEPTH && j->count[j->depth])
		indent(j);
	fputc(bracket, j->f);
}

/**
 * json_obj_begin() - open an object
 * @j: writer
 */
void json_obj_begin(struct json *j)
{
	open_level(j, '{');
}

/**
 * json_obj_end() - close an object
 * @j: writer
 */
void json_obj_end(struct json *j)
{
	close_level(j, '}');
}

/**
 * json_arr_begin() - open an array
 * @j: writer
 */
void json_arr_begin(struct json *j)
{
	open_level(j, '[');
}

/**
 * json_arr_end() - close an array
 * @j: writer
 */
void json_arr_end(struct json *j)
{
	close_level(j, ']');
}

/**
 * json_key() - write an object key; the next call writes its value
 * @j: writer
 * @key: key text
 */
void json_key(struct json *j, const char *key)
{
	pre_value(j);
	json_write_string(j->f, key);
	fputs(": ", j->f);
	j->after_key = true;
}

/**
 * json_str() - write a string value
 * @j: writer
 * @s: text (NULL writes null)
 */
void json_str(struct json *j, const char *s)
{
	pre_value(j);
	if (s)
		json_write_string(j->f, s);
	else
		fputs("null", j->f);
}

/**
 * json_int() - write a signed integer value
 * @j: writer
 * @v: value
 */
void json_int(struct json *j, int64_t v)
{
	pre_value(j);
	fprintf(j->f, "%" PRId64, v);
}

/**
 * json_number() - write an integer given as decimal digits (for values
 * beyond 64 bits, such as 128-bit byte deltas)
 * @j: writer
 * @digits: "-123", "456"; a leading '+' is dropped
 */
void json_number(struct json *j, const char *digits)
{
	pre_value(j);
	fputs(digits[0] == '+' ? digits + 1 : digits, j->f);
}

/**
 * json_uint() - write an unsigned integer value (counts, not addresses)
 * @j: writer
 * @v: value
 */
void json_uint(struct json *j, uint64_t v)
{
	pre_value(j);
	fprintf(j->f, "%" PRIu64, v);
}

/**
 * json_hex() - write a 64-bit address or size as a "0x..." string
 * @j: writer
 * @v: value
 */
void json_hex(struct json *j, uint64_t v)
{
	pre_value(j);
	fprintf(j->f, "\"0x%" PRIx64 "\"", v);
}

/**
 * json_bool() - write true or false
 * @j: writer
 * @v: value
 */
void json_bool(struct json *j, bool v)
{
	pre_value(j);
	fputs(v ? "true" : "false", j->f);
}

/**
 * json_null() - write null
 * @j: writer
 */
void json_null(struct json *j)
{
	pre_value(j);
	fputs("null", j->f);
}

/**
 * json_double() - write a finite number with two decimals (null if not finite)
 * @j: writer
 * @v: value
 */
void json_double(struct json *j, double v)
{
	pre_value(j);
	if (v != v || v > 1e300 || v < -1e300)
		fputs("null", j->f);
	else
		fprintf(j->f, "%.2f", v);
}

/*
 * Members, a key and its value in one call: json_str_field(j, "name", s)
 * is json_key(j, "name") then json_str(j, s); likewise for uint, int, hex
 * and bool.
 */
#define JSON_FIELD(kind, type)							\
	void json_##kind##_field(struct json *j, const char *key, type v)	\
	{									\
		json_key(j, key);						\
		json_##kind(j, v);						\
	}

JSON_FIELD(str, const char *)
JSON_FIELD(uint, uint64_t)
JSON_FIELD(int, int64_t)
JSON_FIELD(hex, uint64_t)
JSON_FIELD(bool, bool)
