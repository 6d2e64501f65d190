/** The file formats `dicekit eval` reads, by file name. */
export type LabelFileKind = 'png' | 'nifti' | 'nifti-gz' | 'npy';

const SUFFIXES: ReadonlyArray<readonly [string, LabelFileKind]> = [
  ['.nii.gz', 'nifti-gz'],
  ['.nii', 'nifti'],
  ['.png', 'png'],
  ['.npy', 'npy'],
];

/** The kind of a label file from its name (case-insensitive), or null when it is not one. */
export function labelFileKind(name: string): LabelFileKind | null {
  const lower = name.toLowerCase();
  for (const [suffix, kind] of SUFFIXES) if (lower.endsWith(suffix)) return kind;
  return null;
}

/** The name without its label-file suffix (`case_001.nii.gz` -> `case_001`): the key pairing files. */
export function caseKeyOf(name: string): string {
  const lower = name.toLowerCase();
  for (const [suffix] of SUFFIXES) if (lower.endsWith(suffix)) return name.slice(0, name.length - suffix.length);
  return name;
}
