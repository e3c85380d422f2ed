import type { SimModelSpec } from '../model-spec.js'
import { AC_200 } from './ac-200.js'
import { GS_60 } from './gs-60.js'

export { AC_200, GS_60 }

/** Every simulated device model, in the order devices are assigned to them. */
export const SIM_MODELS: readonly SimModelSpec[] = [AC_200, GS_60]
