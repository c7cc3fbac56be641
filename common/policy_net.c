// SPDX-License-Identifier: GPL-2.0
/*
 * One network rule of a policy, parsed (doc/policies.md, "network"). The
 * loader (policy.c) names file, line and key around the reason given here.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy_net.h"
#include "util.h"

PRINTF(3, 4)
static int why_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_port(const char *s, const char **end, uint16_t *port)
{
	unsigned long v = 0;
	const char *q = s;

	while (*q >= '0' && *q <= '9' && q - s < 6)
		v = v * 10 + (unsigned long)(*q++ - '0');
	if (q == s || v < 1 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	*end = q;
	return 0;
}

static int parse_ports(const char *s, struct policy_net_rule *r)
{
	const char *q;

	r->port_lo = 1;
	r->port_hi = 65535;
	if (!s || !strcmp(s, "*"))
		return 0;
	if (parse_port(s, &q, &r->port_lo))
		return -EINVAL;
	r->port_hi = r->port_lo;
	if (*q == '-' && parse_port(q + 1, &q, &r->port_hi))
		return -EINVAL;
	if (*q || r->port_hi < r->port_lo)
		return -EINVAL;
	return 0;
}

static int parse_addr4(const char *s, size_t len, uint32_t *addr)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr in;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		return -EINVAL;
	*addr = ntohl(in.s_addr);
	return 0;
}

static int parse_bits(const char *s, const char *end, unsigned max,
		      unsigned *bits)
{
	unsigned v = 0;

	if (s == end || end - s > 3)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v > max)
		return -EINVAL;
	*bits = v;
	return 0;
}

static int parse_v4(const char *s, size_t len, struct policy_net_rule *r,
		    char *why, size_t whylen)
{
	const char *end = s + len;
	const char *dash = memchr(s, '-', len), *slash = memchr(s, '/', len);
	unsigned bits;

	r->kind = NET_RULE_ADDR4;
	if (dash) {
		if (parse_addr4(s, (size_t)(dash - s), &r->addr_lo) ||
		    parse_addr4(dash + 1, (size_t)(end - dash - 1),
				&r->addr_hi))
			return why_fail(why, whylen, "bad address range");
		if (r->addr_hi < r->addr_lo)
			return why_fail(why, whylen,
					"address range is reversed");
		return 0;
	}
	if (slash) {
		if (parse_addr4(s, (size_t)(slash - s), &r->addr_lo))
			return why_fail(why, whylen, "bad address");
		if (parse_bits(slash + 1, end, 32, &bits))
			return why_fail(why, whylen,
					"bad prefix length (0-32)");
		r->addr_lo &= bits ? ~0u << (32 - bits) : 0;
		r->addr_hi =
			bits == 32 ?
				r->addr_lo :
				r->addr_lo |
					(bits ? ~(~0u << (32 - bits)) : ~0u);
		return 0;
	}
	if (parse_addr4(s, len, &r->addr_lo))
		return -ENOENT; /* not an address: maybe a name */
	r->addr_hi = r->addr_lo;
	return 0;
}

static int parse_v6(const char *s, size_t len, struct policy_net_rule *r,
		    char *why, size_t whylen)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	unsigned bits = 128, i;

	r->kind = NET_RULE_ADDR6;
	if (alen >= sizeof(buf))
		return why_fail(why, whylen, "bad IPv6 address");
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET6, buf, r->addr6) != 1)
		return why_fail(why, whylen, "bad IPv6 address");
	if (slash && parse_bits(slash + 1, s + len, 128, &bits))
		return why_fail(why, whylen, "bad prefix length (0-128)");
	r->prefix6 = (uint8_t)bits;
	for (i = 0; i < 128; i++)
		if (i >= bits)
			r->addr6[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	return 0;
}

/* Letters, digits, '-' and '.', labels of 1-63: what DNS answers carry. */
static int parse_name(const char *s, size_t len, struct policy_net_rule *r)
{
	size_t i, label = 0;

	r->kind = NET_RULE_NAME;
	if (len > 2 && s[0] == '*' && s[1] == '.') {
		r->wildcard = true;
		s += 2;
		len -= 2;
	}
	if (!len || len > POLICY_NET_NAME_MAX || s[0] == '.' ||
	    s[len - 1] == '.')
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char c = (char)tolower((unsigned char)s[i]);

		if (c == '.') {
			if (!label)
				return -EINVAL;
			label = 0;
		} else if (isalnum((unsigned char)c) || c == '-' || c == '_') {
			if (++label > 63)
				return -EINVAL;
		} else {
			return -EINVAL;
		}
		r->name[i] = c;
	}
	r->name[len] = '\0';
	return 0;
}

int policy_net_rule_parse(const char *s, struct policy_net_rule *r, char *why,
			  size_t whylen)
{
	const char *ports, *addr = s;
	size_t alen;
	int ret;

	memset(r, 0, sizeof(*r));
	if (strlen(s) > POLICY_NET_RULE_MAX)
		return why_fail(why, whylen, "rule longer than %d bytes",
				POLICY_NET_RULE_MAX);
	snprintf(r->text, sizeof(r->text), "%s", s);
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || (close[1] && close[1] != ':'))
			return why_fail(
				why, whylen,
				"IPv6 is written [ADDR] or [ADDR/BITS]");
		addr = s + 1;
		alen = (size_t)(close - addr);
		ports = close[1] ? close + 2 : NULL;
	} else {
		const char *colon = strchr(s, ':');

		alen = colon ? (size_t)(colon - s) : strlen(s);
		ports = colon ? colon + 1 : NULL;
	}
	if (parse_ports(ports, r))
		return why_fail(why, whylen,
				"bad ports (N, N-M or * within 1-65535)");
	if (s[0] == '[')
		return parse_v6(addr, alen, r, why, whylen);
	if (alen == 1 && addr[0] == '*') {
		r->kind = NET_RULE_PUBLIC;
		return 0;
	}
	if (alen == 4 && !strncmp(addr, "host", 4)) {
		r->kind = NET_RULE_HOST;
		return 0;
	}
	ret = parse_v4(addr, alen, r, why, whylen);
	if (ret != -ENOENT)
		return ret;
	/* All digits and dots but not an address: a typo, not a name. */
	if (strspn(addr, "0123456789.") >= alen || parse_name(addr, alen, r))
		return why_fail(
			why, whylen,
			"bad address (IPv4, A-B, A/BITS, [IPv6], *, host, a name or *.domain)");
	return 0;
}

bool policy_net_name_match(const struct policy_net_rule *r, const char *name)
{
	size_t n = strlen(name), m = strlen(r->name);

	if (r->kind != NET_RULE_NAME)
		return false;
	if (!r->wildcard)
		return !strcmp(name, r->name);
	/* '*.example.org': below example.org, not example.org itself */
	return n > m + 1 && name[n - m - 1] == '.' &&
	       !strcmp(name + n - m, r->name);
}
