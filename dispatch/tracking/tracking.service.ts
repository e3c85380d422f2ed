import type { EngineerPool } from '../engine/engineer-pool.js'
import { estimateEtaMinutes, haversineKm } from '../engine/geo.js'
import type { EtaModel } from '../engine/geo.js'
import { DSP_TRACKING_NOT_FOUND } from '../errors.js'
import type { WorkOrderRepository } from '../work-orders/work-order.repository.js'
import type { WorkOrderStatus } from '../work-orders/state-machine.js'
import type { WorkOrderEvent } from '../events.js'
import { toTrackingEvent } from './tracking-event.js'
import type { TrackingEvent } from './tracking-event.js'

/**
 * What a customer sees with the tracking link, without logging in: the order's status and timeline,
 * the engineer's first name and an ETA. Nothing else about the engineer (no position, phone, full
 * name) and nothing about who did what inside the service organisation.
 */
export interface TrackingView {
  number: number
  status: WorkOrderStatus
  priority: string
  createdAt: Date
  arriveBy: Date
  engineer: { firstName: string } | null
  etaMinutes: number | null
  eta: Date | null
  timeline: Array<{ at: Date, event: string, status: WorkOrderStatus | null }>
}

/** Timeline entries a customer sees, under the names they see (a refusal reads as "reassigning"). */
const PUBLIC_NAMES: Readonly<Record<string, string>> = {
  created: 'created',
  assign: 'assigned',
  accept: 'accepted',
  reject: 'reassigning',
  unassign: 'reassigning',
  expire: 'reassigning',
  depart: 'en_route',
  arrive: 'on_site',
  complete: 'completed',
  cancel: 'cancelled'
}

// Two-character Chinese family names common enough to meet.
const COMPOUND_SURNAMES = new Set(['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '令狐', '端木', '西门', '南宫', '独孤'])

/**
 * The name a customer sees for their engineer, never the whole name as written:
 * - the first word ("Wang Wei" → "Wang", "Anna Müller" → "Anna", "山田 太郎" → "山田");
 * - a name in Chinese characters has no word to cut at, so it shows as customers are used to seeing a
 *   technician named: family name and 师傅 ("王伟" → "王师傅", "欧阳明" → "欧阳师傅"), also when a
 *   romanisation follows ("王伟 Wang Wei");
 * - a transliterated name written with a middle dot shows its first part, the given name
 *   ("阿依古丽·买买提" → "阿依古丽");
 * - notes in brackets are not part of the name ("王伟（二组）" → "王师傅");
 * - a Korean name shows its family name and 기사님 ("김민수" → "김 기사님").
 */
export function firstNameOf (name: string): string {
  const written = name.replace(/[(（[【][^)）\]】]*[)）\]】]?/gu, ' ').trim()
  // Middle dots as typed on any keyboard (ASCII and full-width full stops, katakana middle dots);
  // a hyphen too between characters, where a Latin name's hyphen stays part of its first word.
  const dotted = written.split(/\s*(?:[·•・‧.．･]|(?<=\p{Script=Han})[-－](?=\p{Script=Han}))\s*/u).filter((part) => part !== '')
  // A transliterated name: its first part is the given name, shown as written.
  if (dotted.length > 1) return wordsOf(dotted[0] as string)[0] ?? ''
  return firstWordOf(written)
}

const wordsOf = (written: string): string[] => written.split(/[\s/,，、]+/u).filter((word) => word !== '')

const allHan = (word: string | undefined): boolean => word !== undefined && /^\p{Script=Han}+$/u.test(word)

function firstWordOf (written: string): string {
  const words = wordsOf(written)
  let first = words[0] ?? ''
  let next = words[1]
  // Characters run into a romanisation without a space ("王伟Wang"): the characters are the name.
  const run = /^\p{Script=Han}{2,}(?=[^\p{Script=Han}])/u.exec(first)
  if (run !== null) {
    next = first.slice(run[0].length)
    first = run[0]
  }
  if (allHan(first) && first.length >= 2 && !allHan(next)) {
    const compound = first.length >= 3 && COMPOUND_SURNAMES.has(first.slice(0, 2))
    return `${first.slice(0, compound ? 2 : 1)}师傅`
  }
  // A Korean name is written without a space: its family name (the first syllable) and 기사님.
  if (/^\p{Script=Hangul}{2,}$/u.test(first)) return `${first.slice(0, 1)} 기사님`
  return first
}

export function createTrackingService (deps: { repo: WorkOrderRepository, pool: EngineerPool, etaModel: EtaModel, now: () => number }) {
  return {
    async view (token: string): Promise<TrackingView> {
      const order = await deps.repo.findByTrackingToken(token)
      if (order === null) throw new DSP_TRACKING_NOT_FOUND()
      const engineer = order.engineerId === null ? undefined : deps.pool.get(order.engineerId)
      const from = engineer === undefined ? null : deps.pool.locate(engineer)
      const travelling = ['assigned', 'accepted', 'en_route'].includes(order.status)
      const etaMinutes = travelling && from !== null && order.location !== null
        ? Math.round(estimateEtaMinutes(haversineKm(from, order.location), deps.etaModel))
        : null
      const timeline = (await deps.repo.listTimeline(order.id))
        .filter((entry) => PUBLIC_NAMES[entry.kind] !== undefined)
        .map((entry) => ({ at: entry.at, event: PUBLIC_NAMES[entry.kind] as string, status: entry.toStatus }))
      return {
        number: order.number,
        status: order.status,
        priority: order.priority,
        createdAt: order.createdAt,
        arriveBy: order.sla.arriveBy,
        engineer: engineer === undefined || order.status === 'new' ? null : { firstName: firstNameOf(engineer.name) },
        etaMinutes,
        eta: etaMinutes === null ? null : new Date(deps.now() + etaMinutes * 60_000),
        timeline
      }
    },

    /** The copy of a work order event the public tracking room receives (see tracking-event.ts). */
    toPublicEvent (name: string, payload: WorkOrderEvent): TrackingEvent {
      return toTrackingEvent(name, payload, (engineerId) => {
        const engineer = deps.pool.get(engineerId)
        return engineer === undefined ? undefined : firstNameOf(engineer.name)
      })
    },

    /** socket.io rooms for an anonymous client with `?track=<token>`: the order's room, if it exists. */
    async roomsFor (token: unknown): Promise<string[]> {
      if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(token)) return []
      return (await deps.repo.findByTrackingToken(token)) === null ? [] : [`track:${token}`]
    }
  }
}

export type TrackingService = ReturnType<typeof createTrackingService>
