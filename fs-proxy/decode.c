// SPDX-License-Identifier: GPL-2.0
/*
 * The one place where a guest's fs request enters fs-proxy: the fixed
 * header is copied out, every length and string checked, and only then
 * does the handler see it (as struct fs_request).
 */
#include <errno.h>
#include <string.h>

#include "decode.h"

/* A single path component: 1-255 bytes, no '/', no NUL, not . or .. */
static bool name_ok(const char *s, uint32_t len)
{
	if (!len || len > FS_NAME_MAX || memchr(s, '/', len) ||
	    memchr(s, '\0', len))
		return false;
	if ((len == 1 && s[0] == '.') ||
	    (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	return true;
}

static bool text_ok(const char *s, uint32_t len, uint32_t max)
{
	return len && len < max && !memchr(s, '\0', len);
}

/* Which strings each request carries: 0 none, 1 a name, 2 two names, ... */
enum { S_NONE, S_NAME, S_NAME_NAME, S_NAME_TARGET, S_XATTR };

static int strings_of(uint16_t type)
{
	switch (type) {
	case FS_LOOKUP:
	case FS_MKNOD:
	case FS_MKDIR:
	case FS_UNLINK:
	case FS_RMDIR:
	case FS_CREATE:
		return S_NAME;
	case FS_RENAME:
		return S_NAME_NAME;
	case FS_LINK:
		return S_NAME; /* the new name; the source is nodeid */
	case FS_SYMLINK:
		return S_NAME_TARGET;
	case FS_GETXATTR:
		return S_XATTR;
	}
	return S_NONE;
}

int fs_decode(uint16_t type, const void *untrusted_buf, uint32_t len,
	      struct fs_request *rq)
{
	const uint8_t *untrusted = untrusted_buf;
	const char *s1, *s2;
	uint64_t need;
	int strs;

	memset(rq, 0, offsetof(struct fs_request, name) + 1);
	rq->name2[0] = '\0';
	rq->data = NULL;
	rq->datalen = 0;
	if (type == FS_HELLO) {
		/* sanitize start */
		if (len != sizeof(struct fs_hello))
			return -EPROTO;
		/* sanitize end */
		rq->type = type;
		memcpy(&rq->h.size, untrusted, sizeof(uint32_t)); /* version */
		return 0;
	}
	if (len < sizeof(rq->h))
		return -EPROTO;
	memcpy(&rq->h, untrusted, sizeof(rq->h));
	rq->type = type;
	/* sanitize start */
	if (type < FS_LOOKUP || type >= FS_OP_MAX)
		return -EINVAL;
	need = (uint64_t)sizeof(rq->h) + rq->h.namelen + rq->h.namelen2;
	if (type == FS_READ || type == FS_WRITE) {
		if (rq->h.size > FS_MAX_IO || rq->h.flags & ~FS_IO_POOL ||
		    (rq->h.flags & FS_IO_POOL && rq->h.mode >= FS_POOL_SLOTS))
			return -EINVAL;
		if (type == FS_WRITE && !(rq->h.flags & FS_IO_POOL))
			need += rq->h.size;
	}
	if (need != len)
		return -EPROTO;
	s1 = (const char *)untrusted + sizeof(rq->h);
	s2 = s1 + rq->h.namelen;
	strs = strings_of(type);
	switch (strs) {
	case S_NONE:
		if (rq->h.namelen || rq->h.namelen2)
			return -EINVAL;
		break;
	case S_NAME:
		if (!name_ok(s1, rq->h.namelen) || rq->h.namelen2)
			return -EINVAL;
		break;
	case S_NAME_NAME:
		if (!name_ok(s1, rq->h.namelen) || !name_ok(s2, rq->h.namelen2))
			return -EINVAL;
		break;
	case S_NAME_TARGET:
		if (!name_ok(s1, rq->h.namelen) ||
		    !text_ok(s2, rq->h.namelen2, FS_PATH_MAX))
			return -EINVAL;
		break;
	case S_XATTR:
		if (rq->h.namelen ||
		    !text_ok(s2, rq->h.namelen2, FS_NAME_MAX + 1))
			return -EINVAL;
		break;
	}
	switch (type) {
	case FS_READ:
	case FS_READDIR:
		if (rq->h.size > FS_MAX_IO || rq->h.offset > INT64_MAX)
			return -EINVAL;
		break;
	case FS_WRITE:
		if (rq->h.offset > INT64_MAX - FS_MAX_IO)
			return -EINVAL;
		break;
	case FS_GETXATTR:
	case FS_LISTXATTR:
		if (rq->h.size > FS_XATTR_MAX)
			return -EINVAL;
		break;
	case FS_SETATTR:
		if (rq->h.flags & ~FS_SET_KNOWN || rq->h.offset > INT64_MAX ||
		    rq->h.atimensec >= 1000000000u ||
		    rq->h.mtimensec >= 1000000000u)
			return -EINVAL;
		break;
	}
	/* sanitize end */
	memcpy(rq->name, s1, rq->h.namelen);
	rq->name[rq->h.namelen] = '\0';
	memcpy(rq->name2, s2, rq->h.namelen2);
	rq->name2[rq->h.namelen2] = '\0';
	if (type == FS_WRITE && !(rq->h.flags & FS_IO_POOL)) {
		rq->data = (const uint8_t *)s2 + rq->h.namelen2;
		rq->datalen = rq->h.size;
	}
	return 0;
}
