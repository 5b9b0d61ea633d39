// Builds the portal's front-end assets from Bootstrap Italia's published sources, at development time.
//
//   cd frontend && npm ci && node build.mjs [--out DIR]
//
// DIR (default: ../portal/static, the app's static dir, so the wheel ships the result) receives:
//   portal/bundle/site.js     only the Bootstrap Italia components the templates use (ES modules + esbuild)
//   portal/bundle/site.css    Bootstrap Italia's CSS purged to the selectors the templates use, the portal's
//                            own stylesheet (portal/static/portal/portal.css) and the self-hosted fonts with metric-compatible fallbacks
//   portal/bundle/fonts/      Titillium Web and Lora subset to the characters Italian text needs (woff2)
//   svg/sprites.svg          Bootstrap Italia's icon sprite with only the icons the templates name
//                            (same path as the package's full sprite, which it shadows: portal comes
//                            first in INSTALLED_APPS)
// The output depends only on the sources and the locked packages: tests/portal/test_frontend_build.py
// rebuilds into a temporary dir and compares byte for byte. Node is never needed at run time.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { PurgeCSS } from 'purgecss'
import subsetFont from 'subset-font'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..')
const BI = path.join(HERE, 'node_modules', 'bootstrap-italia', 'dist')
const APPS = ['portal', 'cms', 'search', 'newsletter']

const outArg = process.argv.indexOf('--out')
const OUT = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(ROOT, 'portal', 'static')
const BUILD = path.join(OUT, 'portal', 'bundle')

// The files whose words may be class names or icon ids: templates, the portal's own scripts and the
// Python that writes HTML (template tags, form widgets). Sorted, so the output never depends on disk order.
function sources() {
  const found = []
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name)
      if (['node_modules', 'migrations', 'bundle', '__pycache__'].includes(name)) continue
      if (statSync(full).isDirectory()) walk(full)
      else if (/\.(html|py|js)$/.test(name) && !full.includes(`${path.sep}static${path.sep}svg${path.sep}`)) found.push(full)
    }
  }
  for (const app of APPS) walk(path.join(ROOT, app))
  return found
}

// Italian text, typographic punctuation and the euro sign: what the portal writes.
const UNICODE_RANGE =
  'U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+2013-2014, U+2018-201A, ' +
  'U+201C-201E, U+2020-2022, U+2026, U+2030, U+2039-203A, U+20AC, U+2122'

function codepoints(range) {
  const text = []
  for (const part of range.split(',')) {
    const [a, b] = part.trim().replace('U+', '').split('-')
    const start = parseInt(a, 16)
    const end = b ? parseInt(b, 16) : start
    for (let c = Math.max(start, 0x20); c <= end; c++) text.push(String.fromCodePoint(c))
  }
  return text.join('')
}

const FONTS = [
  // [family, weight, file in Bootstrap Italia's dist]: the sans-serif of the interface in the three weights the
  // CSS uses, and the serif of running text (lead paragraphs, card texts); italics and a bold serif are
  // synthesised (rare in the portal's text)
  ['Titillium Web', '400', 'Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2'],
  ['Titillium Web', '600', 'Titillium_Web/titillium-web-v10-latin-ext_latin-600.woff2'],
  ['Titillium Web', '700', 'Titillium_Web/titillium-web-v10-latin-ext_latin-700.woff2'],
  ['Lora', '400', 'Lora/lora-v20-latin-ext_latin-regular.woff2'],
]

async function buildFonts() {
  await mkdir(path.join(BUILD, 'fonts'), { recursive: true })
  const text = codepoints(UNICODE_RANGE)
  const faces = []
  for (const [family, weight, file] of FONTS) {
    const source = await readFile(path.join(BI, 'fonts', file))
    const subset = await subsetFont(source, text, { targetFormat: 'woff2' })
    const name = `${family.toLowerCase().replaceAll(' ', '-')}-${weight}.woff2`
    await writeFile(path.join(BUILD, 'fonts', name), subset)
    faces.push(
      `@font-face{font-family:"${family}";font-style:normal;font-weight:${weight};font-display:swap;` +
        `src:url("fonts/${name}") format("woff2");unicode-range:${UNICODE_RANGE}}`,
    )
  }
  return faces.join('\n')
}

