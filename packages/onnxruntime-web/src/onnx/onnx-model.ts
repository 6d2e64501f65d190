import { ProtobufWriter } from './protobuf-writer.js';

/** ONNX `TensorProto.DataType` codes used here. */
export const OnnxDataType = {
  float: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  double: 11,
} as const;
export type OnnxDataTypeName = keyof typeof OnnxDataType;

/** A dimension: a fixed size or a symbolic name (`'N'`, `'C'`, `'D1'`, ...). */
export type Dimension = number | string;

/** A graph input or output: name, element type, shape (null: unknown rank). */
export interface ValueInfo {
  readonly name: string;
  readonly type: OnnxDataTypeName;
  readonly shape: readonly Dimension[] | null;
  readonly doc?: string;
}

/** A constant tensor (initializer), stored as little-endian `raw_data`. */
export interface TensorConstant {
  readonly name: string;
  readonly type: OnnxDataTypeName;
  readonly dims: readonly number[];
  readonly values: readonly number[];
}

/** A node attribute; the kind follows from the value (int, float, ints, floats, string). */
export type AttributeValue =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly string: string };

export interface NodeSpec {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly TensorConstant[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly doc?: string;
}

export interface ModelSpec {
  readonly graph: GraphSpec;
  /** Default-domain opset (17 by default). */
  readonly opset?: number;
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly doc?: string;
}

/** IR version 8 is the one that goes with opset 17 (onnx 1.12+). */
const IR_VERSION = 8;

function rawData(constant: TensorConstant): Uint8Array {
  const { type, values } = constant;
  switch (type) {
    case 'float':
      return new Uint8Array(Float32Array.from(values).buffer);
    case 'double':
      return new Uint8Array(Float64Array.from(values).buffer);
    case 'int64':
      return new Uint8Array(BigInt64Array.from(values.map((value) => BigInt(value))).buffer);
    case 'int32':
      return new Uint8Array(Int32Array.from(values).buffer);
    case 'uint8':
    case 'bool':
      return Uint8Array.from(values);
    case 'int8':
      return new Uint8Array(Int8Array.from(values).buffer);
    case 'float16':
      throw new Error('float16 constants are not used by dicekit graphs');
  }
}

function writeTensor(writer: ProtobufWriter, constant: TensorConstant): void {
  // TensorProto: dims = 1 (repeated int64, not packed in proto2), data_type = 2, name = 8, raw_data = 9.
  for (const dimension of constant.dims) writer.varintField(1, dimension);
  writer.varintField(2, OnnxDataType[constant.type]);
  writer.stringField(8, constant.name);
  writer.bytesField(9, rawData(constant));
}

function writeValueInfo(writer: ProtobufWriter, info: ValueInfo): void {
  // ValueInfoProto: name = 1, type = 2, doc_string = 3. TypeProto.tensor_type = 1:
  // elem_type = 1, shape = 2; TensorShapeProto.dim = 1: dim_value = 1, dim_param = 2.
  writer.stringField(1, info.name);
  writer.messageField(2, (type) =>
    type.messageField(1, (tensor) => {
      tensor.varintField(1, OnnxDataType[info.type]);
      if (info.shape !== null) {
        const shape = info.shape;
        tensor.messageField(2, (shapeWriter) => {
          for (const dimension of shape) {
            shapeWriter.messageField(1, (dim) => {
              if (typeof dimension === 'number') dim.varintField(1, dimension);
              else dim.stringField(2, dimension);
            });
          }
        });
      }
    }),
  );
  if (info.doc !== undefined) writer.stringField(3, info.doc);
}

function writeAttribute(writer: ProtobufWriter, name: string, value: AttributeValue): void {
  // AttributeProto: name = 1, f = 2, i = 3, s = 4, floats = 7, ints = 8 (unpacked), type = 20.
  writer.stringField(1, name);
  if ('float' in value) {
    writer.floatField(2, value.float);
    writer.varintField(20, 1);
  } else if ('int' in value) {
    writer.varintField(3, value.int);
    writer.varintField(20, 2);
  } else if ('string' in value) {
    writer.stringField(4, value.string);
    writer.varintField(20, 3);
  } else if ('floats' in value) {
    for (const entry of value.floats) writer.floatField(7, entry);
    writer.varintField(20, 6);
  } else {
    for (const entry of value.ints) writer.varintField(8, entry);
    writer.varintField(20, 7);
  }
}

function writeNode(writer: ProtobufWriter, node: NodeSpec): void {
  // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
  for (const input of node.inputs) writer.stringField(1, input);
  for (const output of node.outputs) writer.stringField(2, output);
  writer.stringField(3, node.name);
  writer.stringField(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes)) writer.messageField(5, (attribute) => writeAttribute(attribute, name, value));
}

function writeGraph(writer: ProtobufWriter, graph: GraphSpec): void {
  // GraphProto: node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12.
  for (const node of graph.nodes) writer.messageField(1, (nodeWriter) => writeNode(nodeWriter, node));
  writer.stringField(2, graph.name);
  for (const constant of graph.initializers) writer.messageField(5, (tensor) => writeTensor(tensor, constant));
  if (graph.doc !== undefined) writer.stringField(10, graph.doc);
  for (const input of graph.inputs) writer.messageField(11, (info) => writeValueInfo(info, input));
  for (const output of graph.outputs) writer.messageField(12, (info) => writeValueInfo(info, output));
}

/**
 * Serialises a model to ONNX protobuf bytes (`ModelProto`, IR version 8, default-domain opset 17
 * unless given), fields in ascending field-number order like the generated serialisers.
 */
export function encodeModel(model: ModelSpec): Uint8Array {
  const writer = new ProtobufWriter();
  // ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, doc_string = 6, graph = 7,
  // opset_import = 8 (OperatorSetIdProto: domain = 1, version = 2).
  writer.varintField(1, IR_VERSION);
  writer.stringField(2, model.producerName ?? '@dicekit/onnxruntime-web');
  if (model.producerVersion !== undefined) writer.stringField(3, model.producerVersion);
  if (model.doc !== undefined) writer.stringField(6, model.doc);
  writer.messageField(7, (graph) => writeGraph(graph, model.graph));
  writer.messageField(8, (opset) => {
    opset.stringField(1, '');
    opset.varintField(2, model.opset ?? 17);
  });
  return writer.finish();
}
