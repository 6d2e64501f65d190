import type * as OrtNamespace from 'onnxruntime-web';

/** The onnxruntime-web module (`import * as ort from 'onnxruntime-web'`, or its `/webgpu`, `/all` builds). */
export type OrtModule = typeof OrtNamespace;
/** An `ort.Tensor`. */
export type OrtTensor = OrtNamespace.Tensor;
/** An `ort.InferenceSession`. */
export type OrtSession = OrtNamespace.InferenceSession;
/** Execution providers as onnxruntime-web takes them (`['wasm']`, `['webgpu']`, ...). */
export type ExecutionProviders = NonNullable<OrtNamespace.InferenceSession.SessionOptions['executionProviders']>;

/**
 * The ort module to use: the one given (so tensors and sessions come from the same copy of
 * onnxruntime-web as the caller's), else `onnxruntime-web` loaded on first use.
 */
export async function resolveOrt(given?: OrtModule): Promise<OrtModule> {
  if (given !== undefined) return given;
  return (await import('onnxruntime-web')) as OrtModule;
}
