import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileTransport, TransportCommand } from './file-transport.js';

const R = 48; // ramp frames

/** A ramp source whose value names its frame: frame i holds (i + 1) / 1000 (never 0). */
function source(n: number): Float32Array[] {
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    l[i] = (i + 1) / 1000;
    r[i] = -(i + 1) / 1000;
  }
  return [l, r];
}

function run(t: FileTransport, n: number, block = 64): Float32Array[] {
  const out = [new Float32Array(n), new Float32Array(n)];
  const tmp = [new Float32Array(block), new Float32Array(block)];
  for (let at = 0; at < n; at += block) {
    const m = Math.min(block, n - at);
    t.render(tmp, m);
    out[0].set(tmp[0].subarray(0, m), at);
    out[1].set(tmp[1].subarray(0, m), at);
  }
  return out;
}

function maxJump(x: Float32Array): number {
  let m = 0;
  for (let i = 1; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - x[i - 1]));
  return m;
}

test('plays the buffer sample-exact and loops the whole file by default', () => {
  const t = new FileTransport(source(1000), R);
  const [l, r] = run(t, 900);
  for (let i = 0; i < 900; i++) assert.equal(l[i], Math.fround((i + 1) / 1000));
  assert.equal(r[5], -l[5]);
  assert.equal(t.positionFrames, 900);
  assert.ok(t.playing && t.loopOn);
});

test('pause ramps to silence over the ramp, freezes the position; play ramps back in', () => {
  const t = new FileTransport(source(10000), R);
  run(t, 100);
  t.command(TransportCommand.PLAY, 0);
  const [l] = run(t, 500);
  assert.equal(t.playing, false);
  // the fade: R frames (still advancing), then exact zeros
  assert.ok(l[0] > 0 && l[R - 2] > 0 && l[R - 2] < l[0]);
  for (let i = R; i < 500; i++) assert.equal(l[i], 0);
  const frozen = t.positionFrames;
  assert.equal(frozen, 100 + R - 1);
  run(t, 300);
  assert.equal(t.positionFrames, frozen, 'the playhead stands still while paused');
  t.command(TransportCommand.PLAY, 1);
  const [back] = run(t, 200);
  assert.ok(back[0] > 0 && back[0] <= back[R + 10] / R + 1e-6, 'fades in');
  assert.equal(back[R + 10], Math.fround((frozen + R + 10 + 1) / 1000));
  assert.ok(maxJump(l) < 0.2 / R + 1e-3);
});

test('seek while playing fades out, jumps, fades in (no step larger than the ramp slope)', () => {
  const n = 20000;
  const t = new FileTransport(source(n), R);
  run(t, 1000);
  t.command(TransportCommand.SEEK, 15000);
  const [l] = run(t, 400);
  assert.ok(t.positionFrames > 15000 && t.positionFrames < 15400);
  // after both fades the samples are the seek target's
  // the fade-out ends on the pre-seek material, the fade-in starts at exactly frame 15000
  const zero = l.indexOf(0);
  assert.ok(zero >= R - 1 && zero <= R + 1, `silent turning point at ${zero}`);
  assert.ok(Math.abs(l[zero + 1] - (15001 + 1) / 1000 / R) < 1e-4, `first faded-in sample ${l[zero + 1]}`);
  const expectedAfter = l[399];
  assert.equal(expectedAfter, Math.fround((t.positionFrames - 1 + 1) / 1000));
  // continuity: largest jump is bounded by the fade slope (max value 20 over R frames)
  assert.ok(maxJump(l) <= 20 / R + 1e-3, `jump ${maxJump(l)}`);
});

test('seek while paused moves the playhead silently; play starts there', () => {
  const t = new FileTransport(source(5000), R);
  t.command(TransportCommand.PLAY, 0);
  run(t, 200);
  t.command(TransportCommand.SEEK, 3000);
  assert.equal(t.positionFrames, 3000);
  const [silent] = run(t, 100);
  assert.ok(silent.every((v) => v === 0));
  t.command(TransportCommand.PLAY, 1);
  const [l] = run(t, 100);
  assert.equal(l[R + 5], Math.fround((3000 + R + 5 + 1) / 1000));
});

test('loop A–B wraps with a cross-fade and stays inside the loop', () => {
  const t = new FileTransport(source(10000), R);
  t.command(TransportCommand.LOOP_START, 2000);
  t.command(TransportCommand.LOOP_END, 3000);
  t.command(TransportCommand.LOOP_ON, 1);
  const [l] = run(t, 5000);
  // after the initial fade to the loop start, every sample comes from [2000, 3000)
  for (let i = 2 * R + 2; i < 5000; i++) {
    assert.ok(l[i] >= 2000 / 1000 && l[i] <= 3000 / 1000 + 1e-6, `sample ${i} = ${l[i]} outside the loop`);
  }
  assert.ok(t.positionFrames >= 2000 && t.positionFrames < 3000);
  // the wrap itself is smooth: no jump near the size of the loop (1.0)
  assert.ok(maxJump(l.subarray(2 * R + 2)) < 0.05, `jump ${maxJump(l.subarray(2 * R + 2))}`);
});

test('without a loop the end fades out, stops and rewinds', () => {
  const t = new FileTransport(source(1000), R);
  t.command(TransportCommand.LOOP_ON, 0);
  assert.equal(t.loopOn, false);
  const [l] = run(t, 1500);
  assert.equal(t.playing, false);
  assert.equal(t.positionFrames, 0);
  for (let i = 1000; i < 1500; i++) assert.equal(l[i], 0);
  assert.ok(maxJump(l) < 1 / R + 0.01);
});

test('hostile commands: NaN, unknown ids and out-of-range positions are ignored or clamped', () => {
  const t = new FileTransport(source(1000), R);
  t.command(99, 1);
  t.command(TransportCommand.SEEK, Number.NaN);
  t.command(TransportCommand.PLAY, 0);
  run(t, 100);
  t.command(TransportCommand.SEEK, 1e9);
  assert.equal(t.positionFrames, 999);
  t.command(TransportCommand.SEEK, -5);
  assert.equal(t.positionFrames, 0);
  // an empty loop is refused
  t.command(TransportCommand.LOOP_START, 500);
  t.command(TransportCommand.LOOP_END, 500);
  t.command(TransportCommand.LOOP_ON, 1);
  assert.equal(t.loopOn, false);
});
