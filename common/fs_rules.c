// SPDX-License-Identifier: GPL-2.0
/*
 * Policy rules for the fs device: compiled once from the policy, then
 * matched per path, component by component ('*' and '?' inside one
 * component, '**' any number of components; neither matches a leading dot).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_rules.h"
#include "util.h"

#define MAX_COMPS 2048

/* Never served, whatever the rules say: the cappsule mounts its own. */
static const char *const hidden_top[] = { "proc", "sys", "dev", "run", "tmp" };

enum { M_MATCH = 1, M_PREFIX = 2 };

bool fs_policy_whole_host(const struct policy *p)
{
	size_t i;

	for (i = 0; i < p->nfs; i++)
		if (!strcmp(p->fs[i].pattern, "/**") &&
		    p->fs[i].mode == (POLICY_R | POLICY_W | POLICY_X))
			return true;
	return false;
}

static int add_comp(struct fs_rule *r, const char *s, size_t len, bool literal)
{
	struct fs_comp *c = realloc(r->c, (r->n + 1) * sizeof(*c));

	if (!c)
		return -ENOMEM;
	r->c = c;
	c = &r->c[r->n];
	c->s = strndup(s, len);
	if (!c->s)
		return -ENOMEM;
	c->any_depth = !literal && !strcmp(c->s, "**");
	c->glob = !literal && !c->any_depth && strpbrk(c->s, "*?[");
	r->n++;
	return 0;
}

/* Split "/a/b" (or a home directory, literally) into components. */
static int add_comps(struct fs_rule *r, const char *path, bool literal)
{
	const char *p = path, *end;
	int ret;

	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		if (r->n >= MAX_COMPS)
			return -ENAMETOOLONG;
		ret = add_comp(r, p, (size_t)(end - p), literal);
		if (ret)
			return ret;
		p = end;
	}
	return 0;
}

static void rule_free(struct fs_rule *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->c[i].s);
	free(r->c);
}

int fs_rules_build(struct fs_rules *r, const struct policy *p, const char *home,
		   char *err, size_t errlen)
{
	size_t i, hl = strlen("/" POLICY_HOME);
	int ret;

	memset(r, 0, sizeof(*r));
	r->whole_host = fs_policy_whole_host(p);
	r->v = calloc(p->nfs ? p->nfs : 1, sizeof(*r->v));
	if (!r->v)
		return -ENOMEM;
	if (home && home[0] == '/' && strcmp(home, "/")) {
		r->home = strdup(home);
		if (!r->home) {
			fs_rules_free(r);
			return -ENOMEM;
		}
	}
	for (i = 0; i < p->nfs; i++) {
		const char *pat = p->fs[i].pattern;
		struct fs_rule *rule = &r->v[r->n];

		memset(rule, 0, sizeof(*rule));
		rule->mode = p->fs[i].mode;
		rule->listable = p->fs[i].dir_only;
		if (!strncmp(pat, "/" POLICY_HOME, hl) &&
		    (pat[hl] == '/' || !pat[hl])) {
			/* no home (or a strange one): rules under it grant nothing */
			if (!home || home[0] != '/')
				continue;
			ret = add_comps(rule, home, true);
			if (!ret)
				ret = add_comps(rule, pat + hl, false);
		} else {
			ret = add_comps(rule, pat, false);
		}
		if (ret) {
			rule_free(rule);
			snprintf(err, errlen, "filesystem rule %s: %s", pat,
				 strerror(-ret));
			fs_rules_free(r);
			return ret;
		}
		r->n++;
	}
	ret = fs_rules_settle(r);
	if (ret) {
		snprintf(err, errlen, "filesystem rules: %s", strerror(-ret));
		fs_rules_free(r);
	}
	return ret;
}

