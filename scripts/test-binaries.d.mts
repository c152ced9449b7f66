// Types for test-binaries.mjs, so the suite that checks it is type-checked like the rest.
export interface Binary {
  readonly names: readonly string[]
  readonly pkg: string
  readonly skip?: string
}
export const BINARIES: readonly Binary[]
export function findOnPath(name: string, path?: string): string | undefined
export function optedOut(env?: NodeJS.ProcessEnv): Set<string>
export function ensureBinaries(options?: {
  env?: NodeJS.ProcessEnv
  isRoot?: boolean
  install?: (pkgs: string[]) => boolean
}): Set<string>
