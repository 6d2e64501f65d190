import { parseArgs } from 'node:util';
import { DiceKitError, type EmptyPolicy } from '@dicekit/core';
import { EMPTY_VALUE_MAP, parseValueMap, type ValueMap } from '../readers/value-map.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/format-report.js';
import { selectedClasses, type ScoringOptions } from '../report/scoring-options.js';

/** Output options shared by `eval` and `merge`. */
export interface OutputOptions {
  readonly format: ReportFormat;
  readonly out: string | null;
  readonly statsOut: string | null;
  readonly quiet: boolean;
}

/** A parsed `dicekit eval` command line. */
export interface EvalCommand extends OutputOptions {
  readonly command: 'eval';
  readonly predictionDirectory: string;
  readonly groundTruthDirectory: string;
  readonly scoring: ScoringOptions;
  readonly valueMap: ValueMap;
  readonly workers: number | null;
  readonly slabVoxels: number | null;
}

/** A parsed `dicekit merge` command line. */
export interface MergeCommand extends OutputOptions {
  readonly command: 'merge';
  readonly files: readonly string[];
}

/** Every command the bin understands. */
export type Command = EvalCommand | MergeCommand | { readonly command: 'help' } | { readonly command: 'version' };

function integer(name: string, text: string | undefined, minimum: number): number | null {
  if (text === undefined) return null;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < minimum) {
    throw new DiceKitError('E_OPTION', `--${name} ${JSON.stringify(text)}: expected an integer >= ${minimum}`);
  }
  return value;
}

function integerList(name: string, text: string | undefined): number[] | null {
  if (text === undefined) return null;
  return text
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => integer(name, part.trim(), 0) as number);
}

/** `--class-names`: `bg,liver,tumor` (every class in order) or `1=liver,2=tumor`. */
function parseClassNames(text: string | undefined): { ordered: string[] | null; keyed: Map<number, string> } {
  const keyed = new Map<number, string>();
  if (text === undefined) return { ordered: null, keyed };
  const parts = text.split(',').map((part) => part.trim());
  if (parts.every((part) => /^\d+=/.test(part))) {
    for (const part of parts) {
      const separator = part.indexOf('=');
      keyed.set(Number(part.slice(0, separator)), part.slice(separator + 1));
    }
    return { ordered: null, keyed };
  }
  if (parts.some((part) => part === '')) throw new DiceKitError('E_OPTION', `--class-names ${JSON.stringify(text)} has an empty name`);
  return { ordered: parts, keyed };
}

const EVAL_OPTIONS = {
  pred: { type: 'string' },
  gt: { type: 'string' },
  'num-classes': { type: 'string' },
  classes: { type: 'string' },
  'class-names': { type: 'string' },
  'ignore-index': { type: 'string' },
  empty: { type: 'string' },
  'include-background': { type: 'boolean' },
  'color-map': { type: 'string' },
  workers: { type: 'string' },
  'slab-voxels': { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'stats-out': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

function outputOptions(values: { format?: string; out?: string; 'stats-out'?: string; quiet?: boolean }): OutputOptions {
  const format = values.format ?? 'table';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new DiceKitError('E_OPTION', `--format ${JSON.stringify(format)}: expected one of ${REPORT_FORMATS.join(', ')}`);
  }
  return { format: format as ReportFormat, out: values.out ?? null, statsOut: values['stats-out'] ?? null, quiet: values.quiet === true };
}

function parseEval(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: EVAL_OPTIONS, allowPositionals: false, strict: true });
  } catch (error) {
    throw new DiceKitError('E_OPTION', (error as Error).message);
  }
  const values = parsed.values;
  if (values.help === true) return { command: 'help' };
  if (values.pred === undefined || values.gt === undefined) throw new DiceKitError('E_OPTION', 'dicekit eval needs --pred <dir> and --gt <dir>');
  const empty = values.empty ?? 'nan';
  if (!['nan', 'one', 'zero'].includes(empty)) throw new DiceKitError('E_OPTION', `--empty ${JSON.stringify(empty)}: expected nan, one or zero`);
  const valueMap = values['color-map'] === undefined ? EMPTY_VALUE_MAP : parseValueMap(values['color-map']);
  const classes = integerList('classes', values.classes);
  const names = parseClassNames(values['class-names']);
  const mappedMaximum = Math.max(-1, ...valueMap.values.values(), ...valueMap.colors.values());
  const channels =
    integer('num-classes', values['num-classes'], 1) ??
    names.ordered?.length ??
    Math.max(2, Math.max(-1, ...(classes ?? []), ...names.keyed.keys(), mappedMaximum) + 1);
  if (names.ordered !== null && names.ordered.length !== channels) {
    throw new DiceKitError('E_OPTION', `--class-names gives ${names.ordered.length} names for --num-classes ${channels}; give one per class, or use 1=name,2=name`);
  }
  for (const classIndex of [...(classes ?? []), ...names.keyed.keys()]) {
    if (classIndex >= channels) throw new DiceKitError('E_OPTION', `class ${classIndex} is outside [0, ${channels}); raise --num-classes`);
  }
  if (classes !== null && classes.some((value, index) => index > 0 && value <= (classes[index - 1] as number))) {
    throw new DiceKitError('E_OPTION', `--classes ${values.classes}: expected strictly ascending indices`);
  }
  const includeBackground = values['include-background'] === true;
  const classNames = Array.from({ length: channels }, (_, index) => names.ordered?.[index] ?? names.keyed.get(index) ?? (index === 0 ? 'background' : String(index)));
  const scoring: ScoringOptions = {
    channels,
    classes,
    includeBackground,
    emptyPolicy: empty as EmptyPolicy,
    ignoreIndex: integer('ignore-index', values['ignore-index'], 0),
    classNames,
  };
  if (selectedClasses(scoring).length === 0) {
    throw new DiceKitError('E_OPTION', 'no class left to score (class 0 is background unless --include-background)');
  }
  return {
    command: 'eval',
    predictionDirectory: values.pred,
    groundTruthDirectory: values.gt,
    scoring,
    valueMap,
    workers: integer('workers', values.workers, 0),
    slabVoxels: integer('slab-voxels', values['slab-voxels'], 0),
    ...outputOptions(values),
  };
}

function parseMerge(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { format: { type: 'string' }, out: { type: 'string' }, 'stats-out': { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new DiceKitError('E_OPTION', (error as Error).message);
  }
  if (parsed.values.help === true) return { command: 'help' };
  if (parsed.positionals.length === 0) throw new DiceKitError('E_OPTION', 'dicekit merge needs statistics files: dicekit merge a.json b.json');
  return { command: 'merge', files: parsed.positionals, ...outputOptions(parsed.values) };
}

/** Parses `dicekit <command> ...`; bad usage is an `E_OPTION` DiceKitError with the reason. */
export function parseArguments(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  if (command === 'eval') return parseEval(rest);
  if (command === 'merge') return parseMerge(rest);
  throw new DiceKitError('E_OPTION', `unknown command ${JSON.stringify(command)}; expected eval or merge (dicekit --help)`);
}
