// Build-time switch. scripts/bundle.mjs defines PLUME_DEV as `false` for the minified browser
// bundle; esbuild then folds DEV to false and drops the long developer messages it guards.
// Everywhere else (the ESM build, tests) PLUME_DEV is undeclared and DEV is true.

declare const PLUME_DEV: boolean | undefined

/** False in the minified browser bundle (terse errors and logs), true elsewhere. */
export const DEV: boolean = typeof PLUME_DEV === 'undefined' || PLUME_DEV
