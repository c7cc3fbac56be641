// SPDX-License-Identifier: GPL-2.0
/*
 * DNS wire format (RFC 1035), just enough for the relay: one question, the
 * answer section's CNAME and A records. Names are decoded with a bounded
 * number of compression jumps, each pointing backwards.
 */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <string.h>

#include "dns.h"

#define DNS_HDR 12u
#define DNS_MAX_JUMPS 32
#define DNS_MAX_CHAIN 8 /* CNAMEs followed from the question */
#define TYPE_A 1
#define TYPE_CNAME 5
#define CLASS_IN 1

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * Decode the name at *@off into @out (lower case, dotted, no final dot;
 * "" for the root). *@off moves past it in the message. 0 or -EINVAL.
 */
static int read_name(const uint8_t *m, size_t len, size_t *off, char *out)
{
	size_t pos = *off, n = 0, end = 0;
	int jumps = 0;

	for (;;) {
		uint8_t l;

		if (pos >= len)
			return -EINVAL;
		l = m[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t to;

			if (pos + 1 >= len || ++jumps > DNS_MAX_JUMPS)
				return -EINVAL;
			to = (size_t)(l & 0x3f) << 8 | m[pos + 1];
			if (!end)
				end = pos + 2;
			if (to >= pos) /* only backwards: no loops */
				return -EINVAL;
			pos = to;
			continue;
		}
		if (l & 0xc0)
			return -EINVAL;
		if (!l) {
			if (!end)
				end = pos + 1;
			break;
		}
		if (pos + 1 + l > len || n + l + 1 > POLICY_NET_NAME_MAX + 1)
			return -EINVAL;
		if (n)
			out[n++] = '.';
		for (size_t i = 0; i < l; i++) {
			char c = (char)tolower(m[pos + 1 + i]);

			/* a name a rule could name, or nothing */
			if (!isalnum((unsigned char)c) && c != '-' && c != '_')
				return -EINVAL;
			out[n++] = c;
		}
		pos += 1 + (size_t)l;
	}
	if (n > POLICY_NET_NAME_MAX)
		return -EINVAL;
	out[n] = '\0';
	*off = end;
	return 0;
}

static int read_question(const uint8_t *m, size_t len, size_t *off, char *qname,
			 uint16_t *qtype)
{
	if (read_name(m, len, off, qname) || *off + 4 > len)
		return -EINVAL;
	*qtype = get16(m + *off);
	if (get16(m + *off + 2) != CLASS_IN)
		return -EINVAL;
	*off += 4;
	return 0;
}

int dns_parse_query(const uint8_t *untrusted, size_t len, struct dns_query *q)
{
	size_t off = DNS_HDR;

	memset(q, 0, sizeof(*q));
	/* sanitize start */
	if (len < DNS_HDR || len > DNS_MAX_MSG)
		return -EINVAL;
	/* QR=0, opcode QUERY; one question, no answer, any additional (EDNS) */
	if ((untrusted[2] & 0xf8) || get16(untrusted + 4) != 1 ||
	    get16(untrusted + 6) || get16(untrusted + 8))
		return -EINVAL;
	q->id = get16(untrusted);
	if (read_question(untrusted, len, &off, q->qname, &q->qtype) ||
	    !q->qname[0])
		return -EINVAL;
	/* sanitize end */
	return 0;
}

struct chain {
	char name[DNS_MAX_CHAIN][POLICY_NET_NAME_MAX + 1];
	size_t n;
};

static bool in_chain(const struct chain *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return true;
	return false;
}

/*
 * One walk over the answer section from @off: with @a NULL, grow @c with
 * the targets of CNAMEs owned by names in it; else take the A records
 * owned by names in @c. 0 or -EINVAL.
 */
static int scan(const uint8_t *buf, size_t len, size_t off, size_t ancount,
		struct chain *c, struct dns_answer *a)
{
	char owner[POLICY_NET_NAME_MAX + 1], target[POLICY_NET_NAME_MAX + 1];
	size_t i;

	for (i = 0; i < ancount; i++) {
		uint16_t type, class, rdlen;
		uint32_t ttl;

		if (read_name(buf, len, &off, owner) || off + 10 > len)
			return -EINVAL;
		type = get16(buf + off);
		class = get16(buf + off + 2);
		ttl = get32(buf + off + 4);
		rdlen = get16(buf + off + 8);
		off += 10;
		if (off + rdlen > len)
			return -EINVAL;
		if (class != CLASS_IN || !in_chain(c, owner)) {
			off += rdlen;
			continue;
		}
		if (!a && type == TYPE_CNAME) {
			size_t t = off;

			if (read_name(buf, len, &t, target) || t != off + rdlen)
				return -EINVAL;
			if (c->n < DNS_MAX_CHAIN && !in_chain(c, target))
				memcpy(c->name[c->n++], target,
				       sizeof(c->name[0]));
		} else if (a && type == TYPE_A) {
			if (rdlen != 4)
				return -EINVAL;
			if (a->naddrs < DNS_MAX_ADDRS) {
				a->addr[a->naddrs] = get32(buf + off);
				/* RFC 2181: a TTL above 2^31 means 0 */
				a->ttl[a->naddrs++] = ttl > 0x7fffffffu ? 0 :
									  ttl;
			}
		}
		off += rdlen;
	}
	return 0;
}

int dns_parse_answer(const uint8_t *buf, size_t len, struct dns_answer *a)
{
	struct chain c = { .n = 1 };
	size_t off = DNS_HDR, ancount, before;
	int i;

	memset(a, 0, sizeof(*a));
	if (len < DNS_HDR || len > 65535 || !(buf[2] & 0x80) ||
	    get16(buf + 4) != 1)
		return -EINVAL;
	a->id = get16(buf);
	ancount = get16(buf + 6);
	if (read_question(buf, len, &off, a->qname, &a->qtype) || !a->qname[0])
		return -EINVAL;
	memcpy(c.name[0], a->qname, sizeof(c.name[0]));
	/* CNAMEs may come in any order: walk until the chain stops growing */
	for (i = 0; i < DNS_MAX_CHAIN; i++) {
		before = c.n;
		if (scan(buf, len, off, ancount, &c, NULL))
			return -EINVAL;
		if (c.n == before)
			break;
	}
	return scan(buf, len, off, ancount, &c, a);
}
