import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SPECTRUM_BANDS, SpectrumTap, SpectrumView, spectrumBufferBytes } from './spectrum-tap.js';

test('a sine in the instrument stem shows up in its band, at its level, as instrument', () => {
  const rate = 48000;
  const buf = new SharedArrayBuffer(spectrumBufferBytes());
  const tap = new SpectrumTap(buf, rate);
  const view = new SpectrumView(buf);
  const B = 256;
  const inst = [new Float32Array(B), new Float32Array(B)];
  const rest = [new Float32Array(B), new Float32Array(B)];
  let n = 0;
  for (let block = 0; block < 40; block++) {
    for (let i = 0; i < B; i++, n++) {
      inst[0][i] = inst[1][i] = 0.5 * Math.sin((2 * Math.PI * 1000 * n) / rate);
      rest[0][i] = rest[1][i] = 0.01 * Math.sin((2 * Math.PI * 5000 * n) / rate);
    }
    tap.push(inst, rest, B);
  }
  assert.ok(view.sequence >= 5, `columns published: ${view.sequence}`);
  const mag = new Float32Array(SPECTRUM_BANDS);
  const mask = new Float32Array(SPECTRUM_BANDS);
  view.read(mag, mask);
  const band = (hz: number) => tap.bandOf(hz);
  const b1k = [band(1000) - 1, band(1000), band(1000) + 1].reduce((a, b) => (mag[b] > mag[a] ? b : a));
  assert.ok(mag[b1k] > -16 && mag[b1k] < -3, `1 kHz band at ${mag[b1k].toFixed(1)} dBFS`);
  assert.ok(mask[b1k] > 0.95, `1 kHz is instrument (${mask[b1k].toFixed(2)})`);
  const b5k = [band(5000) - 1, band(5000), band(5000) + 1].reduce((a, b) => (mag[b] > mag[a] ? b : a));
  assert.ok(mask[b5k] < 0.2, `5 kHz is rest (${mask[b5k].toFixed(2)})`);
  assert.ok(mag[band(200)] < -60, `quiet elsewhere (${mag[band(200)].toFixed(1)} dBFS)`);
});
