// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's memory: its EPT (pure/ept.c) over module-counted pages, its VPID,
 * and a small cache of pages filled where sleeping is allowed, so that the
 * EPT-violation handler (preemption off) never allocates.
 */
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/smp.h>
#include "../hv.h"
#include "vmx_insn.h"

static DEFINE_IDA(hv_vpid_ida);

static void *hv_ept_alloc(void *ctx, u64 *hpa)
{
	struct page *page = hv_alloc_page();

	if (!page)
		return NULL;
	*hpa = page_to_phys(page);
	return page_address(page);
}

static void hv_ept_free(void *ctx, void *va)
{
	hv_free_page(virt_to_page(va));
}

static void *hv_ept_virt(void *ctx, u64 hpa)
{
	return phys_to_virt(hpa);
}

static const struct ept_ops hv_ept_ops = {
	.alloc_table = hv_ept_alloc,
	.free_table = hv_ept_free,
	.phys_to_virt = hv_ept_virt,
};

/* An EPT no CPU uses, only cloned: the module's pages, no VPID. */
int hv_ept_template_init(struct ept *ept)
{
	return ept_init(ept, &hv_ept_ops, NULL);
}

/* Its leaves are shared pages, which stay. */
void hv_ept_template_destroy(struct ept *ept)
{
	ept_destroy(ept, NULL, NULL);
}

int hv_vm_init(struct hv_vm *vm, u64 mem_limit)
{
	int id, err;

	memset(vm, 0, sizeof(*vm));
	vm->mem_limit = mem_limit;
	id = ida_alloc_range(&hv_vpid_ida, 1, 0xffff, GFP_KERNEL);
	if (id < 0)
		return id;
	vm->vpid = id;
	err = ept_init(&vm->ept, &hv_ept_ops, vm);
	if (err) {
		ida_free(&hv_vpid_ida, id);
		return err;
	}
	return 0;
}

static void hv_vm_free_leaf(void *ctx, u64 gpa, u64 entry, enum ept_level lvl)
{
	u64 hpa = entry & EPT_ADDR_MASK;
	unsigned int i, n = lvl == EPT_LEVEL_2M ? 512 : 1;

	/* shared (CoW) pages belong to whoever shared them */
	if (!(entry & EPT_SW_OWNED))
		return;
	for (i = 0; i < n; i++)
		hv_free_phys(hpa + (u64)i * PAGE_SIZE);
}

struct hv_flush {
	u64 eptp;
	u16 vpid;
};

/* INVEPT/INVVPID act on one CPU: every CPU that ran the VM must do it. */
static void hv_flush_cpu(void *data)
{
	struct hv_flush *f = data;

	hv_invept(hv_ctl.invept_type, f->eptp);
	hv_invvpid(hv_ctl.invvpid_type, f->vpid);
}

void hv_vm_destroy(struct hv_vm *vm)
{
	struct hv_flush f = { ept_pointer(&vm->ept), vm->vpid };

	if (vm->ept.pml4) {
		/* no CPU may keep translations into pages about to be reused */
		on_each_cpu(hv_flush_cpu, &f, 1);
		ept_destroy(&vm->ept, hv_vm_free_leaf, vm);
	}
	while (vm->cached)
		hv_free_page(vm->cache[--vm->cached]);
	if (vm->vpid)
		ida_free(&hv_vpid_ida, vm->vpid);
	vm->vpid = 0;
}

int hv_vm_topup(struct hv_vm *vm)
{
	while (vm->cached < HV_PAGE_CACHE) {
		struct page *page = hv_alloc_page();

		if (!page)
			return vm->cached ? 0 : -ENOMEM;
		vm->cache[vm->cached++] = page;
	}
	return 0;
}

struct page *hv_vm_take_page(struct hv_vm *vm)
{
	return vm->cached ? vm->cache[--vm->cached] : NULL;
}

int hv_vm_map(struct hv_vm *vm, u64 gpa, struct page *page, u64 flags)
{
	return ept_map(&vm->ept, gpa, page_to_phys(page), EPT_LEVEL_4K, flags);
}

void hv_vm_invept(struct hv_vm *vm)
{
	hv_invept(hv_ctl.invept_type, ept_pointer(&vm->ept));
}
