// `npm start -w @plume/example-express`: the app on PORT (default 4000).
import { createExpressExample } from './server.js'

const example = createExpressExample()
const url = await example.listen(Number(process.env['PORT'] ?? 4000))
console.log(`Express + Plume on ${url} (socket at /socket, routes / and /health)`)
process.once('SIGINT', () => void example.close())
process.once('SIGTERM', () => void example.close())