int fs_rules_add_share(struct fs_rules *r, const char *path, bool rw)
{
	struct fs_share_dir *s;
	size_t i, len = strlen(path);

	if (path[0] != '/' || len >= FS_RULES_PATH_MAX)
		return -EINVAL;
	while (len > 1 && path[len - 1] == '/')
		len--;
	/* the same folder twice: the later one decides */
	for (i = 0; i < r->nshares; i++) {
		if (strlen(r->shares[i].path) == len &&
		    !strncmp(r->shares[i].path, path, len)) {
			r->shares[i].rw = rw;
			return 0;
		}
	}
	s = realloc(r->shares, (r->nshares + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	r->shares = s;
	s[r->nshares].path = strndup(path, len);
	if (!s[r->nshares].path)
		return -ENOMEM;
	s[r->nshares].rw = rw;
	r->nshares++;
	return 0;
}

int fs_rules_add_policy_shares(struct fs_rules *r, const struct policy *p,
			       const char *home, fs_share_admit_fn *admit,
			       void *ctx)
{
	char buf[FS_RULES_PATH_MAX];
	size_t i;
	int ret;

	for (i = 0; i < p->nshared; i++) {
		const char *s = fs_rules_policy_share(p->shared[i], home, buf,
						      sizeof(buf));

		/* @HOME@/... without a home (or too long): no share */
		if (!s || s[0] != '/')
			continue;
		ret = admit ? admit(ctx, s) : 1;
		if (ret < 0)
			return ret;
		if (!ret)
			continue;
		ret = fs_rules_add_share(r, s, true);
		if (ret)
			return ret;
	}
	return 0;
}

void fs_rules_free(struct fs_rules *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		rule_free(&r->v[i]);
	for (i = 0; i < r->nshares; i++)
		free(r->shares[i].path);
	for (i = 0; i < r->ntrees; i++)
		free(r->trees[i].path);
	free(r->v);
	free(r->shares);
	free(r->trees);
	free(r->home);
	memset(r, 0, sizeof(*r));
}

static bool comp_match(const struct fs_comp *c, const char *name)
{
	if (!c->glob)
		return !strcmp(c->s, name);
	/* FNM_PERIOD: a leading dot is matched only by a literal dot */
	return fnmatch(c->s, name, FNM_PERIOD) == 0;
}

/* Add every state reachable from @st[i] without a component: past '**'. */
static void closure(uint8_t *st, const struct fs_comp *c, size_t nc)
{
	size_t i;

	for (i = 0; i < nc; i++)
		if (st[i] && c[i].any_depth)
			st[i + 1] = 1;
}

/*
 * M_MATCH: the whole path matches the rule; M_PREFIX: the path is a
 * folder above something the rule may match. The rule runs as an NFA
 * over its components (state i: c[i] is next), so a path costs
 * components x rule length, whatever the '**'s.
 */
static unsigned match(char **p, size_t np, const struct fs_comp *c, size_t nc)
{
	uint8_t a[MAX_COMPS + 1], b[MAX_COMPS + 1], *cur = a, *next = b, *t;
	unsigned m = 0;
	bool any;
	size_t i, k;

	memset(cur, 0, nc + 1);
	cur[0] = 1;
	closure(cur, c, nc);
	for (k = 0; k < np; k++) {
		memset(next, 0, nc + 1);
		any = false;
		for (i = 0; i < nc; i++) {
			if (!cur[i])
				continue;
			if (c[i].any_depth) {
				if (p[k][0] != '.')
					next[i] = any = 1;
			} else if (comp_match(&c[i], p[k])) {
				next[i + 1] = any = 1;
			}
		}
		if (!any)
			return 0;
		closure(next, c, nc);
		t = cur;
		cur = next;
		next = t;
	}
	if (cur[nc])
		m |= M_MATCH;
	for (i = 0; i < nc; i++)
		if (cur[i])
			return m | M_PREFIX;
	return m;
}

/* 1: @path is @dir or below it; 2: @path is above @dir; 0: neither. */
static int relation(const char *path, const char *dir)
{
	size_t pl = strlen(path), dl = strlen(dir);

	if (!strcmp(dir, "/"))
		return 1;
	if (pl >= dl && !strncmp(path, dir, dl) &&
	    (path[dl] == '/' || !path[dl]))
		return 1;
	if (!strcmp(path, "/"))
		return 2;
	if (dl > pl && !strncmp(path, dir, pl) && dir[pl] == '/')
		return 2;
	return 0;
}

static bool hidden_name(const char *top)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hidden_top); i++)
		if (!strcmp(top, hidden_top[i]))
			return true;
	return false;
}

/*
 * Rule @i as a whole tree /P/{**}: its folder in @path, or false. Only
 * literal components, read granted, no listing rule, nothing where the
 * cappsule mounts its own, nowhere near a home (/home, /root, the
 * caller's), and no other rule that matches P or may match below it.
 */
