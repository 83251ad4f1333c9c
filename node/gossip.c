/* SPDX-License-Identifier: Apache-2.0 */
/* Gossip: peers, anti-entropy, announcements, pulls and fork proofs. */
#include "gossip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "event.h"
#include "gossip_msg.h"
#include "hex.h"
#include "log.h"

#define TICK_MS		250
#define BACKOFF_MIN_MS	500
#define BACKOFF_MAX_MS	30000
#define BAN_MS		30000
#define PULL_TIMEOUT_MS	15000
#define PEERS_MAX	64	/* addresses known */
#define BANS_MAX	64
/* Events a peer may send that nobody asked for, before it is cut off. */
#define UNSOLICITED_MAX	20000
/* Pulls in flight on one link: catch-up spreads over the links. */
#define LINK_PULLS_MAX	8
/* Feeds remembered per link to pull next (HEADS_MAX, and announces). */
#define WANT_MAX	(2 * CL_G_HEADS_MAX)
/*
 * New pulls wait while the server holds this many batches (batch_max
 * events each) not yet committed: enough that the checking threads
 * have work while one batch commits and the next requests travel, and
 * no more, or a fast peer would queue its whole ledger in our memory
 * (an event held is about 1 KB).  Catch-up ran as fast with 2 as with 4.
 */
#define QUEUE_BATCHES	2

static const char comp[] = "gossip";

struct cl__peer {
	struct cl__peer	*next;
	char		 addr[64];	/* HOST:PORT */
	bool		 pinned;
	uint8_t		 key[32];	/* pinned, or learnt */
	bool		 configured;	/* --peer: always tried again */
	struct cl_link	*link;		/* ours, outgoing */
	uint64_t	 next_try;
	uint64_t	 backoff;
};

/*
 * A feed being pulled: one record per author, whoever it is pulled from,
 * so two peers never both send one range.  The record outlives the
 * request: until the events it brought are committed, it says which seqs
 * are queued already, so that neither the next round nor another link
 * pulls them again (the ledger's head lags the queue by a few batches).
 */
struct cl__pull {
	uint8_t		 author[32];
	uint64_t	 id;		/* tells it from a later pull of the feed */
	uint64_t	 link_id;	/* the link that has the feed up to upto */
	uint64_t	 upto;		/* the seq that peer has */
	uint64_t	 next;		/* the first seq not yet received */
	uint64_t	 asked;		/* the request in flight: its from seq;
					   0: none */
	uint64_t	 asked_no;	/* the link's count of requests then */
	uint64_t	 expires;
	uint32_t	 jobs;		/* submissions of its events not yet
					   committed */
};

/* A feed a peer has further than we do, not yet pulled. */
struct want {
	uint8_t		 author[32];
	uint64_t	 upto;
};

struct cl__ban {
	char		 host[48];
	uint64_t	 until;
};

/* What the gossip keeps of each link. */
struct lpeer {
	struct cl_gossip	*g;
	struct cl__peer		*peer;		/* outgoing: its address */
	uint64_t		 id;
	uint64_t		 events_in, events_out;
	uint64_t		 unsolicited;
	uint64_t		 last_sync;
	uint32_t		 pulls_open;	/* requests in flight */
	uint64_t		 asks;		/* requests sent, all time */
	struct want		*want;		/* from its last HEADS and
						   announces, in author order */
	uint32_t		 want_cnt, want_cap;
	uint8_t			(*buckets)[32];	/* its last BUCKETS */
	bool			 hello;
	bool			 misbehaved;
	char			 host[48];
};

static uint64_t
now_ms(struct cl_gossip *g)
{
	return uv_now(g->loop);
}

static struct lpeer *
lp(struct cl_link *l)
{
	return l->data;
}

/*
 * Split "HOST:PORT" (IPv4 literal) into a sockaddr; port 0 only to listen
 * on.  -1 on error.
 */
static int
parse_addr_port(const char *addr, struct sockaddr_in *sa, char *host,
    size_t cap, bool any_port)
{
	const char	*colon = strrchr(addr, ':');
	char		*end;
	unsigned long	 port;
	size_t		 n;

	if (colon == NULL || colon == addr || colon[1] < '0' ||
	    colon[1] > '9')
		return -1;
	n = (size_t)(colon - addr);
	if (n >= cap)
		return -1;
	memcpy(host, addr, n);
	host[n] = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || (port == 0 && !any_port) || port > 65535)
		return -1;
	return uv_ip4_addr(host, (int)port, sa) == 0 ? 0 : -1;
}

static int
parse_addr(const char *addr, struct sockaddr_in *sa, char *host, size_t cap)
{
	return parse_addr_port(addr, sa, host, cap, false);
}

/* Learn an address ("[KEY@]HOST:PORT"); configured ones are kept. */
static struct cl__peer *
peer_add(struct cl_gossip *g, const char *spec, size_t len, bool configured)
{
	struct cl__peer		*p;
	struct sockaddr_in	 sa;
	char			 buf[CL_G_ADDR_MAX + 1], host[48], hex[65];
	const char		*at;
	uint8_t			 key[32];
	bool			 pinned = false;

	if (len == 0 || len > CL_G_ADDR_MAX)
		return NULL;
	memcpy(buf, spec, len);
	buf[len] = '\0';
	if ((at = strchr(buf, '@')) != NULL) {
		if (at - buf != 64)
			return NULL;
		memcpy(hex, buf, 64);
		hex[64] = '\0';
		if (cl_hex_decode(key, 32, hex) != CL_OK)
			return NULL;
		pinned = true;
		at++;
	} else {
		at = buf;
	}
	if (strlen(at) >= sizeof(p->addr) ||
	    parse_addr(at, &sa, host, sizeof(host)) != 0)
		return NULL;
	if (strcmp(at, g->addr) == 0 ||
	    (pinned && memcmp(key, g->pk, 32) == 0))
		return NULL;		/* ourselves */
	for (p = g->peers; p != NULL; p = p->next)
		if (strcmp(p->addr, at) == 0) {
			if (pinned && !p->pinned) {
				p->pinned = true;
				memcpy(p->key, key, 32);
			}
			p->configured |= configured;
			return p;
		}
	if (!configured && g->peer_cnt >= PEERS_MAX)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	memcpy(p->addr, at, strlen(at) + 1);
	p->pinned = pinned;
	if (pinned)
		memcpy(p->key, key, 32);
	p->configured = configured;
	p->backoff = BACKOFF_MIN_MS;
	p->next = g->peers;
	g->peers = p;
	g->peer_cnt++;
	return p;
}

