import type { LatLng } from './engine/types.js'

/**
 * What dispatch needs from other modules, as narrow interfaces the composition root wires
 * (web/platform.ts). Dispatch never imports another module.
 */

/** A device as dispatch sees it: where it is, whose it is, what it is. */
export interface DirectoryDevice {
  id: string
  assetCode: string
  model: string
  customer: Record<string, unknown>
  location: LatLng | null
}

/** Looks devices up (the gateway's device registry); null for an unknown id or asset code. */
export interface DeviceDirectory {
  getDevice (id: string): Promise<DirectoryDevice | null>
  /** Exact asset code, as printed on the machine (customers' service requests). */
  findByAssetCode (assetCode: string): Promise<DirectoryDevice | null>
}

/** Genuine stock held by a dealer near a place (traceability's channel inventory). */
export interface DealerStockOffer {
  dealerId: string
  name: string
  location: LatLng
  partNumber: string
  quantity: number
  distanceKm: number
}

/** Dealers near `location` holding any of `partNumbers` within `radiusKm`. */
export interface DealerStock {
  findNear (location: LatLng, partNumbers: readonly string[], radiusKm: number): Promise<DealerStockOffer[]>
}

export const NO_DEVICES: DeviceDirectory = { getDevice: async () => null, findByAssetCode: async () => null }

/** Default until traceability plugs in: no dealer stock known, so parts must be on the van. */
export const NO_DEALER_STOCK: DealerStock = { findNear: async () => [] }
