// `plume gen channel <Name>` and `plume gen presence [Name]`: the files each one adds to an
// app, rendered from templates/channel and templates/presence.
import type { PlannedFile } from './files.js'
import { names } from './names.js'
import { template } from './templates.js'

/** A channel handler for `<snake>:*` topics and its test. */
export async function channelFiles(name: string): Promise<PlannedFile[]> {
  const n = names(name)
  const values = { ...n }
  return [
    { path: `src/channels/${n.kebab}.ts`, content: await template('channel/channel.ts', values) },
    { path: `test/${n.kebab}-channel.test.ts`, content: await template('channel/test.ts', values) },
  ]
}

/** A presence module on the app's PubSub and its test. */
export async function presenceFiles(name = 'Presence'): Promise<PlannedFile[]> {
  const n = names(name)
  const values = { ...n }
  return [
    { path: `src/${n.kebab}.ts`, content: await template('presence/presence.ts', values) },
    { path: `test/${n.kebab}.test.ts`, content: await template('presence/test.ts', values) },
  ]
}

/** What to tell the user once a channel is generated. */
export function channelNextSteps(name: string): string {
  const n = names(name)
  return [
    `Add the channel to your socket's routes (src/app.ts):`,
    `  import { ${n.camel}Channel } from './channels/${n.kebab}.js'`,
    `  channels: [['${n.snake}:*', ${n.camel}Channel], ...]`,
  ].join('\n')
}

/** What to tell the user once a presence module is generated. */
export function presenceNextSteps(name = 'Presence'): string {
  const n = names(name)
  return [
    `Create it next to the endpoint and start it before listening (src/app.ts):`,
    `  import { create${n.pascal} } from './${n.kebab}.js'`,
    `  const ${n.camel} = create${n.pascal}(endpoint)`,
    `  await ${n.camel}.start()`,
  ].join('\n')
}
