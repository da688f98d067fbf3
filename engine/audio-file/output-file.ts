/**
 * Sequential output file with user-facing errors (SS_ERR_WRITE_FAILED naming the path).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { StemstreamError } from '../errors.js';

export interface OutputFile {
  path: string;
  /** Appends bytes at the current end. */
  append(bytes: Uint8Array): Promise<void>;
  /** Overwrites bytes at an absolute position (header patching). */
  writeAt(position: number, bytes: Uint8Array): Promise<void>;
  /** Bytes appended so far. */
  readonly length: number;
  close(): Promise<void>;
}

function failed(path: string, e: unknown): StemstreamError {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : String(e);
  return new StemstreamError('SS_ERR_WRITE_FAILED', `${path}: cannot write (${code})`, { cause: e });
}

/** Creates (truncates) `path` for writing. */
export async function createOutputFile(path: string): Promise<OutputFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'w');
  } catch (e) {
    throw failed(path, e);
  }
  let length = 0;
  let closed = false;
  const writeFully = async (bytes: Uint8Array, position: number): Promise<void> => {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
      done += bytesWritten;
    }
  };
  return {
    path,
    get length() { return length; },
    async append(bytes) {
      try { await writeFully(bytes, length); } catch (e) { throw failed(path, e); }
      length += bytes.length;
    },
    async writeAt(position, bytes) {
      try { await writeFully(bytes, position); } catch (e) { throw failed(path, e); }
    },
    async close() {
      if (closed) return;
      closed = true;
      try { await handle.close(); } catch (e) { throw failed(path, e); }
    },
  };
}
