/*
 * delay-relay: joins two network interfaces (normally veth ends) and forwards every
 * Ethernet frame received on one to the other after a configured one-way delay,
 * separately for each direction, in arrival order. It stands in for the fibre
 * latency of an emulated link because this kernel has no netem qdisc.
 *
 *   delay-relay --a IFA --b IFB [--delay-ms MS | --delay-ab-ms MS --delay-ba-ms MS]
 *               [--control PATH] [--slots N] [--rt-priority P] [--die-with-parent]
 *
 * Direction "ab" carries frames received on IFA out of IFB, "ba" the reverse.
 * SIGUSR1 cuts the link in both directions (frames in flight and new frames are
 * dropped, as on a fibre cut), SIGUSR2 restores it. The optional control socket (a
 * Unix datagram socket) takes finer commands, one per datagram, and answers each:
 *   cut ab|ba|both   restore ab|ba|both   delay ab|ba|both MS   stats   reset-stats
 * "stats" answers a JSON object with per-direction counters and the lateness of
 * sent frames relative to their deadline. On exit the stats go to stderr.
 * "ready" is printed on stdout once both interfaces are bound.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "frame-ring.h"

#define BATCH 64
#define RETRY_NS 50000ull /* retry a send the kernel refused (ENOBUFS) after 50 us */
#define LATE_LIMIT_NS 500000ull

struct direction {
	const char *name;
	int in_fd, out_fd;
	uint64_t delay_ns;
	bool cut;
	uint64_t retry_at_ns; /* nonzero while a refused send waits to be retried */
	struct frame_ring ring;
	uint64_t rx, tx, drop_full, drop_cut, drop_oversize, tx_error, tx_retry, csum_partial;
	uint64_t late_max_ns, late_sum_ns, late_over_limit;
};

struct relay {
	struct direction ab, ba;
	int timer_fd, signal_fd, control_fd;
	const char *control_path;
	uint8_t scratch[65536];
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int open_port(const char *ifname, unsigned *mtu_out)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		die("socket(AF_PACKET)");
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		fprintf(stderr, "delay-relay: no interface %s\n", ifname);
		exit(1);
	}
	int ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFMTU, &ifr) < 0)
		die("SIOCGIFMTU");
	*mtu_out = (unsigned)ifr.ifr_mtu;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex};
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind(AF_PACKET)");
	/* Frames for any destination MAC must pass, as on a cable. */
	struct packet_mreq mr = {.mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC};
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
		die("PACKET_ADD_MEMBERSHIP");
	/* Frames this socket sends must not come back as input (Linux >= 4.20); older
	 * kernels are covered by the sll_pkttype == PACKET_OUTGOING check on receive. */
	int one = 1;
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	/* The kernel strips VLAN tags into auxdata (tp_vlan_tci); we put them back. */
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0)
		die("PACKET_AUXDATA");
	/* Kernel receive timestamps: the delay counts from arrival, not from when this
	 * process got scheduled. */
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0)
		die("SO_TIMESTAMPNS");
	int buf = 8 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	return fd;
}

/* Maps a kernel CLOCK_REALTIME arrival stamp onto CLOCK_MONOTONIC. */
static uint64_t arrival_mono(const struct msghdr *msg, uint64_t mono_now, uint64_t real_now)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		struct timespec ts;
		memcpy(&ts, CMSG_DATA(c), sizeof(ts));
		uint64_t real = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
		if (real > real_now || real_now - real > 1000000000ull)
			return mono_now; /* clock stepped: fall back to now */
		return mono_now - (real_now - real);
	}
	return mono_now;
}

/* Re-inserts a VLAN tag the kernel moved into auxdata (IEEE 802.1Q: TPID then TCI
 * right after the source MAC). The slot's headroom makes room in place. Also counts
 * frames whose checksum the sender left to offload (TP_STATUS_CSUMNOTREADY): they are
 * relayed as they are and the receiver will drop them, so the sender needs `tx off`. */