async function buildCss(files) {
  const bootstrap = await readFile(path.join(BI, 'css', 'bootstrap-italia.min.css'), 'utf8')
  const [purged] = await new PurgeCSS().purge({
    content: files,
    css: [{ raw: bootstrap.replace(/^\uFEFF/, '') }],
    keyframes: true,
    fontFace: true,
    variables: false,
    // classes that Bootstrap Italia's scripts add or read at run time, and those templates compose
    // (alert-{{ message.level_tag }}, text-{{ attrs.align }})
    safelist: {
      standard: [/^show/, /^collaps/, /^expanded$/, /^active$/, /^focus--/, /^fade$/, /^overflow-hidden$/,
        /^modal-open$/, /^is-invalid$/, /^alert-(success|info|warning|danger)$/,
        /^text-(start|end|center|left|right)$/, /^navbar-collapsable$/, /^overlay$/, /^close-div$/, /^menu-wrapper$/],
      greedy: [/navbar-collapsable/, /it-header-navbar-wrapper/],
    },
  })
  const fonts = await buildFonts()
  // generated, one face per weight, by measure_fallbacks.py (the widths measured in Chromium)
  const fallbacks = await readFile(path.join(HERE, 'src', 'fonts-fallback.css'), 'utf8')
  const own = await readFile(path.join(ROOT, 'portal', 'static', 'portal', 'portal.css'), 'utf8')
  // Text is drawn at once in a local font resized to Titillium Web's metrics, then swapped without a jump.
  const css = purged.css
    .replaceAll('"Titillium Web",', '"Titillium Web","Titillium Web Fallback","Titillium Web Fallback Roboto","Titillium Web Fallback DejaVu",')
    .replaceAll('"Lora",', '"Lora","Lora Fallback","Lora Fallback DejaVu",')
  const result = await esbuild.transform(
    [fonts, fallbacks, css, own].join('\n'),
    { loader: 'css', minify: true, legalComments: 'none', target: ['chrome100', 'firefox100', 'safari15'] },
  )
  await writeFile(path.join(BUILD, 'site.css'), '/* Bootstrap Italia 2.18.0 (BSD-3-Clause), purged; Titillium Web, Lora (OFL). Built by frontend/build.mjs */\n' + result.code)
}

async function buildJs() {
  await esbuild.build({
    entryPoints: [path.join(HERE, 'src', 'site.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome100', 'firefox100', 'safari15'],
    legalComments: 'none',
    outfile: path.join(BUILD, 'site.js'),
    banner: { js: '/* Bootstrap Italia 2.18.0 (BSD-3-Clause), only the components used. Built by frontend/build.mjs */' },
  })
}

async function buildSprite(files) {
  const used = new Set()
  for (const file of files) for (const m of readFileSync(file, 'utf8').matchAll(/#(it-[a-z0-9-]+)/g)) used.add(m[1])
  const sprite = await readFile(path.join(BI, 'svg', 'sprites.svg'), 'utf8')
  const symbols = [...sprite.matchAll(/<symbol id="([^"]+)"[\s\S]*?<\/symbol>/g)]
    .filter((m) => used.has(m[1]))
    .sort((a, b) => a[1].localeCompare(b[1]))
    .map((m) => m[0])
  const missing = [...used].filter((id) => !sprite.includes(`<symbol id="${id}"`))
  if (missing.length) throw new Error(`icons not in Bootstrap Italia's sprite: ${missing.join(', ')}`)
  await mkdir(path.join(OUT, 'svg'), { recursive: true })
  await writeFile(path.join(OUT, 'svg', 'sprites.svg'), `<svg xmlns="http://www.w3.org/2000/svg">${symbols.join('')}</svg>\n`)
}

await mkdir(BUILD, { recursive: true })
const files = sources()
await buildCss(files)
await buildJs()
await buildSprite(files)
console.log(`built into ${OUT}`)
