// Template files live in the package's templates/ folder; `{{key}}` placeholders are
// replaced by render, which refuses to leave one unfilled.
import { readFile } from 'node:fs/promises'
import { CliError } from './errors.js'

const TEMPLATES = new URL('../templates/', import.meta.url)

/** Fills every `{{key}}` of `text` from `values`; throws on a key it lacks. */
export function render(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    const value = values[key]
    if (value === undefined) throw new CliError(`template placeholder {{${key}}} has no value`)
    return value
  })
}

/** Reads `templates/<path>.tmpl` and renders it. */
export async function template(
  path: string,
  values: Readonly<Record<string, string>>,
): Promise<string> {
  return render(await readFile(new URL(`${path}.tmpl`, TEMPLATES), 'utf8'), values)
}
