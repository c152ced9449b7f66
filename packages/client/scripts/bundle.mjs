#!/usr/bin/env node
// Builds the browser bundle: one minified IIFE that assigns the global `Plume` (Socket,
// Channel, Presence, LongPoll, Push; see src/browser.ts). Usage: node scripts/bundle.mjs [outfile]
// Size measures (each checked by test/bundle-size.test.ts): the terse codec, PLUME_DEV=false
// (short error and log texts), assignment class fields, and mangled @internal member names.
import { build } from 'esbuild'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { minify } from 'terser'
import { fileURLToPath } from 'node:url'

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Members that only the client's own modules use: each is tagged `@internal` or `protected`,
 * or belongs to an `@internal` class (Connection, Heartbeat), and no public member of any
 * class in the bundle shares its name. esbuild shortens them in the bundle only; the ESM
 * build keeps every name. test/bundle-size.test.ts checks both conditions.
 */
export const INTERNAL_PROPS = [
  // Socket (socket.ts) and its parts (lifecycle.ts, messenger.ts, socket-events.ts,
  // channel-registry.ts, send-buffer.ts)
  'connection',
  'transportConnect',
  'leaveOpenTopic',
  'flushSendBuffer',
  'teardown',
  'teardownThen',
  'heartbeat',
  'heartbeatTimeout',
  'isAlive',
  'fire',
  'leaveDuplicate',
  'errorAll',
  'route',
  'registry',
  'messenger',
  'life',
  'reconnect',
  'clock',
  'opened',
  'transportClosed',
  'transportErrored',
  'beat',
  'drop',
  'end',
  'owner',
  // Connection
  'closedByUs',
  'ended',
  'pings',
  'isOpen',
  'isConnecting',
  'hasClosed',
  'afterDrain',
  'afterClosed',
  // Heartbeat
  'pendingRef',
  'onReply',
  'schedule',
]

// The browser bundle swaps serializer.ts (glue over @plume/protocol) for the terse
// lite-serializer.ts: same wire format, far fewer bytes.
const liteSerializer = {
  name: 'lite-serializer',
  setup(b) {
    b.onResolve({ filter: /^\.\/serializer\.js$/ }, () => ({
      path: resolve(pkg, 'src/lite-serializer.ts'),
    }))
  },
}

/** Bundles src/browser.ts to `outfile` (default dist/plume.min.js). */
export async function bundle(outfile = resolve(pkg, 'dist/plume.min.js')) {
  await build({
    entryPoints: [resolve(pkg, 'src/browser.ts')],
    outfile,
    bundle: true,
    minify: true,
    format: 'iife',
    // es2022 keeps `#private` fields (esbuild shortens their names); lowering them costs ~1 KB.
    target: 'es2022',
    conditions: ['source'],
    plugins: [liteSerializer],
    define: { PLUME_DEV: 'false' },
    // Fields assigned in the constructor: declarations without initializer vanish.
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    mangleProps: new RegExp(`^(${INTERNAL_PROPS.join('|')})$`),
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
  if (!process.env.PLUME_NO_TERSER) await compress(outfile)
  return outfile
}

/**
 * A second pass with terser over esbuild's output: its compressor inlines and folds more than
 * esbuild's minifier (about 300 B gzipped here), which keeps the bundle within its budget.
 * Properties are never renamed here; only esbuild's `mangleProps` above does that.
 */
async function compress(outfile) {
  const map = `${outfile}.map`
  const out = await minify(readFileSync(outfile, 'utf8'), {
    ecma: 2022,
    compress: {
      passes: 4,
      unsafe: true,
      unsafe_arrows: true,
      unsafe_methods: true,
      pure_getters: true,
    },
    mangle: true,
    // The map is written next to the bundle but not linked from it, like phoenix.min.js,
    // which ships without a sourceMappingURL comment.
    sourceMap: { content: readFileSync(map, 'utf8') },
  })
  writeFileSync(outfile, out.code)
  writeFileSync(map, out.map)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await bundle(process.argv[2] && resolve(process.argv[2]))
  console.log(`wrote ${out}`)
}
