import { DiceKitError, type NumericData, type TensorLike } from '@dicekit/core';
import type { PredictionType, TargetType } from '../graphs/graph-variant.js';
import type { OrtModule, OrtTensor } from './ort-runtime.js';

/** Decodes IEEE binary16 bit patterns to float32 (host-side data checks of float16 tensors). */
export function decodeFloat16(bits: Uint16Array): Float32Array {
  const result = new Float32Array(bits.length);
  for (let index = 0; index < bits.length; index++) {
    const half = bits[index] as number;
    const sign = half & 0x8000 ? -1 : 1;
    const exponent = (half >> 10) & 0x1f;
    const fraction = half & 0x3ff;
    if (exponent === 0) result[index] = sign * fraction * 2 ** -24;
    else if (exponent === 31) result[index] = fraction === 0 ? sign * Infinity : Number.NaN;
    else result[index] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return result;
}

/** Encodes numbers as IEEE binary16 bit patterns (round to nearest even), for float16 inputs. */
export function encodeFloat16(values: ArrayLike<number>): Uint16Array {
  const result = new Uint16Array(values.length);
  const floatView = new Float32Array(1);
  const bitsView = new Uint32Array(floatView.buffer);
  for (let index = 0; index < values.length; index++) {
    floatView[0] = values[index] as number;
    const bits = bitsView[0] as number;
    const sign = (bits >>> 16) & 0x8000;
    const exponent = (bits >>> 23) & 0xff;
    let mantissa = bits & 0x7fffff;
    if (exponent === 0xff) {
      result[index] = sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
      continue;
    }
    const halfExponent = exponent - 127 + 15;
    if (halfExponent >= 31) {
      result[index] = sign | 0x7c00;
    } else if (halfExponent <= 0) {
      if (halfExponent < -10) {
        result[index] = sign;
        continue;
      }
      mantissa |= 0x800000;
      const shift = 14 - halfExponent;
      let half = mantissa >> shift;
      const remainder = mantissa & ((1 << shift) - 1);
      const halfway = 1 << (shift - 1);
      if (remainder > halfway || (remainder === halfway && (half & 1) === 1)) half += 1;
      result[index] = sign | half;
    } else {
      let half = (halfExponent << 10) | (mantissa >> 13);
      const remainder = mantissa & 0x1fff;
      if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1)) half += 1;
      result[index] = sign | half;
    }
  }
  return result;
}

/** The host view of an ort.Tensor for core's checks: its dims and numbers (float16 decoded). */
export async function hostTensorOf(tensor: OrtTensor): Promise<TensorLike> {
  const data = (tensor.location === 'cpu' ? tensor.data : await tensor.getData()) as NumericData | Uint16Array;
  if (tensor.type === 'float16') return { shape: tensor.dims, data: decodeFloat16(data as Uint16Array) };
  return { shape: tensor.dims, data: data as NumericData };
}

/** The prediction type of an ort.Tensor (`E_DTYPE` unless float32 or float16). */
export function predictionTypeOf(tensor: OrtTensor): PredictionType {
  if (tensor.type === 'float32' || tensor.type === 'float16') return tensor.type;
  throw new DiceKitError('E_DTYPE', `input tensor has type ${tensor.type}; predictions must be float32 or float16`);
}

/** The target type of an ort.Tensor (`E_DTYPE` for other types). */
export function targetTypeOf(tensor: OrtTensor, labels: boolean): TargetType {
  const type = tensor.type;
  if (labels && (type === 'uint8' || type === 'int32' || type === 'int64')) return type;
  if (!labels && (type === 'float32' || type === 'float16')) return type;
  throw new DiceKitError(
    'E_DTYPE',
    `target tensor has type ${type}; ${labels ? "targetFormat 'labels' takes uint8, int32 or int64" : 'dense targets take float32 or float16'}`,
  );
}

/** Float32 data for a host array, without a copy when it already is one. */
function asFloat32(data: NumericData): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array) return Float32Array.from(data, (value) => Number(value));
  return Float32Array.from(data as ArrayLike<number>);
}

/**
 * An ort.Tensor from a host tensor: predictions and dense values as float32 (a copy unless already
 * Float32Array), label maps as uint8 / int32 / int64 by their array type (other integers as int32).
 */
export function ortTensorOf(ort: OrtModule, tensor: TensorLike, role: 'float' | 'labels'): OrtTensor {
  const dims = [...tensor.shape];
  if (role === 'float') return new ort.Tensor('float32', asFloat32(tensor.data), dims);
  const data = tensor.data;
  if (data instanceof Uint8Array) return new ort.Tensor('uint8', data, dims);
  if (data instanceof Int32Array) return new ort.Tensor('int32', data, dims);
  if (data instanceof BigInt64Array) return new ort.Tensor('int64', data, dims);
  return new ort.Tensor('int32', Int32Array.from(data as ArrayLike<number>), dims);
}
