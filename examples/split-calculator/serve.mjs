// A small static server for the split calculator: the page from this
// folder, the wasm package from booking-wasm/pkg/web (build it first with
// `bash booking-wasm/scripts/build.sh`).
//
//   node examples/split-calculator/serve.mjs [port]    → http://localhost:8080/
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const roots = { "/pkg/": join(here, "../../booking-wasm/pkg/web"), "/": here };
const types = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".css": "text/css", ".wasm": "application/wasm", ".ts": "text/plain",
};

export function serve(port = 8080) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const prefix = Object.keys(roots).find((p) => path.startsWith(p));
    const rel = normalize(path.slice(prefix.length) || "index.html");
    if (rel.startsWith("..")) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(join(roots[prefix], rel));
      res.writeHead(200, { "content-type": types[extname(rel)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}`);
    }
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await serve(Number(process.argv[2] ?? 8080));
  console.log(`split calculator: http://localhost:${server.address().port}/`);
}
