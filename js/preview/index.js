// PreviewPanel's entry: its stylesheet and its view.

import "../style.css";
import { render } from "./view.js";

export default { render };
