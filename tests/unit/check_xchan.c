// SPDX-License-Identifier: GPL-2.0
/* xchan: regions, both sides mapped, notifications, sealing. */
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib.h"
#include "proto/console.h"
#include "vtx_chan.h"
#include "xchan.h"

START_TEST(test_roundtrip_and_kick)
{
	struct xchan_fds fds;
	struct xchan host, guest;
	struct ring_msg_hdr h;
	char buf[CONSOLE_MAX_MSG];
	struct pollfd p;

	ck_assert_int_eq(xchan_create(&console_layout, &fds), 0);
	ck_assert_int_eq(xchan_map(&host, &console_layout, &fds, true), 0);
	ck_assert_int_eq(xchan_map(&guest, &console_layout, &fds, false), 0);

	/* nothing pending: the guest's notification is quiet */
	p = (struct pollfd){ guest.notify_in, POLLIN, 0 };
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	ck_assert_int_eq(xchan_send(&host, CONSOLE_STDIN, "hello", 5), 0);
	ck_assert_int_eq(poll(&p, 1, 0), 1);
	xchan_ack(&guest);
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	ck_assert_int_eq(xchan_recv(&guest, &h, buf, sizeof(buf)), 5);
	ck_assert_int_eq(h.type, CONSOLE_STDIN);
	ck_assert(!memcmp(buf, "hello", 5));

	/* the other way */
	ck_assert_int_eq(xchan_send(&guest, CONSOLE_STDOUT, "world", 5), 0);
	ck_assert_int_eq(xchan_recv(&host, &h, buf, sizeof(buf)), 5);
	ck_assert(!memcmp(buf, "world", 5));

	xchan_unmap(&host);
	xchan_unmap(&guest);
	xchan_fds_close(&fds);
}
END_TEST

START_TEST(test_region_is_sealed)
{
	struct xchan_fds fds;

	ck_assert_int_eq(xchan_create(&console_layout, &fds), 0);
	/* a peer may not shrink the region under the other side's mapping */
	ck_assert_int_lt(ftruncate(fds.mem, 4096), 0);
	ck_assert_int_lt(ftruncate(fds.mem, 1 << 30), 0);
	ck_assert_int_eq(fcntl(fds.mem, F_GET_SEALS) & F_SEAL_SHRINK,
			 F_SEAL_SHRINK);
	xchan_fds_close(&fds);
}
END_TEST

START_TEST(test_guest_checks_header)
{
	struct xchan_fds fds;
	struct xchan guest;
	uint32_t *hdr;

	ck_assert_int_eq(xchan_create(&console_layout, &fds), 0);
	hdr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fds.mem, 0);
	ck_assert_ptr_ne(hdr, MAP_FAILED);
	hdr[0] = 0xdeadbeef; /* wrong magic */
	ck_assert_int_eq(xchan_map(&guest, &console_layout, &fds, false),
			 -EPROTO);
	munmap(hdr, 4096);
	xchan_fds_close(&fds);
}
END_TEST

START_TEST(test_wrong_layout_size)
{
	struct xchan_fds fds;
	struct xchan x;
	struct xchan_layout other = console_layout;

	other.g2h_size *= 2;
	ck_assert_int_eq(xchan_create(&console_layout, &fds), 0);
	ck_assert_int_eq(xchan_map(&x, &other, &fds, true), -EPROTO);
	xchan_fds_close(&fds);
}
END_TEST

/*
 * The vtx backend's channel: cappsuled's control and console regions
 * mapped back to back; the agent attaches both from the one buffer.
 */
START_TEST(test_attach_mem_vtx_chan)
{
	size_t off = vtx_chan_console_off(), all = vtx_chan_size();
	struct xchan_fds ctl, con;
	struct xchan host, guest, g2;
	struct ring_msg_hdr h;
	char buf[64];
	uint8_t *base;

	ck_assert_int_eq(xchan_create(&control_layout, &ctl), 0);
	ck_assert_int_eq(xchan_create(&console_layout, &con), 0);
	ck_assert_int_eq(xchan_map(&host, &console_layout, &con, true), 0);
	base = mmap(NULL, all, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(base, MAP_FAILED);
	ck_assert_ptr_ne(mmap(base, off, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_FIXED, ctl.mem, 0),
			 MAP_FAILED);
	ck_assert_ptr_ne(mmap(base + off, all - off, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_FIXED, con.mem, 0),
			 MAP_FAILED);
	/* the console's region where vtx_chan.h says, its rings live */
	ck_assert_int_eq(xchan_attach_mem(&guest, &console_layout, base + off,
					  all - off, false),
			 0);
	ck_assert_int_eq(guest.notify_in, -1);
	ck_assert_int_eq(xchan_send(&host, CONSOLE_STDIN, "abc", 3), 0);
	ck_assert_int_eq(ring_recv(&guest.rx, &h, buf, sizeof(buf)), 3);
	ck_assert(!memcmp(buf, "abc", 3));
	ck_assert_int_eq(ring_send(&guest.tx, CONSOLE_STDOUT, "xyz", 3), 0);
	ck_assert_int_eq(xchan_recv(&host, &h, buf, sizeof(buf)), 3);
	ck_assert_int_eq(h.type, CONSOLE_STDOUT);
	/* the wrong size, or a region the host did not make: refused */
	ck_assert_int_eq(xchan_attach_mem(&g2, &console_layout, base + off,
					  all - off - 4096, false),
			 -EPROTO);
	ck_assert_int_eq(xchan_attach_mem(&g2, &console_layout, base, off,
					  false),
			 -EPROTO);
	ck_assert_int_eq(
		xchan_attach_mem(&g2, &control_layout, base, off, false), 0);
	munmap(base, all);
	xchan_unmap(&host);
	xchan_fds_close(&ctl);
	xchan_fds_close(&con);
}
END_TEST

Suite *suite_xchan(void)
{
	Suite *s = suite_create("xchan");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_roundtrip_and_kick);
	tcase_add_test(tc, test_region_is_sealed);
	tcase_add_test(tc, test_guest_checks_header);
	tcase_add_test(tc, test_wrong_layout_size);
	tcase_add_test(tc, test_attach_mem_vtx_chan);
	suite_add_tcase(s, tc);
	return s;
}