static bool
banned(struct cl_gossip *g, const char *host)
{
	size_t	i;

	for (i = 0; i < g->ban_cnt; i++)
		if (strcmp(g->bans[i].host, host) == 0 &&
		    g->bans[i].until > now_ms(g))
			return true;
	return false;
}

static void
ban(struct cl_gossip *g, const char *host)
{
	size_t	i, slot = g->ban_cnt;

	for (i = 0; i < g->ban_cnt; i++)
		if (strcmp(g->bans[i].host, host) == 0 ||
		    g->bans[i].until <= now_ms(g)) {
			slot = i;
			break;
		}
	if (slot == g->ban_cnt) {
		if (g->ban_cnt == BANS_MAX)
			slot = 0;	/* the oldest goes */
		else
			g->ban_cnt++;
	}
	snprintf(g->bans[slot].host, sizeof(g->bans[slot].host), "%s", host);
	g->bans[slot].until = now_ms(g) + BAN_MS;
	g->stats.peers_banned++;
}

/* Cut a peer that broke the protocol, and hold it off for a while. */
static void
misbehaved(struct cl_link *l, cl_err err, const char *why)
{
	char	kh[17];

	cl_hex_encode(kh, l->peer_pk, 8);
	cl_log_warn(comp, "peer=%s addr=%s cut off and held off for %d s: %s "
	    "err=%s", kh, l->addr, BAN_MS / 1000, why, cl_strerror(err));
	lp(l)->misbehaved = true;
	ban(lp(l)->g, lp(l)->host);
	cl_link_close(l, err, why);
}

static struct cl_link *
link_by_id(struct cl_gossip *g, uint64_t id)
{
	struct cl_link	*l;

	for (l = g->links; l != NULL; l = l->next)
		if (lp(l)->id == id && l->state == CL_LINK_UP)
			return l;
	return NULL;
}

/* Encode m and queue it on l. */
static void
send_msg(struct cl_link *l, enum cl_link_prio prio, const struct cl_gm *m)
{
	uint8_t	*buf;
	size_t	 len;

	if (l->state != CL_LINK_UP)
		return;
	if (cl_gmsg_encode(m, CL_LINK_HEAD, &buf, &len) != CL_OK) {
		cl_log_err(comp, "cannot encode %s", cl_gmsg_name(m->type));
		return;
	}
	/* a link over its output budget is being cut: nothing to do */
	if (cl_link_send(l, prio, buf, len) != CL_OK)
		cl_log_debug(comp, "addr=%s: %s not sent", l->addr,
		    cl_gmsg_name(m->type));
}

/* The digest and bucket digests, recomputed when the log has grown. */
static cl_err
sync_cache(struct cl_gossip *g)
{
	cl_err	err;

	if (g->cache_ok && g->cache_size == g->ledger->log_size)
		return CL_OK;
	if ((err = cl_ledger_digest(g->ledger, g->digest)) != CL_OK ||
	    (err = cl_ledger_buckets(g->ledger, g->buckets)) != CL_OK)
		return err;
	g->cache_size = g->ledger->log_size;
	g->cache_ok = true;
	return CL_OK;
}

static struct cl__pull *
pull_find(struct cl_gossip *g, const uint8_t *author)
{
	size_t	i;

	for (i = 0; i < g->pull_cnt; i++)
		if (memcmp(g->pulls[i].author, author, 32) == 0)
			return &g->pulls[i];
	return NULL;
}

/* Has the server room for more pulled events? */
static bool
queue_open(struct cl_gossip *g)
{
	return cl_server_queued(g->srv) < QUEUE_BATCHES * g->cfg->batch_max;
}

static bool
link_full(struct cl_link *l)
{
	return lp(l)->pulls_open >= LINK_PULLS_MAX;
}

/* The request of p is answered, or will not be. */
static void
pull_unask(struct cl_gossip *g, struct cl__pull *p)
{
	struct cl_link	*l;

	if (p->asked == 0)
		return;
	if ((l = link_by_id(g, p->link_id)) != NULL && lp(l)->pulls_open > 0)
		lp(l)->pulls_open--;
	p->asked = 0;
}

/* Forget p (invalidates pointers into g->pulls). */
static void
pull_drop(struct cl_gossip *g, struct cl__pull *p)
{
	pull_unask(g, p);
	*p = g->pulls[--g->pull_cnt];
}

/*
 * Drop p once nothing is asked, nothing of it waits for its commit, and
 * there is nothing more to ask (or no link to ask).  Returns whether it
 * went.
 */
static bool
pull_settle(struct cl_gossip *g, struct cl__pull *p)
{
	if (p->asked != 0 || p->jobs > 0)
		return false;
	if (p->next <= p->upto && link_by_id(g, p->link_id) != NULL)
		return false;		/* paused: fill() goes on with it */
	pull_drop(g, p);
	return true;
}

/*
 * p's request will bring nothing more: what it brought stays known until
 * committed, the rest is for a later round.  Returns whether p went.
 */
static bool
pull_end(struct cl_gossip *g, struct cl__pull *p)
{
	pull_unask(g, p);
	p->upto = p->next - 1;
	return pull_settle(g, p);
}

/* Ask l for p's feed from seq from (to p->upto, at most PULL_MAX). */
static void
pull_ask(struct cl_gossip *g, struct cl_link *l, struct cl__pull *p,
    uint64_t from)
{
	struct cl_gm	m;

	p->link_id = lp(l)->id;
	p->asked = from;
	p->asked_no = ++lp(l)->asks;
	p->expires = now_ms(g) + PULL_TIMEOUT_MS;
	lp(l)->pulls_open++;
	memset(&m, 0, sizeof(m));
	m.type = CL_G_PULL;
	memcpy(m.author, p->author, 32);
	m.from = from;
	m.count = p->upto - from + 1 < CL_G_PULL_MAX ? p->upto - from + 1 :
	    CL_G_PULL_MAX;
	send_msg(l, CL_PRIO_CONTROL, &m);
}

/*
 * Ask l for author's events from seq from on (the peer has upto).  One
 * request per author in flight, whoever it is with, and none for seqs
 * queued for commit already.  urgent: even when the link's requests or
 * the server's queue are full.  Returns false when it must wait (the
 * caller keeps it for later), true when it is asked or need not be.
 */
