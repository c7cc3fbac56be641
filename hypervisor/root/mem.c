// SPDX-License-Identifier: GPL-2.0
/*
 * Page allocation for everything VMX touches (VMXON regions, VMCS, bitmaps,
 * EPT tables, guest pages, snapshot copies). One counter of pages held lets
 * the tests prove that load/unload and VM teardown leak nothing; a pfn set
 * of the same pages lets a snapshot leave them out.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/xarray.h>
#include "../hv.h"

static atomic64_t pages_in_use = ATOMIC64_INIT(0);
/* pfn -> xa_mk_value(1) for every page counted above */
static DEFINE_XARRAY(hv_owned);

static struct page *hv_own(struct page *page)
{
	if (!page)
		return NULL;
	if (xa_err(xa_store(&hv_owned, page_to_pfn(page), xa_mk_value(1),
			    GFP_KERNEL))) {
		__free_page(page);
		return NULL;
	}
	atomic64_inc(&pages_in_use);
	return page;
}

struct page *hv_alloc_page(void)
{
	return hv_own(alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO));
}

/* A snapshot destination: overwritten whole, so not zeroed; may fail. */
struct page *hv_alloc_page_nozero(void)
{
	return hv_own(alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY));
}

/* Lock-free (RCU): callable with interrupts off. */
bool hv_page_owned(unsigned long pfn)
{
	return xa_load(&hv_owned, pfn) != NULL;
}

/*
 * A 2 MiB guest page: physically contiguous and aligned (EPT needs it),
 * split into order-0 pages so that a later 4 KiB split of the EPT leaf can
 * free the pieces one by one.
 */
struct page *hv_alloc_2m(void)
{
	struct page *page;
	int i, j;

	page = alloc_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN, 9);
	if (!page)
		return NULL;
	split_page(page, 9);
	for (i = 0; i < 512; i++)
		if (!hv_own(page + i))
			goto undo; /* page + i is freed already */
	return page;
undo:
	for (j = 0; j < i; j++)
		hv_free_page(page + j);
	for (j = i + 1; j < 512; j++)
		__free_page(page + j);
	return NULL;
}

void hv_free_page(struct page *page)
{
	if (!page)
		return;
	xa_erase(&hv_owned, page_to_pfn(page));
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