static void restore_vlan(const struct msghdr *msg, struct frame_slot *s, struct direction *d)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
			continue;
		struct tpacket_auxdata aux;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
			d->csum_partial++;
		if (!(aux.tp_status & TP_STATUS_VLAN_VALID) || s->len < 12)
			return;
		uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux.tp_vlan_tpid : ETH_P_8021Q;
		uint16_t tag[2] = {htons(tpid), htons(aux.tp_vlan_tci)};
		memmove(s->data, s->data + FRAME_RING_HEADROOM, 12);
		memcpy(s->data + 12, tag, sizeof(tag));
		s->offset = 0;
		s->len += 4;
		return;
	}
}

/* Receives one batch of frames on d->in_fd into d's ring. */
static void receive_batch(struct relay *rl, struct direction *d)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll from[BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata)) + CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl[BATCH];
	uint32_t free_slots = d->ring.capacity - d->ring.count;
	bool into_ring = free_slots > 0 && !d->cut;
	unsigned n = into_ring ? (free_slots < BATCH ? free_slots : BATCH) : BATCH;
	for (unsigned i = 0; i < n; i++) {
		if (into_ring) {
			struct frame_slot *s = frame_ring_slot_after_tail(&d->ring, i);
			iov[i].iov_base = s->data + FRAME_RING_HEADROOM;
			iov[i].iov_len = d->ring.frame_bytes;
		} else {
			iov[i].iov_base = rl->scratch;
			iov[i].iov_len = sizeof(rl->scratch);
		}
		memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &from[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		msgs[i].msg_hdr.msg_control = ctl[i].buf;
		msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
	}
	int got = recvmmsg(d->in_fd, msgs, n, MSG_DONTWAIT, NULL);
	if (got <= 0)
		return; /* EAGAIN, or ENETDOWN while the interface is down: nothing to relay */
	uint64_t mono_now = clock_ns(CLOCK_MONOTONIC), real_now = clock_ns(CLOCK_REALTIME);
	uint64_t last = frame_ring_last_deadline(&d->ring);
	uint32_t first = d->ring.head + d->ring.count; /* slot index frame 0 went into */
	for (int i = 0; i < got; i++) {
		if (from[i].sll_pkttype == PACKET_OUTGOING)
			continue;
		d->rx++;
		if (!into_ring) {
			if (d->cut)
				d->drop_cut++;
			else
				d->drop_full++;
			continue;
		}
		if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
			d->drop_oversize++;
			continue;
		}
		/* Slots are filled in order; a skipped frame leaves a gap to close. */
		struct frame_slot *s = frame_ring_tail(&d->ring);
		struct frame_slot *src = &d->ring.slots[(first + (uint32_t)i) & (d->ring.capacity - 1)];
		if (src != s)
			memcpy(s->data + FRAME_RING_HEADROOM, src->data + FRAME_RING_HEADROOM, msgs[i].msg_len);
		s->len = msgs[i].msg_len;
		s->offset = FRAME_RING_HEADROOM;
		restore_vlan(&msgs[i].msg_hdr, s, d);
		uint64_t deadline = arrival_mono(&msgs[i].msg_hdr, mono_now, real_now) + d->delay_ns;
		/* Never overtake an earlier frame, even right after the delay was lowered. */
		if (deadline < last)
			deadline = last;
		s->deadline_ns = last = deadline;
		frame_ring_push(&d->ring);
	}
}

/* Sends every frame of d whose deadline has passed. */
static void transmit_due(struct direction *d, uint64_t now)
{
	if (d->retry_at_ns != 0 && now < d->retry_at_ns)
		return;
	d->retry_at_ns = 0;
	while (!frame_ring_empty(&d->ring)) {
		struct frame_slot *s = frame_ring_head(&d->ring);
		if (s->deadline_ns > now)
			return;
		ssize_t w = send(d->out_fd, s->data + s->offset, s->len, MSG_DONTWAIT);
		if (w < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
			/* The peer's backlog is full: keep the frame and its place in line. */
			d->tx_retry++;
			d->retry_at_ns = now + RETRY_NS;
			return;
		}
		if (w < 0) {
			d->tx_error++; /* e.g. ENETDOWN while the far interface is down */
		} else {
			d->tx++;
			uint64_t late = now - s->deadline_ns;
			d->late_sum_ns += late;
			if (late > d->late_max_ns)
				d->late_max_ns = late;
			if (late > LATE_LIMIT_NS)
				d->late_over_limit++;
		}
		frame_ring_pop(&d->ring);
		now = clock_ns(CLOCK_MONOTONIC);
	}
}

