// `npm start -w @plume/example-fastify`: the app on PORT (default 4000).
import { createFastifyExample } from './server.js'

const example = createFastifyExample()
const url = await example.listen(Number(process.env['PORT'] ?? 4000))
console.log(`Fastify + Plume on ${url} (socket at /socket, routes / and /health)`)
process.once('SIGINT', () => void example.close())
process.once('SIGTERM', () => void example.close())
