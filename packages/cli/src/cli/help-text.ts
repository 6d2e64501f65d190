/** `dicekit --help`. */
export const HELP_TEXT = `dicekit: exact Dice/IoU evaluation of segmentation mask folders

Usage:
  dicekit eval --pred <dir> --gt <dir> [options]
  dicekit merge <stats.json> <stats.json> ... [--format F] [--out FILE] [--stats-out FILE]

Files (.png, .nii, .nii.gz, .npy) are paired by relative path without extension.

eval options:
  --num-classes C        labels are class indices in [0, C) (default: from the options below, at least 2)
  --classes 1,2          classes to score (default: all; class 0 only with --include-background)
  --class-names a,b,c    one name per class, or 1=liver,2=tumor
  --include-background   score class 0 too
  --ignore-index K       ground-truth voxels labelled K are left out of every count
  --empty nan|one|zero   score of a class absent from prediction and truth (default nan: not averaged)
  --color-map SPEC|FILE  '#ff0000=1,#00ff00=2' for RGB PNG, '0=0,255=1' for stored values, or a JSON file
  --workers N            worker threads (default: cores; 0 = main thread)
  --slab-voxels V        count uncompressed volumes larger than V voxels in parallel slabs (default 16777216, 0 = never)
  --format table|csv|json|md   (default table)
  --out FILE             write the report there instead of stdout
  --stats-out FILE       write the mergeable statistics (dicekit merge)
  --quiet                no progress output

Exit codes: 0 all cases scored; 1 some cases failed (each reported with its reason, the others scored);
2 bad usage or nothing to evaluate.
`;
