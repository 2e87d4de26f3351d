import { describe, expect, it } from 'vitest';
import { boundingBox, EARTH_RADIUS_M, haversineMeters, parseLatLng } from '../../src/lib/geo.js';

describe('haversineMeters', () => {
  // Hand-checkable: one degree along the equator or a meridian is 2πR/360; pole to pole is πR.
  const ONE_DEGREE = (2 * Math.PI * EARTH_RADIUS_M) / 360;
  it.each([
    ['same point', [41.2995, 69.2401], [41.2995, 69.2401], 0, 0.001],
    ['1° of longitude on the equator', [0, 0], [0, 1], ONE_DEGREE, 0.01],
    ['1° of latitude', [0, 0], [1, 0], ONE_DEGREE, 0.01],
    ['across the antimeridian', [0, 179.5], [0, -179.5], ONE_DEGREE, 0.01],
    ['pole to pole', [90, 0], [-90, 0], Math.PI * EARTH_RADIUS_M, 0.01],
    ['Tashkent → Samarkand (~266 km)', [41.2995, 69.2401], [39.6542, 66.9597], 265_826.5, 1],
    ['Tashkent centre → Tashkent City Park (~3.55 km)', [41.2995, 69.2401], [41.3111, 69.2797], 3_550.4, 1],
    ['London → New York (~5,575 km)', [51.5007, -0.1246], [40.6892, -74.0445], 5_574_848.2, 5],
  ] as const)('%s', (_name, [lat1, lng1], [lat2, lng2], expected, tolerance) => {
    const d = haversineMeters({ latitude: lat1, longitude: lng1 }, { latitude: lat2, longitude: lng2 });
    expect(Math.abs(d - expected)).toBeLessThanOrEqual(tolerance);
    const back = haversineMeters({ latitude: lat2, longitude: lng2 }, { latitude: lat1, longitude: lng1 });
    expect(back).toBeCloseTo(d, 6);
  });
});

describe('boundingBox', () => {
  it('contains every point of the circle', () => {
    const center = { latitude: 41.2995, longitude: 69.2401 };
    const box = boundingBox(center, 5000);
    for (let bearing = 0; bearing < 360; bearing += 15) {
      // A point ~4,999 m away in each direction (equirectangular step, then checked with haversine).
      const b = (bearing * Math.PI) / 180;
      let step = 4999;
      let p = center;
      for (let i = 0; i < 5; i++) {
        p = {
          latitude: center.latitude + ((step * Math.cos(b)) / EARTH_RADIUS_M) * (180 / Math.PI),
          longitude:
            center.longitude +
            ((step * Math.sin(b)) / (EARTH_RADIUS_M * Math.cos((center.latitude * Math.PI) / 180))) *
              (180 / Math.PI),
        };
        step *= 4999 / haversineMeters(center, p);
      }
      expect(p.latitude).toBeGreaterThanOrEqual(box.minLat);
      expect(p.latitude).toBeLessThanOrEqual(box.maxLat);
      expect(p.longitude).toBeGreaterThanOrEqual(box.minLng!);
      expect(p.longitude).toBeLessThanOrEqual(box.maxLng!);
    }
  });
  it('drops the longitude bound near a pole or across the antimeridian', () => {
    expect(boundingBox({ latitude: 89.99, longitude: 0 }, 5000).minLng).toBeUndefined();
    expect(boundingBox({ latitude: 0, longitude: 179.99 }, 5000).maxLng).toBeUndefined();
  });
});

describe('parseLatLng', () => {
  it.each([
    ['41.2995,69.2401', { latitude: 41.2995, longitude: 69.2401 }],
    ['-33.9,151', { latitude: -33.9, longitude: 151 }],
    ['91,0', undefined],
    ['0,181', undefined],
    ['abc', undefined],
  ])('%s', (input, expected) => expect(parseLatLng(input)).toEqual(expected));
});
