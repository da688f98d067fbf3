/**
 * The dataset tools' one door to audio files. A small adapter until engine/audio-file settles:
 * WAV read through wavefile, FLAC (Slakh stems) through audio-decode, WAV written here directly
 * (float32 or 16-bit), always to a temporary name then renamed so a crash never leaves a
 * complete-looking file.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import wavefile from 'wavefile';
import { StemstreamError } from '../../engine/errors.js';

/** Planar audio: `channels[c][i]`, all channels the same length, samples nominally in [-1, 1]. */
export interface AudioData {
  sampleRate: number;
  channels: Float32Array[];
}

function decodeWav(path: string, bytes: Buffer): AudioData {
  let w: InstanceType<typeof wavefile.WaveFile>;
  try {
    w = new wavefile.WaveFile(bytes);
  } catch (e) {
    throw new StemstreamError('SS_ERR_UNREADABLE_AUDIO', `${path}: not a readable WAV file (${(e as Error).message})`, { cause: e });
  }
  const fmt = w.fmt as { sampleRate: number; numChannels: number; audioFormat: number; bitsPerSample: number };
  const bits = w.bitDepth;
  const raw = w.getSamples(false, Float64Array) as unknown as Float64Array[] | Float64Array;
  const list = fmt.numChannels === 1 ? [raw as Float64Array] : (raw as Float64Array[]);
  // Integer PCM comes back as integers: scale by the full-scale value of its bit depth.
  const isFloat = bits === '32f' || bits === '64';
  const scale = isFloat ? 1 : bits === '8' ? 1 / 128 : 1 / Math.pow(2, Number.parseInt(bits, 10) - 1);
  const offset = bits === '8' ? 128 : 0;
  const channels = list.map((ch) => {
    const out = new Float32Array(ch.length);
    for (let i = 0; i < ch.length; i++) out[i] = (ch[i] - offset) * scale;
    return out;
  });
  if (!fmt.sampleRate || channels.length === 0) throw new StemstreamError('SS_ERR_CORRUPT_AUDIO', `${path}: WAV header has no sample rate or channels`);
  return { sampleRate: fmt.sampleRate, channels };
}

/** audio-decode 3 returns `{channelData, sampleRate}`; older versions an AudioBuffer. */
interface DecodedAudio {
  sampleRate: number;
  channelData?: Float32Array[];
  numberOfChannels?: number;
  getChannelData?: (c: number) => Float32Array;
}

async function decodeOther(path: string, bytes: Buffer): Promise<AudioData> {
  const mod = (await import('audio-decode')) as unknown as { default: (b: ArrayBuffer | Uint8Array) => Promise<DecodedAudio> };
  let buf: DecodedAudio;
  try {
    buf = await mod.default(new Uint8Array(bytes));
  } catch (e) {
    throw new StemstreamError('SS_ERR_UNREADABLE_AUDIO', `${path}: cannot decode audio (${(e as Error)?.message ?? String(e)})`, { cause: e });
  }
  const channels: Float32Array[] = [];
  if (buf.channelData) for (const ch of buf.channelData) channels.push(Float32Array.from(ch));
  else if (buf.getChannelData && buf.numberOfChannels) for (let c = 0; c < buf.numberOfChannels; c++) channels.push(Float32Array.from(buf.getChannelData(c)));
  if (channels.length === 0 || !buf.sampleRate) throw new StemstreamError('SS_ERR_CORRUPT_AUDIO', `${path}: decoded to no audio channels`);
  return { sampleRate: buf.sampleRate, channels };
}

/**
 * Fast path for the WAVs the tools write themselves (float32 or 16-bit PCM, plain chunks):
 * returns undefined for anything else, which then goes through wavefile.
 */
