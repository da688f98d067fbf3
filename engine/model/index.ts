export { modelManifestSchema, formatIssues, type ModelManifest } from './manifest.js';
export { installedModelNames, modelSearchPath, readModelPackage, resolveModelDir, type ModelPackage } from './package.js';
export { loadModel, type InferenceDevice, type LoadModelOptions, type LoadedModel, type MaskModel } from './mask-model.js';
