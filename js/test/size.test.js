// @ts-check
// No front-end function is longer than 60 lines (the Python side: tests/test_architecture.py).
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as babel from "prettier/plugins/babel";

const MAX_FUNCTION_LINES = 60;
const ROOT = new URL("../", import.meta.url).pathname;

/** @param {string} folder @returns {string[]} every .js file below it */
function sources(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".js") ? [path] : [];
  });
}

/**
 * Functions of a syntax tree longer than the limit, as "line: length".
 * @param {any} node
 * @param {string[]} found
 */
function longFunctions(node, found) {
  if (!node || typeof node.type !== "string") return found;
  if (node.type.includes("Function")) {
    const lines = node.loc.end.line - node.loc.start.line + 1;
    if (lines > MAX_FUNCTION_LINES) found.push(`${node.loc.start.line}: ${lines} lines`);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key === "comments") continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === "object") longFunctions(child, found);
    }
  }
  return found;
}

test("no front-end function is longer than 60 lines", async () => {
  const long = [];
  for (const file of sources(ROOT)) {
    const tree = await babel.parsers.babel.parse(
      readFileSync(file, "utf8"),
      /** @type {any} */ ({}),
    );
    for (const where of longFunctions(tree.program, [])) long.push(`${file}:${where}`);
  }
  assert.deepEqual(long, []);
});
