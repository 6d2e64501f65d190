import type { AttributeValue, Dimension, GraphSpec, NodeSpec, OnnxDataTypeName, TensorConstant, ValueInfo } from './onnx-model.js';

/** Attribute values as plain JavaScript: integers, floats (`{ float }`), integer lists, strings. */
export type AttributeInput = number | readonly number[] | string | { readonly float: number } | { readonly floats: readonly number[] };

function toAttribute(value: AttributeInput): AttributeValue {
  if (typeof value === 'number') return { int: value };
  if (typeof value === 'string') return { string: value };
  if (Array.isArray(value)) return { ints: value as readonly number[] };
  return value as AttributeValue;
}

/**
 * Builds an ONNX graph node by node. Value names are generated (`v12`) unless given; constants become
 * initializers, deduplicated by content, and only the ones some node reads are emitted.
 */
export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly constants = new Map<string, TensorConstant>();
  private counter = 0;

  private fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }

  /** Declares a graph input. */
  input(name: string, type: OnnxDataTypeName, shape: readonly Dimension[] | null, doc?: string): string {
    this.inputs.push({ name, type, shape, ...(doc === undefined ? {} : { doc }) });
    return name;
  }

  /** Declares `value` as the graph output `name` (through an Identity node when renamed). */
  output(value: string, name: string, type: OnnxDataTypeName, shape: readonly Dimension[] | null, doc?: string): void {
    if (value !== name) this.op('Identity', [value], {}, name);
    this.outputs.push({ name, type, shape, ...(doc === undefined ? {} : { doc }) });
  }

  /** A constant tensor (an initializer), shared between identical uses. */
  constant(type: OnnxDataTypeName, dims: readonly number[], values: readonly number[]): string {
    const key = `${type}|${dims.join(',')}|${values.join(',')}`;
    const existing = this.constants.get(key);
    if (existing !== undefined) return existing.name;
    const name = this.fresh('const');
    this.constants.set(key, { name, type, dims, values });
    return name;
  }

  /** A float32 scalar constant of shape `[]`. */
  scalar(value: number, type: OnnxDataTypeName = 'float'): string {
    return this.constant(type, [], [value]);
  }

  /** A 1-D int64 constant (shapes, axes, pads). */
  ints(values: readonly number[]): string {
    return this.constant('int64', [values.length], values);
  }

  /** Adds a node with one output and returns the output's name. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeInput>> = {}, outputName?: string): string {
    const output = outputName ?? this.fresh('v');
    this.nodes.push({
      opType,
      inputs,
      outputs: [output],
      name: this.fresh(`${opType}_`),
      attributes: Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, toAttribute(value)])),
    });
    return output;
  }

  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  div(a: string, b: string): string {
    return this.op('Div', [a, b]);
  }
  cast(value: string, to: number): string {
    return this.op('Cast', [value], { to });
  }

  /** The graph, with only the initializers some node reads. */
  build(name: string, doc?: string): GraphSpec {
    const used = new Set(this.nodes.flatMap((node) => node.inputs));
    const initializers = [...this.constants.values()].filter((constant) => used.has(constant.name));
    return { name, nodes: this.nodes, initializers, inputs: this.inputs, outputs: this.outputs, ...(doc === undefined ? {} : { doc }) };
  }
}
