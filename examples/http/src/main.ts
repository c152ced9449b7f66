// `npm start -w @plume/example-http`: the server on PORT (default 4000).
import { createHttpExample } from './server.js'

const example = createHttpExample()
const url = await example.listen(Number(process.env['PORT'] ?? 4000))
console.log(`node:http + Plume on ${url} (socket at /socket, routes / and /health)`)
process.once('SIGINT', () => void example.close())
process.once('SIGTERM', () => void example.close())