static bool
pull(struct cl_gossip *g, struct cl_link *l, const uint8_t *author,
    uint64_t from, uint64_t upto, bool urgent)
{
	struct cl__pull	*p = pull_find(g, author), *np;

	/*
	 * On its way; but if this peer has more than that request's peer
	 * knew of, keep it: once the answer is in, the rest comes from here.
	 */
	if (p != NULL && p->asked != 0) {
		if (p->link_id == lp(l)->id && upto > p->upto)
			p->upto = upto;		/* its next request asks */
		return upto <= p->upto;
	}
	if (p != NULL && p->jobs > 0 && p->next > from)
		from = p->next;
	if (upto < from)
		return true;
	if (!urgent && (link_full(l) || !queue_open(g)))
		return false;
	if (p == NULL) {
		if (g->pull_cnt == g->pull_cap) {
			size_t cap = g->pull_cap ? 2 * g->pull_cap : 64;

			if ((np = realloc(g->pulls, cap * sizeof(*np))) ==
			    NULL)
				return false;
			g->pulls = np;
			g->pull_cap = cap;
		}
		p = &g->pulls[g->pull_cnt++];
		memset(p, 0, sizeof(*p));
		memcpy(p->author, author, 32);
		p->id = ++g->next_pull_id;
	}
	p->upto = upto;
	p->next = from;
	pull_ask(g, l, p, from);
	return true;
}

static void
send_state(struct cl_gossip *g, struct cl_link *l)
{
	struct cl_gm	m;

	if (sync_cache(g) != CL_OK)
		return;
	memset(&m, 0, sizeof(m));
	m.type = CL_G_STATE;
	memcpy(m.digest, g->digest, 32);
	lp(l)->last_sync = now_ms(g);
	g->stats.rounds++;
	send_msg(l, CL_PRIO_CONTROL, &m);
}

/*
 * Would we take author's events?  Not before an ACCREDIT names it: its
 * events would be dropped as of an unknown author and, pulled again
 * first every round, keep the pulls from the authority's feed that
 * accredits it (more feeds than LINK_PULLS_MAX would never catch up).
 * A feed we hold events of is known.
 */
static bool
takes(struct cl_gossip *g, const uint8_t *author, const struct cl_head *mine)
{
	bool	known = false;

	return mine->seq > 0 || (cl_ledger_author_known(g->ledger, author,
	    &known) == CL_OK && known);
}

/* Remember that l has author's feed up to upto, to pull it from there. */
static void
want_add(struct cl_link *l, const uint8_t *author, uint64_t upto)
{
	struct lpeer	*p = lp(l);
	struct want	*nw;

	if (p->want_cnt == p->want_cap) {
		uint32_t cap = p->want_cap ? 2 * p->want_cap : 256;

		if (p->want_cap >= WANT_MAX ||
		    (nw = realloc(p->want, cap * sizeof(*nw))) == NULL)
			return;		/* the next round finds it again */
		p->want = nw;
		p->want_cap = cap;
	}
	memcpy(p->want[p->want_cnt].author, author, 32);
	p->want[p->want_cnt++].upto = upto;
}

/* Pull w from l now?  Returns false to keep it for later. */
static bool
want_take(struct cl_gossip *g, struct cl_link *l, const struct want *w)
{
	struct cl_head	mine;
	cl_err		err;

	err = cl_ledger_head(g->ledger, w->author, &mine);
	if (err == CL_ENOTFOUND)
		memset(&mine, 0, sizeof(mine));
	else if (err != CL_OK)
		return true;		/* the next round asks again */
	if (mine.fork_seq != 0 || w->upto <= mine.seq)
		return true;
	if (!takes(g, w->author, &mine))
		return false;		/* once its ACCREDIT is in */
	return pull(g, l, w->author, mine.seq + 1, w->upto, false);
}

/*
 * Keep l's requests and the server's queue full: go on with the feeds
 * paused on l, then pull what l has that we lack, in the order its HEADS
 * gave.  Called whenever a request is answered or a commit makes room,
 * so a catch-up does not wait for the next round between two feeds.
 */
static void
fill(struct cl_gossip *g, struct cl_link *l)
{
	struct lpeer	*lpp;
	size_t		 i;
	uint32_t	 r, k;

	if (l->state != CL_LINK_UP)
		return;
	lpp = lp(l);
	for (i = 0; i < g->pull_cnt; i++) {
		struct cl__pull *p = &g->pulls[i];

		if (p->link_id != lpp->id || p->asked != 0 ||
		    p->next > p->upto)
			continue;
		if (link_full(l) || !queue_open(g))
			return;
		pull_ask(g, l, p, p->next);
	}
	for (r = 0, k = 0; r < lpp->want_cnt; r++) {
		if (link_full(l) || !queue_open(g) ||
		    !want_take(g, l, &lpp->want[r]))
			lpp->want[k++] = lpp->want[r];
	}
	lpp->want_cnt = k;
}

/* Fill every link: the server's queue has room again. */
static void
fill_all(struct cl_gossip *g)
{
	struct cl_link	*l;

	for (l = g->links; l != NULL; l = l->next)
		fill(g, l);
}

/*
 * Our side of a head comparison: note what the peer has and we lack,
 * for fill() to pull.  Returns whether the heads differ by seq or fork
 * state.
 */
static bool
compare_head(struct cl_gossip *g, struct cl_link *l, const struct cl_ghead *h)
{
	struct cl_head	mine;
	struct cl_gm	m;
	cl_err		err;

	err = cl_ledger_head(g->ledger, h->author, &mine);
	if (err != CL_OK && err != CL_ENOTFOUND)
		return true;		/* nothing to learn from it now */
	if (err == CL_ENOTFOUND)
		memset(&mine, 0, sizeof(mine));
	if (h->fork_seq != 0 && (mine.fork_seq != h->fork_seq ||
	    mine.fork_held < h->fork_held)) {
		memset(&m, 0, sizeof(m));
		m.type = CL_G_FORK_PULL;
		memcpy(m.author, h->author, 32);
		send_msg(l, CL_PRIO_CONTROL, &m);
	}
	if (mine.fork_seq == 0 && h->seq > mine.seq)
		want_add(l, h->author, h->seq);
	return h->seq != mine.seq || h->fork_seq != mine.fork_seq ||
	    h->fork_held != mine.fork_held;
}

/*
 * The heads of the buckets whose digests differ: they replace what l was
 * known to have.  A bucket in which no head differs by seq or fork state
 * holds a feed with another head at the same seq: an equivocation of
 * equal length on both sides, which no seq shows (HEADS carries no head
 * ids).  Pull the peer's head of each such feed: the one that differs
 * from ours is a fork proof.  Unless the bucket is equal by now: while
 * catching up, our commits during the round trip make buckets equal
 * that differed when the peer sent them, and those heads are ours.
 */
