/*
 * frame-ring.h: a fixed-capacity FIFO of Ethernet frames, each stamped with the
 * monotonic time at which it may leave the relay.
 *
 * All memory is allocated and touched once at start-up so the forwarding loop never
 * takes a page fault or calls malloc; a frame is received straight into the slot it
 * will be sent from. Slots keep HEADROOM bytes in front of the frame so that a VLAN
 * tag the kernel stripped into auxdata can be put back without a second copy.
 */
#ifndef FRAME_RING_H
#define FRAME_RING_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_RING_HEADROOM 4u

struct frame_slot {
	uint64_t deadline_ns; /* CLOCK_MONOTONIC time the frame is due out */
	uint32_t len;         /* frame length in bytes */
	uint32_t offset;      /* frame start inside data (0 or FRAME_RING_HEADROOM) */
	uint8_t *data;        /* FRAME_RING_HEADROOM + frame_bytes bytes */
};

struct frame_ring {
	struct frame_slot *slots;
	uint8_t *storage;
	uint32_t capacity; /* power of two */
	uint32_t head;     /* next slot to send */
	uint32_t count;    /* queued frames */
	uint32_t frame_bytes;
};

static inline uint32_t frame_ring_round_pow2(uint32_t n)
{
	uint32_t p = 1;
	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

/* Returns 0 on success, -1 when memory cannot be allocated. */
static inline int frame_ring_init(struct frame_ring *r, uint32_t capacity, uint32_t frame_bytes)
{
	r->capacity = frame_ring_round_pow2(capacity);
	r->frame_bytes = frame_bytes;
	r->head = 0;
	r->count = 0;
	size_t stride = FRAME_RING_HEADROOM + (size_t)frame_bytes;
	r->slots = calloc(r->capacity, sizeof(*r->slots));
	r->storage = malloc(stride * r->capacity);
	if (r->slots == NULL || r->storage == NULL)
		return -1;
	/* Touch every page now: no page faults once frames flow. */
	memset(r->storage, 0, stride * r->capacity);
	for (uint32_t i = 0; i < r->capacity; i++)
		r->slots[i].data = r->storage + stride * i;
	return 0;
}

static inline int frame_ring_full(const struct frame_ring *r)
{
	return r->count == r->capacity;
}

static inline int frame_ring_empty(const struct frame_ring *r)
{
	return r->count == 0;
}

/* The slot the next received frame is written into; valid only when not full. */
static inline struct frame_slot *frame_ring_tail(struct frame_ring *r)
{
	return &r->slots[(r->head + r->count) & (r->capacity - 1)];
}

static inline struct frame_slot *frame_ring_slot_after_tail(struct frame_ring *r, uint32_t k)
{
	return &r->slots[(r->head + r->count + k) & (r->capacity - 1)];
}

static inline void frame_ring_push(struct frame_ring *r)
{
	r->count++;
}

static inline struct frame_slot *frame_ring_head(struct frame_ring *r)
{
	return &r->slots[r->head];
}

static inline void frame_ring_pop(struct frame_ring *r)
{
	r->head = (r->head + 1) & (r->capacity - 1);
	r->count--;
}

static inline void frame_ring_clear(struct frame_ring *r)
{
	r->head = 0;
	r->count = 0;
}

/* Deadline of the most recently queued frame, or 0 when empty. */
static inline uint64_t frame_ring_last_deadline(const struct frame_ring *r)
{
	if (r->count == 0)
		return 0;
	return r->slots[(r->head + r->count - 1) & (r->capacity - 1)].deadline_ns;
}

#endif