static uint64_t next_wakeup(const struct direction *d)
{
	if (d->retry_at_ns != 0)
		return d->retry_at_ns;
	if (frame_ring_empty(&d->ring))
		return 0;
	return d->ring.slots[d->ring.head].deadline_ns;
}

static void arm_timer(struct relay *rl)
{
	uint64_t a = next_wakeup(&rl->ab), b = next_wakeup(&rl->ba);
	uint64_t t = (a == 0) ? b : (b == 0 ? a : (a < b ? a : b));
	struct itimerspec its = {0};
	if (t != 0) {
		its.it_value.tv_sec = (time_t)(t / 1000000000ull);
		its.it_value.tv_nsec = (long)(t % 1000000000ull);
	}
	/* An absolute time already past fires at once; zero disarms. */
	if (timerfd_settime(rl->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		die("timerfd_settime");
}

static void set_cut(struct direction *d, bool cut)
{
	d->cut = cut;
	if (cut) {
		d->drop_cut += d->ring.count; /* frames on the wire die with the fibre */
		frame_ring_clear(&d->ring);
		d->retry_at_ns = 0;
	}
}

static int format_direction(char *out, size_t cap, const struct direction *d)
{
	return snprintf(out, cap,
	                "\"%s\":{\"delay_us\":%.1f,\"cut\":%s,\"queued\":%u,\"rx\":%llu,\"tx\":%llu,"
	                "\"drop_full\":%llu,\"drop_cut\":%llu,\"drop_oversize\":%llu,\"tx_error\":%llu,"
	                "\"tx_retry\":%llu,\"csum_partial\":%llu,\"late_max_us\":%.1f,\"late_mean_us\":%.1f,\"late_over_500us\":%llu}",
	                d->name, d->delay_ns / 1e3, d->cut ? "true" : "false", d->ring.count,
	                (unsigned long long)d->rx, (unsigned long long)d->tx, (unsigned long long)d->drop_full,
	                (unsigned long long)d->drop_cut, (unsigned long long)d->drop_oversize,
	                (unsigned long long)d->tx_error, (unsigned long long)d->tx_retry,
	                (unsigned long long)d->csum_partial, d->late_max_ns / 1e3,
	                d->tx ? (double)d->late_sum_ns / (double)d->tx / 1e3 : 0.0,
	                (unsigned long long)d->late_over_limit);
}

static void format_stats(char *out, size_t cap, const struct relay *rl)
{
	int n = snprintf(out, cap, "{");
	n += format_direction(out + n, cap - (size_t)n, &rl->ab);
	n += snprintf(out + n, cap - (size_t)n, ",");
	n += format_direction(out + n, cap - (size_t)n, &rl->ba);
	snprintf(out + n, cap - (size_t)n, "}");
}

static void reset_stats(struct direction *d)
{
	d->rx = d->tx = d->drop_full = d->drop_cut = d->drop_oversize = d->tx_error = d->tx_retry = 0;
	d->csum_partial = 0;
	d->late_max_ns = d->late_sum_ns = d->late_over_limit = 0;
}

/* Executes one control command; writes the answer into reply. */
static void run_command(struct relay *rl, char *cmd, char *reply, size_t cap)
{
	char verb[16] = "", which[8] = "";
	double ms = -1;
	int fields = sscanf(cmd, "%15s %7s %lf", verb, which, &ms);
	if (fields >= 1 && strcmp(verb, "stats") == 0) {
		format_stats(reply, cap, rl);
		return;
	}
	if (fields >= 1 && strcmp(verb, "reset-stats") == 0) {
		reset_stats(&rl->ab);
		reset_stats(&rl->ba);
		snprintf(reply, cap, "ok");
		return;
	}
	bool ab = strcmp(which, "ab") == 0 || strcmp(which, "both") == 0;
	bool ba = strcmp(which, "ba") == 0 || strcmp(which, "both") == 0;
	if (fields < 2 || (!ab && !ba)) {
		snprintf(reply, cap, "error: expected 'cut|restore|delay ab|ba|both [MS]', 'stats' or 'reset-stats'");
		return;
	}
	if (strcmp(verb, "cut") == 0 || strcmp(verb, "restore") == 0) {
		bool cut = verb[0] == 'c';
		if (ab)
			set_cut(&rl->ab, cut);
		if (ba)
			set_cut(&rl->ba, cut);
	} else if (strcmp(verb, "delay") == 0 && fields == 3 && ms >= 0 && ms <= 10000) {
		uint64_t ns = (uint64_t)(ms * 1e6 + 0.5);
		if (ab)
			rl->ab.delay_ns = ns;
		if (ba)
			rl->ba.delay_ns = ns;
	} else {
		snprintf(reply, cap, "error: bad command '%s' (delay takes 0..10000 ms)", cmd);
		return;
	}
	snprintf(reply, cap, "ok");
}

static void handle_control(struct relay *rl)
{
	char cmd[256], reply[2048];
	struct sockaddr_un peer;
	socklen_t peer_len = sizeof(peer);
	ssize_t n = recvfrom(rl->control_fd, cmd, sizeof(cmd) - 1, MSG_DONTWAIT, (struct sockaddr *)&peer, &peer_len);
	if (n < 0)
		return;
	while (n > 0 && (cmd[n - 1] == '\n' || cmd[n - 1] == '\r'))
		n--;
	cmd[n] = '\0';
	run_command(rl, cmd, reply, sizeof(reply));
	/* An unbound sender cannot be answered; the command still took effect. */
	if (peer_len > sizeof(sa_family_t))
		(void)sendto(rl->control_fd, reply, strlen(reply), MSG_DONTWAIT, (struct sockaddr *)&peer, peer_len);
}

static int open_control(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket(AF_UNIX)");
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "delay-relay: control path too long: %s\n", path);
		exit(1);
	}
	strcpy(sun.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		die("bind(control)");
	return fd;
}

static uint64_t parse_ms(const char *s, const char *opt)
{
	char *end;
	double ms = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || ms < 0 || ms > 10000) {
		fprintf(stderr, "delay-relay: %s takes milliseconds in 0..10000, got '%s'\n", opt, s);
		exit(2);
	}
	return (uint64_t)(ms * 1e6 + 0.5);
}

