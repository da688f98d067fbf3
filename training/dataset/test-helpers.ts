/** Helpers for the dataset tests: tiny generated audio and temporary trees. */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AudioData } from './audio-io.js';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ss-${prefix}-`));
}

/** Stereo tone of `seconds` at `sampleRate`, amplitude `amp`, planar. */
export function tone(seconds: number, sampleRate: number, freqHz: number, amp: number): AudioData {
  const n = Math.round(seconds * sampleRate);
  const ch = Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * freqHz * i) / sampleRate));
  return { sampleRate, channels: [ch, ch.slice()] };
}

/** Mono audio made of 1 s windows: `true` = tone at −20 dBFS, `false` = silence. */
export function windowed(pattern: boolean[], sampleRate: number): AudioData {
  const ch = new Float32Array(pattern.length * sampleRate);
  pattern.forEach((on, w) => {
    if (!on) return;
    for (let i = 0; i < sampleRate; i++) ch[w * sampleRate + i] = 0.1 * Math.sin((2 * Math.PI * 220 * i) / sampleRate);
  });
  return { sampleRate, channels: [ch] };
}

export function ensureDir(p: string): string {
  mkdirSync(p, { recursive: true });
  return p;
}
