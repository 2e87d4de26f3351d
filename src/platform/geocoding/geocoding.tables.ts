import { sql } from 'drizzle-orm';
import { check, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { appAccess } from '../db/access.js';
import type { Place } from './types.js';

/**
 * Answers of the geocoding provider, shared by every tenant: they are public geographic facts (what
 * is at a position, where an address is), not tenant data, and sharing them keeps the provider's
 * load down. Keyed by the rounded position (`reverse:41.31110,69.27970`) or the normalised query
 * (`search:<sha256>`); `place` is null when the provider found nothing.
 *
 * No tenant column and no grants to the application role: only the platform's geocoder reads and
 * writes it, as the owner (like the mail delivery), so no request can read or poison it.
 */
export const geocodeCache = pgTable(
  'geocode_cache',
  {
    key: text('key').primaryKey(),
    kind: text('kind', { enum: ['search', 'reverse'] }).notNull(),
    /** The normalised query or the rounded position, for people reading the table. */
    query: text('query').notNull(),
    place: jsonb('place').$type<Place>(),
    provider: text('provider').notNull(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('geocode_cache_kind_check', sql`${t.kind} in ('search', 'reverse')`)],
);
appAccess(geocodeCache, []);

/**
 * The provider's rate limit, shared by every process: one row per provider holding the earliest
 * time the next request may be sent. A caller reserves a slot by moving it forward in one statement
 * and waits for its slot; a 429's Retry-After moves it further for everyone. Owner-only as above.
 */
export const geocoderThrottle = pgTable('geocoder_throttle', {
  provider: text('provider').primaryKey(),
  nextSlotAt: timestamp('next_slot_at', { withTimezone: true, mode: 'date' }).notNull(),
});
appAccess(geocoderThrottle, []);
