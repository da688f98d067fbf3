import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_GAIN_DB } from '../mixer/index.js';
import { ccToDb, ccToRange, dbToCc, rangeToCc } from './gain-curve.js';

test('default curve: 0 silent, 100 unity, 127 +6 dB, 64 about −11 dB', () => {
  assert.equal(ccToDb(0), MIN_GAIN_DB);
  assert.ok(Math.abs(ccToDb(100)) < 1e-9, `${ccToDb(100)}`);
  assert.ok(Math.abs(ccToDb(127) - 6) < 1e-9);
  assert.ok(ccToDb(64) > -12 && ccToDb(64) < -10.5, `${ccToDb(64)}`);
});

test('monotonic, and an audio taper: steps are finer in dB near the top than near the bottom', () => {
  for (let v = 1; v <= 127; v++) assert.ok(ccToDb(v) > ccToDb(v - 1), `at ${v}`);
  const top = ccToDb(127) - ccToDb(126);
  const bottom = ccToDb(11) - ccToDb(10);
  assert.ok(top < 0.5 && bottom > 5 * top, `top step ${top}, bottom step ${bottom}`);
});

test('dbToCc inverts ccToDb and clamps', () => {
  for (let v = 1; v <= 127; v++) assert.ok(Math.abs(dbToCc(ccToDb(v)) - v) < 1e-9, `at ${v}`);
  assert.equal(dbToCc(-Infinity), 0);
  assert.equal(dbToCc(MIN_GAIN_DB), 0);
  assert.equal(dbToCc(12), 127);
  assert.ok(Math.abs(dbToCc(0) - 100) < 1e-9);
});

test('custom curve: unity at 90, +10 dB at the top', () => {
  const c = { maxDb: 10, unityCc: 90 };
  assert.ok(Math.abs(ccToDb(90, c)) < 1e-9);
  assert.ok(Math.abs(ccToDb(127, c) - 10) < 1e-9);
});

test('linear ranges map both ways', () => {
  assert.equal(ccToRange(0, 50, 300), 50);
  assert.equal(ccToRange(127, 50, 300), 300);
  assert.ok(Math.abs(rangeToCc(ccToRange(77, 50, 300), 50, 300) - 77) < 1e-9);
});