static void
on_heads(struct cl_gossip *g, struct cl_link *l, const struct cl_gm *m)
{
	uint8_t			 seen[CL_G_BUCKETS_N / 8];
	const struct cl_ghead	*h;
	uint32_t		 i;
	unsigned		 b;
	bool			 cached;

	memset(seen, 0, sizeof(seen));
	lp(l)->want_cnt = 0;
	for (i = 0; i < m->heads_cnt && l->state == CL_LINK_UP; i++) {
		h = &m->heads[i];
		if (compare_head(g, l, h))
			seen[h->author[0] / 8] |= (uint8_t)(1u <<
			    (h->author[0] % 8));
	}
	cached = lp(l)->buckets != NULL && sync_cache(g) == CL_OK;
	for (i = 0; i < m->heads_cnt && l->state == CL_LINK_UP; i++) {
		h = &m->heads[i];
		b = h->author[0];
		if ((seen[b / 8] & (1u << (b % 8))) != 0 || h->seq == 0 ||
		    h->fork_seq != 0)
			continue;
		if (cached && memcmp(lp(l)->buckets[b], g->buckets[b], 32) ==
		    0)
			continue;
		(void)pull(g, l, h->author, h->seq, h->seq, true);
	}
	fill(g, l);
}

static void
on_heads_req(struct cl_gossip *g, struct cl_link *l, const struct cl_gm *in)
{
	struct cl_sync_head	*h;
	struct cl_ghead		*gh;
	struct cl_gm		 m;
	uint32_t		 n, i;
	bool			 more;

	h = calloc(CL_G_HEADS_MAX, sizeof(*h));
	gh = calloc(CL_G_HEADS_MAX, sizeof(*gh));
	if (h != NULL && gh != NULL &&
	    cl_ledger_heads_in(g->ledger, in->bitmap, h, CL_G_HEADS_MAX, &n,
	    &more) == CL_OK) {
		for (i = 0; i < n; i++) {
			memcpy(gh[i].author, h[i].author, 32);
			gh[i].seq = h[i].seq;
			gh[i].fork_seq = h[i].fork_seq;
			gh[i].fork_held = h[i].fork_held;
		}
		memset(&m, 0, sizeof(m));
		m.type = CL_G_HEADS;
		m.heads = gh;
		m.heads_cnt = n;
		send_msg(l, CL_PRIO_CONTROL, &m);
	}
	free(h);
	free(gh);
}

/* Events to l: a pull's range, or a forked feed's held events. */
static void
send_events(struct cl_gossip *g, struct cl_link *l, const struct cl_gm *in)
{
	uint8_t		*ev[CL_G_EVENTS_MAX];
	size_t		 len[CL_G_EVENTS_MAX];
	struct cl_gm	 m;
	uint32_t	 n = 0, i;
	uint64_t	 bytes_max;
	cl_err		 err;

	/*
	 * An answer fits in a frame, and in the link's output budget with
	 * room for a few more: one over the budget would cut the puller.
	 */
	bytes_max = l->lim->frame_max / 2 < l->lim->out_max / 4 ?
	    l->lim->frame_max / 2 : l->lim->out_max / 4;
	if (in->type == CL_G_PULL)
		err = cl_ledger_feed_events(g->ledger, in->author, in->from,
		    (uint32_t)in->count, (size_t)bytes_max, ev, len, &n);
	else
		err = cl_ledger_fork_events(g->ledger, in->author,
		    CL_G_EVENTS_MAX, (size_t)bytes_max, ev, len, &n);
	if (err == CL_OK) {
		/* an empty answer tells the puller there is nothing more */
		memset(&m, 0, sizeof(m));
		m.type = CL_G_EVENTS;
		m.ev = (const uint8_t **)ev;
		m.ev_len = len;
		m.ev_cnt = n;
		send_msg(l, in->type == CL_G_PULL ? CL_PRIO_BULK :
		    CL_PRIO_CONTROL, &m);
		lp(l)->events_out += n;
		g->stats.events_out += n;
	}
	for (i = 0; i < n; i++)
		free(ev[i]);
}

struct inbound {
	struct cl_gossip	*g;
	uint64_t		 link_id;
	uint8_t			 author[32];	/* of the pull it answered */
	uint64_t		 pull_id;	/* 0: none */
};

static void
catchup_progress(struct cl_gossip *g)
{
	uint64_t	t = now_ms(g);

	if (g->pull_cnt == 0 || t - g->progress_ms < 5000)
		return;
	if (g->progress_ms != 0)
		cl_log_info(comp, "catch-up: %llu events in, %.0f/s, %zu "
		    "feeds in flight, log %llu", (unsigned long long)
		    g->stats.events_new, (double)(g->stats.events_new -
		    g->progress_in) * 1000.0 / (double)(t - g->progress_ms),
		    g->pull_cnt, (unsigned long long)g->ledger->log_size);
	g->progress_ms = t;
	g->progress_in = g->stats.events_new;
}

/*
 * Events from a peer are committed: count them, cut off a peer whose
 * events are forged, and pull more now that the queue is shorter.
 */
static void
on_inbound_done(void *arg, const struct cl_submit *sub,
    const struct cl_result *res, uint32_t n, cl_err err)
{
	struct inbound	*in = arg;
	struct cl_gossip *g = in->g;
	struct cl_link	*l = link_by_id(g, in->link_id);
	struct cl__pull	*p;
	uint32_t	 i, bad = 0;

	if (in->pull_id != 0 && (p = pull_find(g, in->author)) != NULL &&
	    p->id == in->pull_id) {
		p->jobs--;
		if (err != CL_OK && p->jobs == 0)
			p->upto = p->next - 1;	/* the next round sees */
		(void)pull_settle(g, p);
	}
	if (err != CL_OK) {
		free(in);
		fill_all(g);
		return;
	}
	for (i = 0; i < n; i++) {
		switch (res[i].acc) {
		case CL_ACC_ACCEPTED: case CL_ACC_FORK: case CL_ACC_DISPUTED:
			g->stats.events_new++;
			break;
		case CL_ACC_DUPLICATE:
			g->stats.dups_in++;
			break;
		case CL_ACC_REJECTED:
			bad++;
			break;
		default:
			break;
		}
	}
	if (l != NULL && bad > 0) {
		misbehaved(l, CL_EBADSIG, "sent events that fail their checks");
		l = NULL;
	}
	/*
	 * prev_mismatch: the peer's chain and ours part below this event.
	 * Its event at our head's seq is the other half of a fork proof:
	 * pull it, or the two nodes would differ for ever (PROTOCOL.md §4.2).
	 * What was queued of the feed after it cannot be taken either.
	 */
	for (i = 0; l != NULL && i < n; i++) {
		if (res[i].acc != CL_ACC_PREV_MISMATCH || res[i].head_seq == 0)
			continue;
		if ((p = pull_find(g, sub[i].ev.author)) != NULL)
			pull_drop(g, p);
		(void)pull(g, l, sub[i].ev.author, res[i].head_seq,
		    res[i].head_seq, true);
		break;		/* one is enough: the fork then spreads */
	}
	catchup_progress(g);
	free(in);
	fill_all(g);
}

