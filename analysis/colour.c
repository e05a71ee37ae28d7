// SPDX-License-Identifier: GPL-2.0-only
/* colour.c - one colour per caller, derived from its name, for every output format. */
#include <stdio.h>
#include <string.h>
#include "mbanalysis/analysis.h"

/*
 * Hues 170..420 (mod 360): cyan, blue, violet, magenta, red, orange, up to
 * yellow. The green band (60..170) is left out: memory is drawn light green,
 * and a green caller on it would be hard to see.
 */
#define HUE_FIRST	170
#define HUE_SPAN	250

static uint8_t channel(double v)
{
	if (v < 0)
		v = 0;
	if (v > 1)
		v = 1;
	return (uint8_t)(v * 255.0 + 0.5);
}

static double hue_part(double p, double q, double t)
{
	if (t < 0)
		t += 1;
	if (t > 1)
		t -= 1;
	if (t < 1.0 / 6)
		return p + (q - p) * 6 * t;
	if (t < 0.5)
		return q;
	if (t < 2.0 / 3)
		return p + (q - p) * (2.0 / 3 - t) * 6;
	return p;
}

static double lin(uint8_t c)
{
	double v = c / 255.0;

	/* close enough to the sRGB curve to choose a text colour */
	return v * v;
}

/**
 * mba_caller_colour() - the colour of a caller
 * @name: caller (group) name
 *
 * The hue comes from a hash of the name, so a caller keeps its colour across
 * captures, outputs and runs; the initial state is grey.
 *
 * Return: the colour, and whether text on it should be dark.
 */
struct mba_rgb mba_caller_colour(const char *name)
{
	struct mba_rgb c;
	uint32_t h = mba_name_hash(name);
	double hue, s = 0.72, l, q, p, lum;

	if (!strcmp(name, MBA_INITIAL_NAME)) {
		c = (struct mba_rgb){ 0x8a, 0x8a, 0x8a, true };
		return c;
	}
	hue = (double)((HUE_FIRST + h % HUE_SPAN) % 360) / 360.0;
	l = 0.40 + (double)((h >> 16) % 4) * 0.04;	/* 0.40 .. 0.52 */
	q = l < 0.5 ? l * (1 + s) : l + s - l * s;
	p = 2 * l - q;
	c.r = channel(hue_part(p, q, hue + 1.0 / 3));
	c.g = channel(hue_part(p, q, hue));
	c.b = channel(hue_part(p, q, hue - 1.0 / 3));
	lum = 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
	c.fg_dark = lum > 0.3;
	return c;
}

/**
 * mba_colour_hex() - "#rrggbb"
 * @c: colour
 * @buf: at least 8 bytes
 *
 * Return: @buf.
 */
const char *mba_colour_hex(struct mba_rgb c, char *buf)
{
	snprintf(buf, 8, "#%02x%02x%02x", c.r, c.g, c.b);
	return buf;
}

static const uint8_t cube[6] = { 0, 95, 135, 175, 215, 255 };

static unsigned int dist(int r, int g, int b, struct mba_rgb c)
{
	return (unsigned int)((r - c.r) * (r - c.r) + (g - c.g) * (g - c.g) +
			      (b - c.b) * (b - c.b));
}

/**
 * mba_ansi256() - the nearest colour of the xterm 256-colour palette
 * @c: colour
 *
 * Searches the 6x6x6 cube (16..231) and the grey ramp (232..255).
 *
 * Return: the palette index.
 */
int mba_ansi256(struct mba_rgb c)
{
	unsigned int best = ~0u, d;
	int idx = 16, i, r, g, b;

	for (r = 0; r < 6; r++)
		for (g = 0; g < 6; g++)
			for (b = 0; b < 6; b++) {
				d = dist(cube[r], cube[g], cube[b], c);
				if (d < best) {
					best = d;
					idx = 16 + 36 * r + 6 * g + b;
				}
			}
	for (i = 0; i < 24; i++) {
		int v = 8 + 10 * i;

		d = dist(v, v, v, c);
		if (d < best) {
			best = d;
			idx = 232 + i;
		}
	}
	return idx;
}

/**
 * mba_s128_str() - a signed 128-bit integer in decimal, with its sign
 * @v: value
 * @buf: output (at least 42 bytes)
 * @len: size of @buf
 *
 * Return: @buf ("+123", "-5", "0").
 */
const char *mba_s128_str(mba_s128 v, char *buf, size_t len)
{
	char tmp[48];
	unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	size_t k = sizeof(tmp);

	tmp[--k] = 0;
	do {
		tmp[--k] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	if (v)
		tmp[--k] = v < 0 ? '-' : '+';
	snprintf(buf, len, "%s", tmp + k);
	return buf;
}
