import { DiceKitError } from '../errors/dicekit-error.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Throws `E_OPTION` naming the option, its value and what was expected. */
export function optionError(name: string, value: unknown, expected: string): DiceKitError {
  return new DiceKitError('E_OPTION', `option '${name}' is ${describe(value)}; expected ${expected}`);
}

/** A boolean option, or `fallback` when omitted (`E_OPTION` for other types). */
export function readBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw optionError(name, value, 'true or false');
  return value;
}

/** A string option among `choices`, or `fallback` when omitted (`E_OPTION` otherwise). */
export function readChoice<T extends string>(name: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw optionError(name, value, `one of ${choices.map((choice) => `'${choice}'`).join(', ')}`);
  }
  return value as T;
}

/** The allowed range of a numeric option. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** Strictly greater than `min`. */
  readonly exclusiveMin?: boolean;
  readonly integer?: boolean;
}

function rangeText(range: NumberRange): string {
  const parts: string[] = [range.integer ? 'an integer' : 'a finite number'];
  if (range.min !== undefined) parts.push(`${range.exclusiveMin ? '>' : '>='} ${range.min}`);
  if (range.max !== undefined) parts.push(`<= ${range.max}`);
  return parts.join(' ');
}

/** Checks a numeric option against its range (finite, integer where asked); throws `E_OPTION`. */
export function checkNumber(name: string, value: unknown, range: NumberRange): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw optionError(name, value, rangeText(range));
  if (range.integer && !Number.isInteger(value)) throw optionError(name, value, rangeText(range));
  if (range.min !== undefined && (range.exclusiveMin ? value <= range.min : value < range.min)) {
    throw optionError(name, value, rangeText(range));
  }
  if (range.max !== undefined && value > range.max) throw optionError(name, value, rangeText(range));
  return value;
}

/** A numeric option, or `fallback` when omitted. */
export function readNumber(name: string, value: unknown, range: NumberRange, fallback: number): number {
  if (value === undefined) return fallback;
  return checkNumber(name, value, range);
}

/** An array option of numbers (each checked against `range`), or null when omitted. */
export function readNumberArray(name: string, value: unknown, range: NumberRange): number[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) throw optionError(name, value, `an array of ${rangeText(range)}`);
  const entries = Array.from(value as ArrayLike<unknown>);
  entries.forEach((entry, index) => checkNumber(`${name}[${index}]`, entry, range));
  return entries as number[];
}