function decodeSimpleWav(bytes: Buffer): AudioData | undefined {
  if (bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let o = 12;
  let format = 0;
  let nbChannels = 0;
  let sampleRate = 0;
  let bits = 0;
  while (o + 8 <= bytes.length) {
    const id = bytes.toString('latin1', o, o + 4);
    const size = bytes.readUInt32LE(o + 4);
    const body = o + 8;
    if (id === 'fmt ') {
      if (size < 16) return undefined;
      format = bytes.readUInt16LE(body);
      nbChannels = bytes.readUInt16LE(body + 2);
      sampleRate = bytes.readUInt32LE(body + 4);
      bits = bytes.readUInt16LE(body + 14);
    } else if (id === 'data') {
      const isFloat = format === 3 && bits === 32;
      const isPcm16 = format === 1 && bits === 16;
      if (!(isFloat || isPcm16) || nbChannels < 1 || sampleRate <= 0) return undefined;
      const bytesPerFrame = nbChannels * (bits / 8);
      const available = Math.min(size, bytes.length - body);
      const n = Math.floor(available / bytesPerFrame);
      const channels = Array.from({ length: nbChannels }, () => new Float32Array(n));
      if (isFloat && (bytes.byteOffset + body) % 4 === 0) {
        const all = new Float32Array(bytes.buffer, bytes.byteOffset + body, n * nbChannels);
        for (let i = 0, k = 0; i < n; i++) for (let c = 0; c < nbChannels; c++) channels[c][i] = all[k++];
      } else {
        let p = body;
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < nbChannels; c++) {
            channels[c][i] = isFloat ? bytes.readFloatLE(p) : bytes.readInt16LE(p) / 32768;
            p += bits / 8;
          }
        }
      }
      return { sampleRate, channels };
    }
    o = body + size + (size % 2);
  }
  return undefined;
}

/** Reads a WAV or FLAC (or anything audio-decode knows) into planar float32. */
export async function readAudioFile(path: string): Promise<AudioData> {
  if (!existsSync(path)) throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `${path}: file not found`);
  const bytes = readFileSync(path);
  if (bytes.length < 12) throw new StemstreamError('SS_ERR_UNREADABLE_AUDIO', `${path}: file is too short to be audio (${bytes.length} bytes)`);
  const magic = bytes.subarray(0, 4).toString('latin1');
  if (magic === 'RIFF' || magic === 'RIFX' || magic === 'RF64' || extname(path).toLowerCase() === '.wav') return decodeSimpleWav(bytes) ?? decodeWav(path, bytes);
  return decodeOther(path, bytes);
}

/** Float32 (`bits` 32) or 16-bit PCM WAV bytes of planar `data`. */
export function encodeWav(data: AudioData, bits: 16 | 32 = 32): Buffer {
  const nbChannels = data.channels.length;
  const n = data.channels[0]?.length ?? 0;
  const bytesPerSample = bits / 8;
  const dataBytes = n * nbChannels * bytesPerSample;
  const isFloat = bits === 32;
  // Float WAV carries the 18-byte fmt chunk and a fact chunk, as the spec asks.
  const fmtSize = isFloat ? 18 : 16;
  const factSize = isFloat ? 12 : 0;
  const headerSize = 12 + 8 + fmtSize + factSize + 8;
  const buf = Buffer.alloc(headerSize + dataBytes);
  let o = 0;
  buf.write('RIFF', o); o += 4;
  buf.writeUInt32LE(headerSize - 8 + dataBytes, o); o += 4;
  buf.write('WAVE', o); o += 4;
  buf.write('fmt ', o); o += 4;
  buf.writeUInt32LE(fmtSize, o); o += 4;
  buf.writeUInt16LE(isFloat ? 3 : 1, o); o += 2;
  buf.writeUInt16LE(nbChannels, o); o += 2;
  buf.writeUInt32LE(data.sampleRate, o); o += 4;
  buf.writeUInt32LE(data.sampleRate * nbChannels * bytesPerSample, o); o += 4;
  buf.writeUInt16LE(nbChannels * bytesPerSample, o); o += 2;
  buf.writeUInt16LE(bits, o); o += 2;
  if (isFloat) {
    buf.writeUInt16LE(0, o); o += 2;
    buf.write('fact', o); o += 4;
    buf.writeUInt32LE(4, o); o += 4;
    buf.writeUInt32LE(n, o); o += 4;
  }
  buf.write('data', o); o += 4;
  buf.writeUInt32LE(dataBytes, o); o += 4;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < nbChannels; c++) {
      const v = data.channels[c][i];
      if (isFloat) buf.writeFloatLE(v, o);
      else buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), o);
      o += bytesPerSample;
    }
  }
  return buf;
}

/** Writes a WAV atomically (temporary name, then rename). */
export function writeWavFile(path: string, data: AudioData, bits: 16 | 32 = 32): void {
  const lengths = new Set(data.channels.map((c) => c.length));
  if (lengths.size > 1) throw new StemstreamError('SS_ERR_INTERNAL', `${path}: channels of different lengths`);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, encodeWav(data, bits));
    renameSync(tmp, path);
  } catch (e) {
    throw new StemstreamError('SS_ERR_WRITE_FAILED', `${path}: cannot write (${(e as Error).message})`, { cause: e });
  }
}

/** True when `path` exists and is a non-empty regular file. */
export function isCompleteFile(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && st.size > 44;
  } catch {
    return false;
  }
}
