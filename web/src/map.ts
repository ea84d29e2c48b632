/**
 * The map: MapLibre GL with a basemap drawn from the project's own GeoJSON (served by the COP server
 * under /basemap/), so nothing is fetched from a tile server, and no glyphs or sprites (labels are HTML
 * markers). Layers above it are replaced wholesale by `draw` from the operator's current picture.
 */

import type { GeoJSONSource, StyleSpecification } from "maplibre-gl";
import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
// The worker ships beside the bundle (Vite copies it): MapLibre would otherwise look for it next to
// its own module URL, which a bundle does not have.
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";

maplibregl.setWorkerUrl(workerUrl);

/** Colours of the parties (colour-blind-safe Okabe–Ito hues) and of the public. */
export const PARTY_COLOUR: Record<string, string> = {
  USA: "#56B4E9",
  KOR: "#E69F00",
  JPN: "#CC79A7",
  PUBLIC: "#D55E00",
};

const BASEMAP: { id: string; file: string; fill: string; line: string; dash?: number[] }[] = [
  {
    id: "eez",
    file: "eez_approx_equidistance_east_asia.geojson",
    fill: "transparent",
    line: "#2c4a66",
    dash: [2, 2],
  },
  { id: "terrsea", file: "jp_kr_territorial_sea_osm.geojson", fill: "#14304a", line: "#24506f" },
  { id: "countries", file: "ne10m_countries_east_asia.geojson", fill: "#2b3138", line: "#59636e" },
  { id: "jp", file: "jp_prefectures_ne10m.geojson", fill: "#323a33", line: "#6a7a6c" },
  { id: "kr", file: "kr_provinces_kostat2018.geojson", fill: "#3a3630", line: "#7a7060" },
];

const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

/** The overlay layers' data. */
export interface Overlay {
  coverage: GeoJSON.FeatureCollection;
  warningAreas: GeoJSON.FeatureCollection;
  ellipses: GeoJSON.FeatureCollection;
  trajectories: GeoJSON.FeatureCollection;
  points: GeoJSON.FeatureCollection;
}

/** Creates the map in `container`; resolves once the style and basemap are loaded. */
export async function createMap(container: HTMLElement): Promise<maplibregl.Map> {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: "sea", type: "background", paint: { "background-color": "#0d1b2a" } }],
  };
  const map = new maplibregl.Map({
    container,
    style,
    center: [135, 38],
    zoom: 3.6,
    attributionControl: false,
    keyboard: true,
    fadeDuration: 0,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  await new Promise<void>((resolve) => map.once("load", () => resolve()));

  for (const b of BASEMAP) {
    map.addSource(b.id, { type: "geojson", data: `${location.origin}/basemap/${b.file}` });
    if (b.fill !== "transparent")
      map.addLayer({ id: `${b.id}-fill`, type: "fill", source: b.id, paint: { "fill-color": b.fill } });
    map.addLayer({
      id: `${b.id}-line`,
      type: "line",
      source: b.id,
      paint: { "line-color": b.line, "line-width": 0.6, ...(b.dash ? { "line-dasharray": b.dash } : {}) },
    });
  }

  const colour: maplibregl.ExpressionSpecification = [
    "match",
    ["get", "party"],
    "USA",
    PARTY_COLOUR.USA as string,
    "KOR",
    PARTY_COLOUR.KOR as string,
    "JPN",
    PARTY_COLOUR.JPN as string,
    "#ffffff",
  ];
  for (const id of ["coverage", "warningAreas", "ellipses", "trajectories", "points"] as const)
    map.addSource(id, { type: "geojson", data: EMPTY });
  map.addLayer({
    id: "coverage-fill",
    type: "fill",
    source: "coverage",
    paint: { "fill-color": colour, "fill-opacity": 0.08 },
  });
  map.addLayer({
    id: "coverage-line",
    type: "line",
    source: "coverage",
    paint: { "line-color": colour, "line-opacity": 0.5, "line-width": 0.8 },
  });
  map.addLayer({
    id: "warning-fill",
    type: "fill",
    source: "warningAreas",
    paint: { "fill-color": PARTY_COLOUR.PUBLIC as string, "fill-opacity": 0.35 },
  });
  map.addLayer({
    id: "warning-line",
    type: "line",
    source: "warningAreas",
    paint: { "line-color": "#ff8a50", "line-width": 1.5 },
  });
  map.addLayer({
    id: "ellipse-fill",
    type: "fill",
    source: "ellipses",
    paint: { "fill-color": colour, "fill-opacity": 0.15 },
  });
  map.addLayer({
    id: "ellipse-line",
    type: "line",
    source: "ellipses",
    paint: { "line-color": colour, "line-width": 1.2 },
  });
  map.addLayer({
    id: "trajectory-line",
    type: "line",
    source: "trajectories",
    filter: ["==", ["get", "own"], true],
    paint: { "line-color": colour, "line-width": ["case", ["get", "fused"], 3.5, 2] },
  });
  map.addLayer({
    id: "trajectory-partner",
    type: "line",
    source: "trajectories",
    filter: ["==", ["get", "own"], false],
    paint: { "line-color": colour, "line-width": 2, "line-dasharray": [3, 2] },
  });
  map.addLayer({
    id: "points",
    type: "circle",
    source: "points",
    paint: {
      "circle-radius": ["match", ["get", "kind"], "launch", 6, "impact", 5, 4],
      "circle-color": ["match", ["get", "kind"], "launch", "#ffffff", colour],
      "circle-stroke-color": colour,
      "circle-stroke-width": 2,
    },
  });
  return map;
}

/** Replaces the overlay data. */
export function drawOverlay(map: maplibregl.Map, o: Overlay): void {
  (map.getSource("coverage") as GeoJSONSource).setData(o.coverage);
  (map.getSource("warningAreas") as GeoJSONSource).setData(o.warningAreas);
  (map.getSource("ellipses") as GeoJSONSource).setData(o.ellipses);
  (map.getSource("trajectories") as GeoJSONSource).setData(o.trajectories);
  (map.getSource("points") as GeoJSONSource).setData(o.points);
}

/** Korea and Japan's main islands: always in view, so an early, short track keeps its context. */
const REGION = { w: 124, s: 31, e: 146, n: 45 };

/** Fits the view to the region, the tracks, their impact ellipses and the warning areas. */
export function fitView(map: maplibregl.Map, o: Overlay): void {
  let w = REGION.w;
  let so = REGION.s;
  let e = REGION.e;
  let n = REGION.n;
  const add = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number" && typeof c[1] === "number") {
      w = Math.min(w, c[0]);
      e = Math.max(e, c[0]);
      so = Math.min(so, c[1]);
      n = Math.max(n, c[1]);
    } else if (Array.isArray(c)) for (const x of c) add(x);
  };
  for (const fc of [o.trajectories, o.ellipses, o.warningAreas])
    for (const f of fc.features) if (f.geometry.type !== "GeometryCollection") add(f.geometry.coordinates);
  map.fitBounds(
    [
      [w, so],
      [e, n],
    ],
    { padding: 40, maxZoom: 6, duration: 0 },
  );
}
