// `plume new <name>`: the files of a runnable app (server, lobby page, tests, README), its
// presence module coming from the same template as `plume gen presence`.
import type { PlannedFile } from './files.js'
import type { PlumeSpecs } from './dependencies.js'
import { presenceFiles } from './generators.js'
import { template } from './templates.js'

/** Third-party packages of a new app, at the versions Plume is tested with. */
const THIRD_PARTY = {
  dependencies: { tsx: '^4.21.0' },
  devDependencies: {
    '@types/node': '^20.19.0',
    '@types/phoenix': '^1.6.6',
    '@types/ws': '^8.18.1',
    phoenix: '^1.8.1',
    typescript: '~5.9.3',
    ws: '^8.18.3',
  },
}

const APP_TEMPLATES = [
  'README.md',
  'tsconfig.json',
  'src/app.ts',
  'src/main.ts',
  'src/pubsub.ts',
  'src/channels/lobby.ts',
  'public/index.html',
  'test/support.ts',
  'test/lobby.test.ts',
]

/** The app's package.json; `vendored` pins transitive Plume packages to the same tarballs. */
export function appPackageJson(name: string, plume: PlumeSpecs, vendored: boolean): string {
  const pick = (...names: string[]) => Object.fromEntries(names.map((n) => [n, plume[n] ?? '']))
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      start: 'tsx src/main.ts',
      test: 'tsc && node --import tsx --test test/*.test.ts',
    },
    dependencies: {
      ...pick('@plume/client', '@plume/pubsub', '@plume/server', '@plume/tracker'),
      ...THIRD_PARTY.dependencies,
    },
    devDependencies: { ...pick('@plume/cli'), ...THIRD_PARTY.devDependencies },
    ...(vendored && { overrides: plume }),
  }
  return `${JSON.stringify(pkg, null, 2)}\n`
}

/** Every file of a new app. */
export async function appFiles(
  name: string,
  plume: PlumeSpecs,
  vendored: boolean,
): Promise<PlannedFile[]> {
  const rendered = await Promise.all(
    APP_TEMPLATES.map(async (path) => ({ path, content: await template(`app/${path}`, { name }) })),
  )
  return [
    { path: 'package.json', content: appPackageJson(name, plume, vendored) },
    { path: '.gitignore', content: await template('app/gitignore', {}) },
    ...rendered,
    ...(await presenceFiles('Presence')),
  ]
}