/*
 * Which pull does a non-empty EVENTS answer?  The one of its author on
 * this link whose request began at its first event; anything else (a
 * fork proof, a late answer to a pull given up) answers none.
 */
static struct cl__pull *
pull_answered(struct cl_gossip *g, struct cl_link *l, const struct cl_gm *m,
    uint64_t *last)
{
	struct cl_event	 first, end;
	struct cl__pull	*p = NULL;

	cl_ev_init(&first);
	cl_ev_init(&end);
	if (cl_ev_decode(&first, m->ev[0], m->ev_len[0], NULL) == CL_OK &&
	    cl_ev_decode(&end, m->ev[m->ev_cnt - 1],
	    m->ev_len[m->ev_cnt - 1], NULL) == CL_OK &&
	    memcmp(first.author, end.author, 32) == 0 &&
	    end.seq >= first.seq &&
	    (p = pull_find(g, first.author)) != NULL &&
	    (p->link_id != lp(l)->id || p->asked != first.seq))
		p = NULL;
	*last = end.seq;
	cl_ev_free(&first);
	cl_ev_free(&end);
	return p;
}

/*
 * The answer to p is in: ask for the feed's next range at once, so that
 * it travels while this one is checked and committed (the commit queue
 * keeps their order), unless the queue is full: fill() goes on with it
 * when a commit makes room.
 */
static void
pull_on(struct cl_gossip *g, struct cl_link *l, struct cl__pull *p,
    uint64_t last)
{
	pull_unask(g, p);
	p->next = last + 1;
	p->jobs++;
	if (p->next <= p->upto && !link_full(l) && queue_open(g))
		pull_ask(g, l, p, p->next);
}

/* An empty answer: the oldest request on l has nothing more. */
static void
pull_nothing(struct cl_gossip *g, struct cl_link *l)
{
	struct cl__pull	*p = NULL;
	size_t		 i;

	for (i = 0; i < g->pull_cnt; i++)
		if (g->pulls[i].link_id == lp(l)->id &&
		    g->pulls[i].asked != 0 && (p == NULL ||
		    g->pulls[i].asked_no < p->asked_no))
			p = &g->pulls[i];
	if (p == NULL)
		return;
	(void)pull_end(g, p);
}

static void
on_events(struct cl_gossip *g, struct cl_link *l, const struct cl_gm *m)
{
	struct inbound	*in;
	struct cl__pull	*p = NULL;
	uint64_t	 last = 0;
	cl_err		 err;

	lp(l)->events_in += m->ev_cnt;
	g->stats.events_in += m->ev_cnt;
	if (lp(l)->pulls_open == 0) {
		lp(l)->unsolicited += m->ev_cnt;
		if (lp(l)->unsolicited > UNSOLICITED_MAX) {
			misbehaved(l, CL_EPROTO, "a flood of events nobody "
			    "asked for");
			return;
		}
	}
	if (m->ev_cnt == 0) {
		pull_nothing(g, l);
		fill(g, l);
		return;
	}
	if ((in = calloc(1, sizeof(*in))) == NULL)
		return;
	in->g = g;
	in->link_id = lp(l)->id;
	if (lp(l)->pulls_open > 0)
		p = pull_answered(g, l, m, &last);
	err = cl_server_submit(g->srv, m->ev, m->ev_len, m->ev_cnt, 0, l,
	    on_inbound_done, in);
	if (err != CL_OK) {
		free(in);
		if (p != NULL)
			(void)pull_end(g, p);
		return;
	}
	if (p != NULL) {
		memcpy(in->author, p->author, 32);
		in->pull_id = p->id;
		pull_on(g, l, p, last);
		fill_all(g);	/* another link may have the feed further */
	}
}

static void
on_announce(struct cl_gossip *g, struct cl_link *l, const struct cl_gm *m)
{
	struct cl_head	h;
	uint32_t	i;
	cl_err		err;

	for (i = 0; i < m->ann_cnt; i++) {
		err = cl_ledger_head(g->ledger, m->ann[i].author, &h);
		if (err == CL_ENOTFOUND)
			memset(&h, 0, sizeof(h));
		else if (err != CL_OK)
			continue;
		if (h.fork_seq == 0 && m->ann[i].seq > h.seq)
			want_add(l, m->ann[i].author, m->ann[i].seq);
	}
	fill(g, l);
}

static void
on_buckets(struct cl_gossip *g, struct cl_link *l, const struct cl_gm *in)
{
	struct cl_gm	m;
	unsigned	b;
	bool		any = false;

	if (sync_cache(g) != CL_OK)
		return;
	if (lp(l)->buckets == NULL)
		lp(l)->buckets = malloc(CL_G_BUCKETS_N * 32);
	if (lp(l)->buckets != NULL)
		memcpy(lp(l)->buckets, in->buckets, CL_G_BUCKETS_N * 32);
	memset(&m, 0, sizeof(m));
	m.type = CL_G_HEADS_REQ;
	for (b = 0; b < CL_G_BUCKETS_N; b++)
		if (memcmp(in->buckets[b], g->buckets[b], 32) != 0) {
			m.bitmap[b / 8] |= (uint8_t)(1u << (b % 8));
			any = true;
		}
	if (any)
		send_msg(l, CL_PRIO_CONTROL, &m);
}

static void
on_hello(struct cl_gossip *g, struct cl_link *l, const struct cl_gm *m)
{
	char	spec[CL_G_ADDR_MAX + 1], hex[65];

	lp(l)->hello = true;
	if (m->addr_len == 0 || m->addr_len > 64)
		return;
	cl_hex_encode(hex, l->peer_pk, 32);
	snprintf(spec, sizeof(spec), "%s@%.*s", hex, (int)m->addr_len,
	    m->addr);
	(void)peer_add(g, spec, strlen(spec), false);
}

