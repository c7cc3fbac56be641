// SPDX-License-Identifier: GPL-2.0
/*
 * Packets between the TUN interface and the net xchan. What comes from
 * the host is checked by net_decode() before it reaches the kernel; a
 * packet the ring has no room for waits (the kernel queues behind it)
 * rather than being dropped.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "net_msg.h"
#include "net_relay.h"
#include "util.h"

#define BATCH 64
#define NS_PER_MS 1000000ULL

/*
 * Host -> TUN. Returns false when the ring is broken. *@kick: the proxy
 * may wait for the room freed (net_room_kick()); the peer is kicked once
 * per turn, not per packet.
 */
static bool from_host(struct xchan *x, int tun, uint64_t *last_ns, bool *kick)
{
	static uint8_t buf[NET_MAX_MSG];
	struct ring_msg_hdr hdr;
	uint64_t took = 0;
	struct net_msg m;
	int n, i;

	for (i = 0; i < BATCH * 4; i++) {
		n = ring_recv(&x->rx, &hdr, buf, sizeof(buf));
		if (n == -EAGAIN) {
			*kick |= net_room_kick(took, true);
			return true;
		}
		if (n < 0)
			return false;
		took += net_ring_bytes((uint32_t)n);
		if (!i)
			*last_ns = now_ns();
		if (net_decode(hdr.type, buf, (uint32_t)n, false, &m))
			continue;
		/* a full TUN queue drops, as a full link would */
		if (m.type == NET_PACKET &&
		    write(tun, m.packet.data, m.packet.len) < 0 &&
		    errno != EAGAIN && errno != EIO)
			log_debug("net: tun write: %s", strerror(errno));
	}
	*kick |= net_room_kick(took, false);
	return true;
}

/* TUN -> host. *@held: a packet read but not yet sent (ring full). */
static void to_host(struct xchan *x, int tun, uint8_t *pkt, ssize_t *held,
		    bool *kick)
{
	int i;

	for (i = 0; i < BATCH; i++) {
		if (*held <= 0) {
			*held = read(tun, pkt, NET_MTU);
			if (*held <= 0)
				return;
		}
		if ((size_t)*held < NET_MIN_PACKET) {
			*held = 0;
			continue;
		}
		if (ring_send(&x->tx, NET_PACKET, pkt, (uint32_t)*held) ==
		    -EAGAIN)
			return; /* the proxy's kick tells when there is room */
		*kick = true;
		*held = 0;
	}
}

int net_relay(struct xchan *x, int tun)
{
	static uint8_t pkt[NET_MTU];
	uint64_t last_ns = now_ns();
	ssize_t held = 0;
	bool kick = false;

	for (;;) {
		struct pollfd p[2] = { { x->notify_in, POLLIN, 0 },
				       { tun, held > 0 ? 0 : POLLIN, 0 } };
		/* a batch left messages behind: no sleeping on them */
		int ret = poll(p, 2, ring_pending(&x->rx) ? 0 : NET_ALIVE_MS);

		if (ret < 0 && errno != EINTR)
			return 1;
		if (p[0].revents)
			xchan_ack(x);
		if (!from_host(x, tun, &last_ns, &kick) || xchan_broken(x)) {
			log_err("net: the ring is broken: network down");
			break;
		}
		if (now_ns() - last_ns > NET_DEAD_MS * NS_PER_MS) {
			log_err("net: the host's network proxy stopped: network down");
			break;
		}
		to_host(x, tun, pkt, &held, &kick);
		if (kick) {
			kick = false;
			xchan_kick(x);
		}
	}
	/* The last descriptor of a TUN closes: the interface and routes go. */
	close(tun);
	return 1;
}
