/**
 * `@dicekit/core/presets`: translations of other libraries' Dice-family losses into dicekit options.
 * Each preset takes the peer's own option names and values and returns `{ loss, options }` computing
 * exactly what the peer computes, or throws `E_OPTION` naming the setting it cannot express and why.
 * See docs/porting/README.md for the side-by-side tables.
 */
export { fromMonai, type MonaiLossClass, type MonaiOptionsByClass, type MonaiSettings } from './monai.js';
export type {
  MonaiCommonOptions,
  MonaiDiceCEOptions,
  MonaiDiceFocalOptions,
  MonaiDiceOptions,
  MonaiGeneralizedDiceOptions,
  MonaiTverskyOptions,
} from './monai.js';
export { fromSmp, type SmpDiceOptions, type SmpLossClass, type SmpOptionsByClass, type SmpSettings, type SmpTverskyOptions, type SmpVersion } from './smp.js';
export {
  fromNnunet,
  type NnunetDiceBCEOptions,
  type NnunetDiceCEOptions,
  type NnunetDiceOptions,
  type NnunetLossClass,
  type NnunetOptionsByClass,
  type NnunetSettings,
  type NnunetSoftDiceKwargs,
} from './nnunet.js';
export { fromKeras, type KerasDiceOptions, type KerasLossClass, type KerasOptionsByClass, type KerasSettings, type KerasTverskyOptions } from './keras.js';
export { fromKornia, type KorniaDiceOptions, type KorniaLossClass } from './kornia.js';
export { refusePeerSetting, type PresetResult } from './peer-options.js';
