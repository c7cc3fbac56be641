// SPDX-License-Identifier: GPL-2.0
/*
 * Page allocation for everything VMX touches (VMXON regions, VMCS, bitmaps,
 * EPT tables, guest pages). One counter of pages held lets the tests prove
 * that load/unload and VM teardown leak nothing.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/io.h>
#include "../hv.h"

static atomic64_t pages_in_use = ATOMIC64_INIT(0);

struct page *hv_alloc_page(void)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (page)
		atomic64_inc(&pages_in_use);
	return page;
}

/*
 * A 2 MiB guest page: physically contiguous and aligned (EPT needs it),
 * split into order-0 pages so that a later 4 KiB split of the EPT leaf can
 * free the pieces one by one.
 */
struct page *hv_alloc_2m(void)
{
	struct page *page;

	page = alloc_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN, 9);
	if (!page)
		return NULL;
	split_page(page, 9);
	atomic64_add(512, &pages_in_use);
	return page;
}

void hv_free_page(struct page *page)
{
	if (!page)
		return;
	__free_page(page);
	atomic64_dec(&pages_in_use);
}

void hv_free_phys(u64 hpa)
{
	hv_free_page(pfn_to_page(hpa >> PAGE_SHIFT));
}

s64 hv_pages_in_use(void)
{
	return atomic64_read(&pages_in_use);
}
