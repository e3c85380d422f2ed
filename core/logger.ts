import { pino } from 'pino'
import type { Logger as PinoLogger, DestinationStream } from 'pino'
import type { LogLevel } from './config.js'

export type Logger = PinoLogger

export function createLogger (level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'afterline' } }, destination)
}

/** A logger that writes nothing (tests, benchmarks). */
export function createSilentLogger (): Logger {
  return pino({ level: 'silent' })
}
