// @ts-check
// PreviewPanel's entry: its view (every widget shares the one stylesheet, static/style.css).

import { render } from "./view.js";

export default { render };
