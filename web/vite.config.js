// Builds the explorer into the Python package (api/explorer/static), served by `eventkg serve` at / and /static.
// Swagger UI comes from npm too and is copied beside it for the offline /docs.
import { copyFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const outDir = here('../api/explorer/static')

const VENDOR = {
  'swagger-ui-dist/swagger-ui-bundle.js': 'swagger-ui-bundle.js',
  'swagger-ui-dist/swagger-ui.css': 'swagger-ui.css',
  'swagger-ui-dist/LICENSE': 'swagger-ui.LICENSE',
}

function vendorAssets() {
  return {
    name: 'eventkg-vendor-assets',
    apply: 'build',
    closeBundle() {
      mkdirSync(`${outDir}/vendor`, { recursive: true })
      for (const [from, to] of Object.entries(VENDOR)) copyFileSync(here(`node_modules/${from}`), `${outDir}/vendor/${to}`)
    },
  }
}

// `npm run dev` serves the page with hot reload and sends the API calls to a running `eventkg serve`.
const api = process.env.EVENTKG_URL || 'http://127.0.0.1:8000'
const proxied = ['/entities', '/events', '/relations', '/articles', '/analytics', '/export', '/stats', '/sparql',
  '/explorer/config', '/openapi.json']

export default defineConfig({
  base: '/static/',
  build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: { fs: { allow: ['..'] }, proxy: Object.fromEntries(proxied.map((path) => [path, api])) },
  plugins: [vendorAssets()],
})
