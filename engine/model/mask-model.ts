import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { StemstreamError, describeError } from '../errors.js';
import type { ModelManifest } from './manifest.js';
import { readModelPackage, resolveModelDir } from './package.js';

export type InferenceDevice = 'cpu' | 'cuda';

/**
 * Anything that turns magnitude chunks into instrument masks. The separator depends on this, not on
 * onnxruntime, so tests can plug in pure-TypeScript masks.
 */
export interface MaskModel {
  readonly nbBins: number;
  readonly chunkFrames: number;
  /**
   * @param input  `[batch, 1, nbBins, chunkFrames]` row-major (bin-major inside a chunk), raw linear magnitude.
   * @returns      the mask, same shape and layout, values in [0, 1]. The returned array is the caller's.
   */
  run(input: Float32Array, batch: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface LoadedModel extends MaskModel {
  readonly name: string;
  readonly dir: string;
  readonly manifest: ModelManifest;
  readonly device: InferenceDevice;
}

export interface LoadModelOptions {
  device?: InferenceDevice;
  /** onnxruntime intra-op threads; default: all cores. */
  threads?: number;
}

class OnnxMaskModel implements LoadedModel {
  readonly nbBins: number;
  readonly chunkFrames: number;

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly manifest: ModelManifest,
    readonly device: InferenceDevice,
    private readonly session: ort.InferenceSession,
  ) {
    this.nbBins = manifest.signal.nb_bins;
    this.chunkFrames = manifest.signal.chunk_frames;
  }

  async run(input: Float32Array, batch: number): Promise<Float32Array> {
    const per = this.nbBins * this.chunkFrames;
    if (!Number.isInteger(batch) || batch < 1 || input.length < batch * per) {
      throw new StemstreamError('SS_ERR_INTERNAL', `mask model: input of ${input.length} floats is not ${batch} chunks of ${per}`);
    }
    const view = input.length === batch * per ? input : input.subarray(0, batch * per);
    const tensor = new ort.Tensor('float32', view, [batch, 1, this.nbBins, this.chunkFrames]);
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await this.session.run({ [this.manifest.input.name]: tensor });
    } catch (e) {
      throw new StemstreamError('SS_ERR_INFERENCE', `model ${this.name}: inference failed: ${describeError(e)}`, { cause: e });
    }
    const out = result[this.manifest.output.name];
    if (out === undefined || out.type !== 'float32' || out.data.length !== batch * per) {
      throw new StemstreamError('SS_ERR_BAD_MODEL', `model ${this.name}: output "${this.manifest.output.name}" is not float32 [${batch},1,${this.nbBins},${this.chunkFrames}]`);
    }
    return out.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** Loads a model package by name (`guitar`) or folder, validates it and opens an ONNX session. */
export async function loadModel(ref: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const device = options.device ?? 'cpu';
  if (device !== 'cpu' && device !== 'cuda') {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `unknown device "${String(device)}"; use cpu or cuda`);
  }
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new StemstreamError('SS_ERR_BAD_OPTION', `threads must be a positive integer, got ${threads}`);
  }
  const pkg = readModelPackage(resolveModelDir(ref));
  if (device === 'cuda' && !ort.listSupportedBackends().some((b) => b.name === 'cuda' && b.bundled)) {
    // The CUDA provider is a separate download (see .npmrc); say how to get it instead of failing deep inside ORT.
    throw new StemstreamError(
      'SS_ERR_NO_CUDA',
      'the CUDA execution provider is not installed; reinstall with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm install onnxruntime-node` (needs CUDA 12 and cuDNN 9), or use --device cpu',
    );
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(pkg.onnxPath, {
      executionProviders: [device],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // ORT's pool threads busy-wait between runs by default: a live engine runs the model a few
      // dozen times a second, and spinning threads take the cores from the DSP and audio threads.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
  } catch (e) {
    const code = device === 'cuda' ? 'SS_ERR_NO_CUDA' : 'SS_ERR_BAD_MODEL';
    throw new StemstreamError(code, `cannot open ${pkg.onnxPath} on ${device}: ${describeError(e)}`, { cause: e });
  }
  const { manifest } = pkg;
  if (!session.inputNames.includes(manifest.input.name) || !session.outputNames.includes(manifest.output.name)) {
    await session.release();
    throw new StemstreamError(
      'SS_ERR_BAD_MODEL',
      `${pkg.onnxPath}: graph has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], model.json expects "${manifest.input.name}" → "${manifest.output.name}"`,
    );
  }
  return new OnnxMaskModel(manifest.name, pkg.dir, manifest, device, session);
}
