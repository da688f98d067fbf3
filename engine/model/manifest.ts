import { z } from 'zod';

/**
 * `model.json`, the only contract between training and the engine (style anchors §8).
 * Keys are snake_case because the Python exporter writes them; the engine reads this alone.
 */
const positiveInt = z.number().int().positive();

export const signalSchema = z.object({
  sample_rate: positiveInt,
  n_fft: positiveInt,
  hop_length: positiveInt,
  window: z.literal('hann-periodic'),
  center: z.literal(true),
  pad_mode: z.literal('reflect'),
  chunk_frames: positiveInt,
  nb_bins: positiveInt,
  channels: z.literal('mono-downmix'),
});

const dim = z.union([z.string(), positiveInt]);

export const modelManifestSchema = z
  .object({
    format: z.literal('stemstream-model'),
    format_version: z.literal(1),
    name: z.string().min(1),
    instrument: z.string().min(1),
    description: z.string().default(''),
    license: z.string().min(1),
    signal: signalSchema,
    input: z.object({
      name: z.string().min(1),
      shape: z.tuple([dim, z.literal(1), positiveInt, positiveInt]),
      normalisation: z.enum(['chunk-max', 'none']),
      normalisation_in_model: z.boolean(),
    }),
    output: z.object({
      name: z.string().min(1),
      shape: z.tuple([dim, z.literal(1), positiveInt, positiveInt]),
      kind: z.literal('ratio-mask'),
      target: z.string().min(1),
      range: z.tuple([z.number(), z.number()]),
      // The exponent the graph applies to the clipped mask (training/README.md); informational.
      mask_power: z.number().positive().max(4).optional(),
    }),
    architecture: z.looseObject({ type: z.string().min(1), trainable_params: z.number().int().nonnegative().optional() }),
    training: z.looseObject({}).default({}),
    metrics: z.record(z.string(), z.record(z.string(), z.union([z.number(), z.string(), z.null()]))).default({}),
    onnx: z.object({ file: z.string().min(1), opset: positiveInt.optional() }),
  })
  .superRefine((m, ctx) => {
    const s = m.signal;
    if (s.nb_bins !== s.n_fft / 2 + 1) {
      ctx.addIssue({ code: 'custom', path: ['signal', 'nb_bins'], message: `must be n_fft/2+1 = ${s.n_fft / 2 + 1}` });
    }
    if (s.hop_length > s.n_fft) {
      ctx.addIssue({ code: 'custom', path: ['signal', 'hop_length'], message: 'must not exceed n_fft' });
    }
    for (const side of ['input', 'output'] as const) {
      const [, , bins, frames] = m[side].shape;
      if (bins !== s.nb_bins) ctx.addIssue({ code: 'custom', path: [side, 'shape', 2], message: `must equal signal.nb_bins (${s.nb_bins})` });
      if (frames !== s.chunk_frames) ctx.addIssue({ code: 'custom', path: [side, 'shape', 3], message: `must equal signal.chunk_frames (${s.chunk_frames})` });
    }
    if (!(m.output.range[0] === 0 && m.output.range[1] === 1)) {
      ctx.addIssue({ code: 'custom', path: ['output', 'range'], message: 'only masks in [0, 1] are supported' });
    }
    if (m.input.normalisation !== 'none' && !m.input.normalisation_in_model) {
      ctx.addIssue({ code: 'custom', path: ['input', 'normalisation_in_model'], message: 'normalisation must be baked into the ONNX graph' });
    }
  });

export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** One line per problem, each naming the JSON path, e.g. `signal.n_fft: expected number, received string`. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}
