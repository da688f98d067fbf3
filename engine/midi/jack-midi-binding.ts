/**
 * Test helper (not a test file): builds a JACK-enabled copy of @julusian/midi's native module
 * (RtMidi with __UNIX_JACK__, linked with -ljack) into a cache folder, for the JACK MIDI
 * integration tests. The shipped build in node_modules is never touched; the copy is loaded
 * through STEMSTREAM_MIDI_BINDING / loadMidiBinding(path).
 *
 * Needs g++, libjack-jackd2-dev and Node's headers (<node prefix>/include/node). The result is
 * keyed by a hash of the sources and the Node ABI, so later runs reuse it (~10 s to build).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoPath } from '../paths.js';
import { hasCommand } from '../audio-io/jack-server.js';

const requireCjs = createRequire(import.meta.url);

/** Why the JACK copy cannot be built here, or null. */
export function jackMidiBuildProblem(): string | null {
  if (!hasCommand('g++')) return 'g++ is not installed';
  if (!existsSync('/usr/include/jack/jack.h')) return 'JACK headers are missing (apt-get install libjack-jackd2-dev)';
  if (nodeIncludeDir() === null) return "Node's headers (include/node/node_api.h) were not found";
  return null;
}

function nodeIncludeDir(): string | null {
  for (const dir of [join(dirname(dirname(process.execPath)), 'include', 'node'), '/usr/include/node', '/usr/local/include/node']) {
    if (existsSync(join(dir, 'node_api.h'))) return dir;
  }
  return null;
}

/**
 * Path of the JACK-enabled midi.node, building it first when the cache lacks it. Throws with the
 * compiler output when the build fails.
 */
export function buildJackMidiBinding(): string {
  const problem = jackMidiBuildProblem();
  if (problem !== null) throw new Error(`cannot build the JACK MIDI binding: ${problem}`);
  const pkgDir = dirname(requireCjs.resolve('@julusian/midi/package.json'));
  const addonInclude = dirname(requireCjs.resolve('node-addon-api/package.json', { paths: [pkgDir] }));
  const sources = ['vendor/rtmidi/RtMidi.cpp', 'src-cpp/input.cpp', 'src-cpp/output.cpp', 'src-cpp/midi.cpp'].map((f) => join(pkgDir, f));
  const hash = createHash('sha256');
  for (const f of [...sources, join(pkgDir, 'src-cpp/input.h'), join(pkgDir, 'src-cpp/output.h'), join(pkgDir, 'vendor/rtmidi/RtMidi.h')]) hash.update(readFileSync(f));
  hash.update(process.versions.modules).update(process.arch);
  const dir = repoPath('node_modules', '.cache', 'stemstream-midi-jack', hash.digest('hex').slice(0, 16));
  const out = join(dir, 'midi.node');
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  // build beside, then rename: a parallel test process never loads a half-written file
  const tmp = join(dir, `midi.${process.pid}.node`);
  const args = [
    '-shared', '-fPIC', '-O2', '-std=c++17', '-w',
    '-D__UNIX_JACK__', '-DNAPI_VERSION=7', '-DNAPI_CPP_EXCEPTIONS', '-DBUILDING_NODE_EXTENSION',
    `-I${nodeIncludeDir()}`, `-I${addonInclude}`, `-I${join(pkgDir, 'vendor/rtmidi')}`,
    ...sources, '-o', tmp, '-ljack', '-lpthread',
  ];
  const r = spawnSync('g++', args, { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`building the JACK MIDI binding failed (g++ ${r.status ?? r.signal}):\n${r.stderr}`);
  renameSync(tmp, out);
  return out;
}