static void
on_msg(struct cl_link *l, const uint8_t *buf, size_t len)
{
	struct cl_gossip	*g = lp(l)->g;
	struct cl_gm		*m;
	const char		*why;
	uint32_t		 i;

	if ((m = malloc(sizeof(*m))) == NULL)
		return;
	if (cl_gmsg_decode(m, buf, len, &why) != CL_OK) {
		free(m);
		misbehaved(l, CL_EPROTO, why != NULL ? why : "bad message");
		return;
	}
	switch (m->type) {
	case CL_G_HELLO:
		on_hello(g, l, m);
		break;
	case CL_G_STATE:
		if (sync_cache(g) == CL_OK &&
		    memcmp(m->digest, g->digest, 32) != 0) {
			struct cl_gm r;

			memset(&r, 0, sizeof(r));
			r.type = CL_G_BUCKETS_REQ;
			send_msg(l, CL_PRIO_CONTROL, &r);
		} else {
			g->stats.rounds_in_sync++;
		}
		break;
	case CL_G_BUCKETS_REQ:
		if (sync_cache(g) == CL_OK) {
			struct cl_gm *r = calloc(1, sizeof(*r));

			if (r != NULL) {
				r->type = CL_G_BUCKETS;
				memcpy(r->buckets, g->buckets,
				    sizeof(r->buckets));
				send_msg(l, CL_PRIO_CONTROL, r);
				free(r);
			}
		}
		break;
	case CL_G_BUCKETS:
		on_buckets(g, l, m);
		break;
	case CL_G_HEADS_REQ:
		on_heads_req(g, l, m);
		break;
	case CL_G_HEADS:
		on_heads(g, l, m);
		break;
	case CL_G_PULL:
	case CL_G_FORK_PULL:
		send_events(g, l, m);
		break;
	case CL_G_EVENTS:
		on_events(g, l, m);
		break;
	case CL_G_ANNOUNCE:
		on_announce(g, l, m);
		break;
	case CL_G_PEERS:
		for (i = 0; i < m->peers_cnt; i++)
			(void)peer_add(g, m->peers[i], m->peers_len[i],
			    false);
		break;
	}
	cl_gmsg_free(m);
	free(m);
}

static void
send_peers(struct cl_gossip *g, struct cl_link *to)
{
	struct cl_link	*l;
	const char	*addrs[CL_G_PEERS_MAX];
	size_t		 lens[CL_G_PEERS_MAX];
	char		 buf[CL_G_PEERS_MAX][CL_G_ADDR_MAX + 1], hex[65];
	struct cl__peer	*p;
	struct cl_gm	 m;
	uint32_t	 n = 0;

	/* the addresses of the nodes we have links to, with their keys */
	for (p = g->peers; p != NULL && n < CL_G_PEERS_MAX; p = p->next) {
		l = p->link;
		if (l == NULL || l == to || l->state != CL_LINK_UP)
			continue;
		cl_hex_encode(hex, l->peer_pk, 32);
		snprintf(buf[n], sizeof(buf[n]), "%s@%s", hex, p->addr);
		addrs[n] = buf[n];
		lens[n] = strlen(buf[n]);
		n++;
	}
	memset(&m, 0, sizeof(m));
	m.type = CL_G_PEERS;
	m.peers = addrs;
	m.peers_len = lens;
	m.peers_cnt = n;
	send_msg(to, CL_PRIO_CONTROL, &m);
}

static bool
on_up(struct cl_link *l)
{
	struct cl_gossip	*g = lp(l)->g;
	struct cl_link		*o;
	struct cl_gm		 m;
	char			 kh[17];
	bool			 we_dial;

	cl_hex_encode(kh, l->peer_pk, 8);
	if (memcmp(l->peer_pk, g->pk, 32) == 0)
		return false;		/* a link to ourselves */
	/*
	 * Two links to one node (both dialled): both ends keep the one
	 * dialled by the smaller key.
	 */
	we_dial = memcmp(g->pk, l->peer_pk, 32) < 0;
	for (o = g->links; o != NULL; o = o->next) {
		if (o == l || o->state != CL_LINK_UP ||
		    memcmp(o->peer_pk, l->peer_pk, 32) != 0)
			continue;
		if (l->initiator == we_dial) {
			cl_link_close(o, CL_OK, "a second link to the node");
			break;
		}
		return false;
	}
	g->stats.links_up++;
	if (lp(l)->peer != NULL) {
		lp(l)->peer->backoff = BACKOFF_MIN_MS;
		memcpy(lp(l)->peer->key, l->peer_pk, 32);
	}
	cl_log_info(comp, "peer=%s addr=%s up (%s)", kh, l->addr,
	    l->initiator ? "dialled" : "accepted");
	memset(&m, 0, sizeof(m));
	m.type = CL_G_HELLO;
	m.addr = g->listening ? g->addr : "";
	m.addr_len = strlen(m.addr);
	m.log_size = g->ledger->log_size;
	send_msg(l, CL_PRIO_CONTROL, &m);
	send_peers(g, l);
	send_state(g, l);
	return true;
}

