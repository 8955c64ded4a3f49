// Chart.js with only what the studio's charts use (bars, lines, category and linear scales, legend, tooltip). Imported
// dynamically by components/charts, so the library is a chunk of its own that the first load never fetches. Chart.js
// draws on a canvas and evaluates no strings, so it runs under the studio's `default-src 'self'` policy.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

export { Chart };
