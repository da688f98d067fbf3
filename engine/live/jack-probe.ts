/**
 * Test helper process (not a test): one duplex JACK client ('ssprobe') that plays a known stereo
 * signal and records its own inputs, for the live JACK test. It runs in its own process because
 * audify's error callback is process-global (one stream per process).
 *
 * Protocol (child_process IPC): parent → {type:'start', seconds, zeroSeconds, seed, sampleRate,
 * bufferFrames, prefillBlocks, recordPath}; probe → {type:'opened'} once its ports exist;
 * parent → {type:'stop'}; probe writes the recording (planar Float32: all of channel 0, then
 * channel 1) to recordPath and answers {type:'done', frames, stats}. The signal is
 * zeros(zeroSeconds) + musicLike(seconds) — the zeros give the parent time to connect ports.
 */
import { writeFileSync } from 'node:fs';
import { AudioDevice } from '../audio-io/index.js';
import { describeError } from '../errors.js';
import { AudioRing } from '../realtime/index.js';
import { musicLike } from './reference-render.js';

export interface ProbeStart {
  type: 'start';
  seconds: number;
  zeroSeconds: number;
  seed: number;
  sampleRate: number;
  bufferFrames: number;
  prefillBlocks: number;
  recordPath: string;
}

/** The probe's signal, planar: zeros then the music-like signal. */
export function probeSignal(m: Pick<ProbeStart, 'seconds' | 'zeroSeconds' | 'seed' | 'sampleRate'>): { channels: Float32Array[]; zeroFrames: number } {
  const zeroFrames = Math.round(m.zeroSeconds * m.sampleRate);
  const sig = musicLike(Math.round(m.seconds * m.sampleRate), m.sampleRate, m.seed);
  const channels = sig.map((c) => {
    const out = new Float32Array(zeroFrames + c.length);
    out.set(c, zeroFrames);
    return out;
  });
  return { channels, zeroFrames };
}

async function run(m: ProbeStart): Promise<void> {
  const { channels } = probeSignal(m);
  const total = channels[0].length;
  const output = AudioRing.create(total + 8 * m.bufferFrames, 2);
  output.pushPlanar(channels, total);
  const input = AudioRing.create(total + 20 * m.sampleRate, 2);
  const device = await AudioDevice.open({
    api: 'jack', sampleRate: m.sampleRate, bufferFrames: m.bufferFrames, inputChannels: 2, outputChannels: 2,
    prefillBlocks: m.prefillBlocks, autoConnect: false, streamName: 'ssprobe', inputRing: input, outputRing: output,
  });
  process.send?.({ type: 'opened', bufferFrames: device.bufferFrames });
  await new Promise<void>((resolve) => process.on('message', (msg: { type: string }) => msg.type === 'stop' && resolve()));
  const stats = device.stats();
  await device.close();
  const n = input.availableReadFrames();
  const rec = [new Float32Array(n), new Float32Array(n)];
  input.popPlanar(rec, n);
  const planar = new Float32Array(2 * n);
  planar.set(rec[0], 0);
  planar.set(rec[1], n);
  writeFileSync(m.recordPath, Buffer.from(planar.buffer));
  process.send?.({ type: 'done', frames: n, stats });
}

if (process.send !== undefined) {
  process.once('message', (m: ProbeStart) => {
    run(m).then(
      () => process.disconnect(),
      (e: unknown) => {
        process.send?.({ type: 'failed', message: describeError(e) });
        process.disconnect();
      },
    );
  });
}
