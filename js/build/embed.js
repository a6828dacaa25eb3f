// Copies what export_html inlines into masko_widgets/static/embed/: require.js and
// @jupyter-widgets/html-manager's embed-amd.js, each with its licence text beside it.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const out = "masko_widgets/static/embed";
const manager = "node_modules/@jupyter-widgets/html-manager";

mkdirSync(out, { recursive: true });
copyFileSync("node_modules/requirejs/require.js", `${out}/require.js`);
copyFileSync("js/licenses/requirejs.txt", `${out}/require.js.LICENSE.txt`);
copyFileSync(`${manager}/dist/embed-amd.js`, `${out}/embed-amd.js`);
const { version, license } = JSON.parse(readFileSync(`${manager}/package.json`, "utf8"));
writeFileSync(
  `${out}/embed-amd.js.LICENSE.txt`,
  [
    `@jupyter-widgets/html-manager ${version} (dist/embed-amd.js), copied unchanged.`,
    `Licence: ${license}, the licence of the Jupyter widgets packages:\n`,
    readFileSync("node_modules/@jupyter-widgets/schema/LICENSE", "utf8"),
    "The third-party code bundled in it carries these notices:\n",
    readFileSync(`${manager}/dist/embed.js.LICENSE.txt`, "utf8"),
  ].join("\n"),
);
