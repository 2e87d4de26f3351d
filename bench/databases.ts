import net from 'node:net';
import pg from 'pg';

const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * A scratch PostgreSQL database for one benchmark: BENCH_DATABASE_URL when set, else a new database
 * on the local server (dropped afterwards), else undefined when no server answers.
 */
export async function postgresDatabase(
  name: string,
): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, drop: async () => {} };
  if (!(await reachable(5432))) return undefined;
  const database = `salesops_bench_${name}_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`create database "${database}"`);
  return {
    url: `postgres://postgres@127.0.0.1:5432/${database}`,
    drop: () => admin(`drop database if exists "${database}" with (force)`),
  };
}