static bool whole_tree(const struct fs_rules *r, size_t i, char *path,
		       size_t len)
{
	const struct fs_rule *rule = &r->v[i];
	char *comps[MAX_COMPS];
	size_t k, n = rule->n, off = 0;

	if (n < 2 || !rule->c[n - 1].any_depth || !(rule->mode & POLICY_R) ||
	    rule->listable || hidden_name(rule->c[0].s) ||
	    !strcmp(rule->c[0].s, "home") || !strcmp(rule->c[0].s, "root"))
		return false;
	for (k = 0; k + 1 < n; k++) {
		if (rule->c[k].glob || rule->c[k].any_depth)
			return false;
		comps[k] = rule->c[k].s;
		off += (size_t)snprintf(path + off, off < len ? len - off : 0,
					"/%s", rule->c[k].s);
	}
	if (off >= len)
		return false;
	if (r->home && relation(path, r->home))
		return false;
	for (k = 0; k < r->nshares; k++)
		if (relation(r->shares[k].path, path))
			return false;
	for (k = 0; k < r->n; k++)
		if (k != i && match(comps, n - 1, r->v[k].c, r->v[k].n))
			return false;
	return true;
}

int fs_rules_settle(struct fs_rules *r)
{
	char path[FS_RULES_PATH_MAX];
	struct fs_tree *t;
	size_t i;

	for (i = 0; i < r->ntrees; i++)
		free(r->trees[i].path);
	free(r->trees);
	r->trees = NULL;
	r->ntrees = 0;
	if (r->whole_host)
		return 0;
	t = calloc(r->n ? r->n : 1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	r->trees = t;
	for (i = 0; i < r->n; i++) {
		if (!whole_tree(r, i, path, sizeof(path)))
			continue;
		t[r->ntrees].path = strdup(path);
		if (!t[r->ntrees].path)
			return -ENOMEM;
		t[r->ntrees++].mode = r->v[i].mode;
	}
	return 0;
}

const char *fs_rules_policy_share(const char *s, const char *home, char *buf,
				  size_t len)
{
	size_t hl = strlen("/" POLICY_HOME);

	if (strncmp(s, "/" POLICY_HOME, hl) || (s[hl] && s[hl] != '/'))
		return s;
	if (!home || (size_t)snprintf(buf, len, "%s%s", home, s + hl) >= len)
		return NULL;
	return buf;
}

bool fs_rules_holds_share(const struct fs_rules *r, const char *path)
{
	size_t i;

	for (i = 0; i < r->nshares; i++)
		if (relation(r->shares[i].path, path) == 1)
			return true;
	return false;
}

void fs_rules_check(const struct fs_rules *r, const char *path,
		    struct fs_verdict *v)
{
	char buf[FS_RULES_PATH_MAX], *comps[MAX_COMPS], *s, *save = NULL;
	size_t np = 0, i, best = 0;
	bool ancestor = false, parent_listable = false;

	memset(v, 0, sizeof(*v));
	v->share = -1;
	for (i = 0; i < r->nshares; i++) {
		int rel = relation(path, r->shares[i].path);

		/* nested shares: the deepest one decides */
		if (rel == 1 && strlen(r->shares[i].path) >= best) {
			best = strlen(r->shares[i].path);
			v->share = (int)i;
		}
		ancestor |= rel == 2;
	}
	if (v->share >= 0) {
		v->kind = FS_SHARED;
		v->share_root = strlen(path) == best;
		v->rw = r->shares[v->share].rw;
		v->mode = POLICY_R | POLICY_X | (v->rw ? POLICY_W : 0);
		return;
	}
	if (strlen(path) >= sizeof(buf))
		return;
	strcpy(buf, path);
	for (s = strtok_r(buf, "/", &save); s && np < MAX_COMPS;
	     s = strtok_r(NULL, "/", &save))
		comps[np++] = s;
	if (s)
		return; /* deeper than any rule can be */
	if (np && hidden_name(comps[0])) {
		v->kind = ancestor ? FS_ANCESTOR : FS_HIDDEN;
		return;
	}
	/* a tree granted whole: as the host has it, dotfiles included */
	for (i = 0; i < r->ntrees; i++) {
		if (relation(path, r->trees[i].path) == 1) {
			v->kind = FS_GRANTED;
			v->mode = r->trees[i].mode;
			v->whole = true;
			return;
		}
	}
	for (i = 0; i < r->n; i++) {
		const struct fs_rule *rule = &r->v[i];
		unsigned m = match(comps, np, rule->c, rule->n);

		if (m & M_MATCH) {
			v->mode |= rule->mode;
			v->listable |= rule->listable;
		}
		ancestor |= (m & M_PREFIX) != 0;
		if (rule->listable && np &&
		    (match(comps, np - 1, rule->c, rule->n) & M_MATCH))
			parent_listable = true;
	}
	if (v->mode)
		v->kind = FS_GRANTED;
	else if (ancestor ||
		 !np) /* the root holds the cappsule's mount points */
		v->kind = FS_ANCESTOR;
	else if (parent_listable && comps[np - 1][0] != '.')
		v->kind = FS_NAME_ONLY;
}