static void usage(void)
{
	fprintf(stderr, "usage: delay-relay --a IFA --b IFB [--delay-ms MS] [--delay-ab-ms MS] [--delay-ba-ms MS]\n"
	                "                   [--control PATH] [--slots N] [--rt-priority P] [--die-with-parent]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct relay rl;
	const char *if_a = NULL, *if_b = NULL;
	uint64_t delay_ab = 0, delay_ba = 0;
	long slots = 4096, rt_priority = 0;
	bool die_with_parent = false;
	static const struct option opts[] = {
		{"a", required_argument, 0, 'a'},           {"b", required_argument, 0, 'b'},
		{"delay-ms", required_argument, 0, 'd'},    {"delay-ab-ms", required_argument, 0, 'x'},
		{"delay-ba-ms", required_argument, 0, 'y'}, {"control", required_argument, 0, 'c'},
		{"slots", required_argument, 0, 's'},       {"rt-priority", required_argument, 0, 'r'},
		{"die-with-parent", no_argument, 0, 'p'},   {0, 0, 0, 0},
	};
	for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
		switch (c) {
		case 'a': if_a = optarg; break;
		case 'b': if_b = optarg; break;
		case 'd': delay_ab = delay_ba = parse_ms(optarg, "--delay-ms"); break;
		case 'x': delay_ab = parse_ms(optarg, "--delay-ab-ms"); break;
		case 'y': delay_ba = parse_ms(optarg, "--delay-ba-ms"); break;
		case 'c': rl.control_path = optarg; break;
		case 's': slots = strtol(optarg, NULL, 10); break;
		case 'r': rt_priority = strtol(optarg, NULL, 10); break;
		case 'p': die_with_parent = true; break;
		default: usage();
		}
	}
	if (if_a == NULL || if_b == NULL || optind != argc || slots < 16 || slots > (1 << 20) || rt_priority < 0 ||
	    rt_priority > 99)
		usage();
	if (die_with_parent && prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		die("PR_SET_PDEATHSIG");
	/* Default timer slack (50 us) would eat a tenth of the accuracy budget. */
	(void)prctl(PR_SET_TIMERSLACK, 1UL);

	unsigned mtu_a, mtu_b;
	int fd_a = open_port(if_a, &mtu_a), fd_b = open_port(if_b, &mtu_b);
	/* Ethernet header, two VLAN tags and the payload. */
	uint32_t frame_bytes = (mtu_a > mtu_b ? mtu_a : mtu_b) + 14 + 8;
	rl.ab = (struct direction){.name = "ab", .in_fd = fd_a, .out_fd = fd_b, .delay_ns = delay_ab};
	rl.ba = (struct direction){.name = "ba", .in_fd = fd_b, .out_fd = fd_a, .delay_ns = delay_ba};
	if (frame_ring_init(&rl.ab.ring, (uint32_t)slots, frame_bytes) < 0 ||
	    frame_ring_init(&rl.ba.ring, (uint32_t)slots, frame_bytes) < 0)
		die("frame ring");

	sigset_t mask;
	sigemptyset(&mask);
	int sigs[] = {SIGUSR1, SIGUSR2, SIGTERM, SIGINT, SIGHUP};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&mask, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		die("sigprocmask");
	rl.signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	rl.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (rl.signal_fd < 0 || rl.timer_fd < 0)
		die("signalfd/timerfd");
	rl.control_fd = rl.control_path ? open_control(rl.control_path) : -1;

	if (rt_priority > 0) {
		struct sched_param sp = {.sched_priority = (int)rt_priority};
		if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
			perror("delay-relay: SCHED_FIFO unavailable, running at normal priority");
		else
			(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	}
	printf("ready\n");
	fflush(stdout);

	struct pollfd pfd[5] = {
		{.fd = fd_a, .events = POLLIN},          {.fd = fd_b, .events = POLLIN},
		{.fd = rl.timer_fd, .events = POLLIN},   {.fd = rl.signal_fd, .events = POLLIN},
		{.fd = rl.control_fd, .events = POLLIN},
	};
	nfds_t nfds = rl.control_fd >= 0 ? 5 : 4;
	for (bool running = true; running;) {
		if (poll(pfd, nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[0].revents)
			receive_batch(&rl, &rl.ab);
		if (pfd[1].revents)
			receive_batch(&rl, &rl.ba);
		if (pfd[2].revents) {
			uint64_t expirations;
			(void)!read(rl.timer_fd, &expirations, sizeof(expirations));
		}
		if (pfd[3].revents) {
			struct signalfd_siginfo si;
			while (read(rl.signal_fd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGUSR1 || si.ssi_signo == SIGUSR2) {
					set_cut(&rl.ab, si.ssi_signo == SIGUSR1);
					set_cut(&rl.ba, si.ssi_signo == SIGUSR1);
				} else {
					running = false;
				}
			}
		}
		if (nfds == 5 && pfd[4].revents)
			handle_control(&rl);
		uint64_t now = clock_ns(CLOCK_MONOTONIC);
		transmit_due(&rl.ab, now);
		transmit_due(&rl.ba, now);
		arm_timer(&rl);
	}
	char stats[2048];
	format_stats(stats, sizeof(stats), &rl);
	fprintf(stderr, "%s\n", stats);
	if (rl.control_path)
		unlink(rl.control_path);
	return 0;
}
