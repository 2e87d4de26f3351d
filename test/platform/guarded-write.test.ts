import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/platform/http/errors.js';
import { staleRead, untilFresh } from '../../src/platform/resource/index.js';

describe('guarded writes: a step read again while its row keeps changing', () => {
  it('runs the step again after a stale read and returns what the fresh attempt returns', async () => {
    let attempts = 0;
    const result = await untilFresh(async () => {
      attempts++;
      if (attempts < 3) throw staleRead();
      return 'written';
    });
    expect({ result, attempts }).toEqual({ result: 'written', attempts: 3 });
  });

  it('gives up after three stale reads with 409 CONCURRENT_UPDATE', async () => {
    let attempts = 0;
    const failing = untilFresh(async () => {
      attempts++;
      throw staleRead();
    });
    await expect(failing).rejects.toMatchObject({ status: 409, code: 'CONCURRENT_UPDATE' });
    await expect(failing).rejects.toBeInstanceOf(AppError);
    expect(attempts).toBe(3);
  });

  it('passes any other error through at once', async () => {
    let attempts = 0;
    const failing = untilFresh(async () => {
      attempts++;
      throw new AppError(409, 'VISIT_CANCELLED', 'The visit is cancelled.');
    });
    await expect(failing).rejects.toMatchObject({ code: 'VISIT_CANCELLED' });
    expect(attempts).toBe(1);
  });
});
