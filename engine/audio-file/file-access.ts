/**
 * File handles with user-facing errors: a missing path becomes SS_ERR_FILE_NOT_FOUND, anything else
 * that stops us reading (directory, permissions) SS_ERR_UNREADABLE_AUDIO; both name the path.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { StemstreamError } from '../errors.js';
import type { ReadAt } from './wav-header.js';

export interface InputFile {
  path: string;
  handle: FileHandle;
  /** Bytes, at open time. */
  size: number;
  readAt: ReadAt;
}

function code(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** Opens `path` for reading and checks it is a regular file. */
export async function openInputFile(path: string): Promise<InputFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') {
      throw new StemstreamError('SS_ERR_FILE_NOT_FOUND', `${path}: no such file`, { cause: e });
    }
    throw new StemstreamError('SS_ERR_UNREADABLE_AUDIO', `${path}: cannot open (${code(e) ?? String(e)})`, { cause: e });
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new StemstreamError('SS_ERR_UNREADABLE_AUDIO', `${path}: not a regular file`);
    const readAt: ReadAt = async (position, length) => {
      const buf = new Uint8Array(Math.max(0, length));
      let done = 0;
      // read() may return short counts before EOF; loop until full or EOF.
      while (done < buf.length) {
        const { bytesRead } = await handle.read(buf, done, buf.length - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === buf.length ? buf : buf.subarray(0, done);
    };
    return { path, handle, size: st.size, readAt };
  } catch (e) {
    await handle.close();
    if (e instanceof StemstreamError) throw e;
    throw new StemstreamError('SS_ERR_UNREADABLE_AUDIO', `${path}: cannot read (${code(e) ?? String(e)})`, { cause: e });
  }
}
