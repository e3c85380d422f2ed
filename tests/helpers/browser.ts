import fs from 'node:fs'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Debian's Chromium, headless, kept off the network (the machine has none). Null when not installed. */
export async function launchBrowser (): Promise<Browser | null> {
  if (!fs.existsSync(CHROMIUM)) return null
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
}