static void
on_down(struct cl_link *l, cl_err err, const char *why)
{
	struct lpeer	*p = lp(l);
	struct cl_gossip *g = p->g;
	struct cl_link	**pp;
	size_t		 i;
	char		 kh[17];

	if (l->violation && !p->misbehaved) {
		/* a frame no node sends: as misbehaved(), from the link */
		cl_hex_encode(kh, l->peer_pk, 8);
		cl_log_warn(comp, "peer=%s addr=%s cut off and held off for %d "
		    "s: %s err=%s", kh, l->addr, BAN_MS / 1000, why,
		    cl_strerror(err));
		p->misbehaved = true;
		ban(g, p->host);
	}
	for (pp = &g->links; *pp != NULL; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	g->link_cnt--;
	/* its pulls end; what they queued stays known until committed */
	for (i = 0; i < g->pull_cnt;) {
		struct cl__pull *q = &g->pulls[i];

		if (q->link_id == p->id) {
			q->asked = 0;
			q->upto = q->next - 1;
			if (pull_settle(g, q))
				continue;
		}
		i++;
	}
	free(p->want);
	free(p->buckets);
	if (p->peer != NULL) {
		p->peer->link = NULL;
		p->peer->next_try = now_ms(g) + p->peer->backoff;
		p->peer->backoff = p->peer->backoff * 2 > BACKOFF_MAX_MS ?
		    BACKOFF_MAX_MS : p->peer->backoff * 2;
		if (p->misbehaved)
			p->peer->next_try = now_ms(g) + BAN_MS;
	}
	if (l->state == CL_LINK_CLOSING && !p->misbehaved) {
		cl_hex_encode(kh, l->peer_pk, 8);
		if (err == CL_ENETWORK || err == CL_EBADKEY ||
		    err == CL_EBADSIG)
			g->stats.links_refused++;
		cl_log_debug(comp, "peer=%s addr=%s down: %s err=%s", kh,
		    l->addr, why, cl_strerror(err));
	}
	free(p);
	l->data = NULL;
}

static const struct cl_link_ops ops = { on_up, on_msg, on_down };

static struct cl_link *
link_new(struct cl_gossip *g, const char *addr, const char *host)
{
	struct cl_link	*l = calloc(1, sizeof(*l));
	struct lpeer	*p = calloc(1, sizeof(*p));

	if (l == NULL || p == NULL) {
		free(l);
		free(p);
		return NULL;
	}
	p->g = g;
	p->id = ++g->next_link_id;
	snprintf(p->host, sizeof(p->host), "%s", host);
	l->data = p;
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	l->next = g->links;
	g->links = l;
	g->link_cnt++;
	return l;
}

static void
dial(struct cl_gossip *g, struct cl__peer *p)
{
	struct sockaddr_in	 sa;
	struct cl_link		*l;
	char			 host[48];

	if (parse_addr(p->addr, &sa, host, sizeof(host)) != 0)
		return;
	if ((l = link_new(g, p->addr, host)) == NULL)
		return;
	lp(l)->peer = p;
	p->link = l;
	cl_link_connect(l, g->loop, (const struct sockaddr *)&sa, g->netid,
	    g->sk, p->pinned ? p->key : NULL, &ops, &g->lim);
}

static void
on_connection(uv_stream_t *srv, int status)
{
	struct cl_gossip	*g = srv->data;
	struct cl_link		*l;
	struct sockaddr_storage	 ss;
	int			 sl = sizeof(ss);
	char			 host[48] = "?", addr[64];

	if (status < 0)
		return;
	if ((l = link_new(g, "?", "?")) == NULL)
		return;
	cl_link_init_accepted(l, g->loop);
	l->ops = &ops;		/* the close path tells ops->down */
	l->lim = &g->lim;
	if (uv_accept(srv, (uv_stream_t *)&l->tcp) != 0) {
		cl_link_close(l, CL_EIO, "accept failed");
		return;
	}
	memset(&ss, 0, sizeof(ss));
	if (uv_tcp_getpeername(&l->tcp, (struct sockaddr *)&ss, &sl) == 0 &&
	    ss.ss_family == AF_INET) {
		uv_ip4_name((struct sockaddr_in *)&ss, host, sizeof(host));
		snprintf(addr, sizeof(addr), "%s:%d", host,
		    ntohs(((struct sockaddr_in *)&ss)->sin_port));
		snprintf(l->addr, sizeof(l->addr), "%s", addr);
		snprintf(lp(l)->host, sizeof(lp(l)->host), "%s", host);
	}
	if (g->stopping || g->link_cnt > g->cfg->max_links ||
	    banned(g, host)) {
		g->stats.links_refused++;
		cl_link_close(l, CL_EBUSY, "refused");
		return;
	}
	cl_link_accepted(l, g->netid, g->sk, &ops, &g->lim);
}

/* After each commit: announce what is new, push fork proofs at once. */
static void
on_commit(void *arg, const struct cl_submit *sub, const struct cl_result *res,
    uint32_t n, const void *origin)
{
	struct cl_gossip	*g = arg;
	struct cl_gann		*ann;
	const uint8_t		*fev[CL_G_EVENTS_MAX];
	size_t			 flen[CL_G_EVENTS_MAX];
	struct cl_link		*l;
	struct cl_gm		 m;
	uint32_t		 i, na = 0, nf = 0;

	if (g->link_cnt == 0 || (ann = calloc(n, sizeof(*ann))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (res[i].acc == CL_ACC_ACCEPTED) {
			/* the last of each run of one author's events */
			if (i + 1 < n && res[i + 1].acc == CL_ACC_ACCEPTED &&
			    memcmp(sub[i + 1].ev.author, sub[i].ev.author,
			    32) == 0)
				continue;
			if (na < CL_G_ANNOUNCE_MAX) {
				memcpy(ann[na].author, sub[i].ev.author, 32);
				ann[na++].seq = sub[i].ev.seq;
			}
		} else if ((res[i].acc == CL_ACC_FORK ||
		    res[i].acc == CL_ACC_DISPUTED) && nf < CL_G_EVENTS_MAX) {
			fev[nf] = sub[i].ev.raw;
			flen[nf++] = sub[i].ev.raw_len;
		}
	}
	for (l = g->links; l != NULL; l = l->next) {
		if (l == origin || l->state != CL_LINK_UP)
			continue;
		if (nf > 0) {
			/* evidence first, ahead of any bulk */
			memset(&m, 0, sizeof(m));
			m.type = CL_G_EVENTS;
			m.ev = fev;
			m.ev_len = flen;
			m.ev_cnt = nf;
			send_msg(l, CL_PRIO_CONTROL, &m);
			lp(l)->events_out += nf;
			g->stats.events_out += nf;
		}
		if (na > 0) {
			memset(&m, 0, sizeof(m));
			m.type = CL_G_ANNOUNCE;
			m.ann = ann;
			m.ann_cnt = na;
			send_msg(l, CL_PRIO_CONTROL, &m);
			g->stats.announces_out += na;
		}
	}
	free(ann);
}

/* Is there a link up (or coming up) with the node of key? */
static bool
linked(struct cl_gossip *g, const uint8_t *key)
{
	struct cl_link	*l;

	for (l = g->links; l != NULL; l = l->next)
		if (l->state == CL_LINK_UP &&
		    memcmp(l->peer_pk, key, 32) == 0)
			return true;
	return false;
}

static bool
key_known(const struct cl__peer *p)
{
	static const uint8_t	zero[32];

	return memcmp(p->key, zero, 32) != 0;
}

static void
on_tick(uv_timer_t *t)
{
	struct cl_gossip	*g = t->data;
	struct cl__peer		*p;
	struct cl_link		*l;
	uint64_t		 now = now_ms(g);
	size_t			 i;

	for (p = g->peers; p != NULL; p = p->next)
		if (p->link == NULL && p->next_try <= now &&
		    g->link_cnt < g->cfg->max_links &&
		    !(key_known(p) && linked(g, p->key)))
			dial(g, p);
	for (l = g->links; l != NULL; l = l->next)
		if (l->state == CL_LINK_UP &&
		    now - lp(l)->last_sync >= g->cfg->sync_ms)
			send_state(g, l);
	/* a request unanswered for long: the next round asks again */
	for (i = 0; i < g->pull_cnt;) {
		struct cl__pull *q = &g->pulls[i];

		if (q->asked != 0 && q->expires <= now && pull_end(g, q))
			continue;
		i++;
	}
	catchup_progress(g);
}

cl_err
cl_gossip_start(struct cl_gossip *g, uv_loop_t *loop, struct cl_server *srv,
    struct cl_ledger *ledger, const struct cl_config *cfg,
    const uint8_t sk[static 64])
{
	struct sockaddr_in	 sa;
	struct sockaddr_storage	 ss;
	char			 host[48];
	int			 sl = sizeof(ss), rc;
	size_t			 i;

	memset(g, 0, sizeof(*g));
	g->loop = loop;
	g->srv = srv;
	g->ledger = ledger;
	g->cfg = cfg;
	memcpy(g->sk, sk, 64);
	memcpy(g->pk, sk + 32, 32);
	memcpy(g->netid, ledger->genesis.netid, 32);
	g->lim.handshake_ms = cfg->handshake_ms;
	g->lim.idle_ms = cfg->peer_idle_ms;
	g->lim.frame_max = CL_FRAME_MAX;
	g->lim.out_max = cfg->out_max;
	uv_timer_init(loop, &g->tick);
	g->tick.data = g;
	if ((g->buckets = calloc(CL_LEDGER_BUCKETS, 32)) == NULL ||
	    (g->bans = calloc(BANS_MAX, sizeof(*g->bans))) == NULL)
		return CL_ENOMEM;
	if (cfg->gossip[0] != '\0') {
		if (parse_addr_port(cfg->gossip, &sa, host, sizeof(host),
		    true) != 0)
			return CL_EUSAGE;
		uv_tcp_init(loop, &g->listener);
		g->listener.data = g;
		if ((rc = uv_tcp_bind(&g->listener, (struct sockaddr *)&sa,
		    0)) != 0 || (rc = uv_listen((uv_stream_t *)&g->listener,
		    128, on_connection)) != 0) {
			cl_log_err(comp, "listen on %s: %s", cfg->gossip,
			    uv_strerror(rc));
			g->listening = true;	/* cl_gossip_stop closes it */
			return CL_EIO;
		}
		uv_tcp_getsockname(&g->listener, (struct sockaddr *)&ss, &sl);
		uv_ip4_name((struct sockaddr_in *)&ss, host, sizeof(host));
		snprintf(g->addr, sizeof(g->addr), "%s:%d", host,
		    ntohs(((struct sockaddr_in *)&ss)->sin_port));
		g->listening = true;
	}
	for (i = 0; i < cfg->peer_cnt; i++)
		if (peer_add(g, cfg->peers[i], strlen(cfg->peers[i]), true) ==
		    NULL)
			cl_log_warn(comp, "peer %s: not KEY@HOST:PORT or "
			    "HOST:PORT with an IPv4 address", cfg->peers[i]);
	srv->on_commit = on_commit;
	srv->on_commit_arg = g;
	uv_timer_start(&g->tick, on_tick, 0, TICK_MS);
	return CL_OK;
}

void
cl_gossip_stop(struct cl_gossip *g)
{
	struct cl_link	*l, *next;
	struct cl__peer	*p, *pn;

	if (g->stopping)
		return;
	g->stopping = true;
	g->srv->on_commit = NULL;
	uv_timer_stop(&g->tick);
	uv_close((uv_handle_t *)&g->tick, NULL);
	if (g->listening)
		uv_close((uv_handle_t *)&g->listener, NULL);
	for (l = g->links; l != NULL; l = next) {
		next = l->next;
		lp(l)->peer = NULL;	/* the peers go now, the links later */
		cl_link_close(l, CL_OK, "node stopping");
	}
	for (p = g->peers; p != NULL; p = pn) {
		pn = p->next;
		p->link = NULL;
		free(p);
	}
	g->peers = NULL;
	sodium_memzero(g->sk, sizeof(g->sk));
}

void
cl_gossip_free(struct cl_gossip *g)
{
	free(g->pulls);
	free(g->bans);
	free(g->buckets);
	g->pulls = NULL;
	g->bans = NULL;
	g->buckets = NULL;
}

/* What status says of one link. */
static void
link_info(const struct cl_link *l, struct cl_gossip_peer_info *out)
{
	static const char *const states[] = { "connecting", "handshake",
	    "up", "closing" };
	const struct lpeer	*p = l->data;

	memset(out, 0, sizeof(*out));
	if (l->state == CL_LINK_UP || l->state == CL_LINK_CLOSING)
		memcpy(out->key, l->peer_pk, 32);
	snprintf(out->addr, sizeof(out->addr), "%s", l->addr);
	out->state = states[l->state];
	out->outgoing = l->initiator;
	if (p != NULL) {
		out->events_in = p->events_in;
		out->events_out = p->events_out;
	}
	out->bytes_in = l->bytes_in;
	out->bytes_out = l->bytes_out;
}

size_t
cl_gossip_peers(const struct cl_gossip *g, struct cl_gossip_peer_info *out,
    size_t max)
{
	const struct cl_link	*l;
	size_t			 n = 0;

	for (l = g->links; l != NULL && n < max; l = l->next)
		link_info(l, &out[n++]);
	return n;
}

uint32_t
cl_gossip_wire(void *arg, struct cl_wire_peer *out, uint32_t max,
    struct cl_wire_gossip *st)
{
	struct cl_gossip		*g = arg;
	struct cl_gossip_peer_info	 info;
	const struct cl_link		*l;
	uint32_t			 n = 0;

	for (l = g->links; l != NULL && n < max; l = l->next, n++) {
		link_info(l, &info);
		memcpy(out[n].key, info.key, 32);
		snprintf(out[n].addr, sizeof(out[n].addr), "%s", info.addr);
		snprintf(out[n].state, sizeof(out[n].state), "%s",
		    info.state);
		out[n].outgoing = info.outgoing;
		out[n].events_in = info.events_in;
		out[n].events_out = info.events_out;
		out[n].bytes_in = info.bytes_in;
		out[n].bytes_out = info.bytes_out;
	}
	st->events_in = g->stats.events_in;
	st->events_new = g->stats.events_new;
	st->events_out = g->stats.events_out;
	st->dups_in = g->stats.dups_in;
	st->announces_out = g->stats.announces_out;
	st->rounds = g->stats.rounds;
	st->rounds_in_sync = g->stats.rounds_in_sync;
	st->links_up = g->stats.links_up;
	st->links_refused = g->stats.links_refused;
	st->peers_banned = g->stats.peers_banned;
	return n;
}
