/** mulberry32 (SPEC.md section 8): a seeded uniform generator in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function fillEllipsoid(volume: Uint8Array, shape: readonly number[], center: readonly number[], radii: readonly number[], label: number): void {
  const [sizeX, sizeY, sizeZ] = [shape[0] as number, shape[1] ?? 1, shape[2] ?? 1];
  const low = center.map((value, axis) => Math.max(0, Math.floor(value - (radii[axis] as number))));
  const high = center.map((value, axis) => Math.min((shape[axis] ?? 1) - 1, Math.ceil(value + (radii[axis] as number))));
  for (let z = low[2] ?? 0; z <= (high[2] ?? 0); z++) {
    const dz = sizeZ === 1 ? 0 : (z - (center[2] as number)) / (radii[2] as number);
    for (let y = low[1] ?? 0; y <= (high[1] ?? 0); y++) {
      const dy = sizeY === 1 ? 0 : (y - (center[1] as number)) / (radii[1] as number);
      const rest = 1 - dz * dz - dy * dy;
      if (rest < 0) continue;
      const row = (z * sizeY + y) * sizeX;
      for (let x = low[0] as number; x <= (high[0] as number); x++) {
        const dx = (x - (center[0] as number)) / (radii[0] as number);
        if (dx * dx <= rest) volume[row + x] = label;
      }
    }
  }
}

/**
 * Test and bench data: a seeded pair of label volumes (first axis fastest) with `blobs` ellipsoids of
 * classes 1..classes-1 in the truth, the prediction moving and resizing each a little and flipping a
 * fraction `noise` of voxels to random classes.
 */
export function generateLabelPair(
  seed: number,
  shape: readonly number[],
  options: { classes: number; blobs?: number; noise?: number },
): { groundTruth: Uint8Array; prediction: Uint8Array } {
  const random = seededRandom(seed);
  const voxels = shape.reduce((product, size) => product * size, 1);
  const groundTruth = new Uint8Array(voxels);
  const prediction = new Uint8Array(voxels);
  const blobs = options.blobs ?? 4;
  for (let blob = 0; blob < blobs; blob++) {
    const label = 1 + (blob % (options.classes - 1));
    const center = shape.map((size) => size * (0.2 + 0.6 * random()));
    const radii = shape.map((size) => Math.max(1, size * (0.05 + 0.15 * random())));
    fillEllipsoid(groundTruth, shape, center, radii, label);
    const moved = center.map((value, axis) => value + (random() - 0.5) * 0.3 * (radii[axis] as number));
    const resized = radii.map((radius) => radius * (0.85 + 0.3 * random()));
    fillEllipsoid(prediction, shape, moved, resized, label);
  }
  const noise = options.noise ?? 0;
  if (noise > 0) {
    const flips = Math.round(voxels * noise);
    for (let flip = 0; flip < flips; flip++) prediction[Math.floor(random() * voxels)] = Math.floor(random() * options.classes);
  }
  return { groundTruth, prediction };
}
