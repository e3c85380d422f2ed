import type { DomainEvents } from '../core/events.js'

/** `alert.raised` is published (and declared) by device insight; dispatch opens a proactive work order from it. */
export type AlertRaised = DomainEvents['alert.raised']
