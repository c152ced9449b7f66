// Splitting a large replication message into parts and putting it back together: slices
// always fit the budget and join back exactly (any text: quotes, escapes, emoji cut in half),
// parts may arrive in any order or twice, and incomplete messages are bounded and expire.
// The fast-check seed is printed; rerun a failure with FC_SEED=<seed>.
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { decodePart, Reassembly, readMessage, splitText, type Part } from '../src/parts.js'

const seed = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31)
console.log(`message parts seed=${seed} (rerun with FC_SEED=${seed})`)

const parts = (text: string, n: number, id = '1', from = 'a#1'): Part[] => {
  const slices = splitText(text, Math.max(64, Math.ceil(text.length / n) + 16))
  return slices.map((s, i) => ({ t: 'part', from, id, i, n: slices.length, text: s }))
}

describe('splitText', () => {
  it('slices fit the budget as JSON strings and join back to the text', () => {
    const piece = fc.oneof(
      fc.constantFrom('"', '\\', '\n', '\u0000', '😀', 'é', '\ud800'),
      fc.string({ unit: 'binary', maxLength: 3 }),
    )
    const text = fc.array(piece, { maxLength: 150 }).map((xs) => xs.join(''))
    fc.assert(
      fc.property(text, fc.integer({ min: 64, max: 300 }), (t, budget) => {
        const slices = splitText(t, budget)
        assert.equal(slices.join(''), t)
        for (const s of slices) assert.ok(Buffer.byteLength(JSON.stringify(s)) <= budget)
        for (const s of slices) assert.equal(JSON.parse(JSON.stringify(s)), s)
      }),
      { seed, numRuns: 300 },
    )
  })

  it('refuses a budget too small to make progress', () => {
    assert.throws(() => splitText('abc', 10), RangeError)
  })
})

describe('Reassembly', () => {
  const text = JSON.stringify({ t: 'perm', from: 'b#1', pad: 'x'.repeat(500) })

  it('returns the whole text once every part arrived, in any order, duplicates ignored', () => {
    const r = new Reassembly()
    const ps = parts(text, 5)
    assert.ok(ps.length > 2)
    const shuffled = [...ps.slice(1).reverse(), ps[1] as Part, ps[0] as Part]
    const results = shuffled.map((p) => r.add(p, 0))
    assert.deepEqual(results.slice(0, -1), new Array(results.length - 1).fill(undefined))
    assert.equal(results.at(-1), text)
    assert.equal(r.size, 0)
  })

  it('keeps at most four incomplete messages per sender and expires old ones', () => {
    const r = new Reassembly()
    for (let id = 0; id < 6; id++) r.add(parts(text, 3, `${id}`)[0] as Part, id)
    assert.equal(r.size, 4)
    r.add(parts(text, 3, 'other', 'c#1')[0] as Part, 10)
    r.expire(6) // the four held started at 2..5
    assert.equal(r.size, 1)
  })

  it('readMessage decodes a whole message, and a complete set of parts', () => {
    const r = new Reassembly()
    assert.deepEqual(readMessage({ t: 'perm', from: 'b#1' }, r, 0), { t: 'perm', from: 'b#1' })
    const ps = parts(text, 4)
    for (const p of ps.slice(0, -1)) assert.equal(readMessage(p, r, 0), undefined)
    assert.deepEqual(readMessage(ps.at(-1), r, 0), { t: 'perm', from: 'b#1' })
  })

  it('refuses malformed parts', () => {
    const good: Part = { t: 'part', from: 'a#1', id: '1', i: 0, n: 2, text: '' }
    assert.deepEqual(decodePart(good), good)
    for (const bad of [
      { ...good, i: 2 },
      { ...good, n: 0 },
      { ...good, i: -1 },
      { ...good, from: 'nohash' },
      { ...good, id: '' },
      { ...good, id: { toString: null } },
      { ...good, text: 5 },
      null,
    ])
      assert.equal(decodePart(bad), undefined)
    assert.throws(() => readMessage({ ...good, n: 0 }, new Reassembly(), 0), TypeError)
  })
})
