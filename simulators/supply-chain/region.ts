import type { MultiPolygon, Polygon } from 'geojson'

/**
 * The Yangtze River Delta — Shanghai, Jiangsu, Zhejiang and Anhui — as simplified outlines drawn for
 * this simulator (a few dozen vertices each, shared borders identical so territories tile without
 * overlap), with real city coordinates. Accurate to a few tens of kilometres: enough for territories,
 * not for maps.
 */
export interface Province {
  id: 'shanghai' | 'jiangsu' | 'zhejiang' | 'anhui'
  name: string
  outline: Polygon
  cities: ReadonlyArray<{ name: string, lat: number, lng: number }>
}

type Ring = Array<[number, number]>
const polygon = (ring: Ring): Polygon => ({ type: 'Polygon', coordinates: [[...ring, ring[0] as [number, number]]] })

// Shared borders, west/north to east/south, as [lng, lat].
const ZJ_JS_SH_TRIPOINT: [number, number] = [120.9, 30.95]
const AH_JS_ZJ_TRIPOINT: [number, number] = [119.3, 31.2]
const JS_ZJ: Ring = [AH_JS_ZJ_TRIPOINT, [120.4, 31.05], ZJ_JS_SH_TRIPOINT]
const JS_SH: Ring = [[121.9, 31.9], [121.4, 31.85], [121.1, 31.5], [121.0, 31.2], ZJ_JS_SH_TRIPOINT]
const ZJ_SH: Ring = [ZJ_JS_SH_TRIPOINT, [121.3, 30.72]]
const AH_JS: Ring = [[116.4, 34.6], [116.4, 34.3], [116.9, 34.05], [117.4, 33.9], [117.8, 33.3], [118.2, 32.95], [118.6, 32.6], [118.35, 32.2], [118.45, 31.8], [118.75, 31.45], [119.1, 31.35], AH_JS_ZJ_TRIPOINT]
const AH_ZJ: Ring = [AH_JS_ZJ_TRIPOINT, [118.9, 30.35], [118.7, 30.0], [118.2, 29.4]]

const reverse = (ring: Ring): Ring => [...ring].reverse()

export const PROVINCES: readonly Province[] = [
  {
    id: 'shanghai',
    name: 'Shanghai',
    outline: polygon([...ZJ_SH, [121.9, 30.85], [122.0, 31.3], ...JS_SH.slice(0, -1)]),
    cities: [{ name: 'Shanghai', lat: 31.23, lng: 121.47 }, { name: 'Jiading', lat: 31.38, lng: 121.25 }]
  },
  {
    id: 'jiangsu',
    name: 'Jiangsu',
    outline: polygon([
      ...AH_JS, ...JS_ZJ.slice(1), ...reverse(JS_SH).slice(1),
      [121.0, 32.6], [120.8, 33.2], [120.3, 34.3], [119.8, 34.8], [119.3, 35.1], [118.6, 35.05], [118.1, 34.7], [117.1, 34.9]
    ]),
    cities: [
      { name: 'Nanjing', lat: 32.06, lng: 118.8 }, { name: 'Suzhou', lat: 31.3, lng: 120.62 }, { name: 'Wuxi', lat: 31.49, lng: 120.31 },
      { name: 'Changzhou', lat: 31.81, lng: 119.97 }, { name: 'Xuzhou', lat: 34.26, lng: 117.18 }, { name: 'Nantong', lat: 31.98, lng: 120.89 },
      { name: 'Yangzhou', lat: 32.39, lng: 119.41 }, { name: 'Huaian', lat: 33.6, lng: 119.0 }
    ]
  },
  {
    id: 'zhejiang',
    name: 'Zhejiang',
    outline: polygon([
      ...JS_ZJ, [121.3, 30.72], [122.3, 30.5], [122.4, 29.9], [121.95, 29.1], [121.7, 28.6], [121.3, 28.1], [120.9, 27.6],
      [120.4, 27.15], [120.0, 27.3], [119.3, 27.6], [118.6, 28.2], [118.1, 28.9], ...reverse(AH_ZJ).slice(0, -1)
    ]),
    cities: [
      { name: 'Hangzhou', lat: 30.27, lng: 120.15 }, { name: 'Ningbo', lat: 29.87, lng: 121.55 }, { name: 'Wenzhou', lat: 28.0, lng: 120.67 },
      { name: 'Shaoxing', lat: 30.0, lng: 120.58 }, { name: 'Jinhua', lat: 29.08, lng: 119.65 }, { name: 'Taizhou', lat: 28.66, lng: 121.42 },
      { name: 'Jiaxing', lat: 30.75, lng: 120.76 }
    ]
  },
  {
    id: 'anhui',
    name: 'Anhui',
    outline: polygon([
      ...AH_ZJ, [117.6, 29.6], [116.8, 29.6], [116.1, 29.8], [115.7, 30.1], [115.9, 30.5], [115.4, 31.0], [115.3, 31.5],
      [114.9, 31.7], [115.2, 32.2], [115.5, 32.6], [115.3, 33.1], [115.6, 33.6], [115.9, 34.0], [116.1, 34.5], ...AH_JS.slice(0, -1)
    ]),
    cities: [
      { name: 'Hefei', lat: 31.82, lng: 117.23 }, { name: 'Wuhu', lat: 31.33, lng: 118.38 }, { name: 'Anqing', lat: 30.54, lng: 117.05 },
      { name: 'Bengbu', lat: 32.92, lng: 117.39 }, { name: 'Fuyang', lat: 32.89, lng: 115.81 }, { name: 'Huangshan', lat: 29.71, lng: 118.34 }
    ]
  }
]

export function unionOf (provinces: readonly Province[]): MultiPolygon {
  return { type: 'MultiPolygon', coordinates: provinces.map((p) => p.outline.coordinates) }
}
