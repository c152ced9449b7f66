// The React lobby talks to a lobby node (`npm start` at the repository root, port 4000):
// `vite` and `vite preview` proxy the page's /socket, WebSocket included, to it. The build
// is index.html + app.js, the two files a lobby node serves from its public folder, so
// `dist/` can replace the lobby's own page.
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const lobby = process.env['LOBBY_URL'] ?? 'http://127.0.0.1:4000'
const proxy = { '/socket': { target: lobby, ws: true } }

export default defineConfig({
  plugins: [react()],
  // Take @plume/client from its TypeScript sources: no client build needed first.
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  build: { assetsDir: '', rollupOptions: { output: { entryFileNames: 'app.js' } } },
  server: { proxy },
  preview: { proxy },
})
