/**
 * SQL pieces for set-based benchmark data (`salesops seed --scale`, `--conversions`): rows made by
 * the database with `generate_series`, so millions of rows take seconds.
 */

/** UUID v7 from a timestamp expression: 48 bits of epoch milliseconds over a random v4, version set to 7. */
export const v7Sql = (at: string, plusMs = 0) =>
  `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing
      substring(int8send((extract(epoch from ${at}) * 1000)::bigint + ${plusMs}) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;
