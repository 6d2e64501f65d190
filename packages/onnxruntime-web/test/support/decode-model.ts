// Decodes ONNX bytes with the protobufjs code generated from onnx.proto that onnxruntime-web ships
// (an independent parser of the format), for structural tests of the hand-written encoder.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const ortEntry = require.resolve('onnxruntime-web');
const onnxSchema = require(join(dirname(ortEntry), '..', 'lib', 'onnxjs', 'ort-schema', 'protobuf', 'onnx.js')) as {
  onnx: { ModelProto: { decode(bytes: Uint8Array): DecodedModel } };
};

export interface DecodedValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape?: { dim: Array<{ dimValue?: unknown; dimParam?: string }> } } };
}
export interface DecodedModel {
  irVersion: unknown;
  opsetImport: Array<{ domain?: string; version: unknown }>;
  graph: {
    node: Array<{ input: string[]; output: string[]; opType: string; name: string }>;
    initializer: Array<{ name: string; dims: unknown[]; dataType: number }>;
    input: DecodedValueInfo[];
    output: DecodedValueInfo[];
  };
}

export function decodeModel(bytes: Uint8Array): DecodedModel {
  return onnxSchema.onnx.ModelProto.decode(bytes);
}
